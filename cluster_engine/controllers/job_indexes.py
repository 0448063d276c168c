"""Indexed Jobs: each pod carries a completion index, and the Job records which indexes have succeeded
(pkg/controller/job/indexed_job_utils.go).

`status.completedIndexes` is a compressed list such as "0-2,5": the controller reads it back, adds newly succeeded
pods' indexes, and creates pods only for indexes that neither succeeded nor have an active pod.
"""

COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
INDEX_ENV = "JOB_COMPLETION_INDEX"


def completion_index(pod: dict) -> int | None:
    """The pod's index from its annotation; None when absent or not a non-negative integer."""
    value = (pod["metadata"].get("annotations") or {}).get(COMPLETION_INDEX)
    if value is None or not value.isdigit():
        return None
    return int(value)


def parse(text: str | None, completions: int) -> set[int]:
    """upstream parseIndexesFromString: "1,3-5" → {1, 3, 4, 5}, dropping anything at or past `completions`."""
    found: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        found |= {index for index in range(int(first), int(last or first) + 1) if index < completions}
    return found


def render(indexes: set[int]) -> str:
    """The compressed form: consecutive indexes as ranges."""
    ranges: list[list[int]] = []
    for index in sorted(indexes):
        if ranges and ranges[-1][1] == index - 1:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def first_pending(succeeded: set[int], active: list[dict], count: int, completions: int) -> list[int]:
    """upstream firstPendingIndexes: the lowest indexes with neither a success nor an active pod."""
    held = {completion_index(pod) for pod in active} | succeeded
    return [index for index in range(completions) if index not in held][:count]


def add_to_template(template: dict, job_name: str, index: int) -> None:
    """What the controller adds to an indexed pod: the index annotation and label, a stable hostname, and the
    JOB_COMPLETION_INDEX variable read from the annotation (addCompletionIndexEnvVariables)."""
    metadata = template.setdefault("metadata", {})
    metadata.setdefault("annotations", {})[COMPLETION_INDEX] = str(index)
    metadata.setdefault("labels", {})[COMPLETION_INDEX] = str(index)
    template["spec"]["hostname"] = f"{job_name}-{index}"
    # apiVersion is what the API server's ObjectFieldSelector default would add
    reference = {"fieldRef": {"apiVersion": "v1", "fieldPath": f"metadata.annotations['{COMPLETION_INDEX}']"}}
    for group in ("initContainers", "containers"):
        for container in template["spec"].get(group) or []:
            env = container.setdefault("env", [])
            if not any(variable.get("name") == INDEX_ENV for variable in env):
                env.append({"name": INDEX_ENV, "valueFrom": reference})


def duplicates_to_remove(active: list[dict], completions: int) -> list[dict]:
    """upstream appendDuplicatedIndexPodsForRemoval: pods without a valid index, and all but one pod per index."""
    seen: set[int] = set()
    extra = []
    for pod in active:
        index = completion_index(pod)
        if index is None or index >= completions or index in seen:
            extra.append(pod)
        else:
            seen.add(index)
    return extra
