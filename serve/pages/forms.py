"""A form's body: urlencoded, small, each field once."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from onwatch.serve.bodies import read_bytes
from onwatch.serve.errors import ApiError

MAX_FORM = 16 * 1024
"""The largest form here (a report) is under 7,000 characters, 16 KiB once percent-encoded
as far as it usually goes; past that it is not one of ours."""
MAX_FIELDS = 20
FORM_TYPE = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a form posted by a browser; ApiError (400, 413, 415) for anything else."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_bytes(request, MAX_FORM)
    # No fields and so no type is an empty form (its checks then refuse it), not a mistake.
    if content_type != FORM_TYPE and (content_type or raw):
        raise ApiError(415, f"a form is sent as {FORM_TYPE}")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
        )
    except UnicodeDecodeError:
        raise ApiError(400, "the form is not UTF-8") from None
    except ValueError:
        raise ApiError(400, "the form has too many fields") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise ApiError(400, f"the form sends {key} twice")
        fields[key] = value
    return fields
