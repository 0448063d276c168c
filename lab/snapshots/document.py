"""A snapshot file: one YAML document that kubectl accepts as a `v1` List holding every object of a cluster.

The lab's own facts (the simulated clock, its speed, the topology and the seed) travel as one more item, the
ConfigMap `kube-system/kubelab-snapshot`: kubectl's List decoder keeps no field of its own beyond `items`, whereas an
object is applied, printed and diffed like any other. The header is read back on import and is not itself restored.
Faults are annotations on the objects, so they travel with them. resourceVersions are left out: they belong to the
cluster that stored the objects (etcd's revision), and the importing cluster numbers them anew. So are the service
accounts behind the lab's kubeconfigs (annotated with the role their tokens carry): access is the lab's to grant, per
cluster, and a file that carried such an account could hand every visitor of the imported cluster an admin token.
"""

import yaml

from cluster_engine.api.kinds import ALL_KINDS

from ..kubeapi.auth import ROLE_ANNOTATION

FORMAT_VERSION = "1"
HEADER_NAME = "kubelab-snapshot"
HEADER_NAMESPACE = "kube-system"
HEADER_LABEL = "kubelab.io/snapshot"


def header(source: str, now: float, epoch: float, speed: float, topology: str, seed: int) -> dict:
    """The ConfigMap carrying the lab's facts. Floats are written with repr, which reads back to the same float."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": HEADER_NAME,
            "namespace": HEADER_NAMESPACE,
            "labels": {HEADER_LABEL: FORMAT_VERSION},
        },
        "data": {
            "formatVersion": FORMAT_VERSION,
            "cluster": source,
            "now": repr(float(now)),
            "epoch": repr(float(epoch)),
            "speed": repr(float(speed)),
            "topology": str(topology),
            "seed": str(seed),
        },
    }


def is_access_account(obj: dict) -> bool:
    """A service account whose tokens the lab issues with the role its annotation names."""
    return obj["kind"] == "ServiceAccount" and ROLE_ANNOTATION in (obj["metadata"].get("annotations") or {})


def ordered(objects: list[dict]) -> list[dict]:
    """Objects in the order kubectl should apply them: kinds as the API lists them (Namespaces first), then by
    namespace and name, so the same cluster always exports the same file."""
    rank = {kind.kind: index for index, kind in enumerate(ALL_KINDS)}
    return sorted(
        objects,
        key=lambda obj: (
            rank.get(obj["kind"], len(rank)),
            obj["metadata"].get("namespace") or "",
            obj["metadata"]["name"],
        ),
    )


def without_version(obj: dict) -> dict:
    return {**obj, "metadata": {key: value for key, value in obj["metadata"].items() if key != "resourceVersion"}}


def render(objects: list[dict], facts: dict) -> str:
    """The snapshot's YAML: the header first, then every object as stored, without its resourceVersion."""
    items = [facts, *(without_version(obj) for obj in ordered(objects))]
    document = {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
