"""The language a WebSocket speaks: the one its page was rendered in.

The page knows what it rendered (`<html lang>`) and says so in the socket's URL (`?language=ja`); the handshake's
own headers are no guide, since a browser need not send the cookie's or the page's language with them. A socket
that names no supported language speaks the installation's default.
"""

from urllib.parse import parse_qs

from django.conf import settings
from django.utils import translation

LANGUAGE_PARAMETER = "language"


def language_of(scope: dict) -> str:
    query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    for candidate in query.get(LANGUAGE_PARAMETER, ()):
        try:
            return translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
