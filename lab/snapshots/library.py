"""The scenario library: prepared snapshots of moments worth teaching, each made by running the simulated control
plane from the demo cluster to that moment.

The files live in `lab/snapshot_library/<slug>.yaml`; `manage.py snapshot_library` writes them again. A generator
runs the engine's in-memory Simulation on a fixed seed and epoch, so the same code always writes the same file.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from cluster_engine.api.availability import POWER_ANNOTATION
from cluster_engine.api.kinds import ALL_KINDS
from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation

from ..models import Topology
from .document import header, render

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "snapshot_library"
SEED = 1
SETTLE_SECONDS = 60  # the demo's three web pods are scheduled, started and ready well within this
FAILING_NODE = "worker-2"
# upstream: --node-monitor-grace-period=50s; the heartbeats stopped this long before the snapshot, just under it
SILENT_SECONDS = 40
BIG_POD_CPU = "3"  # more than any worker's 1900m allocatable (an AKS Standard_DS2_v2's)
NEW_IMAGE = "nginx:1.28"


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    description: str
    build: Callable[[Simulation], None]

    @property
    def path(self) -> Path:
        return LIBRARY_DIR / f"{self.slug}.yaml"

    def read(self) -> str:
        return self.path.read_text()


def _settled() -> Simulation:
    simulation = Simulation(seed=SEED)
    simulation.apply(demo_objects(Topology.SINGLE))
    simulation.start()
    simulation.run_for(SETTLE_SECONDS)
    return simulation


def _node_about_to_fail(simulation: Simulation) -> None:
    annotations = {"metadata": {"annotations": {POWER_ANNOTATION: "off"}}}
    simulation.operator.patch("Node", None, FAILING_NODE, annotations)
    simulation.run_for(SILENT_SECONDS)


def _unschedulable_pod(simulation: Simulation) -> None:
    container = {"name": "report", "image": "busybox:1.36", "resources": {"requests": {"cpu": BIG_POD_CPU}}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "report", "namespace": "default"}}
    simulation.server.create("Pod", {**pod, "spec": {"containers": [container]}})
    simulation.run_for(10)


def _rollout_in_progress(simulation: Simulation) -> None:
    template = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": NEW_IMAGE}]}}}}
    simulation.server.patch("Deployment", "default", "web", template)
    while not _new_pods_starting(simulation):
        simulation.run_for(0.5)


def _new_pods_starting(simulation: Simulation) -> bool:
    """The rollout's first new pod exists and is not ready yet, while the old pods still serve."""
    pods = simulation.objects("Pod", "default")
    new = [pod for pod in pods if pod["spec"]["containers"][0]["image"] == NEW_IMAGE]
    return bool(new) and not any(_ready(pod) for pod in new)


def _ready(pod: dict) -> bool:
    conditions = pod.get("status", {}).get("conditions") or []
    return any(condition["type"] == "Ready" and condition["status"] == "True" for condition in conditions)


SCENARIOS = (
    Scenario(
        "node-about-to-fail",
        _("Node about to fail"),
        _("worker-2 has lost power and stopped heartbeating: it turns NotReady after the 50 s grace period."),
        _node_about_to_fail,
    ),
    Scenario(
        "unschedulable-pod",
        _("Unschedulable pod"),
        _("The pod report asks for 3 CPUs, more than any worker has: it stays Pending (FailedScheduling)."),
        _unschedulable_pod,
    ),
    Scenario(
        "rollout-in-progress",
        _("Rollout in progress"),
        _("web is rolling from nginx:1.27 to nginx:1.28: press play and the rollout completes."),
        _rollout_in_progress,
    ),
)
BY_SLUG = {scenario.slug: scenario for scenario in SCENARIOS}


def generate(scenario: Scenario) -> str:
    """The scenario's snapshot file, made from scratch."""
    simulation = _settled()
    scenario.build(simulation)
    objects = [obj for kind in ALL_KINDS for obj in simulation.storage.list(kind.kind)]
    facts = header(scenario.slug, simulation.now, simulation.clock.epoch, 1.0, Topology.SINGLE, SEED)
    return render(objects, facts)


def write_library() -> list[Path]:
    LIBRARY_DIR.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        scenario.path.write_text(generate(scenario))
    return [scenario.path for scenario in SCENARIOS]
