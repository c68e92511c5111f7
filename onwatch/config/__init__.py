"""The config: TOML (or the seed JSON) -> validated specs, every problem with file:line:key.

One module per section (`local`, `http`, `tcp`, `agent`, `prometheus`, `notify`, `escalation`,
`maintenance`, `seed` for the seed JSON), each with its keys, its builder and its summary
lines; the value kinds in `schema` and `tables`; problems, `${VAR}`s and line numbers in
`problems`, `env` and `locate`.
"""

from onwatch.config.document import summarize
from onwatch.config.files import locate_config
from onwatch.config.load import default_config, load_config, parse_config
from onwatch.config.model import BUILT_IN, Config
from onwatch.config.problems import ConfigError, Problem, Unresolved

__all__ = [
    "BUILT_IN",
    "Config",
    "ConfigError",
    "Problem",
    "Unresolved",
    "default_config",
    "load_config",
    "locate_config",
    "parse_config",
    "summarize",
]
