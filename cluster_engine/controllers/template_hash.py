"""The pod-template-hash that names a Deployment's ReplicaSets (`web-7d4b9c8f5`).

upstream controller.ComputeHash: FNV-32a over the pod template (plus the collision count, when one was needed),
the 32-bit number written in decimal, and each digit mapped into the safe-encode alphabet, which has no vowels
so a name never spells a word. We hash the template's canonical JSON: stable across runs and processes, though not
byte-for-byte Go's.
"""

import json

# upstream: k8s.io/apimachinery/pkg/util/rand SafeEncodeString alphabet
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
FNV32_OFFSET = 0x811C9DC5
FNV32_PRIME = 0x01000193


def fnv32a(data: bytes) -> int:
    value = FNV32_OFFSET
    for byte in data:
        value ^= byte
        value = (value * FNV32_PRIME) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    return "".join(SAFE_ALPHABET[ord(character) % len(SAFE_ALPHABET)] for character in text)


def without_nulls(value):
    """The template as Go holds it: a JSON null is the field's zero value, the same as leaving it out. kubectl's
    `rollout undo` sends back templates with `creationTimestamp: null`, which must hash and compare as the original."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def pod_template_hash(template: dict, collision_count: int | None = None) -> str:
    data = json.dumps(without_nulls(template), sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        data += collision_count.to_bytes(4, "little")  # upstream writes the uint32 little-endian
    return safe_encode(str(fnv32a(data)))
