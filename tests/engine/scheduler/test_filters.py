"""Each filter plugin's verdict and upstream reason string, read from the decision record."""

from .objects import cluster, node, pod, schedule


def verdict(decision, node_name):
    return decision.verdicts.get(node_name)


def test_cordoned_node_is_unschedulable_unless_tolerated():
    _, algorithm = cluster(node("node-a", unschedulable=True), node("node-b"))
    decision = schedule(algorithm, pod("web", cpu="100m"))
    assert verdict(decision, "node-a") == {"plugin": "NodeUnschedulable", "reasons": ["node(s) were unschedulable"]}
    toleration = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}
    tolerant = schedule(algorithm, pod("daemon", cpu="100m", tolerations=[toleration]))
    assert tolerant.feasible == 2


def test_node_name_pins_the_pod():
    _, algorithm = cluster(node("node-a"), node("node-b"))
    decision = schedule(algorithm, pod("pinned", nodeName="node-b"))
    assert decision.node == "node-b"
    assert verdict(decision, "node-a") == {
        "plugin": "NodeName",
        "reasons": ["node(s) didn't match the requested node name"],
    }


def test_host_port_conflicts_only_on_same_protocol_and_overlapping_ip():
    def with_port(name, port, protocol="TCP", host_ip=None):
        item = pod(name, cpu="100m")
        entry = {
            "containerPort": 80,
            "hostPort": port,
            "protocol": protocol,
            **({"hostIP": host_ip} if host_ip else {}),
        }
        item["spec"]["containers"][0]["ports"] = [entry]
        return item

    _, algorithm = cluster(node("node-a"), node("node-b"), pods=[(with_port("first", 8080), "node-a")])
    decision = schedule(algorithm, with_port("second", 8080))
    assert verdict(decision, "node-a") == {
        "plugin": "NodePorts",
        "reasons": ["node(s) didn't have free ports for the requested pod ports"],
    }
    assert schedule(algorithm, with_port("udp", 8080, "UDP")).feasible == 2
    assert schedule(algorithm, with_port("specific-ip", 8080, host_ip="10.0.0.1")).feasible == 1


def test_resources_fit_reports_every_insufficient_resource_and_pod_count():
    _, algorithm = cluster(node("small", cpu="1", memory="1Gi", pods="1"), pods=[(pod("resident"), "small")])
    decision = schedule(algorithm, pod("big", cpu="2", memory="2Gi"))
    assert verdict(decision, "small") == {
        "plugin": "NodeResourcesFit",
        "reasons": ["Too many pods", "Insufficient cpu", "Insufficient memory"],
    }
    assert decision.message.startswith(
        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods."
    )


def test_taint_reason_names_the_first_untolerated_taint():
    taints = [
        {"key": "dedicated", "value": "db", "effect": "NoSchedule"},
        {"key": "spot", "value": "", "effect": "NoExecute"},
    ]
    _, algorithm = cluster(node("node-a", taints=taints))
    first = schedule(algorithm, pod("web", cpu="100m"))
    assert verdict(first, "node-a")["reasons"] == ["node(s) had untolerated taint {dedicated: db}"]
    tolerate_db = [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]
    second = schedule(algorithm, pod("db", cpu="100m", tolerations=tolerate_db))
    assert verdict(second, "node-a")["reasons"] == ["node(s) had untolerated taint {spot: }"]
    everything = schedule(algorithm, pod("any", cpu="100m", tolerations=[{"operator": "Exists"}]))
    assert everything.node == "node-a"


def test_node_affinity_operators():
    nodes = [
        node("node-a", labels={"zone": "z1", "cores": "8"}),
        node("node-b", labels={"zone": "z2", "cores": "16"}),
        node("node-c", labels={"zone": "z3"}),
    ]
    _, algorithm = cluster(*nodes)

    def feasible_with(*expressions):
        affinity = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": list(expressions)}]
                }
            }
        }
        decision = schedule(algorithm, pod("web", cpu="100m", affinity=affinity))
        return sorted({"node-a", "node-b", "node-c"} - set(decision.verdicts))

    assert feasible_with({"key": "zone", "operator": "In", "values": ["z1", "z2"]}) == ["node-a", "node-b"]
    assert feasible_with({"key": "zone", "operator": "NotIn", "values": ["z1"]}) == ["node-b", "node-c"]
    assert feasible_with({"key": "cores", "operator": "Exists"}) == ["node-a", "node-b"]
    assert feasible_with({"key": "cores", "operator": "DoesNotExist"}) == ["node-c"]
    assert feasible_with({"key": "cores", "operator": "Gt", "values": ["10"]}) == ["node-b"]
    assert feasible_with({"key": "cores", "operator": "Lt", "values": ["10"]}) == ["node-a"]
    by_field = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-c"]}]}
                ]
            }
        }
    }
    assert schedule(algorithm, pod("by-name", cpu="100m", affinity=by_field)).node == "node-c"
    selected = schedule(algorithm, pod("selected", cpu="100m", nodeSelector={"zone": "z2"}))
    assert selected.node == "node-b"
    assert verdict(selected, "node-a") == {
        "plugin": "NodeAffinity",
        "reasons": ["node(s) didn't match Pod's node affinity/selector"],
    }


def test_spread_rejects_nodes_missing_the_topology_key():
    _, algorithm = cluster(node("node-a", labels={"zone": "z1"}), node("node-b"))
    constraint = {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {}}
    decision = schedule(algorithm, pod("web", cpu="100m", topologySpreadConstraints=[constraint]))
    assert verdict(decision, "node-b") == {
        "plugin": "PodTopologySpread",
        "reasons": ["node(s) didn't match pod topology spread constraints (missing required label)"],
    }


def test_required_affinity_needs_a_matching_pod_in_the_domain_except_for_the_first_of_a_group():
    term = {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone"}
    affinity = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    nodes = node("node-a", labels={"zone": "z1"}), node("node-b", labels={"zone": "z2"})
    _, empty = cluster(*nodes)
    first_db = schedule(empty, pod("db-0", cpu="100m", labels={"app": "db"}, affinity=affinity))
    assert first_db.feasible == 2  # no db pod anywhere yet and the pod matches its own term
    lonely = schedule(empty, pod("web", cpu="100m", labels={"app": "web"}, affinity=affinity))
    assert lonely.rejections == {"node(s) didn't match pod affinity rules": 2}
    _, algorithm = cluster(*nodes, pods=[(pod("db-0", labels={"app": "db"}), "node-b")])
    assert schedule(algorithm, pod("web", cpu="100m", labels={"app": "web"}, affinity=affinity)).node == "node-b"


def test_existing_pods_anti_affinity_rejects_matching_newcomers():
    loner = pod(
        "loner",
        labels={"app": "loner"},
        affinity={
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}
                ]
            }
        },
    )
    _, algorithm = cluster(node("node-a"), node("node-b"), pods=[(loner, "node-a")])
    decision = schedule(algorithm, pod("web", cpu="100m", labels={"app": "web"}))
    assert verdict(decision, "node-a") == {
        "plugin": "InterPodAffinity",
        "reasons": ["node(s) didn't satisfy existing pods anti-affinity rules"],
    }
    assert schedule(algorithm, pod("other", cpu="100m", labels={"app": "other"})).feasible == 2
