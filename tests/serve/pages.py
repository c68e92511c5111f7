"""A browser's part in the page tests, without a browser: a cookie jar, the CSRF field read
from the page it came with, forms posted as a browser posts them."""

from __future__ import annotations

import re

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
REPORTER_TOKEN = "rep-Secret-5c1d9a"


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"no CSRF field in {page.request.url.path}: {page.text[:300]}"
    return found.group(1)


class PageClient:
    def __init__(self, url: str, **options: object) -> None:
        self.http = httpx.Client(base_url=url, timeout=5.0, **options)

    def __enter__(self) -> PageClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, **options: object) -> httpx.Response:
        return self.http.get(path, **options)

    def post_form(self, path: str, fields: dict[str, str], **options: object) -> httpx.Response:
        return self.http.post(path, data=fields, **options)

    def submit(self, form_path: str, fields: dict[str, str], **options: object) -> httpx.Response:
        """Open the form's page, then send it back with its CSRF token, as a person does."""
        form = self.get(form_path)
        assert form.status_code == 200, form.text
        action = form_path.split("?")[0]
        return self.post_form(action, {"csrf": csrf_of(form), **fields}, **options)

    def login(self, token: str, next_path: str = "") -> httpx.Response:
        return self.submit("/login", {"token": token, "next": next_path})
