"""The team page and invitation links: an owner invites someone in the browser, they join
from their own browser, and the owner changes their role and removes them again."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Team, User

LINK = re.compile(r"^http://127\.0\.0\.1:\d+/invitations/[A-Za-z0-9_-]{40,}/$")


def create_invitation(page: Page, *, role: str, label: str) -> str:
    """Fill in the invitation form on the team page; the link it shows once."""
    form = page.get_by_role("region", name="Invite someone")
    form.get_by_label("Role").select_option(role)
    form.get_by_label("Label (optional)").fill(label)
    form.get_by_role("button", name="Create invitation").click()
    link = form.get_by_label("Invitation link")
    expect(link).to_have_value(LINK)
    expect(form.get_by_role("button", name="Copy")).to_be_visible()
    return link.input_value()


def member_row(page: Page, username: str):  # noqa: ANN201
    return page.get_by_test_id("member-row").filter(has=page.get_by_text(username, exact=True))


def test_an_invitee_joins_and_the_owner_changes_their_role_and_removes_them(
    team: Team, team_owner: User, invitee: User
) -> None:
    owner = team_owner.page
    owner.goto(f"{team_owner.app.url}/team/")
    expect(owner.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    expect(owner.get_by_label(f"Role of {team.owner}")).to_have_value("owner")

    link = create_invitation(owner, role="editor", label="Cara from research")
    pending = owner.get_by_test_id("invitation-row")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Cara from research")
    expect(pending).to_contain_text("Editor · expires")

    # Cara, signed in in her own browser, opens the link and joins.
    invitee.sign_in()
    guest = invitee.page
    guest.goto(link)
    guest.wait_for_load_state("networkidle")
    guest.get_by_role("button", name="Join workspace").click()
    guest.wait_for_url(f"{invitee.app.url}/")
    expect(guest.get_by_label("Workspace", exact=True)).to_have_value(team.workspace)
    # As an editor she sees the members, read-only.
    guest.get_by_role("link", name="Team").click()
    expect(guest.get_by_text(f"Who works in {team.workspace_name}.")).to_be_visible()
    expect(member_row(guest, team.owner)).to_contain_text("Owner")
    expect(member_row(guest, team.invitee)).to_contain_text("Editor")
    expect(guest.get_by_role("combobox")).to_have_count(1)  # the workspace switcher only
    expect(guest.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    expect(guest.get_by_role("region", name="Invite someone")).to_have_count(0)

    # The owner sees her; the invitation is used up.
    owner.reload()
    expect(owner.get_by_label(f"Role of {team.invitee}")).to_have_value("editor")
    expect(owner.get_by_test_id("invitation-row")).to_have_count(0)
    expect(owner.get_by_text("No invitations waiting to be accepted.")).to_be_visible()

    owner.get_by_label(f"Role of {team.invitee}").select_option("viewer")
    expect(owner.get_by_label(f"Role of {team.invitee}")).to_have_value("viewer")
    members = team_owner.api("GET", f"/api/workspaces/{team.workspace}/members/")
    assert {m["username"]: m["role"] for m in members} == {
        team.owner: "owner",
        team.invitee: "viewer",
    }

    # The last owner cannot step down: the server's reason shows and nothing changes.
    owner.get_by_label(f"Role of {team.owner}").select_option("editor")
    expect(owner.get_by_role("alert")).to_have_text("A workspace must keep at least one owner.")
    expect(owner.get_by_label(f"Role of {team.owner}")).to_have_value("owner")

    owner.get_by_role("button", name=f"Remove {team.invitee}").click()
    dialog = owner.get_by_role("dialog", name=f"Remove {team.invitee}?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(member_row(owner, team.invitee)).to_have_count(0)
    expect(member_row(owner, team.owner)).to_have_count(1)

    me = invitee.api("GET", "/api/auth/me/")
    assert [m["workspace"] for m in me["memberships"]] == [team.invitee_workspace]


def test_a_signed_out_invitee_signs_in_first_and_a_revoked_link_says_so(
    team: Team, team_owner: User, invitee: User
) -> None:
    owner = team_owner.page
    owner.goto(f"{team_owner.app.url}/team/")
    revoked = create_invitation(owner, role="viewer", label="Wrong person")
    link = create_invitation(owner, role="viewer", label="Cara")
    rows = owner.get_by_test_id("invitation-row")
    expect(rows).to_have_count(2)
    owner.get_by_role("button", name="Revoke the invitation for Wrong person").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Cara")

    # Not signed in: the link goes through the sign-in page and comes back.
    guest = invitee.page
    guest.goto(link)
    guest.wait_for_url(re.compile(r"/login/\?next="))
    expect(guest.get_by_text("Sign in to join the workspace you were invited to.")).to_be_visible()
    guest.wait_for_load_state("networkidle")
    guest.get_by_label("Username").fill(invitee.username)
    guest.get_by_label("Password").fill(invitee.password)
    guest.get_by_role("button", name="Sign in").click()
    guest.wait_for_url(link)
    guest.wait_for_load_state("networkidle")
    guest.get_by_role("button", name="Join workspace").click()
    guest.wait_for_url(f"{invitee.app.url}/")
    expect(guest.get_by_label("Workspace", exact=True)).to_have_value(team.workspace)

    guest.goto(revoked)
    guest.get_by_role("button", name="Join workspace").click()
    expect(guest.get_by_role("heading", name="This invitation link does not work")).to_be_visible()
    expect(guest.get_by_role("alert")).to_contain_text("expired, been revoked")
    me = invitee.api("GET", "/api/auth/me/")
    assert {m["workspace"]: m["role"] for m in me["memberships"]} == {
        team.invitee_workspace: "owner",
        team.workspace: "viewer",
    }
