"""`python -m bench [local|client|engine|tui|predictions|serve|history|all]`: run the benchmarks and print their figures as JSON."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    which = argv[0] if argv else "all"
    if which in ("local", "all"):
        from bench import local_bench

        local_bench.main()
    if which in ("client", "all"):
        from bench import raw_client

        raw_client.main()
    if which in ("engine", "all"):
        from bench import engine_bench

        engine_bench.main(float(argv[1]) if len(argv) > 1 else 60.0)
    if which in ("tui", "all"):
        from bench import tui_bench

        tui_bench.main()
    if which in ("predictions", "all"):
        from bench import predictions_bench

        predictions_bench.main()
    if which == "history":  # not in "all": it writes 100,000 incidents first
        from bench import history_bench

        history_bench.main(*(int(a) for a in argv[1:4]))
    if which in ("serve", "all"):
        from bench import serve_bench

        serve_bench.main(float(argv[1]) if len(argv) > 1 else 30.0)


if __name__ == "__main__":
    main(sys.argv[1:])
