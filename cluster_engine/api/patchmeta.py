"""Where strategic merge learns how to merge a field: upstream's API definitions, `$ref`s followed.

Upstream's apiserver reads the `patchStrategy` and `patchMergeKey` struct tags of the Go types
(strategicpatch.PatchMetaFromStruct); the published OpenAPI carries the same tags as `x-kubernetes-patch-strategy`
and `x-kubernetes-patch-merge-key`, which is what we vendor. A field without a strategy is replaced whole.
"""

from dataclasses import dataclass

from cluster_engine.openapi import REF_PREFIX, definitions

from . import errors

_SCALAR_KINDS = {"string": "string", "boolean": "bool", "number": "float64"}


@dataclass(frozen=True)
class PatchType:
    """A Go type as strategic merge sees it: its schema (an empty one stands for a type we know nothing about, whose
    maps merge and whose lists are replaced)."""

    name: str  # the definition's full name, "" for a schema written inline
    schema: dict

    @classmethod
    def named(cls, name: str) -> "PatchType":
        return cls(name, definitions()[name])

    @classmethod
    def of(cls, schema: dict) -> "PatchType":
        name = ""
        while "$ref" in schema:
            name = schema["$ref"][len(REF_PREFIX) :]
            schema = definitions()[name]
        return cls(name, schema)

    @property
    def kind(self) -> str:
        """reflect.Kind's name, as upstream prints it in a few messages."""
        if self.name or "properties" in self.schema:
            return "struct"  # Quantity, Time and IntOrString are structs in Go although JSON shows scalars
        json_type = self.schema.get("type")
        if json_type == "array":
            return "slice"
        if json_type == "integer":
            return self.schema.get("format", "int")
        return _SCALAR_KINDS.get(json_type, "map")

    @property
    def go_name(self) -> str:
        return self.name.rpartition(".")[2]

    def field(self, key: str) -> tuple["PatchType", str, str]:
        """forkedjson.LookupPatchMetadataForStruct: the field's type, patch strategy and merge key."""
        if "additionalProperties" in self.schema:
            return PatchType.of(self.schema["additionalProperties"]), "", ""
        properties = self.schema.get("properties")
        if properties is not None:
            if key not in properties:
                raise internal(f'unable to find api field in struct {self.go_name} for the json field "{key}"')
            field = properties[key]
            return (
                PatchType.of(field),
                _strategy(field.get("x-kubernetes-patch-strategy", "")),
                field.get("x-kubernetes-patch-merge-key", ""),
            )
        if self.schema.get("type") in ("string", "integer", "number", "boolean", "array"):
            raise internal(f"merging an object in json but data type is not map or struct, instead is: {self.kind}")
        return UNKNOWN, "", ""

    def list_field(self, key: str) -> tuple["PatchType", str, str]:
        """PatchMetaFromStruct.LookupPatchMetadataForSlice: like `field`, but the type of the list's elements."""
        field, strategy, merge_key = self.field(key)
        if not field.schema:
            return UNKNOWN, strategy, merge_key
        if field.schema.get("type") != "array":
            raise internal(f"expected slice or array type, but got: {self.kind}")
        element = PatchType.of(field.schema.get("items", {}))
        if element.schema.get("type") == "array":
            raise internal("unexpected slice of slice")
        return element, strategy, merge_key


UNKNOWN = PatchType("", {})


def _strategy(tag: str) -> str:
    """extractRetainKeysPatchStrategy: `retainKeys` rides beside the real strategy ("merge,retainKeys")."""
    strategies = tag.split(",") if tag else []
    if not strategies:
        return ""
    if len(strategies) == 1:
        return "" if strategies[0] == "retainKeys" else strategies[0]
    if len(strategies) == 2 and "retainKeys" in strategies:
        return strategies[1] if strategies[0] == "retainKeys" else strategies[0]
    raise internal(f"unexpected patch strategy: [{' '.join(strategies)}]")


def internal(message: str) -> errors.ApiError:
    """An error upstream's merge code returns unwrapped: the apiserver answers it as a 500 with no reason."""
    return errors.ApiError(500, "", message)
