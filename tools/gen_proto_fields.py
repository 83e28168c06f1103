#!/usr/bin/env python3
"""Generates src/api/generated/proto_fields.cc: the protobuf field table that
src/api/protobuf.cc uses to turn application/vnd.kubernetes.protobuf bodies into JSON.

Input: Kubernetes 1.33 facts in ../shared/reference/kubernetes-1.33 (proto-fields.json for
messages, openapi-v3-facts for which apiVersion+kind is which message). Only messages
reachable from the kinds Skiff serves are emitted. The build uses the committed output.

Usage: tools/gen_proto_fields.py [--reference DIR] [--out FILE]
"""
import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Facts files (openapi-v3-facts/<name>.json) whose kinds Skiff serves.
SERVED_GROUP_VERSIONS = [
    "api__v1",
    "apis__apps__v1",
    "apis__batch__v1",
    "apis__autoscaling__v1",
    "apis__autoscaling__v2",
    "apis__networking.k8s.io__v1",
    "apis__rbac.authorization.k8s.io__v1",
    "apis__coordination.k8s.io__v1",
    "apis__discovery.k8s.io__v1",
    "apis__policy__v1",
    "apis__events.k8s.io__v1",
    "apis__storage.k8s.io__v1",
    "apis__scheduling.k8s.io__v1",
    "apis__apiextensions.k8s.io__v1",  # skipped when proto-fields.json lacks its messages
    "apis__authentication.k8s.io__v1",  # TokenRequest, TokenReview (kubectl create token)
    "apis__authorization.k8s.io__v1",  # SelfSubjectAccessReview (kubectl auth can-i)
]

META = "k8s.io.apimachinery.pkg.apis.meta.v1"
# meta/v1 kinds clients send under every group's apiVersion ("apps/v1", kind DeleteOptions).
META_KINDS_ANY_VERSION = ["DeleteOptions", "Status", "WatchEvent"]

# Messages whose JSON form is not an object of their fields.
SPECIAL = {
    META + ".Time": "kTime",
    META + ".MicroTime": "kMicroTime",
    META + ".FieldsV1": "kRawJson",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "kRawJson",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "kQuantity",
    "k8s.io.apimachinery.pkg.api.resource.QuantityValue": "kQuantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "kIntOrString",
}

# Special messages protobuf.cc has no JSON mapping for; the generator fails if one becomes
# reachable rather than emitting it as a plain object.
UNSUPPORTED = {META + ".Duration"}

SCALARS = {"string": "kString", "bytes": "kBytes", "bool": "kBool", "int32": "kInt32", "int64": "kInt64"}


def openapi_to_proto_name(schema_name):
    # io.k8s.api.apps.v1.Deployment -> k8s.io.api.apps.v1.Deployment
    if schema_name.startswith("io.k8s.api."):
        return "k8s.io.api." + schema_name[len("io.k8s.api."):]
    if schema_name.startswith("io.k8s.apimachinery."):
        return "k8s.io.apimachinery." + schema_name[len("io.k8s.apimachinery."):]
    return None


class Unavailable(Exception):
    """A field whose message type is outside the facts (alpha/beta packages): left out of the
    table, so the decoder skips it like any unknown field."""


def resolve(type_name, package, messages):
    if type_name.startswith("."):
        name = type_name[1:]
    else:
        name = package + "." + type_name
    if name not in messages:
        raise Unavailable(name)
    return name


def table_fields(name, messages, skipped):
    """The fields of `name` the table can describe, sorted by number."""
    package = name.rsplit(".", 1)[0]
    result = []
    for field in sorted(messages[name], key=lambda f: f["number"]):
        try:
            result.append((field, parse_field(field, package, messages)))
        except Unavailable as e:
            skipped.add(f"{name}.{field['name']} ({e})")
    return result


def proto_to_openapi_name(message_name):
    return "io." + message_name.replace("k8s.io.", "k8s.", 1)


def json_names(name, messages, schemas, skipped):
    """For each field of `name`: (JSON name, inline). Proto names are JSON names except for a few
    Go-cased ones ("Webhooks", "uID", "aPIGroup"), fixed from the OpenAPI property names; a
    message field whose JSON has its fields in the parent (Go `json:",inline"`: Volume.volumeSource,
    Probe.handler) is marked inline."""
    props = schemas.get(proto_to_openapi_name(name), {}).get("properties", {})
    by_lower = {p.lower(): p for p in props}
    result = {}
    for field, (ftype, repeated, _, msg) in table_fields(name, messages, skipped):
        fname = field["name"]
        if fname in props or not props:
            result[fname] = (fname, False)
        elif fname.lower() in by_lower:
            result[fname] = (by_lower[fname.lower()], False)
        elif ftype == "kMessage" and not repeated and msg not in SPECIAL and any(
                jn in props for jn, _ in json_names(msg, messages, schemas, skipped).values()):
            result[fname] = (fname, True)
        else:  # a field newer than the OpenAPI facts (or one they lost): keep the proto name
            result[fname] = (fname, False)
    return result


def is_string_array_wrapper(fields):
    # Go named []string types (Verbs, ExtraValue): one repeated scalar `items = 1`, JSON is the array.
    return (len(fields) == 1 and fields[0]["name"] == "items" and fields[0]["number"] == 1
            and fields[0]["label"] == "repeated" and fields[0]["type"] in SCALARS)


def parse_field(field, package, messages):
    """-> (type, repeated, map_value_type, message_name or None)"""
    t = field["type"]
    repeated = field["label"] == "repeated"
    if t.startswith("map<"):
        key, value = t[4:-1].split(",", 1)
        if key.strip() != "string":
            sys.exit(f"unsupported map key in {t}")
        value = value.strip()
        if value in SCALARS:
            return "kMap", False, SCALARS[value], None
        return "kMap", False, "kMessage", resolve(value, package, messages)
    if t in SCALARS:
        return SCALARS[t], repeated, "kString", None
    if t[0] in "0123456789" or t in ("double", "float", "uint32", "uint64", "sint32", "sint64", "fixed32",
                                     "fixed64", "sfixed32", "sfixed64"):
        sys.exit(f"unsupported scalar type {t}")
    return "kMessage", repeated, "kString", resolve(t, package, messages)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "reference", "kubernetes-1.33"))
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "api", "generated", "proto_fields.cc"))
    args = ap.parse_args()

    with open(os.path.join(args.reference, "proto-fields.json")) as f:
        messages = json.load(f)["messages"]

    schemas = {}
    for path in glob.glob(os.path.join(args.reference, "openapi-v3-facts", "*.json")):
        with open(path) as f:
            schemas.update(json.load(f)["schemas"])

    kinds = {}  # (apiVersion, kind) -> message
    any_version = {}  # kind -> message
    for gv in SERVED_GROUP_VERSIONS:
        path = os.path.join(args.reference, "openapi-v3-facts", gv + ".json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            gv_schemas = json.load(f)["schemas"]
        for schema_name, schema in gv_schemas.items():
            proto = openapi_to_proto_name(schema_name)
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                if proto is None or proto not in messages:
                    continue
                if proto.startswith(META + "."):
                    if gvk["kind"] in META_KINDS_ANY_VERSION:
                        any_version[gvk["kind"]] = proto
                    continue
                api_version = gvk["version"] if not gvk["group"] else gvk["group"] + "/" + gvk["version"]
                kinds[(api_version, gvk["kind"])] = proto
    for kind in META_KINDS_ANY_VERSION:
        any_version.setdefault(kind, META + "." + kind)

    # Messages reachable from the kinds.
    reachable = set()
    skipped = set()
    stack = list(kinds.values()) + list(any_version.values())
    while stack:
        name = stack.pop()
        if name in reachable:
            continue
        reachable.add(name)
        if name in SPECIAL:
            continue
        for _, (_, _, _, msg) in table_fields(name, messages, skipped):
            if msg:
                stack.append(msg)

    if reachable & UNSUPPORTED:
        sys.exit(f"reachable messages without a JSON mapping in protobuf.cc: {sorted(reachable & UNSUPPORTED)}")
    order = sorted(reachable)
    index = {name: i for i, name in enumerate(order)}

    out = []
    out.append("// Generated by tools/gen_proto_fields.py from Kubernetes 1.33's generated.proto facts. Do not edit.")
    out.append("// Messages reachable from the kinds Skiff serves; fields sorted by number; names are JSON names.")
    out.append('#include "api/protobuf_table.h"')
    out.append("")
    out.append("namespace skiff::api::proto_table {")
    out.append("namespace {")
    out.append("using T = FieldType;")
    out.append("using K = MessageKind;")
    out.append("}  // namespace")
    out.append("")
    out.append("const FieldInfo kFields[] = {")
    spans = []
    count = 0
    for name in order:
        fields = [] if name in SPECIAL else table_fields(name, messages, skipped)
        names = {} if name in SPECIAL else json_names(name, messages, schemas, skipped)
        spans.append((count, len(fields)))
        for field, (ftype, repeated, map_value, msg) in fields:
            msg_index = index[msg] if msg else -1
            rep = "true" if repeated else "false"
            json_name, inline = names[field["name"]]
            inl = "true" if inline else "false"
            out.append(f'    {{"{json_name}", {field["number"]}, T::{ftype}, {rep}, {inl}, T::{map_value}, {msg_index}}},'
                       f"  // {name.rsplit('.', 1)[1]}")
            count += 1
    out.append("};")
    out.append("")
    out.append("const MessageInfo kMessages[] = {")
    for i, name in enumerate(order):
        if name in SPECIAL:
            kind = SPECIAL[name]
        elif is_string_array_wrapper(messages[name]):
            kind = "kStringArray"
        else:
            kind = "kPlain"
        first, n = spans[i]
        out.append(f'    {{"{name}", K::{kind}, {first}, {n}}},  // {i}')
    out.append("};")
    out.append("")
    out.append("const KindEntry kKinds[] = {")
    for (api_version, kind), name in sorted(kinds.items()):
        out.append(f'    {{"{api_version}", "{kind}", {index[name]}}},')
    for kind, name in sorted(any_version.items()):
        out.append(f'    {{"", "{kind}", {index[name]}}},  // any apiVersion')
    out.append("};")
    out.append("")
    out.append("const std::span<const FieldInfo> kAllFields(kFields);")
    out.append("const std::span<const MessageInfo> kAllMessages(kMessages);")
    out.append("const std::span<const KindEntry> kAllKinds(kKinds);")
    out.append("")
    out.append("}  // namespace skiff::api::proto_table")
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    for s in sorted(skipped):
        print(f"skipped field {s}: message type not in the facts", file=sys.stderr)
    print(f"{args.out}: {len(order)} messages, {count} fields, {len(kinds) + len(any_version)} kinds")


if __name__ == "__main__":
    main()
