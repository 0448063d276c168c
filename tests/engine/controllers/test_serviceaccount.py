from cluster_engine.controllers.serviceaccount import ServiceAccountController
from cluster_engine.simulation import Simulation


def test_default_service_account_in_every_namespace_and_recreated_when_deleted():
    sim = Simulation(seed=1, components=[ServiceAccountController])
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in ("default", "team")])
    sim.start()
    assert sorted((sa["metadata"]["namespace"], sa["metadata"]["name"]) for sa in sim.objects("ServiceAccount")) == [
        ("default", "default"),
        ("team", "default"),
    ]
    old_uid = sim.get("ServiceAccount", "team/default")["metadata"]["uid"]
    sim.operator.delete("ServiceAccount", "team", "default")
    sim.run_for(0)
    recreated = sim.get("ServiceAccount", "team/default")
    assert recreated is not None and recreated["metadata"]["uid"] != old_uid
    assert sim.objects("Secret") == []  # no token Secrets since 1.24


def test_no_account_is_created_in_a_terminating_namespace():
    sim = Simulation(seed=1, components=[ServiceAccountController])
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}])
    sim.start()
    sim.operator.delete("Namespace", None, "team")
    sim.operator.delete("ServiceAccount", "team", "default")
    sim.run_for(5)
    assert sim.get("ServiceAccount", "team/default") is None
    assert sim.ctx.errors == []
