"""The client's address, for the audit log, sign-in records, lockouts and the mailbox throttle.

Anyone can send an X-Forwarded-For header, so it names the client only when the request came
from a reverse proxy we run (settings.TRUSTED_PROXIES, from RONGJIA_TRUSTED_PROXIES): that proxy
appends the address it saw, so the right-most entry that is not itself one of our proxies is the
client, and anything further left is whatever the client wrote. Otherwise the socket's address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def client_address(request) -> str | None:
    """The address to record for this request (also django-axes' AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_in(_parse(remote), proxies):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is None:
            break  # a proxy of ours wrote nothing usable: do not look past it at client-written text
        if not _is_in(address, proxies):
            return str(address)
    return remote


def from_trusted_proxy(request) -> bool:
    """Whether the socket's peer is one of our proxies, so that its X-Forwarded-* headers may be believed."""
    return _is_in(_parse(request.META.get("REMOTE_ADDR")), _networks(tuple(settings.TRUSTED_PROXIES)))


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"RONGJIA_TRUSTED_PROXIES: {exc} (give IP addresses or networks, "
                                   f"separated by commas)") from None


def _parse(text: str | None):
    """An address from a header entry or REMOTE_ADDR: "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"; else None."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_in(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)
