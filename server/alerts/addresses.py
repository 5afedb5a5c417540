"""Which messaging URLs may be sent to (not, by default, addresses inside our own network), and
where exactly to connect: the addresses that were checked, never a second DNS answer."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

import httpx

REFUSED = "refused: private or local address"

# IPv6 forms that reach an IPv4 address: a gateway on the path may turn 64:ff9b::10.0.0.5
# (NAT64) or 2002:0a00:0005:: (6to4) into a connection to 10.0.0.5 inside our network.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")  # the IPv4 part sits anywhere
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d


@dataclass(frozen=True)
class Resolution:
    """A URL's host resolved once: the addresses to connect to, or why not to."""

    addresses: list[str] = field(default_factory=list)
    refused: str | None = None


def resolve(host: str, port: int) -> list[str]:
    """Every address of `host` in the system resolver's order: the one DNS lookup of a send."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # not :: or ::1 themselves
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def _is_local_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified
            or not ip.is_global)  # also shared (CGNAT), benchmarking and other special ranges


def _is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL_USE or any(_is_local_ip(v4) for v4 in _embedded_ipv4(ip)):
            return True
    return _is_local_ip(ip)


def resolve_checked(url: str, *, allow_private: bool) -> Resolution:
    """`url`'s host resolved once; refused when any address is local (unless allowed).

    No addresses and no refusal means the host did not resolve: the send is retried later."""
    try:
        parsed = httpx.URL(url)
        if not parsed.host:
            return Resolution(refused=REFUSED)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = resolve(parsed.raw_host.decode("ascii"), port)
    except (httpx.InvalidURL, socket.gaierror, UnicodeError, ValueError):
        return Resolution()
    if not allow_private and any(_is_local(address) for address in addresses):
        return Resolution(refused=REFUSED)
    return Resolution(addresses=addresses)


def refused_reason(url: str, *, allow_private: bool) -> str | None:
    """REFUSED when `url`'s host resolves to any local address (unless allowed), else None."""
    if allow_private:
        return None
    return resolve_checked(url, allow_private=False).refused


def pinned(url: str, address: str) -> tuple[httpx.URL, dict[str, str], dict]:
    """The request for `url` sent to `address`: the URL with that address as its host, plus the
    Host header and TLS server name of the original host, so the endpoint still sees its own
    name and its certificate is still checked against that name (not the address)."""
    original = httpx.URL(url)
    name = original.raw_host.decode("ascii")
    headers = {"Host": original.netloc.decode("ascii"),
               # One connection per send: a pooled connection to the same address was set up
               # (SNI, certificate check) for whichever host name used it first.
               "Connection": "close"}
    extensions = {"sni_hostname": name} if original.scheme == "https" else {}
    return original.copy_with(host=address.split("%", 1)[0]), headers, extensions
