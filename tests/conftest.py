"""Fixtures shared by every end-to-end folder: one chromium for the whole session, and live lab servers.

One session-wide Playwright: the browser and classroom tests share it, since Playwright's sync API allows only
one running instance per thread.
"""

import pytest
from playwright.sync_api import sync_playwright

from tests.livelab import CHROMIUM, CHROMIUM_ARGS, LabServer, free_port


@pytest.fixture
def lab_server(tmp_path):
    server = LabServer(tmp_path, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"
