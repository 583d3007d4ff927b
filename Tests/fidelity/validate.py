"""Validates every captured sandbox response against Box's OpenAPI description, as strictly as
Box's strictest typed client reads it.

Usage: validate.py OPENAPI_JSON CAPTURE.jsonl [CAPTURE.jsonl ...]
Each capture line: {"method","route","query","status","content_type","body"} as the sandbox
writes it when BOXLUA_SANDBOX_CAPTURE is set. A response passes when its status is documented
for the operation (or the operation has `default`) and its body fits that schema.

The spec is used exactly as published (no overlay, no patched field). A body is first checked
with openapi-schema-validator's OAS 3.0 rules (types, enums, `nullable`, `required`, formats
such as date-time and int64): passing those is "strict". A body that fails them may still pass
as "typed" under these rules, each what Box's typed SDKs do; the TypeScript one is the strictest,
as it type-checks every field it reads (box/box-node-sdk `src/schemas/*.generated.ts`):
  1. Shapes are never relaxed: a field declared as an object must be a JSON object, an array an
     array, a string a string (`deserializeUserNotificationEmailField` throws "Expecting a map
     for UserNotificationEmailField" on `[]`), and an enum value must be in the spec's enum.
  2. null passes where the spec says `nullable: true` beside a `type` (OAS 3.0.3), and for any
     OPTIONAL property (one not in its schema's `required`; this also covers `nullable` beside an
     `allOf`, e.g. Folder.shared_link): typed SDKs read it as absent (`val.x == void 0 ? void 0 : ...`,
     and `null == void 0`; box_sdk_gen `BaseObject._deserialize` returns None for None). null
     for a required property fails ("Expecting \"id\" of type \"User\" to be defined").
  3. A `oneOf` is resolved as the SDK resolves it (`deserializeEventSourceResource`): by the
     member whose `type` enum holds the body's `type` (`if (val.type == 'user') return
     deserializeUser(val)`), which the body must then fit; without one, some member must fit.
     (Plain oneOf can never pass a user source: it is both a User and a GenericSource.)
  4. Error bodies are not deserialized as ClientError: the SDK reads their `code`, `message`,
     `request_id`... as untyped JSON (box-node-sdk `src/networking/boxNetworkClient.ts`,
     BoxApiError), so `code` may hold codes outside the spec's enum (rate_limit_exceeded,
     user_login_already_used...: box-api.md section 5); every other ClientError rule holds.
     A 401 with an empty body passes too (real ones often carry only WWW-Authenticate).
test_validate.py holds bodies that must fail (the old `notification_email: []` among them).
"""
import hashlib
import json
import re
import sys
from collections import defaultdict

from jsonschema import validators as jsonschema_validators
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_schema_validator import _keywords as oas_keywords

STRICT_EXTRA_ROUTES = {  # sandbox routes that are not in the spec, with the schema they follow
    ("POST", "/oauth2/authorize"): "html",
}


def schema_type_values(spec, schema, seen=()):
    """The values a schema fixes for `type` (through $ref and allOf), e.g. {"user"} for User."""
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if ref:
        if ref in seen or not ref.startswith("#/components/schemas/"):
            return set()
        return schema_type_values(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[1]], seen + (ref,))
    values = set(((schema.get("properties") or {}).get("type") or {}).get("enum") or [])
    for member in schema.get("allOf") or []:
        values |= schema_type_values(spec, member, seen)
    return values


def typed_validator_class(spec):
    """OAS 3.0 validation with the typed-SDK rules 2-4 of the module comment."""
    error_code = spec["components"]["schemas"]["ClientError"]["properties"]["code"]

    def properties(validator, props, instance, schema):
        if not validator.is_type(instance, "object"):
            return
        required = set(schema.get("required") or [])
        for name, sub in props.items():
            if name not in instance or (instance[name] is None and name not in required):
                continue  # rule 2: an optional null reads as absent
            yield from validator.descend(instance[name], sub, path=name, schema_path=name)

    def one_of(validator, members, instance, schema):
        if "discriminator" in schema:
            yield from oas_keywords.oneOf(validator, members, instance, schema)
            return
        kind = instance.get("type") if isinstance(instance, dict) else None
        for member in members:
            if kind is not None and kind in schema_type_values(spec, member):
                yield from validator.descend(instance, member)  # rule 3
                return
        if not any(validator.evolve(schema=m).is_valid(instance) for m in members):
            yield ValidationError(f"{instance!r} fits none of the oneOf members")

    def enum(validator, values, instance, schema):
        if schema is error_code:
            return  # rule 4: error codes are read as plain strings (`type: string` still holds)
        if instance not in values:
            yield ValidationError(f"{instance!r} is not one of {values!r}")

    return jsonschema_validators.extend(OAS30Validator, {"properties": properties, "oneOf": one_of, "enum": enum})


def operation(spec, method, route):
    if route == "unmatched":
        return None, "ClientError"
    path = route[len("/2.0"):] if route.startswith("/2.0/") else route
    if path in ("/oauth2/authorize", "/api/oauth2/authorize"):
        path = "/authorize"
    op = spec["paths"].get(path, {}).get(method.lower())
    return op, None


def schema_for(op, status):
    """The documented schema; `default` covers error statuses only, never an undocumented success."""
    responses = op["responses"]
    r = responses.get(str(status)) or (responses.get("default") if status >= 400 else None)
    if r is None and status == 302 and op.get("operationId") == "get_authorize":
        return {"type": "string"}, True  # the consent step's redirect to redirect_uri is the operation itself
    if r is None:
        return None, False
    content = r.get("content") or {}
    if not content:
        return {}, True
    return next(iter(content.values())).get("schema", {}), True


# Values under these keys are plain strings in every schema involved (no enum or pattern; the
# dates' digits and the name's length are kept, so their format and maxLength verdicts are too),
# so entries that differ only there are equivalent for validation: a list page is checked entry
# by entry, each distinct one once.
PLACEHOLDER_KEYS = {"id", "event_id", "avatar_url", "ip_address", "login", "external_app_user_id"}
DATE_KEYS = {"created_at", "modified_at", "recorded_at"}
CHECKED_ENTRIES = set()


def skeleton(value):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and k in PLACEHOLDER_KEYS:
                out[k] = "0"
            elif isinstance(v, str) and k in DATE_KEYS:
                out[k] = re.sub(r"[0-9]", "0", v)
            elif isinstance(v, str) and k == "name":
                out[k] = "n" if len(v) <= 50 else "n" * 51
            else:
                out[k] = skeleton(v)
        return out
    if isinstance(value, list):
        return [skeleton(v) for v in value]
    return value


def reduce_entries(data, schema_key):
    """The body with only the entries whose skeleton has not passed before."""
    if not (isinstance(data, dict) and isinstance(data.get("entries"), list)):
        return data, []
    fresh, keys = [], []
    for e in data["entries"]:
        k = (schema_key, json.dumps(skeleton(e), sort_keys=True))
        if k not in CHECKED_ENTRIES and k not in keys:
            fresh.append(e)
            keys.append(k)
    return dict(data, entries=fresh), keys


def check(spec, schema, body, mode="strict"):
    """The body's errors under `mode`: "strict" (OAS 3.0 alone) or "typed" (rules 2-4 too)."""
    if schema == {} or schema is None:
        return [] if body == "" else ["a body where the spec documents none"]
    if schema.get("type") == "string":
        return [] if isinstance(body, str) else ["not a string"]
    try:
        data = json.loads(body)
    except ValueError:
        return ["body is not JSON"]
    v = validator(spec, schema, mode)
    data, keys = reduce_entries(data, (mode, json.dumps(schema, sort_keys=True)))
    errors = list(v.iter_errors(data))
    if not errors:
        CHECKED_ENTRIES.update(keys)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors][:5]


VALIDATORS = {}
TYPED_CLASSES = {}


def validator(spec, schema, mode):
    """One validator per (spec, schema, mode): building one resolves the whole spec, which is slow."""
    key = (id(spec), json.dumps(schema, sort_keys=True), mode)
    if key not in VALIDATORS:
        if mode == "typed":
            cls = TYPED_CLASSES.setdefault(id(spec), typed_validator_class(spec))
        else:
            cls = OAS30Validator
        VALIDATORS[key] = cls(dict(schema, components=spec["components"]), format_checker=oas30_format_checker)
    return VALIDATORS[key]


def main(argv):
    spec = json.load(open(argv[1]))
    stats = defaultdict(lambda: defaultdict(int))
    problems = defaultdict(list)
    seen = set()
    for path in argv[2:]:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except FileNotFoundError:
            print(f"validate: no capture at {path} (skipped)")
            continue
        for line in lines:
            rec = json.loads(line)
            key = f"{rec['method']} {rec['route']}"
            stats[key]["captured"] += 1
            digest = hashlib.sha1(f"{key} {rec['status']} {rec['body']}".encode()).hexdigest()
            if digest in seen:
                stats[key]["duplicate"] += 1
                continue
            seen.add(digest)
            verdict, detail = judge(spec, rec)
            stats[key][verdict] += 1
            if verdict == "failed" and len(problems[key]) < 5:
                problems[key].append(f"{rec['status']}: {detail}")
    return report(stats, problems)


def judge(spec, rec):
    """("strict" | "typed" | "failed", detail) for one captured response."""
    op, fixed = operation(spec, rec["method"], rec["route"])
    status, body = rec["status"], rec["body"]
    if fixed == "ClientError":
        schema, documented = {"$ref": "#/components/schemas/ClientError"}, True
    elif op is None:
        if rec["status"] == 405:
            schema, documented = {"$ref": "#/components/schemas/ClientError"}, True
        elif (rec["method"], rec["route"].replace("/api", "")) in STRICT_EXTRA_ROUTES:
            schema, documented = {"type": "string"}, True
        else:
            return "failed", f"no operation {rec['method']} {rec['route']} in the spec"
    else:
        schema, documented = schema_for(op, status)
    if not documented:
        return "failed", f"status {status} is not documented"
    if status == 401 and body == "":
        return "typed", ""  # rule 4: the empty_401_body fault
    errors = check(spec, schema, body)
    if not errors:
        return "strict", ""
    typed_errors = check(spec, schema, body, mode="typed")
    if not typed_errors:
        return "typed", ""
    return "failed", "; ".join(typed_errors)


# Every route of issues 9, 13, 15 and 16 must have been seen at least once.
REQUIRED = [
    "GET /2.0/users", "POST /2.0/users", "GET /2.0/users/me", "GET /2.0/users/{user_id}",
    "PUT /2.0/users/{user_id}", "DELETE /2.0/users/{user_id}", "PUT /2.0/users/{user_id}/folders/0",
    "POST /2.0/users/terminate_sessions", "POST /2.0/invites", "GET /2.0/invites/{invite_id}",
    "GET /2.0/users/{user_id}/memberships",
    "GET /2.0/groups", "POST /2.0/groups", "GET /2.0/groups/{group_id}", "PUT /2.0/groups/{group_id}",
    "DELETE /2.0/groups/{group_id}", "GET /2.0/groups/{group_id}/memberships", "POST /2.0/group_memberships",
    "GET /2.0/group_memberships/{group_membership_id}", "PUT /2.0/group_memberships/{group_membership_id}",
    "DELETE /2.0/group_memberships/{group_membership_id}", "GET /2.0/users/{user_id}/email_aliases",
    "POST /2.0/users/{user_id}/email_aliases", "DELETE /2.0/users/{user_id}/email_aliases/{email_alias_id}",
    "GET /2.0/events", "POST /oauth2/token", "POST /oauth2/revoke",
    # issue 16
    "GET /2.0/folders/{folder_id}", "GET /2.0/folders/{folder_id}/items", "GET /2.0/folders/{folder_id}/collaborations",
    "GET /2.0/collaborations/{collaboration_id}", "PUT /2.0/collaborations/{collaboration_id}",
    "DELETE /2.0/collaborations/{collaboration_id}", "GET /2.0/legal_hold_policies",
    "GET /2.0/legal_hold_policies/{legal_hold_policy_id}", "GET /2.0/legal_hold_policy_assignments",
    "GET /2.0/retention_policies", "GET /2.0/retention_policies/{retention_policy_id}",
    "GET /2.0/retention_policies/{retention_policy_id}/assignments",
]


def report(stats, problems):
    total = failed = 0
    print(f"{'route':48} {'captured':>8} {'unique':>6} {'strict':>6} {'typed':>6} {'failed':>6}")
    for key in sorted(stats):
        s = stats[key]
        unique = s["captured"] - s["duplicate"]
        total += unique
        failed += s["failed"]
        print(f"{key:48} {s['captured']:8} {unique:6} {s['strict']:6} {s['typed']:6} {s['failed']:6}")
        for p in problems.get(key, []):
            print(f"    mismatch {p}")
    missing = [r for r in REQUIRED if r not in stats]
    if not any(k.endswith("/oauth2/authorize") for k in stats):
        missing.append("GET /oauth2/authorize")
    for r in missing:
        print(f"    not covered: {r}")
    print(f"openapi: {total} unique bodies validated, {total - failed} passed, {failed} failed"
          + (f", {len(missing)} routes not covered" if missing else ", every route covered"))
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
