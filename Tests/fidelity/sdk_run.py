"""Box's official Python SDK (boxsdk 10.x, box_sdk_gen) against `boxlua sandbox`.

Usage: sdk_run.py PLAIN.out FAULTY.out EXPIRING.out
Reads the four lines each sandbox printed (the second answers with 429s and 500s, the third
lets tokens live five seconds), runs each check,
prints one line per check and a closing `fidelity: N passed, M failed`. Exit status 1 when any
check failed.
"""
import json
import sys
import time
import urllib.parse
import uuid

import checklist
from checklist import check, raised, read_sandbox

import requests
from box_sdk_gen import (BoxCCGAuth, BoxClient, BoxDeveloperTokenAuth, BoxJWTAuth, BoxOAuth, CCGConfig,
                         JWTConfig, OAuthConfig)
from box_sdk_gen.box.oauth import GetAuthorizeUrlOptions
from box_sdk_gen.box.errors import BoxAPIError
from box_sdk_gen.managers.events import GetEventsEventType, GetEventsStreamType
from box_sdk_gen.managers.invites import CreateInviteActionableBy, CreateInviteEnterprise
from box_sdk_gen.managers.transfer import TransferOwnedFolderOwnedBy
from box_sdk_gen.managers.user_collaborations import UpdateCollaborationByIdRole
from box_sdk_gen.managers.users import UpdateUserByIdStatus
from box_sdk_gen.networking.base_urls import BaseUrls
from box_sdk_gen.networking.network import NetworkSession


ENV = read_sandbox(sys.argv[1])
BASE = ENV["BOX_BASE_URL"]
SESSION = NetworkSession(base_urls=BaseUrls(base_url=BASE, oauth_2_url=BASE + "/oauth2"))
FAULTY = read_sandbox(sys.argv[2])
EXPIRING = read_sandbox(sys.argv[3])


def session(env):
    return NetworkSession(base_urls=BaseUrls(base_url=env["BOX_BASE_URL"], oauth_2_url=env["BOX_BASE_URL"] + "/oauth2"))


def admin():
    return BoxClient(auth=BoxDeveloperTokenAuth(token=ENV["BOX_ACCESS_TOKEN"]), network_session=SESSION)


def api_error(fn):
    return raised(fn, BoxAPIError).response_info


def all_users_by_marker(client, limit):
    seen, marker, pages = [], None, 0
    while True:
        page = client.users.get_users(usemarker=True, marker=marker, limit=limit)
        pages += 1
        seen += [u.id for u in page.entries]
        marker = page.next_marker
        if not marker:
            return seen, pages


@check
def marker_paging_reaches_the_end_once_each():
    client = admin()
    total = client.users.get_users(limit=1).total_count
    ids, pages = all_users_by_marker(client, 37)
    assert len(ids) == total == len(set(ids)), (len(ids), total)
    assert pages == -(-total // 37), pages


@check
def offset_paging_matches_marker_paging():
    client = admin()
    ids, offset = [], 0
    while True:
        page = client.users.get_users(offset=offset, limit=1000)
        ids += [u.id for u in page.entries]
        offset += page.limit
        if offset >= page.total_count:
            break
    assert ids == all_users_by_marker(client, 1000)[0]


@check
def get_me_and_get_by_id():
    client = admin()
    me = client.users.get_user_me()
    assert me.login.startswith("alex.morgan@"), me.login
    same = client.users.get_user_by_id(me.id, fields=["role", "enterprise", "login"])
    assert same.role.value == "admin" and same.enterprise.id == ENV["BOX_ENTERPRISE_ID"]
    assert getattr(same, "status", None) is None  # fields= returns only what was asked


@check
def external_users_only_by_exact_login():
    client = admin()
    assert client.users.get_users(filter_term="jordan.rivera@contoso").total_count == 0
    found = client.users.get_users(filter_term="jordan.rivera@contoso-partners.example")
    assert [u.login for u in found.entries] == ["jordan.rivera@contoso-partners.example"]


@check
def create_update_status_and_delete():
    client = admin()
    login = f"sdk-{uuid.uuid4().hex[:8]}@northwind.example"
    user = client.users.create_user("SDK Created", login=login)
    assert user.login == login and user.status.value == "active"
    dup = api_error(lambda: client.users.create_user("Again", login=login))
    assert dup.status_code == 409 and dup.code == "user_login_already_used"
    updated = client.users.update_user_by_id(user.id, status=UpdateUserByIdStatus.INACTIVE)
    assert updated.status.value == "inactive"
    client.users.delete_user_by_id(user.id)
    assert api_error(lambda: client.users.get_user_by_id(user.id)).status_code == 404


def owner_id(item):
    """An item's owner id. Items entries are FolderMini models, which declare no owned_by: the SDK
    keeps a field it was asked for (fields=owned_by) as the JSON dict Box sent."""
    o = item.owned_by
    return o["id"] if isinstance(o, dict) else o.id


def custodian(client):
    """The demo's active legal hold's custodian: a leaver who owns shared folders."""
    hold = next(p for p in client.legal_hold_policies.get_legal_hold_policies().entries if p.status.value == "active")
    assignments = client.legal_hold_policy_assignments.get_legal_hold_policy_assignments(hold.id).entries
    return hold, next(a.assigned_to.id for a in assignments if a.assigned_to.type.value == "user")


@check
def legal_holds_and_retention_policies_are_read_with_their_assignments():
    client = admin()
    hold, user_id = custodian(client)
    assert client.legal_hold_policies.get_legal_hold_policy_by_id(hold.id).policy_name == hold.policy_name
    page = client.legal_hold_policies.get_legal_hold_policies(limit=1)
    assert len(page.entries) == 1 and page.next_marker
    rest = client.legal_hold_policies.get_legal_hold_policies(limit=1, marker=page.next_marker)
    assert rest.entries[0].id != page.entries[0].id
    policies = client.retention_policies.get_retention_policies().entries
    assert policies and all(p.status.value in ("active", "retired") for p in policies)
    policy = client.retention_policies.get_retention_policy_by_id(policies[0].id)
    assigned = client.retention_policy_assignments.get_retention_policy_assignments(policy.id).entries
    assert assigned and all(a.retention_policy.id == policy.id for a in assigned)
    assert all(a.assigned_to.type.value in ("folder", "enterprise", "metadata_template") for a in assigned)


@check
def a_users_root_folders_and_their_collaborations_as_user():
    client = admin()
    _, user_id = custodian(client)
    as_them = client.with_as_user_header(user_id)
    items = as_them.folders.get_folder_items("0", fields=["name", "owned_by", "size"]).entries
    owned = [i for i in items if owner_id(i) == user_id]
    assert owned, items
    folder = client.folders.get_folder_by_id(owned[0].id)
    assert folder.owned_by.id == user_id and folder.parent.id == "0"
    collabs = []
    for f in owned:
        collabs += as_them.list_collaborations.get_folder_collaborations(f.id).entries
    assert collabs and all(c.item.id in {f.id for f in owned} for c in collabs)
    one = client.user_collaborations.get_collaboration_by_id(collabs[0].id)
    assert one.accessible_by.id == collabs[0].accessible_by.id


@check
def a_collaboration_is_changed_then_removed():
    client = admin()
    _, user_id = custodian(client)
    folder = next(i for i in client.with_as_user_header(user_id).folders.get_folder_items("0", fields=["owned_by"]).entries
                  if owner_id(i) == user_id)
    collab = client.list_collaborations.get_folder_collaborations(folder.id).entries[0]
    changed = client.user_collaborations.update_collaboration_by_id(collab.id, role=UpdateCollaborationByIdRole.PREVIEWER)
    assert changed.role.value == "previewer"
    client.user_collaborations.delete_collaboration_by_id(collab.id)
    assert api_error(lambda: client.user_collaborations.get_collaboration_by_id(collab.id)).status_code == 404


@check
def delete_refuses_content_owner_without_force():
    client = admin()
    owner = client.users.create_user("SDK Owner", login=f"own-{uuid.uuid4().hex[:8]}@northwind.example")
    dest = client.users.get_user_me()
    # Give the new user content by transferring an existing owner's content to them.
    donor = next(u for u in client.users.get_users(limit=1000).entries
                 if u.space_used and u.space_used > 0 and u.id != dest.id)
    client.transfer.transfer_owned_folder(donor.id, TransferOwnedFolderOwnedBy(id=owner.id))
    err = api_error(lambda: client.users.delete_user_by_id(owner.id))
    assert (err.status_code, err.code, err.body.get("message")) == (400, "bad_request", "User has managed content"), err.body
    assert err.request_id
    # The demo enterprise has a legal hold: Box refuses even a forced delete of an owner
    # (support article 33282413279635) until the content is transferred.
    held = api_error(lambda: client.users.delete_user_by_id(owner.id, force=True))
    assert (held.status_code, held.code, held.body.get("message")) == (
        403, "forbidden", "User cannot be deleted due to retention policies. Please transfer user content first"), held.body
    client.transfer.transfer_owned_folder(owner.id, TransferOwnedFolderOwnedBy(id=dest.id))
    client.users.delete_user_by_id(owner.id, force=True)
    assert api_error(lambda: client.users.get_user_by_id(owner.id)).status_code == 404


@check
def transfer_content_then_delete_without_force():
    client = admin()
    me = client.users.get_user_me()
    leaver = next(u for u in client.users.get_users(limit=1000).entries
                  if u.space_used and u.space_used > 0 and u.id != me.id)
    folder = client.transfer.transfer_owned_folder(leaver.id, TransferOwnedFolderOwnedBy(id=me.id), notify=False)
    assert folder.owned_by.id == me.id
    assert folder.name == f"{leaver.name}'s Files and Folders", folder.name
    client.users.delete_user_by_id(leaver.id, notify=False, force=False)


@check
def client_credentials_enterprise_and_user():
    auth = BoxCCGAuth(config=CCGConfig(ENV["BOX_CLIENT_ID"], ENV["BOX_CLIENT_SECRET"],
                                       enterprise_id=ENV["BOX_ENTERPRISE_ID"]))
    service = BoxClient(auth=auth, network_session=SESSION).users.get_user_me()
    assert service.login.startswith("AutomationUser_") and service.login.endswith("@boxdevedition.com")
    admin_id = admin().users.get_user_me().id
    as_user = BoxCCGAuth(config=CCGConfig(ENV["BOX_CLIENT_ID"], ENV["BOX_CLIENT_SECRET"], user_id=admin_id))
    assert BoxClient(auth=as_user, network_session=SESSION).users.get_user_me().id == admin_id
    bad = BoxCCGAuth(config=CCGConfig(ENV["BOX_CLIENT_ID"], "wrong", enterprise_id=ENV["BOX_ENTERPRISE_ID"]))
    try:
        BoxClient(auth=bad, network_session=SESSION).users.get_user_me()
        raise AssertionError("a wrong secret signed in")
    except BoxAPIError as e:
        assert e.response_info.status_code == 400 and e.response_info.body.get("error") == "invalid_grant"


@check
def jwt_from_the_printed_config_file():
    config = JWTConfig.from_config_file(ENV["BOX_JWT_CONFIG"])
    auth = BoxJWTAuth(config=config)
    client = BoxClient(auth=auth, network_session=SESSION)
    service = client.users.get_user_me()
    assert service.login.startswith("AutomationUser_")
    assert client.users.get_users(limit=5).total_count > 300
    admin_id = admin().users.get_user_me().id
    user_client = BoxClient(auth=auth.with_user_subject(admin_id), network_session=SESSION)
    assert user_client.users.get_user_me().id == admin_id


@check
def oauth_consent_code_refresh_and_revoke():
    auth = BoxOAuth(OAuthConfig(ENV["BOX_CLIENT_ID"], ENV["BOX_CLIENT_SECRET"]))
    url = auth.get_authorize_url(options=GetAuthorizeUrlOptions(
        redirect_uri="http://localhost:3000/callback", state="st-42"))
    # The SDK writes Box's account host; the sandbox serves the same path on its own host.
    local = url.replace("https://account.box.com", BASE)
    page = requests.get(local)
    assert page.status_code == 200 and "Grant access to Box" in page.text
    redirect = requests.get(local + "&approve=1", allow_redirects=False)
    assert redirect.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(redirect.headers["Location"]).query))
    assert query["state"] == "st-42"
    token = auth.get_tokens_authorization_code_grant(query["code"], network_session=SESSION)
    assert token.refresh_token
    client = BoxClient(auth=auth, network_session=SESSION)
    assert client.users.get_user_me().id == admin().users.get_user_me().id
    rotated = auth.refresh_token(network_session=SESSION)
    assert rotated.refresh_token and rotated.refresh_token != token.refresh_token
    stale = requests.post(BASE + "/oauth2/token", data={
        "grant_type": "refresh_token", "refresh_token": token.refresh_token,
        "client_id": ENV["BOX_CLIENT_ID"], "client_secret": ENV["BOX_CLIENT_SECRET"]})
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_grant"
    auth.revoke_token(network_session=SESSION)
    gone = requests.get(BASE + "/2.0/users/me", headers={"Authorization": "Bearer " + rotated.access_token})
    assert gone.status_code == 401


@check
def as_user_header():
    client = admin()
    target = client.users.get_users(filter_term="maria", limit=1).entries[0]
    assert client.with_as_user_header(target.id).users.get_user_me().id == target.id


@check
def admin_logs_to_the_end():
    client = admin()
    position, count = "0", 0
    while True:
        page = client.events.get_events(stream_type=GetEventsStreamType.ADMIN_LOGS, stream_position=position,
                                        event_type=[GetEventsEventType.LOGIN], limit=500)
        if not page.entries:
            break
        count += len(page.entries)
        assert all(e.event_type.value == "LOGIN" for e in page.entries)
        position = str(page.next_stream_position)
        assert len(position) == 19, position
    assert count > 1000, count


@check
def memberships_terminate_sessions_invite():
    client = admin()
    user = client.users.get_users(filter_term="maria", limit=1).entries[0]
    groups = client.memberships.get_user_memberships(user.id)
    assert groups.total_count == len(groups.entries)
    msg = client.session_termination.terminate_users_sessions([user.id], [])
    assert "successful" in msg.message
    invite = client.invites.create_invite(CreateInviteEnterprise(id=ENV["BOX_ENTERPRISE_ID"]),
                                          CreateInviteActionableBy(login="sam.okoro@fabrikam.example"))
    assert invite.status == "pending" and invite.actionable_by.login == "sam.okoro@fabrikam.example"
    again = client.invites.get_invite_by_id(invite.id)
    assert again.id == invite.id and again.actionable_by.login == invite.actionable_by.login
    assert api_error(lambda: client.invites.get_invite_by_id("1")).status_code == 404


@check
def unservable_requests_get_box_errors():
    headers = {"Authorization": "Bearer " + ENV["BOX_ACCESS_TOKEN"]}
    r = requests.get(BASE + "/2.0/files/123", headers=headers)
    assert r.status_code == 404 and r.json()["type"] == "error" and r.json()["request_id"]
    r = requests.patch(BASE + "/2.0/users", headers=headers)
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    r = requests.post(BASE + "/2.0/users", headers={**headers, "Content-Type": "application/json"}, data="{nope")
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    r = requests.get(BASE + "/2.0/users/me")
    assert r.status_code == 401
    assert r.headers["box-request-id"]


@check
def sdk_retries_through_rate_limits_and_server_errors():
    # The faulty sandbox answers every 3rd API request 429 (Retry-After: 0) and every 11th 500:
    # Box's SDK must retry both and still page to the end, each user once.
    client = BoxClient(auth=BoxDeveloperTokenAuth(token=FAULTY["BOX_ACCESS_TOKEN"]), network_session=session(FAULTY))
    ids, _ = all_users_by_marker(client, 50)
    assert len(ids) == len(set(ids)) > 300


@check
def sdk_refreshes_an_expired_ccg_token_on_401():
    # Tokens in the expiring sandbox live 5 s; after that the SDK sees 401, signs in again and
    # retries after its back-off (1-3 s, so the new token is still alive).
    auth = BoxCCGAuth(config=CCGConfig(EXPIRING["BOX_CLIENT_ID"], EXPIRING["BOX_CLIENT_SECRET"],
                                       enterprise_id=EXPIRING["BOX_ENTERPRISE_ID"]))
    client = BoxClient(auth=auth, network_session=session(EXPIRING))
    first = client.users.get_user_me().id
    time.sleep(5.5)
    assert client.users.get_user_me().id == first


def main():
    import sdk_groups  # registers the groups, memberships and email aliases checks
    sdk_groups.setup(admin)
    return checklist.run("fidelity")


if __name__ == "__main__":
    sys.exit(main())
