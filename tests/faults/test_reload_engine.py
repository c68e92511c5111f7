"""A reloaded config applied to a running engine: what changed is swapped, what it knows stays."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from onwatch.engine import EngineSettings
from onwatch.engine.reload import ReloadReport
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Threshold
from onwatch.notify.channels import Channel
from tests.engine.conftest import Scripted, make_engine, wait_for, watch


async def test_a_valid_reload_keeps_open_incidents_and_tells_nobody_twice(store, receiver) -> None:
    down = Scripted(watch("web", interval=0.05), lambda: "connection refused")
    steady = Scripted(watch("db", interval=0.05, warning=90), lambda: 10.0)
    fresh = Scripted(watch("api", interval=0.05), lambda: "timed out")
    collectors = {"web": down, "db": steady, "api": fresh}
    first = NotifySettings(desktop=False, channels=(Channel("team", receiver.url("a")),))
    engine = make_engine(store, {"web": down, "db": steady}, notify=first)
    engine._probes._build_collector = lambda w: collectors[w.name]
    told: list[ReloadReport] = []
    engine.reload_hooks.append(told.append)
    await engine.start()
    try:
        await wait_for(lambda: len(store.unclosed()) == 1 and len(receiver.on("a")) == 1)
        opened = store.unclosed()[0]
        edited = dataclasses.replace(steady.watch, rules={"value": Threshold(warning=5)})
        second = NotifySettings(desktop=False, channels=(Channel("team", receiver.url("b")),))
        settings = EngineSettings(watches=(down.watch, edited, fresh.watch), notify=second)
        report = await engine.apply_config(settings)
        assert (report.added, report.changed, report.removed) == (("api",), ("db",), ())
        assert report.notify and told == [report]
        # The edited check judges by its new threshold, the new check opens its own incident,
        # and both are told on the new channel; the incident open before is told to nobody again.
        await wait_for(lambda: len(store.unclosed()) == 3 and len(receiver.on("b")) >= 2)
        await engine.settle()
        assert opened.id in engine.incidents
        assert store.get(opened.id).state == opened.state
        assert len(receiver.on("a")) == 1
        said = [f"{r.payload.get('title')} {r.payload.get('message')}" for r in receiver.on("b")]
        assert said and not any("web" in text for text in said), said

        report = await engine.apply_config(EngineSettings(watches=(edited, fresh.watch)))
        assert report.removed == ("web",)
        stopped_at = down.calls
        later = fresh.calls + 5
        await wait_for(lambda: fresh.calls > later)
        assert down.calls == stopped_at
    finally:
        await engine.stop()


async def test_a_removed_check_never_raises_no_data(store) -> None:
    gone = Scripted(watch("web", interval=1), lambda: 1.0)
    engine = make_engine(store, {"web": gone})
    await engine.start(schedule=False)
    try:
        await engine.run_checks()
        assert engine.evaluator.tick(engine.clock() + timedelta(days=1))  # watched: no data
        await engine.apply_config(EngineSettings())
        assert engine.evaluator.tick(engine.clock() + timedelta(days=2)) == []
    finally:
        await engine.stop()


async def test_an_unchanged_config_reports_nothing_changed(store) -> None:
    steady = Scripted(watch("db", interval=1), lambda: 1.0)
    engine = make_engine(store, {"db": steady})
    told: list[ReloadReport] = []
    engine.reload_hooks.append(told.append)
    await engine.start(schedule=False)
    try:
        report = await engine.apply_config(engine.settings)
        assert report.empty and report.summary() == "config reloaded: nothing changed"
        assert told == []
    finally:
        await engine.stop()


async def test_checklists_actions_secrets_and_the_heartbeat_apply_at_once(
    store,
) -> None:
    from onwatch.engine.specs import Action, HeartbeatSpec
    from onwatch.incidents.checklist import Guide

    steady = Scripted(watch("db", interval=1), lambda: 1.0)
    engine = make_engine(store, {"db": steady})
    await engine.start(schedule=False)
    try:
        acting = dataclasses.replace(steady.watch, actions=(Action("opened", ("true",)),))
        settings = EngineSettings(
            watches=(acting,),
            guides={"db": Guide(items=("look at the replicas",))},
            heartbeat=HeartbeatSpec("https://hc.example/ping/s3cr3t-uuid"),
        )
        report = await engine.apply_config(settings)
        assert report.changed == ("db",)
        assert report.other == ("checklists", "heartbeat")
        assert "heartbeat changed" in report.summary()
        assert engine.operations.guides == {"db": Guide(items=("look at the replicas",))}
        assert engine._watch_actions[(acting.source, "db")] == acting.actions
        assert engine.heartbeat is not None and engine.heartbeat.spec == settings.heartbeat
        assert engine._own_health.heartbeat is engine.heartbeat
        said = engine.actions.redactor.redact("GET https://hc.example/ping/s3cr3t-uuid failed")
        assert "s3cr3t-uuid" not in said
    finally:
        await engine.stop()


async def test_a_changed_alertmanager_is_talked_to_from_the_reload_on(store) -> None:
    from onwatch.notify.alertmanager_target import AlertmanagerTarget

    steady = Scripted(watch("db", interval=1), lambda: 1.0)
    engine = make_engine(store, {"db": steady})
    await engine.start(schedule=False)
    try:
        assert engine.alertmanager is None
        first = AlertmanagerTarget("http://127.0.0.1:9/", token="am-secret")
        report = await engine.apply_config(dataclasses.replace(engine.settings, alertmanager=first))
        assert report.other == ("alertmanager",)
        assert engine.alertmanager is not None and engine.alertmanager.client.target == first
        moved = dataclasses.replace(first, url="http://127.0.0.1:10/")
        await engine.apply_config(dataclasses.replace(engine.settings, alertmanager=moved))
        assert engine.alertmanager.client.target == moved
        await engine.apply_config(dataclasses.replace(engine.settings, alertmanager=None))
        assert engine.alertmanager is None
    finally:
        await engine.stop()
