"""A WebSocket is accepted only from the lab's own origin: scheme, host and port, not the host name alone."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from lab import watchcache
from lab.asgi import application
from lab.demo import create_demo_cluster
from lab.origins import same_origin

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db, channel_layer):
    yield create_demo_cluster()
    watchcache._caches.clear()


def handshake(path: str, host: bytes, origin: bytes | None) -> bool:
    headers = [(b"host", host)] + ([(b"origin", origin)] if origin is not None else [])

    async def scenario():
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return async_to_sync(scenario)()


def test_the_pages_own_origin_is_accepted_and_another_port_of_the_same_host_is_denied(demo):
    path = f"/ws/clusters/{demo.pk}/"
    assert handshake(path, b"127.0.0.1:8000", b"http://127.0.0.1:8000")
    assert not handshake(path, b"127.0.0.1:8000", b"http://127.0.0.1:9999")
    assert not handshake("/ws/classrooms/ABCDEF/", b"127.0.0.1:8000", b"http://127.0.0.1:9999")


@pytest.mark.parametrize(
    ("host", "origin", "accepted"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True),
        ("localhost:8000", "http://LOCALHOST:8000", True),
        ("[::1]:8000", "http://[::1]:8000", True),
        ("localhost", "http://localhost:80", True),
        ("127.0.0.1:8000", "http://127.0.0.1:8001", False),  # another program on the same machine
        ("127.0.0.1:8000", "https://127.0.0.1:8000", False),  # another scheme
        ("127.0.0.1:8000", "http://localhost:8000", False),  # another host, though allowed
        ("127.0.0.1:8000", "http://evil.example:8000", False),
        ("evil.example:8000", "http://evil.example:8000", False),  # a host not in ALLOWED_HOSTS (DNS rebinding)
        ("127.0.0.1:8000", "null", False),  # a sandboxed frame or a file
        ("127.0.0.1:8000", "http://127.0.0.1:notaport", False),
        ("127.0.0.1:8000", None, False),
    ],
)
def test_origin_must_match_scheme_host_and_port(host, origin, accepted):
    headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin else [])
    assert same_origin({"type": "websocket", "headers": headers}) is accepted


def test_a_trusted_origin_before_a_tls_proxy_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://lab.example.org"]
    headers = [(b"host", b"lab.example.org"), (b"origin", b"https://lab.example.org")]
    assert same_origin({"type": "websocket", "headers": headers})
    assert not same_origin({"type": "websocket", "headers": [headers[0], (b"origin", b"https://lab.example.org:8443")]})


def test_a_secure_socket_expects_an_https_origin():
    headers = [(b"host", b"127.0.0.1:6443"), (b"origin", b"https://127.0.0.1:6443")]
    assert same_origin({"type": "websocket", "scheme": "wss", "headers": headers})
    assert not same_origin({"type": "websocket", "headers": headers})
