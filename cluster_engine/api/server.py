"""The API server: the one path every change to a cluster object takes.

validate → admit → persist (bumping the cluster's resourceVersion, refusing stale writes with 409) → publish the
watch event once the transaction commits. The admin, kubectl, the browser and every controller call these same
methods, so whichever door a change comes through, the same rules apply and every watcher hears of it.
"""

import random
import uuid
from collections.abc import Callable
from typing import NamedTuple

from . import admission, decoder, errors, fields, managedfields, patch, schema, validation
from .apply import apply as apply_configuration
from .clone import clone
from .kinds import Kind, kind_named
from .labels import SelectorError, matches, parse_selector_string

# upstream: pods get 30 s to shut down unless they say otherwise (terminationGracePeriodSeconds)
DEFAULT_GRACE_SECONDS = 30
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
KINDS_WITH_GENERATION = {
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "Service",
    "Namespace",
    "Node",
    "StatefulSet",
}
KINDS_WITH_GENERATION |= {"DaemonSet", "PodDisruptionBudget"}
# upstream rcStrategy.DefaultGarbageCollectionPolicy: a v1 ReplicationController deleted without a propagation
# policy orphans its pods, as deletion did before server-side garbage collection (kubectl always sends one).
ORPHAN_BY_DEFAULT = {"ReplicationController", "Job"}  # upstream batch/v1 jobs orphan their pods unless told
SERVER_OWNED_ON_CREATE = ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation")
# upstream: names.SimpleNameGenerator keeps 63 - 5 characters of generateName
MAX_GENERATED_PREFIX = 58
# upstream: a generateName create retries on a name clash (RetryGenerateName, GA in 1.32), eight tries in all
GENERATE_NAME_ATTEMPTS = 8
# upstream: --max-request-body-bytes defaults to 3 MiB; the HTTP layer refuses bigger bodies with
# errors.request_too_large(MAX_REQUEST_BYTES) before they reach the API server
MAX_REQUEST_BYTES = 3 * 1024 * 1024
# The field manager of writes whose caller names none: the simulator's own hands and the lab's pages
DEFAULT_MANAGER = "kubelab"


class ApplyResult(NamedTuple):
    object: dict
    created: bool  # upstream answers an apply that creates with 201


class DeleteResult(NamedTuple):
    object: dict
    finished: bool  # False while graceful termination or finalizers keep the object around


class ApiServer:
    def __init__(
        self,
        storage,
        clock,
        rng: random.Random | None = None,
        gate: Callable[[str, Kind], errors.ApiError | None] | None = None,
        max_replicas: int = validation.DEFAULT_MAX_REPLICAS,
    ):
        self.storage = storage
        self.clock = clock
        self.rng = rng or random.Random()
        # The availability gate: a down kube-apiserver (or its node) refuses requests with a 503 Status.
        self.gate = gate
        self.max_replicas = max_replicas

    # ---- reads -------------------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> dict:
        spec = self._admit_request("get", kind)
        found = self.storage.get(spec.kind, self._namespace(spec, namespace), name)
        if found is None:
            raise errors.not_found(spec, name)
        return found

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ):
        """Returns (items, resourceVersion of the list), the version a watch continues from."""
        spec = self._admit_request("list", kind)
        try:
            label_requirements = parse_selector_string(label_selector)
        except SelectorError as error:
            raise errors.bad_request(f"unable to parse requirement: {error}") from None
        field_requirements = fields.parse_field_selector(spec, field_selector)
        # The version is read before the objects: a write landing in between then shows in the items and again in a
        # watch from that version (harmless), where reading it after would hide that write from both.
        version = self.storage.resource_version()
        items = [
            obj
            for obj in self.storage.list(spec.kind, namespace if spec.namespaced else None)
            if matches(label_requirements, obj["metadata"].get("labels")) and fields.matches(field_requirements, obj)
        ]
        return items, version

    # ---- writes ------------------------------------------------------------------------------------------
    def create(
        self,
        kind: str,
        obj,
        namespace: str | None = None,
        dry_run: bool = False,
        field_validation: fields.FieldValidation | None = None,
        manager: str = DEFAULT_MANAGER,
    ) -> dict:
        spec = self._admit_request("create", kind)
        return self._create(spec, self._decode(spec, obj, field_validation), namespace, dry_run, manager)

    def _create(self, spec: Kind, obj: dict, namespace: str | None, dry_run: bool, manager: str | None) -> dict:
        """Create a decoded object; `manager` records an Update by it (None: the managers are already set)."""
        metadata = obj["metadata"]
        body_namespace = metadata.get("namespace")
        if spec.namespaced:
            if namespace and body_namespace and namespace != body_namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            metadata["namespace"] = namespace or body_namespace or "default"
        else:
            metadata.pop("namespace", None)
        generated = not metadata.get("name") and bool(metadata.get("generateName"))
        if generated:
            metadata["name"] = self._generated_name(metadata["generateName"])
        for server_owned in SERVER_OWNED_ON_CREATE:
            metadata.pop(server_owned, None)
        # upstream order: NamespaceLifecycle admission refuses first, then the other admission plugins, then validation
        self._require_namespace(spec, metadata.get("namespace"), metadata.get("name") or "")
        admission.default_create(spec, obj, self)
        if manager is not None:
            managedfields.track_update(spec, None, obj, manager, None, self.clock.timestamp())
        admission.admit_created(spec, obj, self)
        self._validate(spec, obj)
        with self.storage.transaction():
            self._require_namespace(spec, metadata.get("namespace"), metadata["name"])
            for _ in range(GENERATE_NAME_ATTEMPTS if generated else 1):
                if self.storage.get(spec.kind, metadata.get("namespace"), metadata["name"]) is None:
                    break
                if generated:
                    metadata["name"] = self._generated_name(metadata["generateName"])
            else:
                raise errors.already_exists(spec, metadata["name"])
            if "uid" not in metadata:  # a Job's uid is drawn at admission, to generate its selector
                metadata["uid"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            metadata["creationTimestamp"] = self.clock.timestamp()
            if spec.kind in KINDS_WITH_GENERATION:
                metadata["generation"] = 1
            if dry_run:
                metadata["resourceVersion"] = str(self.storage.resource_version())
                return obj
            return self._persist(spec, obj, "ADDED")

    def update(
        self,
        kind: str,
        obj,
        subresource: str | None = None,
        dry_run: bool = False,
        field_validation: fields.FieldValidation | None = None,
        manager: str = DEFAULT_MANAGER,
    ) -> dict:
        spec = self._admit_request("update", kind)
        obj = self._decode(spec, obj, field_validation)
        metadata = obj["metadata"]
        if not metadata.get("name"):
            raise errors.invalid_object(
                spec, "", [errors.required("metadata.name", "name or generateName is required")]
            )
        with self.storage.transaction():
            namespace = self._namespace(spec, metadata.get("namespace"))
            current = self.storage.get(spec.kind, namespace, metadata["name"])
            if current is None:
                raise errors.not_found(spec, metadata["name"])
            self._check_version(spec, current, metadata.get("resourceVersion"))
            return self._replace(spec, current, obj, subresource, dry_run, manager)

    def patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        body,
        patch_type: str = "merge",
        subresource: str | None = None,
        dry_run: bool = False,
        field_validation: fields.FieldValidation | None = None,
        manager: str = DEFAULT_MANAGER,
    ) -> dict:
        spec = self._admit_request("patch", kind)
        with self.storage.transaction():
            current = self.storage.get(spec.kind, self._namespace(spec, namespace), name)
            if current is None:
                raise errors.not_found(spec, name)
            patched = patch.apply(spec.upstream_definition, current, body, patch_type)
            patched = self._decode(spec, patched, field_validation, patched=True)
            # A patch that names a resourceVersion is a precondition on it, as upstream.
            requested_version = patched["metadata"].get("resourceVersion")
            if requested_version and requested_version != current["metadata"]["resourceVersion"]:
                raise errors.conflict(spec, name)
            return self._replace(spec, current, patched, subresource, dry_run, manager)

    def apply(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        body,
        manager: str,
        force: bool = False,
        dry_run: bool = False,
        subresource: str | None = None,
        field_validation: fields.FieldValidation | None = None,
    ) -> ApplyResult:
        """Server-side apply: merge `body` (an applied configuration) into the object, creating it when absent
        (only the object itself: a subresource of a missing object is not found). Keys the body repeated
        (`field_validation.duplicates`) are settled by its directive once the apply has merged, as upstream."""
        validation = field_validation or fields.FieldValidation()
        spec = self._admit_request("patch", kind)
        config = self._decode(spec, body)
        config["metadata"].setdefault("name", name)
        namespace = self._namespace(spec, namespace)
        if spec.namespaced:
            config["metadata"].setdefault("namespace", namespace)
        if config["metadata"]["name"] != name:
            raise errors.bad_request(
                f"the name of the object ({config['metadata']['name']}) does not match the name on the URL ({name})"
            )
        now = self.clock.timestamp()
        with self.storage.transaction():
            current = self.storage.get(spec.kind, namespace, name)
            if current is None and subresource:
                raise errors.not_found(spec, name)
            if current is None:
                empty = {"apiVersion": spec.api_version, "kind": spec.kind, "metadata": {"name": name}}
                if spec.namespaced:
                    empty["metadata"]["namespace"] = namespace
                created = apply_configuration(spec, empty, config, manager, force, now, body, subresource)
                fields.settle_apply_duplicates(validation)
                return ApplyResult(self._create(spec, created, namespace, dry_run, None), True)
            merged = apply_configuration(spec, current, config, manager, force, now, body, subresource)
            fields.settle_apply_duplicates(validation)
            requested_version = config["metadata"].get("resourceVersion")
            if requested_version and requested_version != current["metadata"]["resourceVersion"]:
                raise errors.conflict(spec, name)
            merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            return ApplyResult(self._replace(spec, current, merged, subresource, dry_run, None), False)

    def bind(
        self, namespace: str, name: str, node_name: str, annotations: dict | None = None, dry_run: bool = False
    ) -> dict:
        """pods/binding: what the scheduler posts to put a pod on a node."""
        spec = self._admit_request("create", "Pod")
        with self.storage.transaction():
            return self._assign(spec, namespace, name, node_name, annotations, dry_run)

    def bind_many(self, bindings) -> list:
        """Many pods/binding requests, (namespace, name, node, annotations) each, committed in one transaction.

        A scheduler that placed a thousand pods in one pass binds them in one write to our etcd (and one watch
        message) instead of a thousand. Each binding is still judged alone, as its own request would be: the result
        list holds the bound pod or the ApiError that refused it, and a refusal never undoes the others.
        """
        try:
            spec = self._admit_request("create", "Pod")
        except errors.ApiError as refusal:
            return [refusal] * len(bindings)
        results: list = []
        with self.storage.transaction():
            for namespace, name, node_name, annotations in bindings:
                try:
                    results.append(self._assign(spec, namespace, name, node_name, annotations))
                except errors.ApiError as refusal:
                    results.append(refusal)
        return results

    def _assign(
        self, spec: Kind, namespace: str, name: str, node_name: str, annotations: dict | None, dry_run: bool = False
    ) -> dict:
        """Upstream BindingREST.setPodHostAndAnnotations: refuse before writing anything, else set the node, merge the
        Binding's annotations into the pod's, and mark it PodScheduled."""
        pod = self.storage.get("Pod", namespace, name)
        if pod is None:
            raise errors.not_found(spec, name)
        if pod["metadata"].get("deletionTimestamp"):
            raise errors.conflict(spec, name, f"pod {name} is being deleted, cannot be assigned to a host")
        if pod["spec"].get("nodeName"):
            raise errors.conflict(spec, name, f'pod {name} is already assigned to node "{pod["spec"]["nodeName"]}"')
        pod["spec"]["nodeName"] = node_name
        if annotations:
            pod["metadata"]["annotations"] = {**(pod["metadata"].get("annotations") or {}), **annotations}
        admission.set_condition(pod, "PodScheduled", "True", self.clock.timestamp())
        if dry_run:
            return pod
        return self._persist(spec, pod, "MODIFIED")

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        preconditions: dict | None = None,
        dry_run: bool = False,
    ) -> DeleteResult:
        spec = self._admit_request("delete", kind)
        if propagation_policy not in (None, "Background", "Foreground", "Orphan"):
            raise errors.bad_request(
                f'unsupported propagationPolicy "{propagation_policy}": must be Background, Foreground or Orphan'
            )
        if grace_period_seconds is not None and (not isinstance(grace_period_seconds, int) or grace_period_seconds < 0):
            raise errors.invalid_object(
                spec,
                name,
                [errors.invalid("gracePeriodSeconds", grace_period_seconds, "must be greater than or equal to 0")],
            )
        with self.storage.transaction():
            current = self.storage.get(spec.kind, self._namespace(spec, namespace), name)
            if current is None:
                raise errors.not_found(spec, name)
            metadata = current["metadata"]
            preconditions = preconditions or {}
            if preconditions.get("uid") and preconditions["uid"] != metadata["uid"]:
                raise errors.conflict(
                    spec,
                    name,
                    f"Precondition failed: UID in precondition: {preconditions['uid']}, UID in object meta: {metadata['uid']}",
                )
            if preconditions.get("resourceVersion"):
                self._check_version(spec, current, preconditions["resourceVersion"])
            finalizers = list(metadata.get("finalizers") or [])
            if propagation_policy is None and spec.kind in ORPHAN_BY_DEFAULT and FOREGROUND not in finalizers:
                propagation_policy = "Orphan"
            if propagation_policy == "Foreground" and FOREGROUND not in finalizers:
                finalizers.append(FOREGROUND)
            if propagation_policy == "Orphan" and ORPHAN not in finalizers:
                finalizers.append(ORPHAN)
            grace = self._grace_seconds(spec, current, grace_period_seconds)
            if dry_run:
                return DeleteResult(current, not finalizers and not grace and not _namespace_finalizers(current))
            if finalizers or grace or _namespace_finalizers(current):
                return self._begin_deletion(spec, current, finalizers, grace)
            return DeleteResult(self._remove(spec, current), True)

    def delete_collection(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
    ):
        """upstream Store.DeleteCollection: list what the selectors match, delete each as its own delete would, and
        answer (the items as listed, the list's resourceVersion). Not atomic, as upstream: an object already gone
        is skipped, and a refusal stops the deletions after the ones already done."""
        spec = self._admit_request("deletecollection", kind)
        items, version = self.list(spec.kind, namespace, label_selector, field_selector)
        for item in items:
            metadata = item["metadata"]
            try:
                self.delete(
                    spec.kind,
                    metadata.get("namespace"),
                    metadata["name"],
                    propagation_policy=propagation_policy,
                    grace_period_seconds=grace_period_seconds,
                    dry_run=dry_run,
                )
            except errors.ApiError as refusal:
                if refusal.code != 404:
                    raise
        return items, version

    def check(self, kind: str, obj) -> dict:
        """`obj` decoded strictly and validated as its kind, with no admission and nothing written: how an object
        restored as it was stored (a snapshot's) is checked, since it already carries what admission set."""
        spec = self._admit_request("create", kind)
        decoded = self._decode(spec, obj)
        self._validate(spec, decoded)
        return decoded

    # ---- internals ---------------------------------------------------------------------------------------
    def _admit_request(self, verb: str, kind: str) -> Kind:
        try:
            spec = kind_named(kind)
        except KeyError:
            raise errors.ApiError(
                404, "NotFound", f'the server could not find the requested resource (kind "{kind}")'
            ) from None
        if self.gate is not None:
            refusal = self.gate(verb, spec)
            if refusal is not None:
                raise refusal
        return spec

    def _decode(self, spec: Kind, obj, validation: fields.FieldValidation | None = None, patched: bool = False) -> dict:
        """The body as upstream's decoder fills its Go type. Unknown and repeated fields go by the request's
        fieldValidation directive; callers inside the simulator (the admin, the control plane) name none and get
        Strict, kubectl's default, so a mistyped field never passes silently."""
        validation = validation or fields.FieldValidation()
        if not isinstance(obj, dict):
            raise errors.bad_request(
                f'{spec.kind} in version "{spec.version}" cannot be handled as a {spec.kind}: the body must be a JSON object'
            )
        obj = dict(obj)  # a shallow copy for the checks below; the decoding that follows copies the rest
        if obj.get("kind", spec.kind) != spec.kind or obj.get("apiVersion", spec.api_version) != spec.api_version:
            raise errors.bad_request(
                f"the API version in the data ({obj.get('apiVersion')}) does not match the expected API version ({spec.api_version})"
                if obj.get("kind", spec.kind) == spec.kind
                else f'{spec.kind} in version "{spec.version}" cannot be handled as a {spec.kind}: the kind in the body ({obj.get("kind")}) is not {spec.kind}'
            )
        obj["kind"], obj["apiVersion"] = spec.kind, spec.api_version
        if obj.get("metadata") is None:
            obj["metadata"] = {}  # JSON null decodes to an empty ObjectMeta
        if not isinstance(obj["metadata"], dict):
            raise errors.bad_request(
                f'{spec.kind} in version "{spec.version}" cannot be handled as a {spec.kind}: metadata must be an object'
            )
        fitting = decoder.decoded(spec.kind, obj)
        if fitting is not None:
            fields.settle_strict_errors(spec, fitting, [], validation)  # the body's repeated fields, if any
            return fitting
        obj = clone(obj)
        schema.normalise(spec.kind, obj)
        problems = fields.settle_strict_errors(spec, obj, fields.decode_problems(spec, obj), validation, patched)
        if problems:
            raise errors.bad_request(
                f'{spec.kind} in version "{spec.version}" cannot be handled as a {spec.kind}: {problems[0]}'
            )
        return obj

    def _validate(self, spec: Kind, obj: dict, old: dict | None = None) -> None:
        problems = validation.validate(spec, obj, old, max_replicas=self.max_replicas)
        if problems:
            raise errors.invalid_object(spec, obj["metadata"].get("name", ""), problems)

    def _namespace(self, spec: Kind, namespace: str | None) -> str | None:
        return (namespace or "default") if spec.namespaced else None

    def _require_namespace(self, spec: Kind, namespace: str | None, name: str) -> None:
        if not spec.namespaced:
            return
        found = self.storage.get("Namespace", None, namespace)
        if found is None:
            raise errors.namespace_not_found(namespace)
        if found["metadata"].get("deletionTimestamp"):
            message = f'{spec.qualified_plural} "{name}" is forbidden: unable to create new content in namespace {namespace} because it is being terminated'
            raise errors.ApiError(403, "Forbidden", message, {"name": name, "kind": spec.plural})

    def _check_version(self, spec: Kind, current: dict, requested: str | None) -> None:
        if requested and str(requested) != current["metadata"]["resourceVersion"]:
            raise errors.conflict(spec, current["metadata"]["name"])

    def _replace(
        self, spec: Kind, current: dict, new: dict, subresource: str | None, dry_run: bool, manager: str | None
    ) -> dict:
        """Write `new` over `current`; `manager` records an Update by it (None: the managers are already set)."""
        if new["metadata"].get("name") != current["metadata"]["name"]:
            raise errors.bad_request(
                f"the name of the object ({new['metadata'].get('name')}) does not match the name on the URL ({current['metadata']['name']})"
            )
        merged = admission.merge_for_update(spec, current, new, subresource)
        admission.admit_update(spec, current, merged, self)
        if manager is not None:
            managedfields.track_update(spec, current, merged, manager, subresource, self.clock.timestamp())
        self._validate(spec, merged, current)
        if subresource is None:
            admission.validate_update(spec, current, merged, self)
        if _same(current, merged):
            return current  # upstream: a no-op update writes nothing and keeps the resourceVersion
        if spec.kind in KINDS_WITH_GENERATION and merged.get("spec") != current.get("spec"):
            merged["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
        if dry_run:
            return merged
        metadata = merged["metadata"]
        if metadata.get("deletionTimestamp") and not _held(spec, merged):
            return self._remove(spec, merged)
        return self._persist(spec, merged, "MODIFIED")

    def _grace_seconds(self, spec: Kind, pod: dict, requested: int | None) -> int:
        """Only bound, unfinished pods terminate gracefully; everything else goes at once (upstream pod strategy)."""
        if spec.kind != "Pod":
            return 0
        if not pod["spec"].get("nodeName") or pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return requested
        return pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_GRACE_SECONDS)

    def _begin_deletion(self, spec: Kind, current: dict, finalizers: list, grace: int) -> DeleteResult:
        metadata = current["metadata"]
        if metadata.get("deletionTimestamp") and metadata.get("finalizers") == finalizers:
            if spec.kind != "Pod" or grace >= metadata.get("deletionGracePeriodSeconds", grace):
                return DeleteResult(current, False)
        metadata["finalizers"] = finalizers
        if spec.kind == "Pod":
            # A shorter grace period on a repeated delete shortens the one in force; 0 forces it (kubectl --force).
            if not grace and not finalizers:
                return DeleteResult(self._remove(spec, current), True)
            metadata["deletionGracePeriodSeconds"] = grace
            metadata["deletionTimestamp"] = self.clock.timestamp(self.clock.now + grace)
        else:
            metadata.setdefault("deletionTimestamp", self.clock.timestamp())
            metadata["deletionGracePeriodSeconds"] = 0
        if spec.kind == "Namespace":
            current.setdefault("status", {})["phase"] = "Terminating"
        return DeleteResult(self._persist(spec, current, "MODIFIED"), False)

    def _persist(self, spec: Kind, obj: dict, event_type: str) -> dict:
        obj["metadata"]["resourceVersion"] = str(self.storage.next_resource_version())
        self.storage.save(spec.kind, obj)
        published = clone(obj)
        self.storage.on_commit(lambda: self.storage.publish({"type": event_type, "object": published}))
        return obj

    def _remove(self, spec: Kind, obj: dict) -> dict:
        metadata = obj["metadata"]
        metadata["resourceVersion"] = str(self.storage.next_resource_version())
        self.storage.remove(spec.kind, metadata.get("namespace"), metadata["name"])
        published = clone(obj)
        self.storage.on_commit(lambda: self.storage.publish({"type": "DELETED", "object": published}))
        return obj

    def _generated_name(self, prefix: str) -> str:
        """upstream SimpleNameGenerator: the prefix cut to 58 characters, then 5 random ones that spell no words."""
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        return prefix[:MAX_GENERATED_PREFIX] + "".join(self.rng.choice(alphabet) for _ in range(5))


def _same(current: dict, merged: dict) -> bool:
    strip = {"resourceVersion"}
    return {**current, "metadata": {k: v for k, v in current["metadata"].items() if k not in strip}} == {
        **merged,
        "metadata": {k: v for k, v in merged["metadata"].items() if k not in strip},
    }


def _namespace_finalizers(obj: dict) -> list:
    """A namespace's spec.finalizers ("kubernetes") keep it Terminating until the namespace controller empties it."""
    return obj.get("spec", {}).get("finalizers") or [] if obj["kind"] == "Namespace" else []


def _held(spec: Kind, obj: dict) -> bool:
    """What keeps a deleted object around: finalizers, or a pod's grace period until its kubelet confirms."""
    if obj["metadata"].get("finalizers") or _namespace_finalizers(obj):
        return True
    return (
        spec.kind == "Pod"
        and bool(obj["spec"].get("nodeName"))
        and obj["metadata"].get("deletionGracePeriodSeconds", 0) > 0
    )
