"""HTML from `string.Template` files, every value escaped unless it is already `Html`."""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files
from string import Template

from starlette.responses import HTMLResponse, Response


class Html(str):
    """Markup this package built from escaped parts: put in a template as it is."""

    __slots__ = ()


def escape(value: object) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def join(parts: list[Html]) -> Html:
    return Html("".join(parts))


@cache
def _template(name: str) -> Template:
    return Template(files(__package__).joinpath("templates", name).read_text("utf-8"))


def render(template: str, /, **values: object) -> Html:
    """The `template` file with `values` put in, each escaped (a missing one is a KeyError:
    a template and its caller that disagree fail in tests, not silently on a page)."""
    return Html(_template(template).substitute({k: escape(v) for k, v in values.items()}))


def page(
    title: str,
    body: Html,
    *,
    status: int = 200,
    script: str | None = None,
    body_class: str = "page",
) -> Response:
    head = render("script.html", src=script) if script else Html("")
    text = render("base.html", title=title, head=head, body=body, body_class=body_class)
    return HTMLResponse(text, status_code=status)


def message_page(status: int, heading: str, text: str, link: str, link_text: str) -> Response:
    body = render("message.html", heading=heading, text=text, link=link, link_text=link_text)
    return page(heading, body, status=status)


def error_line(text: str) -> Html:
    return render("error.html", text=text) if text else Html("")
