"""NodeResourcesFit: requests must fit allocatable (pods, cpu, memory); scored by LeastAllocated."""

import numpy as np

from .base import MAX_NODE_SCORE, Cycle, Rejection

# upstream: default scoring strategy LeastAllocated over cpu and memory, weight 1 each
RESOURCE_WEIGHTS = (1, 1)


class NodeResourcesFit:
    name = "NodeResourcesFit"
    weight = 1  # upstream default score weight

    def filter(self, cycle: Cycle):
        snapshot, pod = cycle.snapshot, cycle.pod
        rejections = [Rejection("Too many pods", snapshot.pod_count + 1 > snapshot.alloc_pods, False)]
        if pod.cpu or pod.memory:
            rejections.append(Rejection("Insufficient cpu", snapshot.alloc_cpu < pod.cpu + snapshot.cpu, False))
            rejections.append(
                Rejection("Insufficient memory", snapshot.alloc_memory < pod.memory + snapshot.memory, False)
            )
        return rejections

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray:
        snapshot, pod = cycle.snapshot, cycle.pod
        total = np.zeros(len(slots), dtype=np.int64)
        weight_sum = np.zeros(len(slots), dtype=np.int64)
        columns = (
            (snapshot.alloc_cpu, snapshot.nonzero_cpu, pod.nonzero_cpu),
            (snapshot.alloc_memory, snapshot.nonzero_memory, pod.nonzero_memory),
        )
        for (allocatable, requested, extra), weight in zip(columns, RESOURCE_WEIGHTS, strict=True):
            capacity = allocatable[slots]
            wanted = requested[slots] + extra
            usable = capacity != 0
            safe = np.where(usable, capacity, 1)
            # upstream leastRequestedScore: (capacity - requested) * 100 / capacity, 0 when it does not fit
            score = np.where(wanted > capacity, 0, (capacity - wanted) * MAX_NODE_SCORE // safe)
            total += np.where(usable, score * weight, 0)
            weight_sum += np.where(usable, weight, 0)
        return np.where(weight_sum > 0, total // np.maximum(weight_sum, 1), 0)
