"""The reconcile loop and the controller contract, run against the real in-memory API server."""

from cluster_engine.api import errors
from cluster_engine.api.kinds import kind_named
from cluster_engine.runtime.cache import split_key
from cluster_engine.runtime.component import Controller
from cluster_engine.simulation import Simulation


class LabelCopier(Controller):
    """Copies each ConfigMap's `want` label into its data: a minimal level-triggered reconciler."""

    name = "label-copier"
    primary_kind = "ConfigMap"
    resync_period = 30

    def start(self):
        super().start()
        self.watch("ConfigMap")
        self.reconciled = []

    def reconcile(self, key):
        self.reconciled.append((self.ctx.clock.now, key))
        config_map = self.ctx.cache.get("ConfigMap", key)
        if config_map is None:
            return None
        want = config_map["metadata"].get("labels", {}).get("want")
        if want is not None and (config_map.get("data") or {}).get("copy") != want:
            self.ctx.client.update("ConfigMap", {**config_map, "data": {"copy": want}})
        return None


def config_map(name, want):
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "labels": {"want": want}},
    }


def new_sim():
    sim = Simulation(seed=1, components=[LabelCopier])
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}])
    return sim


def test_controller_converges_and_is_idempotent():
    sim = new_sim()
    sim.start()
    sim.server.create("ConfigMap", config_map("a", "x"))
    sim.control_plane.drain()
    assert sim.get("ConfigMap", "default/a")["data"] == {"copy": "x"}
    version = sim.get("ConfigMap", "default/a")["metadata"]["resourceVersion"]
    sim.run_for(60)  # two resyncs: reconciles again, writes nothing
    assert sim.get("ConfigMap", "default/a")["metadata"]["resourceVersion"] == version
    copier = sim.control_plane.components[0]
    assert [time for time, key in copier.reconciled if key == "default/a"][-2:] == [30, 60]


def test_conflict_is_retried_with_backoff():
    sim = new_sim()
    copier = sim.control_plane.components[0]
    sim.start()
    original = copier.reconcile
    failures = []

    def flaky(key):
        if len(failures) < 2:
            failures.append(sim.now)
            namespace, name = split_key(key)
            raise errors.conflict(kind_named("ConfigMap"), name)
        return original(key)

    copier.reconcile = flaky
    sim.server.create("ConfigMap", config_map("b", "y"))
    sim.run_for(1)
    assert sim.get("ConfigMap", "default/b")["data"] == {"copy": "y"}
    assert copier.queue.failures("default/b") == 0


def test_step_jumps_to_the_next_happening():
    sim = new_sim()
    sim.start()
    assert sim.step() == 30
    assert sim.now == 30
    assert sim.step() == 60


def test_has_work_tells_an_idle_tick_from_a_busy_one():
    sim = new_sim()
    sim.start()
    assert not sim.control_plane.has_work(29)  # the first resync is due at 30
    assert sim.control_plane.has_work(30)
    sim.server.create("ConfigMap", config_map("c", "z"))
    assert sim.control_plane.has_work(0)  # a queued key
