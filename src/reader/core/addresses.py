"""Which kind of network an IP address is on, to keep feeds away from local services.

A feed chooses the links the reader fetches (article pages) and where its
server redirects. Pointed at 127.0.0.1, 192.168.1.1 or 169.254.169.254 (a cloud
machine's metadata service), the reader would request local services on the
feed author's behalf (server-side request forgery). fetch.Fetcher refuses such
targets by the addresses a name resolves to, not by the name: `localhost`,
`127.1`, `[::ffff:127.0.0.1]` and a public name whose DNS answers 10.0.0.1 are
all the same loopback or private address.
"""

from __future__ import annotations

import ipaddress

LOOPBACK = "loopback"
PRIVATE = "private"
LINK_LOCAL = "link-local"
MULTICAST = "multicast"
RESERVED = "reserved"

# NAT64 (RFC 6052): 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def address_kind(address: str) -> str | None:
    """The kind of non-public network `address` is on, or None for a public one.

    Raises ValueError for a string that is not an IP address.
    """
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]  # fe80::1%eth0: the zone does not change the kind
    )
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_multicast:
        return MULTICAST
    # 0.0.0.0 and :: connect to this machine on Linux.
    if ip.is_loopback or ip.is_unspecified:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_reserved:  # 240.0.0.0/4 and unassigned IPv6 ranges
        return RESERVED
    if ip.is_private:  # RFC 1918, unique local IPv6, documentation ranges
        return PRIVATE
    if not ip.is_global:  # shared address space (100.64.0.0/10), ...
        return RESERVED
    return None
