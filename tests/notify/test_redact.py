"""Channel URLs are credentials: their pieces never survive into text onwatch writes."""

from __future__ import annotations

import logging

import pytest

from onwatch.notify import Channel, Redactor, url_secrets
from onwatch.notify.redact import RedactingFilter

URLS = [
    "json://user:s3cr3t@127.0.0.1:8080/hook/T0K3N-9f8e?token=abc",
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ops",
    "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/12315544",
    "mailto://alerts:pa%24%24word@smtp.example.com?to=oncall@example.com",
]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("failed for json://user:s3cr3t@127.0.0.1:8080/hook/T0K3N-9f8e?token=abc now", "s3cr3t"),
        ('POST /hook/T0K3N-9f8e?token=abc HTTP/1.1" 503', "T0K3N-9f8e"),
        ('POST /hook/T0K3N-9f8e?token=abc HTTP/1.1" 503', "abc"),
        ("password 's3cr3t' refused", "s3cr3t"),
        ("POST /services/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "TIiajkdnlazkcOXrIdevi7FQ"),
        ("host T1JJ3T3L2 unknown", "T1JJ3T3L2"),
        (
            "bot token AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw rejected",
            "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        ),
        ("auth failed for pa$$word", "pa$$word"),
        ("auth failed for pa%24%24word", "pa%24%24word"),
        ("chat 12315544 not found", "12315544"),
    ],
)
def test_every_piece_of_a_url_is_blanked(text: str, secret: str) -> None:
    redacted = Redactor.for_urls(URLS).redact(text)
    assert secret not in redacted.replace("***", " ")
    assert "***" in redacted or "<url>" in redacted


def test_ordinary_words_and_numbers_survive() -> None:
    redactor = Redactor.for_urls(["json://127.0.0.1:8080/hook?cto=4&rto=8&method=POST"])
    text = "oncall failed: HTTP 503, giving up after 4 attempts; webhook POST"
    assert redactor.redact(text) == text


def test_any_url_is_replaced_even_an_unknown_one() -> None:
    assert Redactor().redact("see https://hooks.example/x/y?k=v.") == "see <url>"


def test_the_secret_pieces_include_credentials_host_path_and_query_values() -> None:
    pieces = url_secrets(URLS[0])
    assert {"s3cr3t", "user", "127.0.0.1", "hook", "T0K3N-9f8e", "abc", URLS[0]} <= pieces
    assert "8080" not in pieces  # a port is no secret, and hiding numbers garbles text


def test_a_channel_never_shows_its_url_in_its_repr() -> None:
    channel = Channel("oncall", URLS[0])
    assert "s3cr3t" not in repr(channel)
    assert repr(channel).startswith("Channel(name='oncall'")


def test_the_log_filter_rewrites_messages_and_tracebacks() -> None:
    record_logger = logging.getLogger("tests.notify.redact")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    record_logger.addHandler(handler)
    guard = RedactingFilter(Redactor.for_urls(URLS))
    record_logger.addFilter(guard)
    try:
        record_logger.warning("sending to %s", URLS[0])
        try:
            raise ConnectionError("refused: user:s3cr3t@127.0.0.1 /hook/T0K3N-9f8e")
        except ConnectionError:
            record_logger.exception("failed")
    finally:
        record_logger.removeFilter(guard)
        record_logger.removeHandler(handler)
    formatted = "\n".join(logging.Formatter().format(r) for r in records)
    assert "sending to <url>" in formatted
    assert "s3cr3t" not in formatted and "T0K3N" not in formatted
    assert "ConnectionError: refused: ***@*** /***/***" in formatted
