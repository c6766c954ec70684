"""The guardian role opens every concern: nobody grants it alone (issue 8, finding 6).

Every door a role could be given through is attacked: the people page (adding someone,
which is the invitation), the person page, the API, organisation set-up and the command
line. A grant needs a second person, a guardian or board member who neither asked nor
is the person; each grant and removal is audited and emailed to guardians and the board.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from echoorg.accounts.models import User
from echoorg.audit.models import AuditEntry
from echoorg.orgs.models import Membership, Organisation, RoleRequest


def person_url(org: Organisation, member: Membership) -> str:
    return reverse("person", kwargs={"slug": org.slug, "member_id": member.pk})


def people_url(org: Organisation) -> str:
    return reverse("people", kwargs={"slug": org.slug})


def decision(action: str, request: RoleRequest) -> dict:
    """The person page's form for confirming, declining or withdrawing one request."""
    return {"decision": action, "request": request.pk}


def roles_of(user: User, org: Organisation) -> list[str]:
    return Membership.objects.get(user=user, organisation=org).roles


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


@pytest.fixture
def guardian(org, make_person) -> User:
    return make_person(org, "guardian", email="guardian@alpha.example")


@pytest.fixture
def board(org, make_person) -> User:
    return make_person(org, "board", email="board@alpha.example")


@pytest.fixture
def staff(org, make_person) -> User:
    return make_person(org, "staff", email="staff@alpha.example")


# -- asking ------------------------------------------------------------------------------


def test_a_facilitator_cannot_make_themselves_guardian_on_their_page(
    login_as, facilitator, org, guardian, board
):
    member = facilitator.memberships.get()
    response = login_as(facilitator).post(
        person_url(org, member), {"roles": ["facilitator", "guardian"]}
    )
    assert response.status_code == 200
    assert "You cannot give yourself the speak-up guardian role" in response.content.decode()
    assert roles_of(facilitator, org) == ["facilitator"]
    assert not RoleRequest.objects.exists()


def test_ticking_guardian_for_someone_asks_and_does_not_give(
    login_as, facilitator, org, guardian, board, staff
):
    member = staff.memberships.get()
    response = login_as(facilitator).post(
        person_url(org, member), {"roles": ["staff", "guardian"]}, follow=True
    )
    assert "waits until a guardian or board member confirms" in response.content.decode()
    assert roles_of(staff, org) == ["staff"]
    request = RoleRequest.objects.get()
    assert request.status == "pending" and request.requested_by == facilitator
    assert AuditEntry.objects.filter(action="guardian.requested").exists()
    # The people who can confirm are asked, with a link to the person's page.
    assert recipients() == {guardian.email, board.email}
    assert person_url(org, member) in mail.outbox[0].body


def test_the_people_page_shows_the_request_as_awaiting(login_as, facilitator, org, guardian, staff):
    login_as(facilitator).post(
        person_url(org, staff.memberships.get()), {"roles": ["staff", "guardian"]}
    )
    page = login_as(facilitator).get(people_url(org)).content.decode()
    assert "guardian role awaiting confirmation" in page


def test_adding_someone_as_guardian_on_the_people_page_only_asks(
    login_as, facilitator, org, guardian
):
    response = login_as(facilitator).post(
        people_url(org),
        {"email": "new@example.org", "full_name": "New Person", "roles": ["guardian"]},
        follow=True,
    )
    assert "waits until a guardian or board member confirms" in response.content.decode()
    new = User.objects.get(email="new@example.org")
    assert roles_of(new, org) == ["staff"]
    assert RoleRequest.objects.get().member.user == new


def test_without_anyone_to_confirm_asking_is_refused_and_nothing_is_written(
    login_as, facilitator, org
):
    response = login_as(facilitator).post(
        people_url(org), {"email": "new@example.org", "roles": ["guardian"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody here can confirm a new speak-up guardian" in html
    assert "echoorg grant_guardian" in html
    assert not User.objects.filter(email="new@example.org").exists()
    assert not RoleRequest.objects.exists()


def test_the_person_concerned_does_not_count_as_a_confirmer(
    login_as, facilitator, org, make_person
):
    board_member = make_person(org, "board")
    response = login_as(facilitator).post(
        person_url(org, board_member.memberships.get()), {"roles": ["board", "guardian"]}
    )
    assert "Nobody here can confirm" in response.content.decode()
    assert roles_of(board_member, org) == ["board"]


def test_the_api_only_asks_too(client, facilitator, org, guardian):
    from echoorg.accounts.models import ApiToken

    _, token = ApiToken.issue(facilitator, "t")
    response = client.post(
        f"/api/organisations/{org.slug}/memberships",
        {"email": "api@example.org", "roles": ["guardian", "staff"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["roles"] == ["staff"] and body["pending_roles"] == ["guardian"]
    assert "guardian" not in roles_of(User.objects.get(email="api@example.org"), org)
    listed = client.get(
        f"/api/organisations/{org.slug}/memberships/{body['id']}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert listed["pending_roles"] == ["guardian"]


def test_setting_up_an_organisation_gives_only_the_facilitator_role(login_as, facilitator):
    login_as(facilitator).post(
        reverse("organisation_new"),
        {"name": "Gamma", "slug": "gamma", "guardian": "1", "roles": ["guardian"]},
    )
    gamma = Organisation.objects.get(slug="gamma")
    assert roles_of(facilitator, gamma) == ["facilitator"]


# -- deciding ----------------------------------------------------------------------------


@pytest.fixture
def asked(login_as, facilitator, org, guardian, board, staff) -> RoleRequest:
    login_as(facilitator).post(
        person_url(org, staff.memberships.get()), {"roles": ["staff", "guardian"]}
    )
    mail.outbox.clear()
    return RoleRequest.objects.get()


@pytest.mark.parametrize("confirmer", ["guardian", "board"])
def test_a_guardian_or_board_member_confirms(
    request, login_as, org, asked, staff, guardian, board, facilitator, confirmer
):
    who = request.getfixturevalue(confirmer)
    client = login_as(who)
    page = client.get(person_url(org, asked.member)).content.decode()
    assert "Confirm: make them a speak-up guardian" in page
    assert 'name="roles"' not in page  # they see the request, not the roles form
    home = client.get(reverse("organisation", kwargs={"slug": org.slug})).content.decode()
    assert person_url(org, asked.member) in home
    response = client.post(person_url(org, asked.member), decision("confirm", asked))
    assert response.status_code == 302
    assert roles_of(staff, org) == ["staff", "guardian"]
    entry = AuditEntry.objects.get(action="guardian.granted")
    assert entry.detail["requested_by"] == facilitator.email
    assert entry.detail["confirmed_by"] == who.email
    # Every guardian and board member hears of it, the new guardian included.
    assert recipients() == {guardian.email, board.email, staff.email}
    assert all("is now a speak-up guardian" in m.subject for m in mail.outbox)


def test_declining_leaves_the_roles_and_tells_who_asked(
    login_as, org, asked, staff, board, facilitator
):
    login_as(board).post(person_url(org, asked.member), decision("decline", asked))
    assert roles_of(staff, org) == ["staff"]
    asked.refresh_from_db()
    assert asked.status == "declined" and asked.decided_by == board
    assert AuditEntry.objects.filter(action="guardian.declined").exists()
    assert recipients() == {facilitator.email}


def test_the_one_who_asked_cannot_confirm_even_as_a_board_member(
    login_as, org, make_person, guardian, staff
):
    facilitator_on_board = make_person(org, "facilitator", "board")
    client = login_as(facilitator_on_board)
    client.post(person_url(org, staff.memberships.get()), {"roles": ["staff", "guardian"]})
    request = RoleRequest.objects.get()
    page = client.get(person_url(org, request.member)).content.decode()
    assert "Confirm: make them a speak-up guardian" not in page
    assert (
        client.post(person_url(org, request.member), decision("confirm", request)).status_code
        == 403
    )
    assert roles_of(staff, org) == ["staff"]


def test_the_person_concerned_cannot_confirm_their_own_request(
    login_as, facilitator, org, guardian, make_person
):
    board_member = make_person(org, "board")
    login_as(facilitator).post(
        person_url(org, board_member.memberships.get()), {"roles": ["board", "guardian"]}
    )
    request = RoleRequest.objects.get()
    response = login_as(board_member).post(
        person_url(org, request.member), decision("confirm", request)
    )
    assert response.status_code == 403
    assert roles_of(board_member, org) == ["board"]


@pytest.mark.parametrize("role", ["facilitator", "leader", "staff", "mentor", "researcher"])
def test_other_roles_cannot_confirm(login_as, org, asked, staff, make_person, role):
    other = make_person(org, role)
    response = login_as(other).post(person_url(org, asked.member), decision("confirm", asked))
    assert response.status_code == 403
    assert roles_of(staff, org) == ["staff"]


def test_a_guardian_of_another_organisation_cannot_confirm(
    login_as, org, other_org, asked, staff, make_person
):
    outsider = make_person(other_org, "guardian")
    response = login_as(outsider).post(person_url(org, asked.member), decision("confirm", asked))
    assert response.status_code == 404
    assert roles_of(staff, org) == ["staff"]


def test_a_request_lapses_after_two_weeks(login_as, org, asked, staff, guardian):
    RoleRequest.objects.filter(pk=asked.pk).update(created=asked.created - dt.timedelta(days=15))
    client = login_as(guardian)
    assert (
        "Confirm: make them a speak-up guardian"
        not in client.get(person_url(org, asked.member)).content.decode()
    )
    client.post(person_url(org, asked.member), decision("confirm", asked))
    assert roles_of(staff, org) == ["staff"]


def test_the_facilitator_can_withdraw_a_request(login_as, facilitator, org, asked, guardian):
    login_as(facilitator).post(person_url(org, asked.member), decision("withdraw", asked))
    asked.refresh_from_db()
    assert asked.status == "withdrawn"
    assert (
        login_as(guardian)
        .post(person_url(org, asked.member), decision("confirm", asked))
        .status_code
        == 302
    )
    assert roles_of(asked.member.user, org) == ["staff"]


# -- removing ----------------------------------------------------------------------------


def test_removing_the_guardian_role_is_audited_and_told_to_guardians_and_board(
    login_as, facilitator, org, guardian, board, make_person
):
    other_guardian = make_person(org, "guardian", "staff")
    login_as(facilitator).post(
        person_url(org, other_guardian.memberships.get()), {"roles": ["staff"]}
    )
    assert roles_of(other_guardian, org) == ["staff"]
    assert AuditEntry.objects.filter(action="guardian.removed").exists()
    assert recipients() == {guardian.email, board.email, other_guardian.email}
    assert "is no longer a speak-up guardian" in mail.outbox[0].subject


def test_removing_a_guardian_from_the_organisation_is_told_too(
    login_as, facilitator, org, guardian, board, make_person
):
    leaving = make_person(org, "guardian")
    login_as(facilitator).post(person_url(org, leaving.memberships.get()), {"remove": "1"})
    assert AuditEntry.objects.filter(action="guardian.removed").exists()
    assert guardian.email in recipients() and board.email in recipients()


def test_the_board_role_is_asked_for_and_confirmed_too(login_as, facilitator, org, guardian, staff):
    # Board members confirm guardians, so a facilitator who could make board members alone
    # could make accomplices (or addresses of their own) confirm their requests.
    login_as(facilitator).post(
        person_url(org, staff.memberships.get()), {"roles": ["staff", "board"]}
    )
    assert roles_of(staff, org) == ["staff"]
    request = RoleRequest.objects.get()
    assert request.role == "board"
    assert AuditEntry.objects.filter(action="board.requested").exists()
    mail.outbox.clear()
    login_as(guardian).post(person_url(org, request.member), decision("confirm", request))
    assert roles_of(staff, org) == ["staff", "board"]
    assert AuditEntry.objects.filter(action="board.granted").exists()
    assert recipients() == {guardian.email, staff.email}
    assert "is now a board member" in mail.outbox[0].subject


def test_a_lone_facilitator_cannot_build_confirmers_of_their_own(login_as, facilitator, org):
    """The sock-puppet attack: addresses the facilitator controls, one as facilitator and
    one as board member, then one asks and the other confirms. Refused at the first step:
    with no guardian or board member, nobody can confirm a board member either."""
    client = login_as(facilitator)
    client.post(people_url(org), {"email": "puppet1@example.org", "roles": ["facilitator"]})
    response = client.post(people_url(org), {"email": "puppet2@example.org", "roles": ["board"]})
    assert "Nobody here can confirm a new board member" in response.content.decode()
    assert not Membership.objects.filter(
        organisation=org, user__email="puppet2@example.org"
    ).exists()
    puppet1 = User.objects.get(email="puppet1@example.org")
    puppet1.set_password("a long enough password")
    puppet1.save()
    login_as(puppet1).post(
        person_url(org, facilitator.memberships.get()), {"roles": ["facilitator", "guardian"]}
    )
    assert roles_of(facilitator, org) == ["facilitator"]
    assert not RoleRequest.objects.exists()


def test_asking_for_both_roles_makes_two_requests(login_as, facilitator, org, guardian, staff):
    response = login_as(facilitator).post(
        person_url(org, staff.memberships.get()),
        {"roles": ["staff", "guardian", "board"]},
        follow=True,
    )
    assert "speak-up guardian and board member roles wait" in response.content.decode()
    assert sorted(RoleRequest.objects.values_list("role", flat=True)) == ["board", "guardian"]
    assert roles_of(staff, org) == ["staff"]


# -- the command line --------------------------------------------------------------------


def test_the_first_guardian_is_set_from_the_command_line(org, facilitator, board, capsys):
    call_command(
        "grant_guardian",
        "--organisation",
        org.slug,
        "--email",
        "First@Alpha.example",
        "--name",
        "First Guardian",
        "--reason",
        "installation",
    )
    first = User.objects.get(email="first@alpha.example")
    assert roles_of(first, org) == ["guardian"]
    entry = AuditEntry.objects.get(action="guardian.granted")
    assert entry.actor is None and entry.detail["via"] == "command line"
    assert entry.detail["reason"] == "installation"
    assert recipients() == {board.email, first.email}
    out = capsys.readouterr().out
    assert "now a speak-up guardian" in out and "/password-reset/" in out


def test_the_command_adds_the_role_to_an_existing_member(org, staff):
    call_command("grant_guardian", "--organisation", org.slug, "--email", staff.email)
    assert roles_of(staff, org) == ["staff", "guardian"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "nowhere", "--email", "a@example.org"], "no organisation"),
        (["--organisation", "alpha", "--email", "not an address"], "valid email"),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(org, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_guardian", *args)
    assert not AuditEntry.objects.filter(action="guardian.granted").exists()


def test_the_command_gives_the_board_role_too(org, guardian, capsys):
    call_command(
        "grant_guardian",
        "--organisation",
        org.slug,
        "--email",
        "chair@alpha.example",
        "--role",
        "board",
    )
    chair = User.objects.get(email="chair@alpha.example")
    assert roles_of(chair, org) == ["board"]
    assert AuditEntry.objects.get(action="board.granted").detail["via"] == "command line"
    assert "now a board member" in capsys.readouterr().out


def test_the_command_refuses_someone_already_guardian(org, guardian):
    with pytest.raises(CommandError, match="already a speak-up guardian"):
        call_command("grant_guardian", "--organisation", org.slug, "--email", guardian.email)
