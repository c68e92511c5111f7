"""Listen addresses (`HOST:PORT`) and whether one is reachable from this host only: shared by
`onwatch agent` and `onwatch serve`, which both refuse the network without a token."""

from __future__ import annotations

import ipaddress


def parse_listen(listen: str) -> tuple[str, int]:
    """'127.0.0.1:9108', '[::1]:9108', 'localhost:9108' -> (host, port)."""
    host, colon, port_text = listen.rpartition(":")
    if not colon or not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        raise ValueError(f"--listen expects HOST:PORT, got {listen!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise ValueError(f"--listen needs a host (e.g. 127.0.0.1:{port_text}), got {listen!r}")
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere
