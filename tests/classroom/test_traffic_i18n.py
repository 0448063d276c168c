"""Every text the traffic panel and band show has a Japanese translation in the browser's catalog."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "diagram" / "traffic.js"
CATALOG = ROOT / "locale" / "ja" / "LC_MESSAGES" / "djangojs.mo"
SAME_IN_BOTH = {"Service", "HTTP 503", "Service %(name)s"}  # names read the same in Japanese


def texts() -> set[str]:
    source = SCRIPT.read_text()
    called = set(re.findall(r'\btf?\("((?:[^"\\]|\\.)+)"', source))
    labels = source[source.index("const RESULT_LABEL") : source.index("};", source.index("const RESULT_LABEL"))]
    return called | set(re.findall(r':\s*"([^"]+)"', labels))


def test_every_traffic_text_is_translated_to_japanese():
    catalog = gettext.GNUTranslations(CATALOG.open("rb"))
    found = texts()
    assert {"Traffic", "timed out", "%(rate)s succeeded"} <= found  # the search finds calls and labels alike
    untranslated = sorted(text for text in found if catalog.gettext(text) == text and text not in SAME_IN_BOTH)
    assert untranslated == []
