"""A reporter's contact: names pass as they are, URLs only when apprise can notify them."""

from __future__ import annotations

import pytest

from onwatch.engine.contacts import check_contact
from onwatch.incidents import InvalidInput


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (None, None),
        ("  ", None),
        (" ana ", "ana"),
        ("mailto://desk@example.com", "mailto://desk@example.com"),
        ("json://127.0.0.1:9/reporter", "json://127.0.0.1:9/reporter"),
    ],
)
def test_names_and_usable_urls_are_kept(given: str | None, kept: str | None) -> None:
    assert check_contact(given) == kept


@pytest.mark.parametrize("given", ["nosuch://thing", "json://", "a\nb", "x" * 201])
def test_what_nobody_could_reach_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput):
        check_contact(given)


def test_the_refusal_never_echoes_the_url() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_contact("nosuch://user:s3cr3t@host")
    assert "s3cr3t" not in str(refused.value)
