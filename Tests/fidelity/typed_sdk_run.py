"""Box's typed Python SDK (PyPI `box-sdk-gen`, pinned in run) against `boxlua sandbox`, read
as strictly as a typed deserializer reads it.

Usage: PYTHONPATH=<box-sdk-gen folder> typed_sdk_run.py SANDBOX.out
box_sdk_gen types every field (`notification_email: Optional[UserNotificationEmailField]`,
`status: Optional[UserStatusField]`, `created_at: Optional[DateTime]`...) but, where a value does
not fit, it keeps the raw JSON instead of failing (`BaseObject._deserialize_nested_type`
returns `value` on an exception). So each result is walked against the SDK's own annotations:
a nested object must have become its model class, an enum its Enum, a date a datetime, a
string a str...; null passes only for Optional fields. What the SDK had to leave raw is what
Box's TypeScript, Java and .NET SDKs reject, e.g. `notification_email: []`.
Prints one line per check and `typed-sdk: N passed, M failed`; exit status 1 when any failed.
"""
import datetime
import enum
import importlib.metadata
import sys
import typing
import uuid

import checklist
from checklist import check, read_sandbox

import box_sdk_gen
from box_sdk_gen import BoxClient, BoxDeveloperTokenAuth
from box_sdk_gen.internal.base_object import BaseObject
from box_sdk_gen.managers.events import GetEventsEventType, GetEventsStreamType
from box_sdk_gen.managers.invites import CreateInviteActionableBy, CreateInviteEnterprise
from box_sdk_gen.managers.transfer import TransferOwnedFolderOwnedBy
from box_sdk_gen.managers.users import UpdateUserByIdStatus
from box_sdk_gen.networking.base_urls import BaseUrls
from box_sdk_gen.networking.network import NetworkSession

EXPECTED_VERSION = "1.17.0"


class Mismatch(AssertionError):
    pass


def typed(value, annotation, where):
    """Raises Mismatch where `value` is not what `annotation` says after the SDK's deserialization."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        members = [a for a in args if a is not type(None)]
        if value is None:
            if len(members) < len(args):
                return
            raise Mismatch(f"{where}: null for a required {annotation}")
        if len(members) == 1:
            return typed(value, members[0], where)
        for m in members:  # a oneOf (EventSourceResource): the SDK picked one model class
            if isinstance(m, type) and isinstance(value, m):
                return typed(value, m, where)
        raise Mismatch(f"{where}: {type(value).__name__} {value!r:.80} is none of {members}")
    if value is None:
        raise Mismatch(f"{where}: null for a required {annotation}")
    if origin is list:
        if not isinstance(value, list):
            raise Mismatch(f"{where}: {type(value).__name__} {value!r:.80} where a list was declared")
        for i, item in enumerate(value):
            typed(item, args[0] if args else typing.Any, f"{where}[{i}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise Mismatch(f"{where}: {type(value).__name__} {value!r:.80} where a map was declared")
        return
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if not isinstance(value, annotation):
            raise Mismatch(f"{where}: {value!r:.80} is not a value of {annotation.__name__}")
        return
    if annotation in (datetime.datetime, datetime.date):
        if not isinstance(value, annotation):
            raise Mismatch(f"{where}: {value!r:.80} is not a {annotation.__name__}")
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseObject):
        if not isinstance(value, annotation):
            raise Mismatch(f"{where}: {type(value).__name__} {value!r:.80} where {annotation.__name__} was declared")
        return model(value, where)
    if annotation is bool:
        if not isinstance(value, bool):
            raise Mismatch(f"{where}: {value!r:.80} is not a boolean")
        return
    if annotation in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float) if annotation is float else int):
            raise Mismatch(f"{where}: {value!r:.80} is not a {annotation.__name__}")
        return
    if annotation is str and not isinstance(value, str):
        raise Mismatch(f"{where}: {value!r:.80} is not a string")


def model(obj, where=None):
    """Checks every annotated field of an SDK model object; returns it."""
    where = where or type(obj).__name__
    try:
        hints = typing.get_type_hints(type(obj).__init__)
    except (NameError, TypeError):
        hints = type(obj).__init__.__annotations__
    for name, value in vars(obj).items():
        if name.startswith("_") or name not in hints:
            continue
        typed(value, hints[name], f"{where}.{name}")
    return obj


ENV = read_sandbox(sys.argv[1])
SESSION = NetworkSession(base_urls=BaseUrls(base_url=ENV["BOX_BASE_URL"], oauth_2_url=ENV["BOX_BASE_URL"] + "/oauth2"))
CLIENT = BoxClient(auth=BoxDeveloperTokenAuth(token=ENV["BOX_ACCESS_TOKEN"]), network_session=SESSION)


@check
def the_pinned_box_sdk_gen_is_the_one_loaded():
    assert importlib.metadata.version("box-sdk-gen") == EXPECTED_VERSION, importlib.metadata.version("box-sdk-gen")
    assert "box-sdk-gen" in box_sdk_gen.__file__, box_sdk_gen.__file__


@check
def users_listed_both_ways_are_typed():
    page = model(CLIENT.users.get_users(limit=1000))
    assert page.total_count > 300 and len(page.entries) == min(page.total_count, 1000)
    assert any(u.notification_email is None for u in page.entries)
    assert any(u.notification_email is not None for u in page.entries)
    marker = model(CLIENT.users.get_users(usemarker=True, limit=200))
    assert marker.next_marker and len(marker.entries) == 200
    full = model(CLIENT.users.get_users(limit=1000, fields=["role", "enterprise", "tracking_codes", "notification_email",
                                                             "is_platform_access_only", "external_app_user_id"]))
    assert any(u.role is not None for u in full.entries)


@check
def me_and_a_user_by_id_are_typed():
    me = model(CLIENT.users.get_user_me())
    full = model(CLIENT.users.get_user_by_id(me.id, fields=["role", "enterprise", "login", "notification_email",
                                                           "my_tags", "hostname", "can_see_managed_users"]))
    assert full.role.value == "admin" and full.enterprise.id == ENV["BOX_ENTERPRISE_ID"]


@check
def create_update_transfer_and_delete_are_typed():
    login = f"typed-{uuid.uuid4().hex[:8]}@northwind.example"
    user = model(CLIENT.users.create_user("Typed SDK", login=login))
    assert user.login == login and user.notification_email is None
    updated = model(CLIENT.users.update_user_by_id(user.id, status=UpdateUserByIdStatus.INACTIVE, job_title="Leaver"))
    assert updated.status == updated.status.INACTIVE
    me = CLIENT.users.get_user_me()
    folder = model(CLIENT.transfer.transfer_owned_folder(user.id, TransferOwnedFolderOwnedBy(id=me.id), notify=False))
    assert folder.owned_by.id == me.id
    CLIENT.users.delete_user_by_id(user.id, notify=False, force=False)


@check
def an_invite_is_created_and_read_back_typed():
    invite = model(CLIENT.invites.create_invite(CreateInviteEnterprise(id=ENV["BOX_ENTERPRISE_ID"]),
                                                CreateInviteActionableBy(login="wei.zhang@tailspin.example")))
    again = model(CLIENT.invites.get_invite_by_id(invite.id))
    assert again.to_dict() == invite.to_dict() and again.actionable_by.login == "wei.zhang@tailspin.example"


@check
def admin_logs_are_typed_and_delete_user_names_the_deleted_user():
    page = model(CLIENT.events.get_events(stream_type=GetEventsStreamType.ADMIN_LOGS, limit=500))
    assert page.entries and all(e.source is not None for e in page.entries)
    deletes = model(CLIENT.events.get_events(stream_type=GetEventsStreamType.ADMIN_LOGS, limit=500,
                                             event_type=[GetEventsEventType.DELETE_USER]))
    assert deletes.entries, "the deletion above left no DELETE_USER event"
    last = deletes.entries[-1]
    assert last.source.login.startswith("typed-") and last.created_by.id == CLIENT.users.get_user_me().id


@check
def memberships_are_typed():
    user = CLIENT.users.get_users(filter_term="maria", limit=1).entries[0]
    groups = model(CLIENT.memberships.get_user_memberships(user.id))
    assert groups.total_count == len(groups.entries)


def owner_id(item):
    """An item's owner id. Items entries are FolderMini models, which declare no owned_by: the SDK
    keeps a field it was asked for (fields=owned_by) as the JSON dict Box sent."""
    o = item.owned_by
    return o["id"] if isinstance(o, dict) else o.id


@check
def folders_collaborations_and_policies_are_typed():
    holds = model(CLIENT.legal_hold_policies.get_legal_hold_policies())
    active = next(p for p in holds.entries if p.status.value == "active")
    # box-sdk-gen 1.17 declares assigned_to as File | Folder | WebLink
    # (schemas/legal_hold_policy_assignment.py), so a custodian (type user, as Box's OpenAPI
    # description's LegalHoldPolicyAssignedItem allows and Box sends) stays raw: only the
    # folder assignments are read as models.
    assignments = CLIENT.legal_hold_policy_assignments.get_legal_hold_policy_assignments(active.id)
    def kind(a):
        to = a.assigned_to
        t = to["type"] if isinstance(to, dict) else to.type
        return getattr(t, "value", t)

    def ident(a):
        return a.assigned_to["id"] if isinstance(a.assigned_to, dict) else a.assigned_to.id

    folders = [model(a) for a in assignments.entries if kind(a) == "folder"]
    assert folders
    custodian = next(ident(a) for a in assignments.entries if kind(a) == "user")
    model(CLIENT.legal_hold_policies.get_legal_hold_policy_by_id(active.id))
    policies = model(CLIENT.retention_policies.get_retention_policies())
    model(CLIENT.retention_policies.get_retention_policy_by_id(policies.entries[0].id))
    model(CLIENT.retention_policy_assignments.get_retention_policy_assignments(policies.entries[0].id))
    root = model(CLIENT.with_as_user_header(custodian).folders.get_folder_items("0", fields=["name", "owned_by", "size"]))
    owned = [f for f in root.entries if owner_id(f) == custodian]
    assert owned, root.entries
    model(CLIENT.folders.get_folder_by_id(owned[0].id))
    # box-sdk-gen 1.17 reads an enum by member name, value.upper().replace(' ', '_')
    # (internal/base_object.py, _deserialize_enum), so role 'co-owner' (member CO_OWNER) stays a
    # raw string whoever sends it: collaborations of the other roles are read as models.
    collabs = [c for f in owned for c in CLIENT.list_collaborations.get_folder_collaborations(f.id).entries]
    plain = [c for c in collabs if getattr(c.role, "value", c.role) != "co-owner"]
    assert plain, collabs
    for c in plain:
        model(c)
        model(CLIENT.user_collaborations.get_collaboration_by_id(c.id))


@check
def groups_memberships_and_aliases_are_typed():
    from box_sdk_gen.managers.memberships import CreateGroupMembershipGroup, CreateGroupMembershipUser
    model(CLIENT.groups.get_groups(limit=3))
    name = f"Typed {uuid.uuid4().hex[:6]}"
    group = model(CLIENT.groups.create_group(name, provenance="Okta", description="typed"))
    model(CLIENT.groups.get_group_by_id(group.id))
    model(CLIENT.groups.update_group_by_id(group.id, name=name + " 2"))
    user = CLIENT.users.create_user("Typed Member", login=f"typed-{uuid.uuid4().hex[:8]}@northwind.example")
    m = model(CLIENT.memberships.create_group_membership(CreateGroupMembershipUser(id=user.id),
                                                         CreateGroupMembershipGroup(id=group.id)))
    model(CLIENT.memberships.get_group_memberships(group.id))
    model(CLIENT.memberships.get_group_membership_by_id(m.id))
    local = user.login.split("@")[0]
    model(CLIENT.email_aliases.create_user_email_alias(user.id, f"{local}@nwtraders.example"))
    model(CLIENT.email_aliases.get_user_email_aliases(user.id))
    CLIENT.groups.delete_group_by_id(group.id)


def main():
    return checklist.run("typed-sdk")


if __name__ == "__main__":
    sys.exit(main())
