"""Fixtures shared by every test folder: the default language, chromium, and live lab servers.

One Playwright per test module: its sync API allows one running instance per thread, and while it runs it holds an
event loop in the main thread, so it must be gone before later tests run their own loops (asyncio.run).
"""

import pytest
from django.utils import translation
from playwright.sync_api import sync_playwright

from tests.livelab import CHROMIUM, CHROMIUM_ARGS, LabServer, free_port


@pytest.fixture(autouse=True)
def default_language():
    """A request through Django's test client leaves its language active in the thread (LocaleMiddleware does not
    restore it), so a test asking for Japanese would change the language of every test after it."""
    yield
    translation.deactivate()


@pytest.fixture
def lab_server(tmp_path):
    server = LabServer(tmp_path, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
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
