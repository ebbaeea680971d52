#!/usr/bin/env python3
"""hack/crd-embed.py — Kubernetes types embedded in the MLflow CRD.

The MLflow spec carries a few core/v1 types whole (podSecurityContext,
securityContext, affinity, tolerations, env[].valueFrom). Their schemas are
not written by hand: they come from a real kube-apiserver's OpenAPI v3
document (GET /openapi/v3/api/v1), with every $ref inlined, the way
controller-gen embeds them in a CRD:

  * descriptions are dropped (the CRD stays readable; the field above the
    generated block says which type it is), and so are defaults (the API
    server would otherwise write them into every MLflow object);
  * types, formats, required, enums, x-kubernetes-list-type/-list-map-keys
    and -map-type are kept;
  * resource.Quantity and intstr.IntOrString become the int-or-string schema
    of a structural CRD (anyOf integer/string, x-kubernetes-int-or-string);
  * union hints (x-kubernetes-unions) have no place in a CRD and are dropped.

Usage (--also OPENAPI.json, repeatable, adds another API group's types):
  crd-embed.py OPENAPI.json TYPE [--omit FIELD,...]
      print the inlined schema of TYPE (e.g. io.k8s.api.core.v1.Affinity)
  crd-embed.py --crd CRD.yaml [--check] OPENAPI.json
      rewrite, in place, every block of CRD.yaml between the lines
          # BEGIN crd-embed TYPE [omit=FIELD,...]
          # END crd-embed
      with TYPE's schema, indented like the BEGIN line; --check only says
      whether the file is up to date (exit status 1 when it is not).
OPENAPI.json may be "-" for standard input. To regenerate the CRD against
the pinned kube-apiserver, `make manifests`, which runs:
  tests/envtest/controlplane.sh run -- sh -c '
      kubectl get --raw /openapi/v3/apis/networking.k8s.io/v1 >networking.json &&
      kubectl get --raw /openapi/v3/api/v1 | hack/crd-embed.py \
          --crd config/crd/mlflow.opendatahub.io_mlflows.yaml --also networking.json -'

Needs python3 with PyYAML only.
"""
import argparse
import json
import re
import sys

import yaml

QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
# controller-gen's schema for a resource.Quantity.
QUANTITY_PATTERN = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
                    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")

# Schema keywords a CRD's JSONSchemaProps holds, in the order they are
# printed; "properties" comes last so a leaf's facts read before its children.
KEEP = ["type", "format", "enum", "required", "anyOf", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties", "nullable",
        "x-kubernetes-int-or-string", "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
        "items", "additionalProperties", "properties"]
# Enum fields where Kubernetes takes the empty string too, with a meaning
# its OpenAPI enum does not list: a toleration's empty effect matches every
# effect, its empty operator is Equal. Such pods are valid (and the Go
# operator's CRD takes them), so "" joins their enum.
EMPTY_OK = {("io.k8s.api.core.v1.Toleration", "effect"),
            ("io.k8s.api.core.v1.Toleration", "operator")}
DROP = {"description", "default", "example", "x-kubernetes-unions",
        "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key"}


class EmbedError(Exception):
    pass


def int_or_string(quantity):
    s = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    if quantity:
        s["pattern"] = QUANTITY_PATTERN
    s["x-kubernetes-int-or-string"] = True
    return s


def ref_name(ref):
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise EmbedError("unsupported $ref %r" % ref)
    return ref[len(prefix):]


class Inliner:
    def __init__(self, doc):
        try:
            self.schemas = doc["components"]["schemas"]
        except (KeyError, TypeError):
            raise EmbedError("not an OpenAPI v3 document: no components.schemas")

    def named(self, name, stack=()):
        if name == QUANTITY:
            return int_or_string(True)
        if name == INT_OR_STRING:
            return int_or_string(False)
        if name in stack:
            raise EmbedError("recursive type %s (via %s): a CRD cannot inline it"
                             % (name, " > ".join(stack)))
        if name not in self.schemas:
            raise EmbedError("no type %s in the OpenAPI document" % name)
        return self.schema(self.schemas[name], stack + (name,))

    def schema(self, s, stack):
        if "$ref" in s:
            return self.named(ref_name(s["$ref"]), stack)
        # openapi-gen wraps a described $ref as allOf: [{$ref}].
        if "allOf" in s:
            parts = s["allOf"]
            if len(parts) != 1 or "$ref" not in parts[0]:
                raise EmbedError("unsupported allOf in %s" % stack[-1])
            return self.named(ref_name(parts[0]["$ref"]), stack)
        out = {}
        for key, val in s.items():
            if key in DROP:
                continue
            if key not in KEEP:
                raise EmbedError("%s: keyword %r has no CRD equivalent here"
                                 % (" > ".join(stack), key))
            if key == "properties":
                val = {k: self.schema(v, stack) for k, v in val.items()}
                for k, v in val.items():
                    if (stack[-1], k) in EMPTY_OK and "" not in v.get("enum", [""]):
                        v["enum"] = [""] + v["enum"]
            elif key in ("items", "additionalProperties") and isinstance(val, dict):
                val = self.schema(val, stack)
            out[key] = val
        return {k: out[k] for k in KEEP if k in out}

    def inline(self, name, omit=()):
        s = self.named(name)
        props = s.get("properties", {})
        for field in omit:
            if field not in props:
                raise EmbedError("%s has no field %r to omit" % (name, field))
            del props[field]
        if "required" in s:
            s["required"] = [r for r in s["required"] if r not in omit]
        return s


# --- YAML in the CRD's own style -------------------------------------------
# Block mappings, with a leaf (a schema of scalars and scalar lists only) on
# one line in flow style: {type: string}, enum: [A, B].

def flow(value):
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False,
                          width=1 << 30)
    return re.sub(r"\n(\.\.\.\n)?$", "", text)


def is_leaf(value):
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) or
                   (isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v))
                   for v in value.values())
    return True


def emit(schema, indent):
    lines = []
    pad = " " * indent
    for key, val in schema.items():
        k = flow(key)
        if isinstance(val, dict) and val and not (is_leaf(val) and len(flow(val)) <= 60):
            lines.append("%s%s:" % (pad, k))
            if key == "properties":
                for name, sub in val.items():
                    if is_leaf(sub) and len(flow(sub)) <= 60:
                        lines.append("%s  %s: %s" % (pad, flow(name), flow(sub)))
                    else:
                        lines.append("%s  %s:" % (pad, flow(name)))
                        lines.extend(emit(sub, indent + 4))
            else:
                lines.extend(emit(val, indent + 2))
        else:
            lines.append("%s%s: %s" % (pad, k, flow(val)))
    return lines


# --- the CRD file ------------------------------------------------------------

BEGIN = re.compile(r"^(\s*)# BEGIN crd-embed (\S+)(?: omit=(\S+))?\s*$")
END = re.compile(r"^\s*# END crd-embed\s*$")


def rewrite(text, inliner):
    out, lines, i, blocks = [], text.split("\n"), 0, 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            if END.match(lines[i - 1]):
                raise EmbedError("line %d: END crd-embed without BEGIN" % i)
            continue
        start = i
        while i < len(lines) and not END.match(lines[i]):
            if BEGIN.match(lines[i]):
                raise EmbedError("line %d: BEGIN crd-embed inside a block" % (i + 1))
            i += 1
        if i == len(lines):
            raise EmbedError("line %d: BEGIN crd-embed without END" % start)
        omit = m.group(3).split(",") if m.group(3) else []
        out.extend(emit(inliner.inline(m.group(2), omit), len(m.group(1))))
        out.append(lines[i])
        i += 1
        blocks += 1
    if not blocks:
        raise EmbedError("no '# BEGIN crd-embed TYPE' line")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crd", help="rewrite the crd-embed blocks of this CRD file")
    ap.add_argument("--check", action="store_true",
                    help="with --crd: only check the file is up to date")
    ap.add_argument("--omit", default="", help="FIELD,... to leave out of TYPE")
    ap.add_argument("--also", action="append", default=[], metavar="OPENAPI.json",
                    help="another group's OpenAPI v3 document whose types are "
                         "looked up too (e.g. /openapi/v3/apis/networking.k8s.io/v1)")
    ap.add_argument("openapi", help="OpenAPI v3 JSON document, or - for stdin")
    ap.add_argument("type", nargs="?", help="the type to print (without --crd)")
    a = ap.parse_args()
    if bool(a.crd) == bool(a.type):
        ap.error("give either TYPE or --crd FILE")
    try:
        src = sys.stdin if a.openapi == "-" else open(a.openapi)
        with src:
            inliner = Inliner(json.load(src))
        for path in a.also:
            with open(path) as f:
                more = Inliner(json.load(f)).schemas
            inliner.schemas = {**more, **inliner.schemas}
        if not a.crd:
            omit = [f for f in a.omit.split(",") if f]
            print("\n".join(emit(inliner.inline(a.type, omit), 0)))
            return 0
        with open(a.crd) as f:
            old = f.read()
        new = rewrite(old, inliner)
        yaml.safe_load(new)  # the result must still parse
        if a.check:
            if new != old:
                print("%s: the embedded schemas differ from the OpenAPI document; "
                      "regenerate with hack/crd-embed.py --crd" % a.crd, file=sys.stderr)
                return 1
            return 0
        if new != old:
            with open(a.crd, "w") as f:
                f.write(new)
        return 0
    except (OSError, ValueError, EmbedError, yaml.YAMLError) as e:
        print("crd-embed: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
