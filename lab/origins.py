"""WebSockets are accepted only from the lab's own pages: the Origin must be the very origin the socket was opened on.

A browser sends its page's origin with every WebSocket handshake, and cookies go along whatever that page is, so any
page the browser visits could otherwise drive the lab with the visitor's session. Channels' AllowedHostsOriginValidator
compares the Origin's host name alone with ALLOWED_HOSTS: another port on the same host (any other program a student
runs on localhost) passes. Here scheme, host and port must all match the socket's own (its Host header, which must
itself be an allowed host), as Django's CSRF check does for forms; CSRF_TRUSTED_ORIGINS names the extra origins a
proxy in front may present (https://lab.example.org when it ends TLS).
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as `http://127.0.0.1:8000`; None if it is not a web origin."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def same_origin(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    origin, host = headers.get(b"origin"), headers.get(b"host")
    if origin is None or host is None:
        return False
    origin, host = origin.decode("latin1"), host.decode("latin1")
    sent = origin_of(origin)
    if sent is None:
        return False
    if any(sent == origin_of(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS):
        return True
    domain, _ = split_domain_port(host.lower())
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") == "wss" else "http"  # ASGI: a WebSocket's scheme is "ws" unless said
    return sent == origin_of(f"{scheme}://{host}")


class SameOriginValidator:
    """ASGI middleware: hands a WebSocket from the lab's own origin on to `application`, and denies any other."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if same_origin(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
