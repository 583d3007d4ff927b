"""boxsdk (box_sdk_gen) drives the sandbox's groups, group memberships and email aliases:
created, listed, changed and deleted, and Box's errors for each. Registered into checklist's
list by importing this module (sdk_run.py does, after its own checks)."""
import uuid

from checklist import check, raised

from box_sdk_gen.box.errors import BoxAPIError
from box_sdk_gen.internal.null_value import NullValue
from box_sdk_gen.managers.groups import CreateGroupInvitabilityLevel, UpdateGroupByIdMemberViewabilityLevel
from box_sdk_gen.managers.memberships import (CreateGroupMembershipGroup, CreateGroupMembershipRole,
                                              CreateGroupMembershipUser, UpdateGroupMembershipByIdRole)
from box_sdk_gen.managers.users import UpdateUserByIdStatus


def setup(admin):
    """sdk_run.py passes its client factory."""
    global ADMIN
    ADMIN = admin


def api_error(fn):
    return raised(fn, BoxAPIError).response_info


def fresh_user(client, prefix):
    return client.users.create_user(f"SDK {prefix}", login=f"{prefix}-{uuid.uuid4().hex[:8]}@northwind.example")


@check
def groups_listed_by_offset_created_changed_and_deleted():
    client = ADMIN()
    first = client.groups.get_groups(limit=4)
    ids, offset = [g.id for g in first.entries], 4
    while offset < first.total_count:
        ids += [g.id for g in client.groups.get_groups(limit=4, offset=offset).entries]
        offset += 4
    assert len(ids) == first.total_count == len(set(ids)), ids
    assert [g.name for g in client.groups.get_groups(filter_term="sal").entries] == ["Sales"]
    name = f"SDK Group {uuid.uuid4().hex[:6]}"
    made = client.groups.create_group(name, description="made by boxsdk", provenance="Okta",
                                      invitability_level=CreateGroupInvitabilityLevel.ADMINS_AND_MEMBERS)
    assert made.name == name and made.provenance == "Okta", made
    dup = api_error(lambda: client.groups.create_group(name.upper()))
    assert dup.status_code == 409 and dup.code == "conflict", dup.code
    changed = client.groups.update_group_by_id(
        made.id, name=name + " v2",
        member_viewability_level=UpdateGroupByIdMemberViewabilityLevel.ALL_MANAGED_USERS)
    assert changed.name == name + " v2" and changed.member_viewability_level.value == "all_managed_users"
    assert client.groups.get_group_by_id(made.id, fields=["name", "provenance"]).provenance == "Okta"
    client.groups.delete_group_by_id(made.id)
    assert api_error(lambda: client.groups.get_group_by_id(made.id)).status_code == 404
    assert api_error(lambda: client.groups.delete_group_by_id(made.id)).status_code == 404


@check
def memberships_created_listed_changed_and_deleted():
    client = ADMIN()
    group = client.groups.create_group(f"SDK Members {uuid.uuid4().hex[:6]}")
    user = fresh_user(client, "member")
    m = client.memberships.create_group_membership(CreateGroupMembershipUser(id=user.id),
                                                   CreateGroupMembershipGroup(id=group.id),
                                                   role=CreateGroupMembershipRole.MEMBER)
    assert m.user.id == user.id and m.group.id == group.id and m.role.value == "member"
    again = api_error(lambda: client.memberships.create_group_membership(
        CreateGroupMembershipUser(id=user.id), CreateGroupMembershipGroup(id=group.id)))
    assert again.status_code == 409, again.status_code
    members = client.memberships.get_group_memberships(group.id, limit=10)
    assert [e.id for e in members.entries] == [m.id] and members.total_count == 1
    assert [e.group.name for e in client.memberships.get_user_memberships(user.id).entries] == [group.name]
    up = client.memberships.update_group_membership_by_id(m.id, role=UpdateGroupMembershipByIdRole.ADMIN)
    assert up.role.value == "admin" and client.memberships.get_group_membership_by_id(m.id).role.value == "admin"
    client.memberships.delete_group_membership_by_id(m.id)
    assert api_error(lambda: client.memberships.get_group_membership_by_id(m.id)).status_code == 404
    assert api_error(lambda: client.memberships.create_group_membership(
        CreateGroupMembershipUser(id="1"), CreateGroupMembershipGroup(id=group.id))).status_code == 404
    # Deleting the group ends its memberships: a member of a deleted group has none.
    client.memberships.create_group_membership(CreateGroupMembershipUser(id=user.id),
                                               CreateGroupMembershipGroup(id=group.id))
    client.groups.delete_group_by_id(group.id)
    assert client.memberships.get_user_memberships(user.id).total_count == 0
    big = client.groups.get_groups(filter_term="Engineering").entries[0]
    page = client.memberships.get_group_memberships(big.id, limit=3, offset=1)
    assert page.offset == 1 and len(page.entries) == 3 and page.total_count > 4


@check
def email_aliases_added_listed_removed_and_refused():
    client = ADMIN()
    user = fresh_user(client, "alias")
    local = user.login.split("@")[0]
    assert client.email_aliases.get_user_email_aliases(user.id).total_count == 0
    alias = client.email_aliases.create_user_email_alias(user.id, f"{local}@nwtraders.example")
    assert alias.email == f"{local}@nwtraders.example" and alias.is_confirmed is True
    listed = client.email_aliases.get_user_email_aliases(user.id)
    assert [a.id for a in listed.entries] == [alias.id]
    bad = api_error(lambda: client.email_aliases.create_user_email_alias(user.id, f"{local}@gmail.example"))
    assert bad.status_code == 400, bad.status_code
    used = api_error(lambda: client.email_aliases.create_user_email_alias(user.id, user.login))
    assert used.status_code == 409, used.status_code
    moved = client.users.update_user_by_id(user.id, login=alias.email)
    assert moved.login == alias.email
    assert [a.email for a in client.email_aliases.get_user_email_aliases(user.id).entries] == [user.login]
    old = client.email_aliases.get_user_email_aliases(user.id).entries[0]
    client.email_aliases.delete_user_email_alias_by_id(user.id, old.id)
    assert api_error(lambda: client.email_aliases.delete_user_email_alias_by_id(user.id, old.id)).status_code == 404
    refused = api_error(lambda: client.users.update_user_by_id(user.id, login=f"{local}.x@northwind.example"))
    assert refused.status_code == 400, refused.status_code


@check
def roll_out_to_a_free_account():
    client = ADMIN()
    user = fresh_user(client, "free")
    group = client.groups.get_groups(filter_term="Support").entries[0]
    client.memberships.create_group_membership(CreateGroupMembershipUser(id=user.id),
                                               CreateGroupMembershipGroup(id=group.id))
    client.users.update_user_by_id(user.id, status=UpdateUserByIdStatus.INACTIVE)
    free = client.users.update_user_by_id(user.id, enterprise=NullValue(), notify=False, fields=["enterprise", "role"])
    assert free.enterprise is None and free.role.value == "user", free
    assert client.memberships.get_user_memberships(user.id).total_count == 0
