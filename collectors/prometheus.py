"""Scraping a node_exporter-style /metrics page into the same metrics as [local]."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import TYPE_CHECKING

from onwatch.collectors.base import BadData, bad_data, clean_data, reports_crashes
from onwatch.collectors.exposition import Figures, read_page
from onwatch.collectors.fetch import fetch_document
from onwatch.collectors.rates import BusyShare, CounterRate
from onwatch.collectors.specs import PrometheusCheck
from onwatch.incidents.sample import Sample

if TYPE_CHECKING:
    from onwatch.collectors.client import Client

# The classic text format: every exporter speaks it, and it is what our parser reads.
ACCEPT = "text/plain;version=0.0.4;q=1.0, */*;q=0.1"


class PrometheusCollector:
    """Reports cpu (from the second scrape on: it is a rate), memory, swap, disk:<mount>,
    load/load1/load15 per core, net_errors/net_drops per second, one sample per extra rule,
    plus `up` and `bad_data`."""

    def __init__(self, spec: PrometheusCheck, client: Client) -> None:
        self.spec = spec
        self.client = client
        self._cpu = BusyShare()
        self._errors = CounterRate()
        self._drops = CounterRate()

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        source, check = self.spec.source, self.spec.name
        document = await fetch_document(
            self.client,
            self.spec.url,
            source=source,
            check=check,
            headers={"Accept": ACCEPT},
            within=self.spec.timeout,
            now=now,
        )
        if isinstance(document, list):
            return document
        up = document.up
        try:
            text = document.data.decode("utf-8")
            figures = await asyncio.to_thread(read_page, text, self.spec.rules)
        except UnicodeDecodeError:
            return [up, bad_data(source, check, ["body is not UTF-8 text"], now)]
        except BadData as exc:
            return [up, bad_data(source, check, [str(exc)], now)]
        samples = self._samples(figures, now)
        samples.append(up)
        if figures.problems:
            samples.append(bad_data(source, check, figures.problems, now))
        else:
            samples.append(clean_data(source, check, now))
        return samples

    def _samples(self, figures: Figures, now: datetime) -> list[Sample]:
        source, check = self.spec.source, self.spec.name
        values = dict(figures.values)
        if figures.cpu_seconds is not None:
            cpu = self._cpu.update(*figures.cpu_seconds)
            if cpu is not None:
                values["cpu"] = cpu
        at = time.monotonic()
        for metric, counter, rate in (
            ("net_errors", figures.net_errors, self._errors),
            ("net_drops", figures.net_drops, self._drops),
        ):
            if counter is not None:
                per_second = rate.update(counter, at)
                if per_second is not None:
                    values[metric] = per_second
        samples = [Sample(source, check, metric, v, now) for metric, v in values.items()]
        for index, value in figures.rules.items():
            rule = self.spec.rules[index]
            samples.append(Sample(source, check, rule.metric, value, now, labels=rule.labels))
        for index in figures.missing:
            rule = self.spec.rules[index]
            wanted = ",".join(f'{k}="{v}"' for k, v in rule.labels.items())
            series = f"{rule.metric}{{{wanted}}}" if wanted else rule.metric
            reason = f"no series {series} in the scrape"
            # Not Sample.failed: a label named like one of its parameters would clash.
            samples.append(
                Sample(source, check, rule.metric, None, now, error=reason, labels=rule.labels)
            )
        return samples
