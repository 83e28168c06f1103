#!/usr/bin/env python3
"""Generates src/api/generated/schema_data.cc from Kubernetes 1.33's OpenAPI v3 facts.

Usage: tools/gen_schema.py [REFERENCE_DIR]   (default: ../shared/reference next to the repo)

Keeps only the types reachable from the kinds Skiff serves (plus a few meta types), and
per group-version the served resources (plural, kind, scope, verbs, subresources), all
derived from the facts' `schemas` and `paths`. The output is one compact JSON document
compiled in as a string; src/api/schema_loader.cc parses it once at startup.

Compact node encoding (keys kept short because the string lives in the binary):
  "io.k8s...Name"  a reference to a named type
  t   type: o object, a array, s string, i integer, n number, b boolean, x int-or-string,
      q quantity, * anything
  f format, p properties, ap additionalProperties, it items, rq required, e enum,
  d default (non-zero scalars only, and {} for struct fields Go always serializes),
  pu preserve-unknown-fields, er embedded-resource, lt list-type, lk list-map-keys,
  mt map-type, ps patch-strategy, pk patch-merge-key
"""

import json
import os
import sys

SERVED_KINDS = [
    ("", "v1", k) for k in [
        "Namespace", "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "ServiceAccount", "Node",
        "Event", "PersistentVolume", "PersistentVolumeClaim", "LimitRange", "ResourceQuota"]
] + [
    ("apps", "v1", k) for k in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"]
] + [
    ("batch", "v1", "Job"), ("batch", "v1", "CronJob"),
    ("autoscaling", "v1", "HorizontalPodAutoscaler"), ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("networking.k8s.io", "v1", "Ingress"), ("networking.k8s.io", "v1", "IngressClass"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
] + [
    ("rbac.authorization.k8s.io", "v1", k) for k in ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]
] + [
    ("coordination.k8s.io", "v1", "Lease"), ("discovery.k8s.io", "v1", "EndpointSlice"),
    ("policy", "v1", "PodDisruptionBudget"), ("events.k8s.io", "v1", "Event"),
    ("storage.k8s.io", "v1", "StorageClass"), ("scheduling.k8s.io", "v1", "PriorityClass"),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
]

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
EXTRA_TYPES = [META + n for n in [
    "ObjectMeta", "ListMeta", "Status", "DeleteOptions", "APIResourceList", "WatchEvent", "Patch",
    "Condition", "MicroTime"]] + [
    "io.k8s.api.autoscaling.v1.Scale", "io.k8s.api.policy.v1.Eviction", "io.k8s.api.core.v1.Binding",
    "io.k8s.api.authentication.v1.TokenRequest",
]

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
REF_PREFIX = "#/components/schemas/"
JSON_SCHEMA_PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"

TYPE_CODES = {"object": "o", "array": "a", "string": "s", "integer": "i", "number": "n", "boolean": "b"}
EXTENSIONS = {
    "x-kubernetes-preserve-unknown-fields": "pu", "x-kubernetes-embedded-resource": "er",
    "x-kubernetes-list-type": "lt", "x-kubernetes-list-map-keys": "lk", "x-kubernetes-map-type": "mt",
    "x-kubernetes-patch-strategy": "ps", "x-kubernetes-patch-merge-key": "pk",
}
VERB_OF_ACTION = {"list": "list", "watchlist": "watch", "watch": "watch", "post": "create", "put": "update",
                  "patch": "patch", "delete": "delete", "deletecollection": "deletecollection", "get": "get"}
VERB_OF_METHOD = {"get": "get", "post": "create", "put": "update", "patch": "patch", "delete": "delete"}


def load(ref_dir):
    facts_dir = os.path.join(ref_dir, "kubernetes-1.33", "openapi-v3-facts")
    schemas, paths = {}, {}
    for name in sorted(os.listdir(facts_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(facts_dir, name)) as f:
            doc = json.load(f)
        schemas.update(doc["schemas"])
        paths[name[:-len(".json")]] = doc["paths"]
    # The facts drop every "description" key, the fields named so included: JSONSchemaProps'
    # and PriorityClass' (the one API type whose protobuf message has one).
    for type_name in (JSON_SCHEMA_PROPS, "io.k8s.api.scheduling.v1.PriorityClass"):
        props = schemas.get(type_name, {}).get("properties")
        if props is not None:
            props.setdefault("description", {"type": "string"})
    return schemas, paths


def ref_name(node):
    """The named type a node points at ($ref or allOf:[{$ref}]), else None."""
    if "$ref" in node:
        return node["$ref"][len(REF_PREFIX):]
    all_of = node.get("allOf")
    if all_of and len(all_of) == 1 and "$ref" in all_of[0]:
        return all_of[0]["$ref"][len(REF_PREFIX):]
    return None


def is_interesting_default(value):
    if value in ("", 0, False, [], None):
        return False
    return True


def convert(node, refs):
    """Compact form of one schema node; collects referenced type names into refs."""
    name = ref_name(node)
    out = {}
    if name is not None:
        refs.add(name)
        extras = {EXTENSIONS[k]: v for k, v in node.items() if k in EXTENSIONS}
        if "default" in node and is_interesting_default(node["default"]):
            extras["d"] = node["default"]
        if not extras:
            return name
        out["r"] = name
        out.update(extras)
        return out
    if node.get("format") == "int-or-string":
        out["t"] = "x"
    elif "oneOf" in node:
        kinds = sorted(o.get("type") for o in node["oneOf"])
        out["t"] = "q" if kinds == ["number", "string"] else "*"
    elif "type" in node:
        out["t"] = TYPE_CODES[node["type"]]
    else:
        out["t"] = "*"
    if "format" in node and node["format"] != "int-or-string":
        out["f"] = node["format"]
    if "properties" in node:
        out["p"] = {k: convert(v, refs) for k, v in sorted(node["properties"].items())}
    if "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        out["ap"] = convert(node["additionalProperties"], refs)
    if "items" in node:
        out["it"] = convert(node["items"], refs)
    if node.get("required"):
        out["rq"] = node["required"]
    if node.get("enum"):
        out["e"] = node["enum"]
    if "default" in node and is_interesting_default(node["default"]):
        out["d"] = node["default"]
    for key, short in EXTENSIONS.items():
        if key in node:
            out[short] = node[key]
    # A bare `type: object` (RawExtension, FieldsV1) holds arbitrary JSON.
    if out["t"] == "o" and "p" not in out and "ap" not in out:
        out["pu"] = True
    return out


def closure(schemas, roots):
    types, pending = {}, list(roots)
    while pending:
        name = pending.pop()
        if name in types:
            continue
        if name not in schemas:
            raise SystemExit("missing schema " + name)
        refs = set()
        node = schemas[name]
        if name == INT_OR_STRING:
            types[name] = {"t": "x"}
        elif name == QUANTITY:
            types[name] = {"t": "q"}
        else:
            types[name] = convert(node, refs)
            if name == "io.k8s.apimachinery.pkg.runtime.RawExtension":
                types[name]["er"] = True
        pending.extend(sorted(refs - set(types)))
    return dict(sorted(types.items()))


def gvk_index(schemas):
    index = {}
    for name, node in schemas.items():
        for gvk in node.get("x-kubernetes-group-version-kind", []):
            index.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return index


def parse_path(path):
    """'/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale' ->
    (group, version, namespaced, plural, subresource or None); watch paths map to their resource."""
    parts = path.strip("/").split("/")
    if parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    else:
        group, version, rest = parts[1], parts[2], parts[3:]
    if rest and rest[0] == "watch":
        rest = rest[1:]
    if not rest:
        return None
    namespaced = len(rest) >= 2 and rest[0] == "namespaces" and rest[1] == "{namespace}"
    if namespaced:
        rest = rest[2:]
    if not rest:
        return None
    plural = rest[0]
    sub = rest[2] if len(rest) >= 3 else None
    return group, version, namespaced, plural, sub


def resources(schemas, paths):
    by_gvk = gvk_index(schemas)
    served = set(SERVED_KINDS)
    found = {}  # (group, version, plural) -> record
    subs = {}   # (group, version, plural) -> {sub: record}
    for doc_paths in paths.values():
        for entry in doc_paths:
            parsed = parse_path(entry["path"])
            if parsed is None:
                continue
            group, version, namespaced, plural, sub = parsed
            key = (group, version, plural)
            for method, op in entry["operations"].items():
                gvk = op.get("gvk")
                if gvk is None:
                    continue
                if sub is None:
                    if (gvk["group"], gvk["version"], gvk["kind"]) not in served:
                        continue
                    rec = found.setdefault(key, {"r": plural, "k": gvk["kind"], "n": False, "v": set()})
                    rec["n"] = rec["n"] or namespaced
                    rec["v"].add(VERB_OF_ACTION[op["action"]])
                else:
                    rec = subs.setdefault(key, {}).setdefault(sub, {
                        "n": sub, "g": gvk["group"], "vv": gvk["version"], "k": gvk["kind"], "v": set()})
                    if op["action"] == "connect":
                        if method in VERB_OF_METHOD:
                            rec["v"].add(VERB_OF_METHOD[method])
                    else:
                        rec["v"].add(VERB_OF_ACTION[op["action"]])
    missing = served - {(g, v, r["k"]) for (g, v, _), r in found.items()}
    if missing:
        raise SystemExit("kinds without paths: %s" % sorted(missing))
    groups = {}
    for (group, version, plural), rec in sorted(found.items()):
        gvk = (group, version, rec["k"])
        rec["t"] = by_gvk[gvk]
        rec["lk"] = rec["k"] + "List"
        if (group, version, rec["lk"]) not in by_gvk:
            raise SystemExit("no list type for %s" % (gvk,))
        rec["lt"] = by_gvk[(group, version, rec["lk"])]
        rec["v"] = sorted(rec["v"])
        rec["s"] = [dict(s, v=sorted(s["v"])) for _, s in sorted(subs.get((group, version, plural), {}).items())]
        groups.setdefault((group, version), []).append(rec)
    return [{"g": g, "v": v, "res": recs} for (g, v), recs in sorted(groups.items())]


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ref_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "reference")
    schemas, paths = load(ref_dir)
    gvs = resources(schemas, paths)
    roots = set(EXTRA_TYPES)
    for gv in gvs:
        for rec in gv["res"]:
            roots.add(rec["t"])
            roots.add(rec["lt"])
    types = closure(schemas, sorted(roots))
    doc = json.dumps({"types": types, "groupVersions": gvs}, separators=(",", ":"), sort_keys=False)
    out_dir = os.path.join(repo, "src", "api", "generated")
    os.makedirs(out_dir, exist_ok=True)
    # Split into chunks: one huge literal is fine for GCC, but chunks keep lines reviewable.
    chunk = 4000
    pieces = [doc[i:i + chunk] for i in range(0, len(doc), chunk)]
    with open(os.path.join(out_dir, "schema_data.cc"), "w") as f:
        f.write("// Generated by tools/gen_schema.py from Kubernetes 1.33's OpenAPI v3 facts. Do not edit.\n")
        f.write("// %d types, %d group-versions, %d bytes.\n" % (len(types), len(gvs), len(doc)))
        f.write('#include "api/generated/schema_data.h"\n\n')
        f.write("namespace skiff::api::generated {\n\n")
        f.write("const char kSchemaData[] =\n")
        for piece in pieces:
            f.write('    R"~~~(' + piece + ')~~~"\n')
        f.write(";\n\nconst std::size_t kSchemaDataSize = sizeof(kSchemaData) - 1;\n\n")
        f.write("}  // namespace skiff::api::generated\n")
    print("wrote %d types, %d group-versions, %d bytes" % (len(types), len(gvs), len(doc)))


if __name__ == "__main__":
    main()
