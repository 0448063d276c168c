"""The home and cluster pages in English and Japanese, and the catalog that translates the diagram's scripts."""

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "diagram"
# What the scripts translate: literal arguments of t()/tf(), the labels their button() helpers pass through t(), and
# the legend's category labels.
TRANSLATED_CALL = re.compile(r'\btf?\("((?:[^"\\]|\\.)*)"')
BUTTON_LABEL = re.compile(r'button\("[\w-]+", (?:[^"]*\? )?"([^"]+)"(?: : "([^"]+)")?\)')
CATEGORY_LABELS = re.compile(r"CATEGORY_LABEL = \{(.*?)\};", re.S)


def script_strings() -> set[str]:
    strings = set()
    for script in SCRIPTS.glob("*.js"):
        code = "\n".join(line for line in script.read_text().splitlines() if not line.lstrip().startswith("//"))
        strings.update(TRANSLATED_CALL.findall(code))
        strings.update(label for pair in BUTTON_LABEL.findall(code) for label in pair if label)
        for block in CATEGORY_LABELS.findall(code):
            strings.update(re.findall(r': "([^"]+)"', block))
    return strings


def test_the_home_page_lists_clusters_and_links_to_the_classroom(client, demo):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body
    assert '<a class="cluster-link" href="/clusters/demo/">demo</a>' in body
    assert '<a href="/classroom/">Classroom</a>' in body
    assert 'name="language"' in body


def test_the_japanese_cluster_page(client, demo):
    body = client.get("/clusters/demo/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in body
    assert '<button type="button" role="tab" data-tab="events" aria-selected="true">イベント</button>' in body
    assert "<h2>kubectl／API リクエスト</h2>" in body
    assert '<script src="/jsi18n/"></script>' in body
    assert '<option value="ja" selected>日本語</option>' in body


def test_the_japanese_home_page(client, demo):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<h1>クラスター</h1>" in body
    assert "コントロールプレーン 1 台" in body


def test_the_scripts_catalog_translates_every_diagram_string_to_japanese(client):
    script = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    catalog = json.loads(script.split("const newcatalog = ", 1)[1].split(";\n", 1)[0])
    assert catalog["API server up"] == "API サーバー稼働中"
    assert catalog["Unknown in %(time)s"] == "あと %(time)s で Unknown"
    assert (
        catalog["No request yet: try kubectl get pods."]
        == "まだリクエストはありません。kubectl get pods を試してみましょう。"
    )
