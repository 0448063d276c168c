"""The controller-manager box lists the controllers the page says kube-controller-manager runs, by upstream's
canonical names: as many as fit on two lines, every one of them in the tooltip."""

import pytest

from bench.fps import synthetic_cluster
from cluster_engine.controller_names import controller_manager_controllers

pytestmark = pytest.mark.browser


def test_the_controller_manager_box_names_the_controllers_it_runs(diagram_page):
    controllers = controller_manager_controllers()
    diagram_page.evaluate(
        "(names) => { document.getElementById('diagram').dataset.controllers = names; }", " ".join(controllers)
    )
    objects = synthetic_cluster(30, 3)[0]
    for index, obj in enumerate(objects):
        obj["metadata"]["resourceVersion"] = str(index + 1)
    diagram_page.evaluate("(objects) => window.bench.store.reset(objects, objects.length)", objects)
    diagram_page.locator("text.controllers").first.wait_for()
    lines = diagram_page.evaluate(
        """() => {
          const plane = document.querySelector(".plane-box").getBBox();
          return [...document.querySelectorAll("text.controllers")].map((text) => ({
            text: text.firstChild.textContent,
            title: text.querySelector("title").textContent,
            inside: text.getBBox().x + text.getBBox().width <= plane.x + plane.width,
          }));
        }"""
    )
    assert len(lines) == 2 and all(line["inside"] for line in lines)
    assert lines[0]["text"].startswith(f"{len(controllers)} controllers: node-lifecycle-controller, ")
    assert lines[1]["text"].startswith("taint-eviction-controller, ") and lines[1]["text"].endswith("…")
    tooltip = lines[0]["title"].split("\n")
    assert tooltip == controllers
    assert "persistentvolume-binder-controller" in tooltip and "persistentvolume-attach-detach-controller" in tooltip
