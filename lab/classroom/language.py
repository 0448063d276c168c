"""The language a WebSocket speaks: the one its page was rendered in (the language cookie, then the browser's)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def language_of(scope: dict) -> str:
    candidates = []
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        candidates.append(cookie)
    for name, value in scope.get("headers") or []:
        if name == b"accept-language":
            candidates += [code for code, _quality in parse_accept_lang_header(value.decode("latin-1"))]
    for candidate in candidates:
        try:
            return translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
