"""Unit tests of validate.py: bodies a typed Box client rejects must fail, the ones it reads pass.

Run: .venv-fidelity/bin/python -m unittest discover -s Tests/fidelity -p 'test_*.py'
(Tests/fidelity/run does it before the SDK checks.)
"""
import json
import os
import unittest

import validate

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "box-openapi", "openapi.json")
SPEC = json.load(open(SPEC_PATH))

USER = {
    "type": "user", "id": "30000000001", "name": "Alex Morgan", "login": "alex.morgan@northwind.example",
    "created_at": "2015-01-01T00:00:00-08:00", "modified_at": "2015-01-01T00:00:00-08:00", "language": "en",
    "timezone": "America/Los_Angeles", "space_amount": 10737418240, "space_used": 0,
    "max_upload_size": 5368709120, "status": "active", "job_title": "", "phone": "", "address": "",
    "avatar_url": "https://app.box.com/api/avatar/large/30000000001", "notification_email": None,
}
EVENT = {
    "type": "event", "event_id": "e1", "event_type": "DELETE_USER", "created_at": "2026-05-28T23:10:19-08:00",
    "source": {"type": "user", "id": "2", "name": "Gone", "login": "gone@northwind.example"},
    "created_by": {"type": "user", "id": "1", "name": "Alex", "login": "alex@northwind.example"},
    "action_by": None, "ip_address": "127.0.0.1", "session_id": None, "additional_details": None,
}


def verdict(method, route, status, body):
    rec = {"method": method, "route": route, "status": status, "body": json.dumps(body) if not isinstance(body, str) else body}
    validate.CHECKED_ENTRIES.clear()
    return validate.judge(SPEC, rec)


def get_me(user):
    return verdict("GET", "/2.0/users/me", 200, user)


class TypedClientRules(unittest.TestCase):
    def test_the_old_empty_array_notification_email_fails(self):
        v, detail = get_me(dict(USER, notification_email=[]))
        self.assertEqual(v, "failed")
        self.assertIn("notification_email", detail)

    def test_null_and_an_object_notification_email_pass_strictly(self):
        self.assertEqual(get_me(USER)[0], "strict")
        self.assertEqual(get_me(dict(USER, notification_email={"email": "n@x.example", "is_confirmed": True}))[0], "strict")

    def test_an_array_in_a_listing_entry_fails(self):
        page = {"total_count": 1, "limit": 100, "offset": 0, "entries": [dict(USER, notification_email=[])]}
        self.assertEqual(verdict("GET", "/2.0/users", 200, page)[0], "failed")

    def test_null_for_an_optional_property_passes_as_typed_only(self):
        self.assertEqual(get_me(dict(USER, job_title=None))[0], "typed")

    def test_null_for_a_required_property_fails(self):
        self.assertEqual(get_me(dict(USER, id=None))[0], "failed")

    def test_a_wrong_scalar_type_fails(self):
        self.assertEqual(get_me(dict(USER, space_used="0"))[0], "failed")
        self.assertEqual(get_me(dict(USER, name=["Alex"]))[0], "failed")

    def test_an_enum_value_outside_the_spec_fails(self):
        self.assertEqual(get_me(dict(USER, status="gone"))[0], "failed")

    def test_a_date_that_is_not_rfc3339_fails(self):
        self.assertEqual(get_me(dict(USER, created_at="2015-01-01 00:00:00"))[0], "failed")

    def test_event_sources_are_resolved_by_type(self):
        page = {"chunk_size": 1, "next_stream_position": "1152921504606846977", "entries": [EVENT]}
        self.assertEqual(verdict("GET", "/2.0/events", 200, page)[0], "typed")
        bad = dict(EVENT, source={"type": "user", "id": 2, "name": "Gone"})  # a user source with a numeric id
        page = dict(page, entries=[bad])
        self.assertEqual(verdict("GET", "/2.0/events", 200, page)[0], "failed")

    def test_error_codes_outside_the_enum_pass_but_other_error_fields_are_checked(self):
        err = {"type": "error", "status": 409, "code": "user_login_already_used",
               "message": "User with the specified login already exists", "request_id": "abc"}
        self.assertEqual(verdict("POST", "/2.0/users", 409, err)[0], "typed")
        self.assertEqual(verdict("POST", "/2.0/users", 409, dict(err, code=409))[0], "failed")
        self.assertEqual(verdict("POST", "/2.0/users", 409, dict(err, type="oops"))[0], "failed")

    def test_an_invite_read_back_is_checked_and_an_undocumented_status_fails(self):
        invite = {"type": "invite", "id": "5500001", "status": "pending",
                  "invited_to": {"type": "enterprise", "id": "920512", "name": "Northwind"},
                  "actionable_by": {"type": "user", "id": "2", "name": "Sam", "login": "sam@fabrikam.example"},
                  "invited_by": {"type": "user", "id": "1", "name": "Alex", "login": "alex@northwind.example"},
                  "created_at": "2026-05-28T23:10:19-08:00", "modified_at": "2026-05-28T23:10:19-08:00"}
        self.assertEqual(verdict("GET", "/2.0/invites/{invite_id}", 200, invite)[0], "strict")
        self.assertEqual(verdict("GET", "/2.0/invites/{invite_id}", 200, dict(invite, invited_to=[]))[0], "failed")
        self.assertEqual(verdict("GET", "/2.0/invites/{invite_id}", 201, invite)[0], "failed")


if __name__ == "__main__":
    unittest.main()
