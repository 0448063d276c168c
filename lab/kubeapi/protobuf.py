"""Kubernetes protobuf request bodies, read into the JSON shape of the object.

kubectl 1.32's typed commands (`create deployment|namespace|secret|configmap|priorityclass`, `create token`, `auth can-i`, the
evictions of `drain`) send `application/vnd.kubernetes.protobuf` and do not retry in JSON, so the API server must
read it. The envelope is the magic "k8s\\0" then a runtime.Unknown {typeMeta, raw}; `raw` is the object encoded as
upstream's generated.proto messages (k8s.io/api/*/generated.proto). We decode the wire format and map field numbers
to JSON names for the messages those commands send. The generated marshallers write every non-pointer field, even
empty, so zero values are dropped as JSON's omitempty would, except for pointer fields where zero means zero.
"""

import base64

from cluster_engine.api import errors

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
# Pointer fields: present on the wire only when set, so a zero there is the client's choice.
KEEP_ZERO = {"replicas", "expirationSeconds", "gracePeriodSeconds", "terminationGracePeriodSeconds"}
KEEP_ZERO |= {"minReplicas", "averageUtilization"}
KEEP_ZERO |= {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"}
KEEP_ZERO |= {"suspend", "manualSelector", "startingDeadlineSeconds"}
KEEP_ZERO |= {"successfulJobsHistoryLimit", "failedJobsHistoryLimit"}

STRING, BYTES, INT, BOOL = "string", "bytes", "int", "bool"
INT_OR_STRING, QUANTITY, STRING_MAP, BYTES_MAP, QUANTITY_MAP = "intstr", "quantity", "map", "bytesmap", "quantitymap"


def repeated(kind):
    return ("repeated", kind)


OWNER_REFERENCE = {1: ("kind", STRING), 3: ("name", STRING), 4: ("uid", STRING), 5: ("apiVersion", STRING),
                   6: ("controller", BOOL), 7: ("blockOwnerDeletion", BOOL)}  # fmt: skip
OBJECT_META = {
    1: ("name", STRING),
    2: ("generateName", STRING),
    3: ("namespace", STRING),
    5: ("uid", STRING),
    6: ("resourceVersion", STRING),
    11: ("labels", STRING_MAP),
    12: ("annotations", STRING_MAP),
    13: ("ownerReferences", repeated(OWNER_REFERENCE)),
    14: ("finalizers", repeated(STRING)),
}
LABEL_SELECTOR = {
    1: ("matchLabels", STRING_MAP),
    2: ("matchExpressions", repeated({1: ("key", STRING), 2: ("operator", STRING), 3: ("values", repeated(STRING))})),
}
CONTAINER = {
    1: ("name", STRING),
    2: ("image", STRING),
    3: ("command", repeated(STRING)),
    4: ("args", repeated(STRING)),
    5: ("workingDir", STRING),
    6: (
        "ports",
        repeated({1: ("name", STRING), 2: ("hostPort", INT), 3: ("containerPort", INT), 4: ("protocol", STRING)}),
    ),
    7: ("env", repeated({1: ("name", STRING), 2: ("value", STRING)})),
    8: ("resources", {1: ("limits", QUANTITY_MAP), 2: ("requests", QUANTITY_MAP)}),
    13: ("terminationMessagePath", STRING),
    14: ("imagePullPolicy", STRING),
    20: ("terminationMessagePolicy", STRING),
}
POD_SPEC = {
    2: ("containers", repeated(CONTAINER)),
    3: ("restartPolicy", STRING),
    4: ("terminationGracePeriodSeconds", INT),
    6: ("dnsPolicy", STRING),
    7: ("nodeSelector", STRING_MAP),
    8: ("serviceAccountName", STRING),
    10: ("nodeName", STRING),
    20: ("initContainers", repeated(CONTAINER)),
}
DEPLOYMENT_SPEC = {
    1: ("replicas", INT),
    2: ("selector", LABEL_SELECTOR),
    3: ("template", {1: ("metadata", OBJECT_META), 2: ("spec", POD_SPEC)}),
    4: (
        "strategy",
        {
            1: ("type", STRING),
            2: ("rollingUpdate", {1: ("maxUnavailable", INT_OR_STRING), 2: ("maxSurge", INT_OR_STRING)}),
        },
    ),
    5: ("minReadySeconds", INT),
    6: ("revisionHistoryLimit", INT),
    7: ("paused", BOOL),
    9: ("progressDeadlineSeconds", INT),
}
# batch/v1 (`kubectl create job|cronjob`, `create job --from=cronjob/...`)
JOB_SPEC = {
    1: ("parallelism", INT),
    2: ("completions", INT),
    3: ("activeDeadlineSeconds", INT),
    4: ("selector", LABEL_SELECTOR),
    5: ("manualSelector", BOOL),
    6: ("template", {1: ("metadata", OBJECT_META), 2: ("spec", POD_SPEC)}),
    7: ("backoffLimit", INT),
    8: ("ttlSecondsAfterFinished", INT),
    9: ("completionMode", STRING),
    10: ("suspend", BOOL),
    14: ("podReplacementPolicy", STRING),
}
CRONJOB_SPEC = {
    1: ("schedule", STRING),
    2: ("startingDeadlineSeconds", INT),
    3: ("concurrencyPolicy", STRING),
    4: ("suspend", BOOL),
    5: ("jobTemplate", {1: ("metadata", OBJECT_META), 2: ("spec", JOB_SPEC)}),
    6: ("successfulJobsHistoryLimit", INT),
    7: ("failedJobsHistoryLimit", INT),
    8: ("timeZone", STRING),
}
DELETE_OPTIONS = {
    1: ("gracePeriodSeconds", INT),
    2: ("preconditions", {1: ("uid", STRING), 2: ("resourceVersion", STRING)}),
    3: ("orphanDependents", BOOL),
    4: ("propagationPolicy", STRING),
    5: ("dryRun", repeated(STRING)),
}
# k8s.io/api/autoscaling/v2: what `kubectl autoscale` sends
METRIC_TARGET = {
    1: ("type", STRING),
    2: ("value", QUANTITY),
    3: ("averageValue", QUANTITY),
    4: ("averageUtilization", INT),
}
HPA_SCALING_RULES = {
    3: ("stabilizationWindowSeconds", INT),
    1: ("selectPolicy", STRING),
    2: ("policies", repeated({1: ("type", STRING), 2: ("value", INT), 3: ("periodSeconds", INT)})),
}
HPA_SPEC = {
    1: ("scaleTargetRef", {1: ("kind", STRING), 2: ("name", STRING), 3: ("apiVersion", STRING)}),
    2: ("minReplicas", INT),
    3: ("maxReplicas", INT),
    4: (
        "metrics",
        repeated(
            {
                1: ("type", STRING),
                4: ("resource", {1: ("name", STRING), 2: ("target", METRIC_TARGET)}),
                7: ("containerResource", {1: ("name", STRING), 2: ("target", METRIC_TARGET), 3: ("container", STRING)}),
            }
        ),
    ),
    5: ("behavior", {1: ("scaleUp", HPA_SCALING_RULES), 2: ("scaleDown", HPA_SCALING_RULES)}),
}
# Top-level messages by kind: field 1 is always the ObjectMeta.
MESSAGES = {
    "Deployment": {1: ("metadata", OBJECT_META), 2: ("spec", DEPLOYMENT_SPEC)},
    "Job": {1: ("metadata", OBJECT_META), 2: ("spec", JOB_SPEC)},
    "CronJob": {1: ("metadata", OBJECT_META), 2: ("spec", CRONJOB_SPEC)},
    "Namespace": {1: ("metadata", OBJECT_META), 2: ("spec", {1: ("finalizers", repeated(STRING))})},
    "PriorityClass": {  # k8s.io/api/scheduling/v1: `kubectl create priorityclass`
        1: ("metadata", OBJECT_META),
        2: ("value", INT),
        3: ("globalDefault", BOOL),
        4: ("description", STRING),
        5: ("preemptionPolicy", STRING),
    },
    "ConfigMap": {
        1: ("metadata", OBJECT_META),
        2: ("data", STRING_MAP),
        3: ("binaryData", BYTES_MAP),
        4: ("immutable", BOOL),
    },
    "Secret": {
        1: ("metadata", OBJECT_META),
        2: ("data", BYTES_MAP),
        3: ("type", STRING),
        4: ("stringData", STRING_MAP),
        5: ("immutable", BOOL),
    },
    "SelfSubjectAccessReview": {
        1: ("metadata", OBJECT_META),
        2: (
            "spec",
            {
                1: (
                    "resourceAttributes",
                    {
                        1: ("namespace", STRING),
                        2: ("verb", STRING),
                        3: ("group", STRING),
                        4: ("version", STRING),
                        5: ("resource", STRING),
                        6: ("subresource", STRING),
                        7: ("name", STRING),
                    },
                ),
                2: ("nonResourceAttributes", {1: ("path", STRING), 2: ("verb", STRING)}),
            },
        ),
    },  # fmt: skip
    "SelfSubjectReview": {1: ("metadata", OBJECT_META)},
    "TokenRequest": {
        1: ("metadata", OBJECT_META),
        2: ("spec", {1: ("audiences", repeated(STRING)), 4: ("expirationSeconds", INT)}),
    },
    "Eviction": {1: ("metadata", OBJECT_META), 2: ("deleteOptions", DELETE_OPTIONS)},
    # k8s.io/api/policy/v1 generated.proto, what `kubectl create poddisruptionbudget` sends
    "PodDisruptionBudget": {
        1: ("metadata", OBJECT_META),
        2: (
            "spec",
            {
                1: ("minAvailable", INT_OR_STRING),
                2: ("selector", LABEL_SELECTOR),
                3: ("maxUnavailable", INT_OR_STRING),
                4: ("unhealthyPodEvictionPolicy", STRING),
            },
        ),
    },
    "DeleteOptions": DELETE_OPTIONS,
    "HorizontalPodAutoscaler": {1: ("metadata", OBJECT_META), 2: ("spec", HPA_SPEC)},
}


def _malformed() -> errors.ApiError:
    return errors.bad_request("the body of the request could not be decoded as a protobuf message")


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data):
            raise _malformed()
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """The (field number, value) pairs of one message: ints for varints, bytes for length-delimited fields."""
    found, position = [], 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 2:
            length, position = _varint(data, position)
            value, position = data[position : position + length], position + length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, position = int.from_bytes(data[position : position + size], "little"), position + size
        else:
            raise _malformed()
        found.append((number, value))
    return found


def _signed(value: int) -> int:
    """int32/int64 are varints in two's complement over 64 bits."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _scalar(kind, raw):
    if kind == STRING:
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if kind == BYTES:
        return base64.b64encode(raw).decode()
    if kind == INT:
        return _signed(raw) if isinstance(raw, int) else 0
    if kind == BOOL:
        return bool(raw)
    if kind == QUANTITY:
        return next((value.decode() for number, value in fields(raw) if number == 1), "0")
    if kind == INT_OR_STRING:
        parts = dict(fields(raw))
        return parts.get(3, b"").decode() if parts.get(1) == 1 else _signed(parts.get(2, 0))
    if isinstance(kind, dict):
        return message(raw, kind)
    raise _malformed()


def _map_entry(raw: bytes, value_kind) -> tuple[str, object]:
    parts = dict(fields(raw))
    return parts.get(1, b"").decode(), _scalar(value_kind, parts.get(2, b""))


MAP_VALUES = {STRING_MAP: STRING, BYTES_MAP: BYTES, QUANTITY_MAP: QUANTITY}


def _empty(value) -> bool:
    return value in ("", 0, False, None) or value == {} or value == []


def message(data: bytes, schema: dict) -> dict:
    """One message as a JSON object; fields the schema does not name are skipped."""
    result: dict = {}
    for number, raw in fields(data):
        if number not in schema:
            continue
        name, kind = schema[number]
        if isinstance(kind, str) and kind in MAP_VALUES:
            key, value = _map_entry(raw, MAP_VALUES[kind])
            result.setdefault(name, {})[key] = value
        elif isinstance(kind, tuple):
            result.setdefault(name, []).append(_scalar(kind[1], raw))
        else:
            result[name] = _scalar(kind, raw)
    return {
        name: value
        for name, value in result.items()
        if name in KEEP_ZERO or (kind_of(schema, name) == INT_OR_STRING) or not _empty(value)
    }


def kind_of(schema: dict, name: str):
    return next((kind for field_name, kind in schema.values() if field_name == name), None)


def decode(body: bytes) -> dict:
    """A protobuf request body as the object's JSON; 415 for a kind whose messages we do not read."""
    if not body.startswith(MAGIC):
        raise _malformed()
    envelope = dict(fields(body[len(MAGIC) :]))
    type_meta = dict(fields(envelope.get(1, b"")))
    api_version, kind = type_meta.get(1, b"").decode(), type_meta.get(2, b"").decode()
    schema = MESSAGES.get(kind)
    if schema is None:
        raise errors.ApiError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({kind} is not readable as protobuf here)",
        )
    obj = message(envelope.get(2, b""), schema)
    return {"apiVersion": api_version, "kind": kind, **obj}
