"""Adapts openapi/openapi.json to what openapi-python-client handles; scripts/generate-python-client.sh
runs it before the generator. It reads the spec on stdin and writes the adapted spec on stdout.

A property documented as `allOf: [{$ref}, {description}]` (poem-openapi's way to describe a field
whose type is a named schema) becomes the `$ref` itself, or `oneOf: [{$ref}]` with `nullable` when
the field may be null: the generator takes any `allOf` for an object and fails on enums ("Cannot
take allOf a non-object"), dropping every model that uses one (RunView among them).
It is a no-op on a spec without such properties.
"""

import json
import sys

ANNOTATIONS = {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "nullable"}


def unwrap_documented_refs(node):
    """`{description, allOf: [{$ref}, {description}]}` -> `{description, $ref}`, everywhere."""
    if isinstance(node, list):
        return [unwrap_documented_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    parts = node.get("allOf")
    if isinstance(parts, list) and set(node) - {"allOf"} <= ANNOTATIONS:
        refs = [part for part in parts if "$ref" in part]
        if len(refs) == 1 and all(part is refs[0] or set(part) <= ANNOTATIONS for part in parts):
            nullable = node.get("nullable") or any(part.get("nullable") for part in parts)
            described = {"description": node["description"]} if "description" in node else {}
            if nullable:
                node = {**described, "oneOf": [{"$ref": refs[0]["$ref"]}], "nullable": True}
            else:
                node = {**described, "$ref": refs[0]["$ref"]}
    return {key: unwrap_documented_refs(value) for key, value in node.items()}


if __name__ == "__main__":
    json.dump(unwrap_documented_refs(json.load(sys.stdin)), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
