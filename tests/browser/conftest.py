import pytest

from bench.fps import serve_diagram_page


@pytest.fixture
def diagram_page(page):
    """The diagram's modules on a bare page whose store the test feeds (window.bench.store), no lab behind it."""
    server = serve_diagram_page()
    page.goto(f"http://127.0.0.1:{server.server_port}/")
    page.wait_for_function("window.bench !== undefined")
    yield page
    server.shutdown()
