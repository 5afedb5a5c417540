"""Which messaging URLs may be sent to: not, by default, addresses inside our own network."""

from __future__ import annotations

import ipaddress
import socket

import httpx

REFUSED = "refused: private or local address"


def _is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified
            or not ip.is_global)  # also shared (CGNAT), benchmarking and other special ranges


def refused_reason(url: str, *, allow_private: bool) -> str | None:
    """REFUSED when `url`'s host resolves to any local address (unless allowed), else None.

    Resolution failures are not refusals: the send fails on the network and is retried."""
    if allow_private:
        return None
    try:
        parsed = httpx.URL(url)
        if not parsed.host:
            return REFUSED
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        infos = socket.getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
    except (httpx.InvalidURL, socket.gaierror, UnicodeError, ValueError):
        return None
    if any(_is_local(info[4][0]) for info in infos):
        return REFUSED
    return None
