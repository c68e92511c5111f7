"""The event-stream parser: whole events out of bytes however the network cut them."""

from __future__ import annotations

from onwatch.remote import SseEvent, SseParser

STREAM = b'event: hello\ndata: {"name": "dana"}\n\n: ping\n\nevent: incident\ndata: {"id": 1}\n\n'


def test_events_come_out_whole_however_the_bytes_are_split() -> None:
    expected = [SseEvent("hello", '{"name": "dana"}'), SseEvent("incident", '{"id": 1}')]
    for size in (1, 2, 3, 7, len(STREAM)):
        parser = SseParser()
        events = []
        for start in range(0, len(STREAM), size):
            events += parser.feed(STREAM[start : start + size])
        assert events == expected, size


def test_comments_are_not_events_and_an_event_waits_for_its_blank_line() -> None:
    parser = SseParser()
    assert parser.feed(b": ping\n\n: ping\n") == []
    assert parser.feed(b"event: status\ndata: {}\n") == []
    assert parser.feed(b"\n") == [SseEvent("status", "{}")]


def test_data_lines_join_and_crlf_or_cr_end_lines_too() -> None:
    parser = SseParser()
    events = parser.feed(b"data: one\r\ndata:two\r\n\r")
    events += parser.feed(b"\nevent: x\rdata: y\r\r")
    assert events == [SseEvent("message", "one\ntwo"), SseEvent("x", "y")]


def test_a_line_over_the_limit_drops_its_event_and_the_stream_goes_on() -> None:
    parser = SseParser(max_line=64)
    events = parser.feed(b"event: incident\ndata: " + b"x" * 50)
    events += parser.feed(b"y" * 50 + b"\n\n")
    events += parser.feed(b"event: status\ndata: small\n\n")
    assert events == [SseEvent("status", "small")]
    assert parser.dropped == 1


def test_an_unfinished_line_is_bounded_in_memory() -> None:
    parser = SseParser(max_line=1024)
    for _ in range(100):
        assert parser.feed(b"z" * 1000) == []
    assert len(parser._buffer) <= 1024
    assert parser.feed(b"\n\ndata: after\n\n") == [SseEvent("message", "after")]
