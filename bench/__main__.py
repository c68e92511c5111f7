"""`python -m bench [local|client|engine|glances|http|parse|tui|predictions|serve|history|all]`.

Each prints its figures as JSON lines; `glances`, `http` and `tui` also print a short table of
the comparison they exist for. `all` runs every one with its defaults but `history` (it writes
100,000 incidents first), then prints a summary of the ratios. `python -m bench glances
--duration 20` (flags as each bench's --help says); `python -m bench history [COUNT] [MONTHS]`.
"""

from __future__ import annotations

import sys

ORDER = ("local", "client", "engine", "glances", "http", "tui", "predictions", "serve")


def _run(which: str, rest: list[str]) -> object:
    if which == "local":
        from bench import local_bench

        return local_bench.main()
    if which == "client":
        from bench import raw_client

        return raw_client.main()
    if which == "engine":
        from bench import engine_bench

        return engine_bench.main(float(rest[0]) if rest else 60.0)
    if which == "glances":
        from bench import glances_bench

        return glances_bench.main(rest)
    if which == "http":
        from bench import http_bench

        return http_bench.main(rest)
    if which == "parse":
        from bench import parse_bench

        return parse_bench.main()
    if which == "tui":
        from bench import tui_bench

        return tui_bench.main(rest)
    if which == "predictions":
        from bench import predictions_bench

        return predictions_bench.main()
    if which == "history":
        from bench import history_bench

        return history_bench.main(*(int(a) for a in rest[:3]))
    if which == "serve":
        from bench import serve_bench

        return serve_bench.main(float(rest[0]) if rest else 30.0)
    raise SystemExit(f"unknown bench {which!r}: one of {', '.join(ORDER)}, parse, history, all")


def _summary(results: dict[str, object]) -> None:
    print("\nSummary (ratios from the same run):")
    glances = results.get("glances")
    if isinstance(glances, dict):
        print(
            f"  onwatch vs Glances, watching this host at 1 s: CPU {glances['ratio_cpu_s']}x"
            f" (target <= 0.5x), peak RSS {glances['ratio_peak_rss_mib']}x (target <= 1.0x)"
        )
    http = results.get("http")
    if isinstance(http, dict):
        for row in http["http_floor_and_engine"]:
            print(
                f"  {row['checks']:>6} HTTP checks at 10 s: engine {row['engine']} ms a check,"
                f" {row['engine_vs_bare_asyncio']}x bare asyncio (target <= 2x),"
                f" lag p99 {row['lag_p99_ms']} ms (target < 250 ms)"
            )
    tui = results.get("tui")
    if isinstance(tui, dict):
        print(
            f"  console vs minimal Textual app: rows on screen {tui.get('ratio_rows_on_screen')}x,"
            f" key to screen {tui.get('ratio_down')}x (target <= 1.5x)"
        )


def main(argv: list[str]) -> None:
    which = argv[0] if argv else "all"
    if which != "all":
        _run(which, argv[1:])
        return
    results = {name: _run(name, []) for name in ORDER}
    _summary(results)


if __name__ == "__main__":
    main(sys.argv[1:])
