"""Table cells for DaemonSets, their ControllerRevisions and PodDisruptionBudgets, as upstream's printers
(printDaemonSet, printControllerRevision, printPodDisruptionBudget) fill them; the columns sit in `tables`."""

from datetime import datetime

from ..durations import age
from .selectors import label_selector_string, map_selector_string

NOT_SET = "N/A"


def daemonset_cells(ds: dict, now: datetime) -> list:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    containers = template_spec.get("containers") or []
    return [
        ds["metadata"].get("name", ""),
        status.get("desiredNumberScheduled", 0),
        status.get("currentNumberScheduled", 0),
        status.get("numberReady", 0),
        status.get("updatedNumberScheduled", 0),
        status.get("numberAvailable", 0),
        map_selector_string(template_spec.get("nodeSelector")),
        age(ds["metadata"].get("creationTimestamp"), now),
        ",".join(container.get("name", "") for container in containers),
        ",".join(container.get("image", "") for container in containers),
        label_selector_string(spec.get("selector")),
    ]


def disruption_budget_cells(budget: dict, now: datetime) -> list:
    spec = budget.get("spec") or {}
    return [
        budget["metadata"].get("name", ""),
        NOT_SET if spec.get("minAvailable") is None else str(spec["minAvailable"]),
        NOT_SET if spec.get("maxUnavailable") is None else str(spec["maxUnavailable"]),
        (budget.get("status") or {}).get("disruptionsAllowed", 0),
        age(budget["metadata"].get("creationTimestamp"), now),
    ]
