"""`onwatch check-config [PATH]`: validate a config and say what it will watch."""

from __future__ import annotations

import argparse
import sys

from onwatch.cli.context import Context
from onwatch.cli.errors import Exit
from onwatch.config import ConfigError, load_config, summarize


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check-config", help="validate a config file and summarise it", parents=[common]
    )
    parser.add_argument("path", nargs="?", help="config file (default: the one onwatch would use)")
    parser.set_defaults(handler=check_config)


def check_config(ctx: Context) -> int:
    explicit = ctx.args.path or getattr(ctx.args, "config", None)
    try:
        # Unset variables are reported too: they would stop `run` and the console.
        config = load_config(explicit, ctx.env).resolved()
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return Exit.USAGE
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for line in summarize(config):
        print(line)
    return Exit.OK
