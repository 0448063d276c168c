"""Frames per second of the diagram in headless chromium while pods move: 300 pods (SVG) and 3,000 (Canvas).

Serves the real static modules and stylesheet from a local HTTP server, feeds the page's store a synthetic
cluster (list, then watch batches that move a tenth of the pods to other nodes every half second, as an
eviction storm would) and counts animation frames. Target: >= 30 fps for both.
Run: .venv/bin/python bench/fps.py [--seconds 5]
"""

import argparse
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/diagram/diagram.css"></head>
<body><div style="width: 900px"><div class="diagram" id="diagram"></div></div>
<script type="module">
import { ClusterStore } from "/diagram/store.js";
import { Diagram } from "/diagram/diagram.js";
const store = new ClusterStore();
const diagram = new Diagram(document.getElementById("diagram"), store, () => {});
window.bench = { store, diagram };
</script></body></html>"""

MEASURE = """async ({objects, nodes, seconds}) => {
  const { store, diagram } = window.bench;
  store.reset(objects, objects.length);
  let version = objects.length;
  const pods = objects.filter((o) => o.kind === "Pod");
  const mover = setInterval(() => {
    const events = [];
    for (let i = 0; i < pods.length / 10; i++) {
      const pod = pods[Math.floor(Math.random() * pods.length)];
      const moved = structuredClone(pod);
      moved.spec.nodeName = nodes[Math.floor(Math.random() * nodes.length)];
      moved.metadata.resourceVersion = String(++version);
      pods[pods.indexOf(pod)] = moved;
      events.push({ type: "MODIFIED", object: moved });
    }
    store.apply(events, version);
  }, 500);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  let frames = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    const tick = () => { frames++; if (performance.now() - started < seconds * 1000) requestAnimationFrame(tick); else resolve(); };
    requestAnimationFrame(tick);
  });
  clearInterval(mover);
  return { fps: frames / ((performance.now() - started) / 1000), mode: diagram.mode };
}"""


def synthetic_cluster(pods: int, nodes: int) -> tuple[list[dict], list[str]]:
    names = [f"worker-{n + 1}" for n in range(nodes)]
    objects = []
    for name in names:
        objects.append(
            {
                "kind": "Node",
                "metadata": {"name": name, "resourceVersion": "1", "labels": {}},
                "spec": {},
                "status": {
                    "allocatable": {"cpu": "1900m", "memory": "5Gi"},
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }
        )
    owner = [{"kind": "ReplicaSet", "name": "web-5d8f", "uid": "rs-1", "controller": True}]
    for number in range(pods):
        objects.append(
            {
                "kind": "Pod",
                "metadata": {
                    "name": f"web-5d8f-{number}",
                    "namespace": "default",
                    "uid": f"pod-{number}",
                    "resourceVersion": "1",
                    "ownerReferences": owner,
                },
                "spec": {
                    "nodeName": names[number % nodes],
                    "containers": [{"name": "app", "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}],
                },
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
            }
        )
    return objects, names


class DiagramPageHandler(SimpleHTTPRequestHandler):
    """The static modules, and at / a page whose diagram follows a store the caller feeds (window.bench)."""

    def do_GET(self):
        if self.path == "/":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


def serve_diagram_page() -> ThreadingHTTPServer:
    """Start serving the diagram page on a free loopback port, in a daemon thread; shut it down when done."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(DiagramPageHandler, directory=str(STATIC)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    arguments = parser.parse_args()
    server = serve_diagram_page()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for pods, nodes in ((300, 10), (3000, 30)):
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                page.goto(f"http://127.0.0.1:{server.server_port}/")
                page.wait_for_function("window.bench !== undefined")
                objects, names = synthetic_cluster(pods, nodes)
                result = page.evaluate(MEASURE, {"objects": objects, "nodes": names, "seconds": arguments.seconds})
                print(f"{pods} pods on {nodes} nodes ({result['mode']}): {result['fps']:.1f} fps")
                page.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
