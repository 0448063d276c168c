"""The inspector's conditions table marks the troubling ones: Ready False, but MemoryPressure True, never False."""

import pytest

from tests.livelab import screenshot

from .test_diagram import open_demo

pytestmark = pytest.mark.browser

TROUBLE_COLOUR = "rgb(138, 58, 0)"


def status_colour(page, condition: str) -> str:
    cell = page.locator(f".conditions tr:has(td:text-is('{condition}')) td:nth-child(2)")
    return cell.evaluate("(td) => getComputedStyle(td).color")


def test_a_healthy_nodes_pressure_conditions_do_not_look_like_trouble(page, lab_server):
    open_demo(page, lab_server)
    page.locator('.node[data-key="worker-1"]').click()
    page.wait_for_selector(".conditions td:text-is('MemoryPressure')")
    for pressure in ("MemoryPressure", "DiskPressure", "PIDPressure"):
        assert page.locator(f".conditions tr:has(td:text-is('{pressure}')) td:nth-child(2)").text_content() == "False"
        assert status_colour(page, pressure) != TROUBLE_COLOUR
    screenshot(page, "inspector-node-conditions")

    # Powered off, the node's Ready turns Unknown (after the grace period) and is marked.
    page.evaluate("window.kubelab.connection.request({action: 'power', node: 'worker-1', state: 'off'})")
    page.evaluate("window.kubelab.connection.request({action: 'clock', speed: 100})")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.conditions tr')].some((row) =>
            row.cells[0].textContent === 'Ready' && row.cells[1].textContent === 'Unknown')""",
        timeout=60_000,
    )
    assert status_colour(page, "Ready") == TROUBLE_COLOUR
