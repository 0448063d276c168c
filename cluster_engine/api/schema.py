"""The shape of every kind we serve: which fields exist and what type each holds.

Upstream decodes request bodies strictly (fieldValidation=Strict, kubectl's default): a field its Go types do not
declare, or a value of the wrong JSON type, is a 400 before any validation runs. This table is our Go types. It
covers the fields of the upstream API types for the kinds we serve, including ones our simulation does not act on
(volumes, securityContext, ...), so a manifest copied from the Kubernetes documentation is accepted as-is.
"""

import base64
import binascii
import math

from .quantity import QuantityError, parse_quantity

STRING, INTEGER, BOOLEAN, NUMBER, ANY = "string", "integer", "boolean", "number", "any"
INT64 = "int64"  # Go int64 fields (seconds, generations, user ids); INTEGER is Go int32
BYTES = "bytes"  # Go []byte: base64 text in JSON (Secret data, ConfigMap binaryData)
QUANTITY = "quantity"  # a string such as "500m" or a bare number
INT_OR_STRING = "int-or-string"  # maxSurge "25%" or 1, targetPort "http" or 8080
STRING_MAP = {"*": STRING}
QUANTITY_MAP = {"*": QUANTITY}


def listof(item):
    return [item]


OBJECT_META = {
    "name": STRING,
    "generateName": STRING,
    "namespace": STRING,
    "selfLink": STRING,
    "uid": STRING,
    "resourceVersion": STRING,
    "generation": INT64,
    "creationTimestamp": ANY,
    "deletionTimestamp": ANY,
    "deletionGracePeriodSeconds": INT64,
    "labels": STRING_MAP,
    "annotations": STRING_MAP,
    "ownerReferences": listof(
        {
            "apiVersion": STRING,
            "kind": STRING,
            "name": STRING,
            "uid": STRING,
            "controller": BOOLEAN,
            "blockOwnerDeletion": BOOLEAN,
        }
    ),
    "finalizers": listof(STRING),
    "managedFields": ANY,
}
LABEL_SELECTOR = {
    "matchLabels": STRING_MAP,
    "matchExpressions": listof({"key": STRING, "operator": STRING, "values": listof(STRING)}),
}
NODE_SELECTOR_TERM = {
    "matchExpressions": listof({"key": STRING, "operator": STRING, "values": listof(STRING)}),
    "matchFields": listof({"key": STRING, "operator": STRING, "values": listof(STRING)}),
}
POD_AFFINITY_TERM = {
    "labelSelector": LABEL_SELECTOR,
    "namespaces": listof(STRING),
    "topologyKey": STRING,
    "namespaceSelector": LABEL_SELECTOR,
    "matchLabelKeys": listof(STRING),
    "mismatchLabelKeys": listof(STRING),
}
WEIGHTED_POD_AFFINITY_TERM = {"weight": INTEGER, "podAffinityTerm": POD_AFFINITY_TERM}
POD_AFFINITY = {
    "requiredDuringSchedulingIgnoredDuringExecution": listof(POD_AFFINITY_TERM),
    "preferredDuringSchedulingIgnoredDuringExecution": listof(WEIGHTED_POD_AFFINITY_TERM),
}
AFFINITY = {
    "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": listof(NODE_SELECTOR_TERM)},
        "preferredDuringSchedulingIgnoredDuringExecution": listof(
            {"weight": INTEGER, "preference": NODE_SELECTOR_TERM}
        ),
    },
    "podAffinity": POD_AFFINITY,
    "podAntiAffinity": POD_AFFINITY,
}
KEY_SELECTOR = {"name": STRING, "key": STRING, "optional": BOOLEAN}
ENV_VAR = {
    "name": STRING,
    "value": STRING,
    "valueFrom": {
        "fieldRef": {"apiVersion": STRING, "fieldPath": STRING},
        "resourceFieldRef": {"containerName": STRING, "resource": STRING, "divisor": QUANTITY},
        "configMapKeyRef": KEY_SELECTOR,
        "secretKeyRef": KEY_SELECTOR,
    },
}
ENV_FROM = {
    "prefix": STRING,
    "configMapRef": {"name": STRING, "optional": BOOLEAN},
    "secretRef": {"name": STRING, "optional": BOOLEAN},
}
HANDLER = {
    "exec": {"command": listof(STRING)},
    "httpGet": {
        "path": STRING,
        "port": INT_OR_STRING,
        "host": STRING,
        "scheme": STRING,
        "httpHeaders": listof({"name": STRING, "value": STRING}),
    },
    "tcpSocket": {"port": INT_OR_STRING, "host": STRING},
    "grpc": {"port": INTEGER, "service": STRING},
    "sleep": {"seconds": INT64},
}
PROBE = {
    **HANDLER,
    "initialDelaySeconds": INTEGER,
    "timeoutSeconds": INTEGER,
    "periodSeconds": INTEGER,
    "successThreshold": INTEGER,
    "failureThreshold": INTEGER,
    "terminationGracePeriodSeconds": INT64,
}
SECURITY_CONTEXT = {
    "capabilities": {"add": listof(STRING), "drop": listof(STRING)},
    "privileged": BOOLEAN,
    "seLinuxOptions": STRING_MAP,
    "windowsOptions": ANY,
    "runAsUser": INT64,
    "runAsGroup": INT64,
    "runAsNonRoot": BOOLEAN,
    "readOnlyRootFilesystem": BOOLEAN,
    "allowPrivilegeEscalation": BOOLEAN,
    "procMount": STRING,
    "seccompProfile": {"type": STRING, "localhostProfile": STRING},
    "appArmorProfile": {"type": STRING, "localhostProfile": STRING},
}
RESOURCES = {"limits": QUANTITY_MAP, "requests": QUANTITY_MAP, "claims": listof({"name": STRING, "request": STRING})}
CONTAINER = {
    "name": STRING,
    "image": STRING,
    "command": listof(STRING),
    "args": listof(STRING),
    "workingDir": STRING,
    "ports": listof(
        {"name": STRING, "hostPort": INTEGER, "containerPort": INTEGER, "protocol": STRING, "hostIP": STRING}
    ),
    "envFrom": listof(ENV_FROM),
    "env": listof(ENV_VAR),
    "resources": RESOURCES,
    "resizePolicy": listof({"resourceName": STRING, "restartPolicy": STRING}),
    "restartPolicy": STRING,
    "volumeMounts": listof(
        {
            "name": STRING,
            "readOnly": BOOLEAN,
            "recursiveReadOnly": STRING,
            "mountPath": STRING,
            "subPath": STRING,
            "mountPropagation": STRING,
            "subPathExpr": STRING,
        }
    ),
    "volumeDevices": listof({"name": STRING, "devicePath": STRING}),
    "livenessProbe": PROBE,
    "readinessProbe": PROBE,
    "startupProbe": PROBE,
    "lifecycle": {"postStart": HANDLER, "preStop": HANDLER, "stopSignal": STRING},
    "terminationMessagePath": STRING,
    "terminationMessagePolicy": STRING,
    "imagePullPolicy": STRING,
    "securityContext": SECURITY_CONTEXT,
    "stdin": BOOLEAN,
    "stdinOnce": BOOLEAN,
    "tty": BOOLEAN,
}
VOLUME = {
    "name": STRING,
    "emptyDir": {"medium": STRING, "sizeLimit": QUANTITY},
    "configMap": {
        "name": STRING,
        "items": listof({"key": STRING, "path": STRING, "mode": INTEGER}),
        "defaultMode": INTEGER,
        "optional": BOOLEAN,
    },
    "secret": {
        "secretName": STRING,
        "items": listof({"key": STRING, "path": STRING, "mode": INTEGER}),
        "defaultMode": INTEGER,
        "optional": BOOLEAN,
    },
    "hostPath": {"path": STRING, "type": STRING},
    "persistentVolumeClaim": {"claimName": STRING, "readOnly": BOOLEAN},
    "projected": ANY,
    "downwardAPI": ANY,
    "nfs": ANY,
    "csi": ANY,
    "ephemeral": ANY,
    "image": ANY,
}
TOLERATION = {"key": STRING, "operator": STRING, "value": STRING, "effect": STRING, "tolerationSeconds": INT64}
POD_SPEC = {
    "volumes": listof(VOLUME),
    "initContainers": listof(CONTAINER),
    "containers": listof(CONTAINER),
    "ephemeralContainers": ANY,
    "restartPolicy": STRING,
    "terminationGracePeriodSeconds": INT64,
    "activeDeadlineSeconds": INT64,
    "dnsPolicy": STRING,
    "nodeSelector": STRING_MAP,
    "serviceAccountName": STRING,
    "serviceAccount": STRING,
    "automountServiceAccountToken": BOOLEAN,
    "nodeName": STRING,
    "hostNetwork": BOOLEAN,
    "hostPID": BOOLEAN,
    "hostIPC": BOOLEAN,
    "shareProcessNamespace": BOOLEAN,
    "securityContext": {
        **{
            key: SECURITY_CONTEXT[key]
            for key in (
                "seLinuxOptions",
                "windowsOptions",
                "runAsUser",
                "runAsGroup",
                "runAsNonRoot",
                "seccompProfile",
                "appArmorProfile",
            )
        },
        "supplementalGroups": listof(INT64),
        "supplementalGroupsPolicy": STRING,
        "fsGroup": INT64,
        "sysctls": listof({"name": STRING, "value": STRING}),
        "fsGroupChangePolicy": STRING,
        "seLinuxChangePolicy": STRING,
    },
    "imagePullSecrets": listof({"name": STRING}),
    "hostname": STRING,
    "subdomain": STRING,
    "affinity": AFFINITY,
    "schedulerName": STRING,
    "tolerations": listof(TOLERATION),
    "hostAliases": listof({"ip": STRING, "hostnames": listof(STRING)}),
    "priorityClassName": STRING,
    "priority": INTEGER,
    "dnsConfig": ANY,
    "readinessGates": listof({"conditionType": STRING}),
    "runtimeClassName": STRING,
    "enableServiceLinks": BOOLEAN,
    "preemptionPolicy": STRING,
    "overhead": QUANTITY_MAP,
    "topologySpreadConstraints": listof(
        {
            "maxSkew": INTEGER,
            "topologyKey": STRING,
            "whenUnsatisfiable": STRING,
            "labelSelector": LABEL_SELECTOR,
            "minDomains": INTEGER,
            "nodeAffinityPolicy": STRING,
            "nodeTaintsPolicy": STRING,
            "matchLabelKeys": listof(STRING),
        }
    ),
    "setHostnameAsFQDN": BOOLEAN,
    "os": {"name": STRING},
    "hostUsers": BOOLEAN,
    "schedulingGates": listof({"name": STRING}),
    "resourceClaims": ANY,
    "resources": RESOURCES,
}
CONDITION = {
    "type": STRING,
    "status": STRING,
    "reason": STRING,
    "message": STRING,
    "lastTransitionTime": ANY,
    "lastUpdateTime": ANY,
    "lastProbeTime": ANY,
    "lastHeartbeatTime": ANY,
    "observedGeneration": INT64,
}
CONTAINER_STATE = {
    "waiting": {"reason": STRING, "message": STRING},
    "running": {"startedAt": ANY},
    "terminated": {
        "exitCode": INTEGER,
        "signal": INTEGER,
        "reason": STRING,
        "message": STRING,
        "startedAt": ANY,
        "finishedAt": ANY,
        "containerID": STRING,
    },
}
CONTAINER_STATUS = {
    "name": STRING,
    "state": CONTAINER_STATE,
    "lastState": CONTAINER_STATE,
    "ready": BOOLEAN,
    "restartCount": INTEGER,
    "image": STRING,
    "imageID": STRING,
    "containerID": STRING,
    "started": BOOLEAN,
    "allocatedResources": QUANTITY_MAP,
    "resources": RESOURCES,
    "volumeMounts": ANY,
    "user": ANY,
    "allocatedResourcesStatus": ANY,
    "stopSignal": STRING,
}
POD_STATUS = {
    "observedGeneration": INT64,
    "phase": STRING,
    "conditions": listof(CONDITION),
    "message": STRING,
    "reason": STRING,
    "nominatedNodeName": STRING,
    "hostIP": STRING,
    "hostIPs": listof({"ip": STRING}),
    "podIP": STRING,
    "podIPs": listof({"ip": STRING}),
    "startTime": ANY,
    "initContainerStatuses": listof(CONTAINER_STATUS),
    "containerStatuses": listof(CONTAINER_STATUS),
    "ephemeralContainerStatuses": ANY,
    "qosClass": STRING,
    "resize": STRING,
    "resourceClaimStatuses": ANY,
}
POD_TEMPLATE = {"metadata": OBJECT_META, "spec": POD_SPEC}
TAINT = {"key": STRING, "value": STRING, "effect": STRING, "timeAdded": ANY}
WORKLOAD_STATUS = {
    "observedGeneration": INT64,
    "replicas": INTEGER,
    "updatedReplicas": INTEGER,
    "readyReplicas": INTEGER,
    "availableReplicas": INTEGER,
    "unavailableReplicas": INTEGER,
    "fullyLabeledReplicas": INTEGER,
    "terminatingReplicas": INTEGER,
    "conditions": listof(CONDITION),
    "collisionCount": INTEGER,
}
SERVICE_PORT = {
    "name": STRING,
    "protocol": STRING,
    "appProtocol": STRING,
    "port": INTEGER,
    "targetPort": INT_OR_STRING,
    "nodePort": INTEGER,
}
ENDPOINT_ADDRESS = {
    "ip": STRING,
    "hostname": STRING,
    "nodeName": STRING,
    "targetRef": {
        "kind": STRING,
        "namespace": STRING,
        "name": STRING,
        "uid": STRING,
        "apiVersion": STRING,
        "resourceVersion": STRING,
        "fieldPath": STRING,
    },
}
TYPE_META = {"apiVersion": STRING, "kind": STRING, "metadata": OBJECT_META}

KIND_SCHEMAS = {
    "Namespace": {
        **TYPE_META,
        "spec": {"finalizers": listof(STRING)},
        "status": {"phase": STRING, "conditions": listof(CONDITION)},
    },
    "Node": {
        **TYPE_META,
        "spec": {
            "podCIDR": STRING,
            "podCIDRs": listof(STRING),
            "providerID": STRING,
            "unschedulable": BOOLEAN,
            "taints": listof(TAINT),
            "configSource": ANY,
            "externalID": STRING,
        },
        "status": {
            "capacity": QUANTITY_MAP,
            "allocatable": QUANTITY_MAP,
            "phase": STRING,
            "conditions": listof(CONDITION),
            "addresses": listof({"type": STRING, "address": STRING}),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": INTEGER}},
            "nodeInfo": STRING_MAP,
            "images": listof({"names": listof(STRING), "sizeBytes": INT64}),
            "volumesInUse": ANY,
            "volumesAttached": ANY,
            "config": ANY,
            "runtimeHandlers": ANY,
            "features": ANY,
        },
    },
    "Pod": {**TYPE_META, "spec": POD_SPEC, "status": POD_STATUS},
    "ReplicaSet": {
        **TYPE_META,
        "spec": {"replicas": INTEGER, "minReadySeconds": INTEGER, "selector": LABEL_SELECTOR, "template": POD_TEMPLATE},
        "status": WORKLOAD_STATUS,
    },
    "ReplicationController": {
        **TYPE_META,
        "spec": {"replicas": INTEGER, "minReadySeconds": INTEGER, "selector": STRING_MAP, "template": POD_TEMPLATE},
        "status": {
            "replicas": INTEGER,
            "fullyLabeledReplicas": INTEGER,
            "readyReplicas": INTEGER,
            "availableReplicas": INTEGER,
            "observedGeneration": INT64,
            "conditions": listof(CONDITION),
        },
    },
    "Deployment": {
        **TYPE_META,
        "spec": {
            "replicas": INTEGER,
            "selector": LABEL_SELECTOR,
            "template": POD_TEMPLATE,
            "strategy": {"type": STRING, "rollingUpdate": {"maxUnavailable": INT_OR_STRING, "maxSurge": INT_OR_STRING}},
            "minReadySeconds": INTEGER,
            "revisionHistoryLimit": INTEGER,
            "paused": BOOLEAN,
            "progressDeadlineSeconds": INTEGER,
            "rollbackTo": {"revision": INTEGER},
        },
        "status": WORKLOAD_STATUS,
    },
    "Service": {
        **TYPE_META,
        "spec": {
            "ports": listof(SERVICE_PORT),
            "selector": STRING_MAP,
            "clusterIP": STRING,
            "clusterIPs": listof(STRING),
            "type": STRING,
            "externalIPs": listof(STRING),
            "sessionAffinity": STRING,
            "loadBalancerIP": STRING,
            "loadBalancerSourceRanges": listof(STRING),
            "externalName": STRING,
            "externalTrafficPolicy": STRING,
            "healthCheckNodePort": INTEGER,
            "publishNotReadyAddresses": BOOLEAN,
            "sessionAffinityConfig": ANY,
            "ipFamilies": listof(STRING),
            "ipFamilyPolicy": STRING,
            "allocateLoadBalancerNodePorts": BOOLEAN,
            "loadBalancerClass": STRING,
            "internalTrafficPolicy": STRING,
            "trafficDistribution": STRING,
        },
        "status": {
            "loadBalancer": {"ingress": listof({"ip": STRING, "hostname": STRING, "ipMode": STRING, "ports": ANY})},
            "conditions": listof(CONDITION),
        },
    },
    "Endpoints": {
        **TYPE_META,
        "subsets": listof(
            {
                "addresses": listof(ENDPOINT_ADDRESS),
                "notReadyAddresses": listof(ENDPOINT_ADDRESS),
                "ports": listof({"name": STRING, "port": INTEGER, "protocol": STRING, "appProtocol": STRING}),
            }
        ),
    },
    "ServiceAccount": {
        **TYPE_META,
        "secrets": listof({"name": STRING, "namespace": STRING, "kind": STRING, "uid": STRING, "apiVersion": STRING}),
        "imagePullSecrets": listof({"name": STRING}),
        "automountServiceAccountToken": BOOLEAN,
    },
    "Secret": {**TYPE_META, "immutable": BOOLEAN, "data": {"*": BYTES}, "stringData": STRING_MAP, "type": STRING},
    "ConfigMap": {**TYPE_META, "immutable": BOOLEAN, "data": STRING_MAP, "binaryData": {"*": BYTES}},
    "Event": {
        **TYPE_META,
        "involvedObject": ENDPOINT_ADDRESS["targetRef"],
        "reason": STRING,
        "message": STRING,
        "source": {"component": STRING, "host": STRING},
        "firstTimestamp": ANY,
        "lastTimestamp": ANY,
        "count": INTEGER,
        "type": STRING,
        "eventTime": ANY,
        "series": ANY,
        "action": STRING,
        "related": ANY,
        "reportingComponent": STRING,
        "reportingInstance": STRING,
    },
    "Lease": {
        **TYPE_META,
        "spec": {
            "holderIdentity": STRING,
            "leaseDurationSeconds": INTEGER,
            "acquireTime": ANY,
            "renewTime": ANY,
            "leaseTransitions": INTEGER,
            "strategy": STRING,
            "preferredHolder": STRING,
        },
    },
    "ControlPlaneComponent": {
        **TYPE_META,
        "spec": {"component": STRING, "nodeName": STRING},
        "status": {"phase": STRING, "leader": BOOLEAN, "message": STRING, "lastTransitionTime": ANY},
    },
}

_GO_TYPES = {STRING: "string", INTEGER: "int32", INT64: "int64", BOOLEAN: "bool", NUMBER: "float64", BYTES: "[]uint8"}
_RANGES = {INTEGER: (-(2**31), 2**31 - 1), INT64: (-(2**63), 2**63 - 1)}
_ZERO = {STRING: "", INTEGER: 0, INT64: 0, BOOLEAN: False, NUMBER: 0, QUANTITY: "0", INT_OR_STRING: 0, BYTES: ""}


def problems(kind: str, obj: dict) -> list[str]:
    """Upstream-worded strict-decoding problems, empty when the body fits the kind's schema."""
    found: list[str] = []
    _check(KIND_SCHEMAS[kind], obj, "", found)
    return found


def normalise(kind: str, obj: dict) -> None:
    """Decode JSON nulls and integral floats the way Go's decoder fills a typed struct, in place.

    A null struct field is simply absent; a null list item or map value is its type's zero value; `3.0` where an
    integer is declared is 3. Run before `problems`, so validation only ever sees well-typed values.
    """
    _normalise(KIND_SCHEMAS[kind], obj)


def _normalise(shape, value):
    if shape == ANY:
        return value
    if isinstance(shape, dict) and isinstance(value, dict):
        for key in list(value):
            child_shape = shape.get("*", shape.get(key)) if isinstance(key, str) else None
            if child_shape is None:
                continue
            if value[key] is None:
                if "*" in shape:
                    value[key] = _zero(child_shape)
                elif child_shape != ANY:
                    del value[key]
            else:
                value[key] = _normalise(child_shape, value[key])
        return value
    if isinstance(shape, list) and isinstance(value, list):
        return [_zero(shape[0]) if item is None else _normalise(shape[0], item) for item in value]
    if shape in (INTEGER, INT64, INT_OR_STRING) and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _zero(shape):
    if isinstance(shape, dict):
        return {}
    if isinstance(shape, list):
        return []
    return _ZERO.get(shape)


def json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _check(shape, value, path: str, found: list[str]) -> None:
    if value is None or shape == ANY:
        if shape == ANY and not is_json(value):
            found.append(f"json: unsupported value at {path}: {json_type(value)}")
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path or '.'} of type object")
            return
        for key, child in value.items():
            if not isinstance(key, str):
                found.append(f"json: cannot unmarshal number into Go value of type string (key of {path or '.'})")
                continue
            child_path = f"{path}.{key}" if path else key
            if "*" in shape:
                _check(shape["*"], child, child_path, found)
            elif key not in shape:
                found.append(f'strict decoding error: unknown field "{child_path}"')
            else:
                _check(shape[key], child, child_path, found)
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path} of type []")
            return
        for index, item in enumerate(value):
            _check(shape[0], item, f"{path}[{index}]", found)
        return
    if not _fits(shape, value):
        expected = {QUANTITY: "resource.Quantity", INT_OR_STRING: "intstr.IntOrString"}.get(
            shape, _GO_TYPES.get(shape, shape)
        )
        found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path} of type {expected}")
    elif shape in _RANGES and not _RANGES[shape][0] <= value <= _RANGES[shape][1]:
        found.append(f"json: cannot unmarshal number {value} into Go struct field {path} of type {_GO_TYPES[shape]}")
    elif shape == QUANTITY:
        try:
            parse_quantity(value)
        except QuantityError as error:  # upstream: Quantity.UnmarshalJSON fails, so the body cannot be decoded
            found.append(str(error))
    elif shape == BYTES and not _is_base64(value):
        found.append(f"illegal base64 data at input byte {_base64_error_at(value)} (field {path})")


def _fits(shape: str, value) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False  # JSON has no NaN or Infinity
    if shape == STRING:
        return isinstance(value, str)
    if shape in (INTEGER, INT64):
        return isinstance(value, int) and not isinstance(value, bool)
    if shape == BOOLEAN:
        return isinstance(value, bool)
    if shape == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape == BYTES:
        return isinstance(value, str)
    if shape in (QUANTITY, INT_OR_STRING):
        return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))
    return True


def is_json(value) -> bool:
    """Whether a free-form value could have come from JSON at all (an admin form can hand us anything)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json(item) for key, item in value.items())
    return False


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _base64_error_at(value: str) -> int:
    """Where Go's base64 decoder gives up: the first character outside the alphabet, else the padding."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    for index, character in enumerate(value):
        if character not in alphabet:
            return index
    return len(value) - len(value) % 4
