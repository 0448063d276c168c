"""ImageLocality: prefer nodes that already hold the pod's images, discounted by how few nodes have them."""

import numpy as np

from .base import MAX_NODE_SCORE, Cycle

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB  # upstream: minThreshold
MAX_CONTAINER_THRESHOLD = 1000 * MB  # upstream: maxContainerThreshold


def calculate_priority(sum_scores: int, containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality:
    name = "ImageLocality"
    weight = 1  # upstream default score weight

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray:
        snapshot, pod = cycle.snapshot, cycle.pod
        scores = np.zeros(len(slots), dtype=np.int64)
        images = [image for image in pod.images if image in snapshot.image_nodes]
        if not images or not pod.containers:
            return scores
        total_nodes = len(snapshot)
        for position, slot in enumerate(slots):
            held = snapshot.nodes[slot].images
            # upstream scaledImageScore: size * (nodes having the image / all nodes)
            summed = sum(
                int(float(held[image]) * (float(snapshot.image_nodes[image]) / float(total_nodes)))
                for image in images
                if image in held
            )
            scores[position] = calculate_priority(summed, pod.containers)
        return scores
