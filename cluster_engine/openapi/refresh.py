"""Refresh the vendored upstream API definitions: `python -m cluster_engine.openapi.refresh [VERSION]`.

Upstream publishes the OpenAPI of every release (api/openapi-spec in kubernetes/kubernetes). The PyPI package
`kubernetes-validate` ships those definitions per release, converted to JSON Schema; this script takes the pinned
release's copy from that wheel and turns it back into the shape of upstream's swagger `definitions` (single types,
`#/definitions/` references, `int-or-string` and quantity as upstream spells them), so the file in this folder
reads as upstream's own. Run it when the pinned version changes, then commit the new file and update VERSION in
`__init__.py`.
"""

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# kubernetes-validate adds these to every kind; upstream's definitions carry no enum for them
ADDED_ENUM_FIELDS = ("apiVersion", "kind")


def upstream_shape(node):
    """One schema node of the JSON Schema copy, back in upstream's swagger form."""
    if isinstance(node, list):
        return [upstream_shape(item) for item in node]
    if not isinstance(node, dict):
        return node
    shaped = {}
    for key, value in node.items():
        if key == "properties":  # field names, not schema keywords (JSONSchemaProps has a field named "$ref")
            shaped[key] = {name: upstream_shape(field) for name, field in value.items()}
        elif key == "$ref":
            shaped[key] = "#/definitions/" + value.rpartition("/")[2]
        elif key == "type" and isinstance(value, list):
            types = [kind for kind in value if kind != "null"]
            shaped[key] = types[0] if len(types) == 1 else types
        else:
            shaped[key] = upstream_shape(value)
    properties = shaped.get("properties")
    if isinstance(properties, dict) and "x-kubernetes-group-version-kind" in shaped:
        for name in ADDED_ENUM_FIELDS:
            if isinstance(properties.get(name), dict):
                properties[name].pop("enum", None)
    return shaped


def definitions_from_wheel(wheel: Path, version: str) -> dict:
    member = f"kubernetes_validate/kubernetes-json-schema/v{version}-local/_definitions.json"
    with zipfile.ZipFile(wheel) as archive:
        copied = json.loads(archive.read(member))
    definitions = {name: upstream_shape(schema) for name, schema in copied["$defs"].items()}
    # upstream spells these two as strings with a format; the JSON Schema copy turned them into oneOf unions
    definitions[INT_OR_STRING] = {"type": "string", "format": "int-or-string"}
    definitions[QUANTITY] = {"type": "string", "format": "quantity"}
    return definitions


def main(version: str) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "-d",
                folder,
                f"kubernetes-validate=={version}",
            ],
            check=True,
        )
        wheel = next(Path(folder).glob("*.whl"))
        definitions = definitions_from_wheel(wheel, version)
    target = HERE / f"kubernetes-{version}.json"
    target.write_text(json.dumps({"definitions": definitions}, indent=1, sort_keys=True) + "\n")
    return target


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else "1.37.0"))
