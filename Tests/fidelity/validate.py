"""Validates every captured sandbox response against Box's OpenAPI description.

Usage: validate.py OPENAPI_JSON CAPTURE.jsonl [CAPTURE.jsonl ...]
Each capture line: {"method","route","query","status","content_type","body"} as the sandbox
writes it when BOXLUA_SANDBOX_CAPTURE is set. A response passes when its status is documented
for the operation (or the operation has `default`) and its body matches that schema.

A few spec statements contradict what Box really sends; those are applied as a documented
overlay and counted apart ("deviation"), never silently:
  - User.notification_email is [] when unset (box/box-openapi#103, Java fixture
    GetCurrentUserInfoWithNoNotifcationEmail200.json).
  - ClientError.code holds codes outside the spec's enum (rate_limit_exceeded,
    user_login_already_used, access_denied_insufficient_permissions...: box-api.md §5).
  - Event.session_id and Event.additional_details are null on enterprise events (Java fixture
    GetEnterpriseEvents200.json).
  - User--Full.external_app_user_id is null for users that are not app users.
  - EventSourceResource is a `oneOf` whose members overlap (a user source is both a User and
    a GenericSource), so no user source can pass it strictly: read as `anyOf`.
  - Properties the spec marks `nullable` beside an `allOf` (e.g. Folder.shared_link, "null if
    no shared link has been created") accept null; the validator only honours `nullable`
    next to a `type`, so the overlay moves it onto the typed member.
"""
import copy
import hashlib
import json
import sys
from collections import defaultdict

from openapi_schema_validator import OAS30Validator

STRICT_EXTRA_ROUTES = {  # sandbox routes that are not in the spec, with the schema they follow
    ("POST", "/oauth2/authorize"): "html",
}


def overlay(spec):
    s = copy.deepcopy(spec)
    c = s["components"]["schemas"]
    ne = c["User"]["allOf"][1]["properties"]["notification_email"]
    c["User"]["allOf"][1]["properties"]["notification_email"] = {
        "anyOf": [ne, {"type": "array", "maxItems": 0}]}
    c["ClientError"]["properties"]["code"].pop("enum", None)
    c["Event"]["properties"]["session_id"]["nullable"] = True
    c["Event"]["properties"]["additional_details"]["nullable"] = True
    c["User--Full"]["allOf"][1]["properties"]["external_app_user_id"]["nullable"] = True
    c["EventSourceResource"]["anyOf"] = c["EventSourceResource"].pop("oneOf")
    push_nullable_into_allof(s)
    return s


def push_nullable_into_allof(node):
    if isinstance(node, dict):
        if node.get("nullable") is True and "allOf" in node:
            for member in node["allOf"]:
                if isinstance(member, dict) and "type" in member:
                    member["nullable"] = True
        for v in node.values():
            push_nullable_into_allof(v)
    elif isinstance(node, list):
        for v in node:
            push_nullable_into_allof(v)


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


# Values under these keys are plain strings in every schema involved (no enum, pattern or
# checked format; name keeps its maxLength verdict), so entries that differ only there are
# equivalent for validation: a list page is checked entry by entry, each distinct one once.
PLACEHOLDER_KEYS = {"id", "event_id", "created_at", "modified_at", "recorded_at", "avatar_url",
                    "ip_address", "login", "external_app_user_id"}
CHECKED_ENTRIES = set()


def skeleton(value):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and k in PLACEHOLDER_KEYS:
                out[k] = "0"
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


def check(spec, schema, body):
    if schema == {} or schema is None:
        return [] if body == "" else ["a body where the spec documents none"]
    if schema.get("type") == "string":
        return [] if isinstance(body, str) else ["not a string"]
    try:
        data = json.loads(body)
    except ValueError:
        return ["body is not JSON"]
    v = validator(spec, schema)
    data, keys = reduce_entries(data, (id(spec), json.dumps(schema, sort_keys=True)))
    errors = list(v.iter_errors(data))
    if not errors:
        CHECKED_ENTRIES.update(keys)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors][:5]


VALIDATORS = {}


def validator(spec, schema):
    """One validator per (spec, schema): building one resolves the whole spec, which is slow."""
    key = (id(spec), json.dumps(schema, sort_keys=True))
    if key not in VALIDATORS:
        VALIDATORS[key] = OAS30Validator(dict(schema, components=spec["components"]))
    return VALIDATORS[key]


def main(argv):
    spec = json.load(open(argv[1]))
    patched = overlay(spec)
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
            verdict, detail = judge(spec, patched, rec)
            stats[key][verdict] += 1
            if verdict == "failed" and len(problems[key]) < 5:
                problems[key].append(f"{rec['status']}: {detail}")
    return report(stats, problems)


def judge(spec, patched, rec):
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
        return "deviation", ""  # the empty_401_body fault: real 401s often have no body (box-api.md §5)
    errors = check(spec, schema, body)
    if not errors:
        return "strict", ""
    if not check(patched, schema, body):
        return "deviation", ""
    return "failed", "; ".join(errors)


def report(stats, problems):
    total = failed = 0
    print(f"{'route':48} {'captured':>8} {'unique':>6} {'strict':>6} {'deviation':>9} {'failed':>6}")
    for key in sorted(stats):
        s = stats[key]
        unique = s["captured"] - s["duplicate"]
        total += unique
        failed += s["failed"]
        print(f"{key:48} {s['captured']:8} {unique:6} {s['strict']:6} {s['deviation']:9} {s['failed']:6}")
        for p in problems.get(key, []):
            print(f"    mismatch {p}")
    print(f"openapi: {total} unique bodies validated, {total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
