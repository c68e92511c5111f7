"""How a command prints the incident it showed or acted on: the same for `show` and for every
action's `--json`, so a script can read either."""

from __future__ import annotations

from onwatch.cli.backends import incidents_for
from onwatch.cli.context import Context
from onwatch.cli.render import context_detail, incident_detail, print_json
from onwatch.incidents import Incident
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.context import context_to_dict


def print_incident(ctx: Context, incident: Incident) -> None:
    """The incident with its checklist, the changes near it and what fixed it last time."""
    context = incidents_for(ctx).context(incident)
    if ctx.args.json:
        print_json(incident_to_dict(incident) | context_to_dict(context))
    else:
        print(incident_detail(incident, ctx.clock()))
        print(context_detail(incident, context))
