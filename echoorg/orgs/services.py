"""Changes to organisations, units and memberships, each written with its audit entry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import loader
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.common.tasks import send_email
from echoorg.core.roles import BOARD, FACILITATOR, GUARDIAN, ROLES, STAFF, allowed, clean_roles
from echoorg.core.text import name_key, normalise_name
from echoorg.core.units import UnitImportError, UnitRow, parse_units_csv

from .models import Membership, Organisation, RoleRequest, Unit

# Roles that no one gives alone (a second person confirms) and no one gives themselves:
# guardians read every concern, and board members confirm guardians.
CONFIRMED_ROLES = (GUARDIAN, BOARD)
# A request lapses after this long without a decision, so an old request is not
# confirmed by someone who no longer remembers why it was made.
ROLE_REQUEST_DAYS = 14


def remember_organisation(user, organisation: Organisation) -> None:
    """Note that `user` chose `organisation` now, so that they land there after their next
    login. A person's own preference, not a change to the organisation's records, so it
    has no audit entry: one per choice would log everyone's moves between organisations."""
    Membership.objects.filter(user=user, organisation=organisation).update(last_used=timezone.now())


def last_used_organisation(user) -> Organisation | None:
    """The organisation `user` chose most recently, if they have ever chosen one."""
    member = (
        Membership.objects.filter(user=user, last_used__isnull=False)
        .select_related("organisation")
        .order_by("-last_used")
        .first()
    )
    return member.organisation if member else None


def create_organisation(actor, name: str, slug: str) -> Organisation:
    with transaction.atomic():
        organisation = Organisation(name=normalise_name(name), slug=slug.strip().lower())
        organisation.full_clean()
        organisation.save()
        # Only the facilitator role: the guardian role is never part of setting up.
        Membership.objects.create(
            user=actor,
            organisation=organisation,
            roles=[FACILITATOR],
            name=normalise_name(actor.full_name),
        )
        record(
            "organisation.created",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            name=organisation.name,
        )
    return organisation


def create_unit(
    actor, organisation: Organisation, name: str, parent: Unit | None, kind: str = "unit"
) -> Unit:
    with transaction.atomic():
        unit = Unit(organisation=organisation, name=normalise_name(name), parent=parent, kind=kind)
        unit.full_clean()
        unit.save()
        record(
            "unit.created",
            actor=actor,
            organisation=organisation,
            obj=unit,
            name=unit.name,
            parent=parent.name if parent else None,
        )
    return unit


def update_unit(actor, unit: Unit, name: str, parent: Unit | None, kind: str) -> Unit:
    with transaction.atomic():
        before = {
            "name": unit.name,
            "parent": unit.parent.name if unit.parent else None,
            "kind": unit.kind,
        }
        unit.name, unit.parent, unit.kind = normalise_name(name), parent, kind
        unit.full_clean()
        unit.save()
        record(
            "unit.updated",
            actor=actor,
            organisation=unit.organisation,
            obj=unit,
            before=before,
            after={"name": unit.name, "parent": parent.name if parent else None, "kind": kind},
        )
    return unit


def import_units(actor, organisation: Organisation, text: str) -> list[Unit]:
    """Import a `unit,parent` CSV: every row is written, or none (UnitImportError)."""
    existing = dict(Unit.objects.filter(organisation=organisation).values_list("name", "id"))
    rows: list[UnitRow] = parse_units_csv(text, existing)
    created: list[Unit] = []
    by_key: dict[str, int] = {name_key(name): pk for name, pk in existing.items()}
    with transaction.atomic():
        for row in rows:
            unit = Unit.objects.create(
                organisation=organisation,
                name=row.unit,
                parent_id=by_key[name_key(row.parent)] if row.parent else None,
            )
            by_key[unit.name_key] = unit.pk
            created.append(unit)
        record(
            "units.imported",
            actor=actor,
            organisation=organisation,
            object_type="orgs.unit",
            count=len(created),
        )
    return created


def find_unit(organisation: Organisation, name: str) -> Unit | None:
    """The organisation's unit with this name, compared as unit names are (case, spaces)."""
    return Unit.objects.filter(organisation=organisation, name_key=name_key(name)).first()


# -- memberships ---------------------------------------------------------------------------


def _roles_given_at_once(roles: list[str]) -> list[str]:
    """The roles that can be written at once; a person needs one, staff by default."""
    kept = [r for r in roles if r not in CONFIRMED_ROLES]
    return kept or [STAFF]


def add_member(
    actor,
    organisation: Organisation,
    user,
    roles: list[str],
    unit: Unit | None = None,
    name: str = "",
) -> Membership:
    """Add a person with roles. The guardian and board roles are not given here but
    requested (`request_role`), to be confirmed by a guardian or board member."""
    with transaction.atomic():
        member = Membership.objects.filter(user=user, organisation=organisation).first()
        if member is not None:
            raise ValidationError("This person is already a member; change their roles instead.")
        try:
            wanted = clean_roles(roles)
        except ValueError as exc:
            raise ValidationError({"roles": str(exc)}) from None
        asked = [r for r in wanted if r in CONFIRMED_ROLES]
        for role in asked:
            _check_request_possible(actor, organisation, user, role)
        member = Membership(
            user=user,
            organisation=organisation,
            roles=_roles_given_at_once(wanted),
            unit=unit,
            name=normalise_name(name),
        )
        member.full_clean()
        member.save()
        record(
            "membership.created",
            actor=actor,
            organisation=organisation,
            obj=member,
            person=user.email,
            roles=member.roles,
        )
        for role in asked:
            _request_role(actor, member, role)
    return member


def change_member(actor, member: Membership, roles: list[str], unit: Unit | None) -> Membership:
    """Change roles and unit. Adding the guardian or board role makes a request instead
    (see `request_role`); removing one takes effect at once and is notified."""
    with transaction.atomic():
        before = list(member.roles)
        try:
            wanted = clean_roles(roles)
        except ValueError as exc:
            raise ValidationError({"roles": str(exc)}) from None
        asked = [r for r in wanted if r in CONFIRMED_ROLES and r not in before]
        for role in asked:
            _check_request_possible(actor, member.organisation, member.user, role)
        kept = [r for r in wanted if r not in asked]
        member.roles, member.unit = kept or [STAFF], unit
        member.full_clean()
        member.save()
        record(
            "membership.changed",
            actor=actor,
            organisation=member.organisation,
            obj=member,
            person=member.user.email,
            before=before,
            after=member.roles,
        )
        _notify_removals(actor, member, before, member.roles)
        for role in asked:
            _request_role(actor, member, role)
    return member


def remove_member(actor, member: Membership) -> None:
    with transaction.atomic():
        record(
            "membership.removed",
            actor=actor,
            organisation=member.organisation,
            obj=member,
            person=member.user.email,
        )
        _notify_removals(actor, member, list(member.roles), [])
        member.delete()


def tell_added(member: Membership, actor, base_url: str) -> None:
    """Email someone who already has an account that an organisation added them (the
    counterpart of the set-password invitation that a new address receives)."""
    body = loader.render_to_string(
        "orgs/email/added.txt",
        {
            "member": member,
            "organisation": member.organisation,
            "invited_by": getattr(actor, "display_name", "Someone"),
            "base_url": base_url.rstrip("/"),
        },
    )
    address = member.user.email
    subject = f"You have been added to {member.organisation.name} on echoorg"
    send_email.enqueue(subject, body, [address])


# -- guardians and board members: two people, never oneself -------------------------------


def change_security(actor, organisation: Organisation, require_2fa_roles: list[str]) -> None:
    """Set the roles that must use two-factor authentication here (in the table's order)."""
    before = organisation.require_2fa_roles
    organisation.require_2fa_roles = [r for r in ROLES if r in require_2fa_roles]
    organisation.save(update_fields=["require_2fa_roles"])
    record(
        "organisation.security_changed",
        actor=actor,
        organisation=organisation,
        obj=organisation,
        before=before,
        after=organisation.require_2fa_roles,
    )


def role_label(role: str) -> str:
    """'speak-up guardian', 'board member': the role's name inside a sentence."""
    return ROLES[role].lower()


def confirmers(organisation: Organisation, exclude: set[int] = frozenset()) -> list:
    """The people who may confirm a request: the organisation's guardians and board."""
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    return [
        m.user
        for m in members
        if allowed(m.roles, "guardians.confirm") and m.user.is_active and m.user_id not in exclude
    ]


def may_decide(user, request: RoleRequest) -> bool:
    """True when `user` may confirm or decline this request: a guardian or board member
    of its organisation who neither asked for it nor is the person it concerns."""
    if not user.is_authenticated or user.pk in (request.requested_by_id, request.member.user_id):
        return False
    return any(u.pk == user.pk for u in confirmers(request.organisation))


def _check_request_possible(actor, organisation: Organisation, user, role: str) -> None:
    label = role_label(role)
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationError(
            {
                "roles": f"You cannot give yourself the {label} role. Another "
                "facilitator may ask for it, and a guardian or board "
                "member must confirm."
            }
        )
    exclude = {user.pk} | ({actor.pk} if actor is not None else set())
    if not confirmers(organisation, exclude):
        raise ValidationError(
            {
                "roles": f"Nobody here can confirm a new {label}: that needs a "
                "guardian or board member other than you and the "
                "person. The first is set by whoever runs echoorg "
                "(echoorg grant_guardian)."
            }
        )


def _live(request: RoleRequest) -> bool:
    cutoff = timezone.now() - dt.timedelta(days=ROLE_REQUEST_DAYS)
    return request.status == RoleRequest.PENDING and request.created >= cutoff


def pending_role_requests(member: Membership) -> list[RoleRequest]:
    """The member's open requests (lapsed ones are closed on the way, and audited)."""
    live = []
    for request in member.role_requests.filter(status=RoleRequest.PENDING):
        if _live(request):
            live.append(request)
            continue
        request.status, request.decided = RoleRequest.WITHDRAWN, timezone.now()
        request.save(update_fields=["status", "decided"])
        record(
            f"{request.role}.request_lapsed",
            organisation=member.organisation,
            obj=request,
            person=member.user.email,
        )
    return live


def _request_role(actor, member: Membership, role: str) -> RoleRequest:
    for existing in pending_role_requests(member):
        if existing.role == role:
            return existing
    request = RoleRequest.objects.create(
        organisation=member.organisation, member=member, role=role, requested_by=actor
    )
    record(
        f"{role}.requested",
        actor=actor,
        organisation=member.organisation,
        obj=request,
        person=member.user.email,
    )
    asked = confirmers(member.organisation, {actor.pk, member.user_id})
    _email(
        member.organisation,
        "orgs/email/role_requested.txt",
        f"Please confirm or decline: a new {role_label(role)} for {member.organisation.name}",
        [u.email for u in asked],
        member=member,
        actor=actor,
        role=role_label(role),
    )
    return request


def request_role(actor, member: Membership, role: str) -> RoleRequest:
    """Ask that `member` be given `role` (guardian or board); another person confirms."""
    with transaction.atomic():
        if role in member.roles:
            raise ValidationError({"roles": f"This person is already a {role_label(role)}."})
        _check_request_possible(actor, member.organisation, member.user, role)
        return _request_role(actor, member, role)


def decide_role_request(actor, request: RoleRequest, confirm: bool) -> Membership:
    """Confirm (the role is given) or decline a pending request, as a second person."""
    with transaction.atomic():
        request = RoleRequest.objects.select_for_update().get(pk=request.pk)
        member = request.member
        if not _live(request):
            raise ValidationError("This request is no longer open.")
        if not may_decide(actor, request):
            raise ValidationError(
                "Only a guardian or board member who did not ask for this "
                "and is not the person concerned can decide it."
            )
        request.status = RoleRequest.CONFIRMED if confirm else RoleRequest.DECLINED
        request.decided_by, request.decided = actor, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided"])
        if not confirm:
            record(
                f"{request.role}.declined",
                actor=actor,
                organisation=member.organisation,
                obj=request,
                person=member.user.email,
            )
            if request.requested_by is not None:
                _email(
                    member.organisation,
                    "orgs/email/role_declined.txt",
                    f"Request declined in {member.organisation.name}",
                    [request.requested_by.email],
                    member=member,
                    actor=actor,
                    role=role_label(request.role),
                )
            return member
        before = list(member.roles)
        member.roles = clean_roles([*member.roles, request.role])
        member.save(update_fields=["roles"])
        record(
            f"{request.role}.granted",
            actor=actor,
            organisation=member.organisation,
            obj=member,
            person=member.user.email,
            requested_by=getattr(request.requested_by, "email", None),
            confirmed_by=actor.email,
            before=before,
            after=member.roles,
        )
        _notify_oversight(
            member.organisation,
            f"{request.role}.granted",
            member,
            actor,
            requested_by=request.requested_by,
        )
    return member


def withdraw_role_request(actor, request: RoleRequest) -> None:
    """A facilitator withdraws a pending request (asked by mistake, or no longer wanted)."""
    with transaction.atomic():
        request = RoleRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RoleRequest.PENDING:
            raise ValidationError("This request is no longer open.")
        request.status, request.decided_by, request.decided = (
            RoleRequest.WITHDRAWN,
            actor,
            timezone.now(),
        )
        request.save(update_fields=["status", "decided_by", "decided"])
        record(
            f"{request.role}.request_withdrawn",
            actor=actor,
            organisation=request.organisation,
            obj=request,
            person=request.member.user.email,
        )


def grant_role_from_command_line(
    organisation: Organisation, user, role: str = GUARDIAN, name: str = "", reason: str = ""
) -> Membership:
    """Give `user` the guardian or board role directly: only for whoever runs the
    installation (the command line), typically for an organisation's first guardian."""
    if role not in CONFIRMED_ROLES:
        raise ValidationError(f"Only {' and '.join(CONFIRMED_ROLES)} are given this way.")
    with transaction.atomic():
        member = Membership.objects.filter(user=user, organisation=organisation).first()
        if member is None:
            member = Membership(
                user=user,
                organisation=organisation,
                roles=[role],
                name=normalise_name(name or user.full_name),
            )
            member.full_clean()
            member.save()
            before: list[str] = []
        elif role in member.roles:
            raise ValidationError(
                f"{user.email} is already a {role_label(role)} of {organisation.name}."
            )
        else:
            before = list(member.roles)
            member.roles = clean_roles([*member.roles, role])
            member.save(update_fields=["roles"])
        RoleRequest.objects.filter(member=member, role=role, status=RoleRequest.PENDING).update(
            status=RoleRequest.WITHDRAWN, decided=timezone.now()
        )
        record(
            f"{role}.granted",
            organisation=organisation,
            obj=member,
            person=user.email,
            via="command line",
            reason=reason,
            before=before,
            after=member.roles,
        )
        _notify_oversight(organisation, f"{role}.granted", member, None)
    return member


def _notify_removals(actor, member: Membership, before: list[str], after: list[str]) -> None:
    for role in CONFIRMED_ROLES:
        if role in before and role not in after:
            record(
                f"{role}.removed",
                actor=actor,
                organisation=member.organisation,
                obj=member,
                person=member.user.email,
            )
            _notify_oversight(member.organisation, f"{role}.removed", member, actor)


_CHANGES = {
    "guardian.granted": "is now a speak-up guardian",
    "guardian.removed": "is no longer a speak-up guardian",
    "board.granted": "is now a board member",
    "board.removed": "is no longer a board member",
}


def _notify_oversight(
    organisation: Organisation, change: str, member: Membership, actor, requested_by=None
) -> None:
    """Tell every guardian and board member (the person included) of a change to who
    can read concerns or confirm guardians."""
    people = {u.email for u in confirmers(organisation)} | {member.user.email}
    what = _CHANGES[change]
    _email(
        organisation,
        "orgs/email/oversight_changed.txt",
        f"{organisation.name} on echoorg: {member.display_name} {what}",
        sorted(people),
        member=member,
        actor=actor,
        what=what,
        requested_by=requested_by,
    )


def _email(
    organisation: Organisation, template: str, subject: str, to: list[str], **context
) -> None:
    """Queue one email per person, so no one sees who else was told. With the database
    task backend the queued email is part of the change's transaction."""
    if not to:
        return
    body = loader.render_to_string(
        template, {"organisation": organisation, "base_url": settings.ECHOORG_BASE_URL, **context}
    )
    for address in to:
        send_email.enqueue(subject, body, [address])


__all__ = [
    "CONFIRMED_ROLES",
    "UnitImportError",
    "add_member",
    "change_member",
    "confirmers",
    "create_organisation",
    "create_unit",
    "decide_role_request",
    "find_unit",
    "grant_role_from_command_line",
    "import_units",
    "may_decide",
    "pending_role_requests",
    "remove_member",
    "request_role",
    "role_label",
    "tell_added",
    "update_unit",
    "withdraw_role_request",
]
