"""API endpoints for organisations, units and memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.accounts.invite import invite
from echoorg.core.text import normalise_name
from echoorg.core.units import UnitImportError

from . import services
from .models import Membership, Organisation, RoleRequest, Unit
from .permissions import organisation_for, organisations_of

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    roles: list[str]


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent: str | None


class UnitIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = "unit"
    parent: str | None = None


class UnitImportIn(Schema):
    csv: str = Field(description="CSV text with header 'unit,parent'", max_length=2_000_000)


class ImportProblem(Schema):
    row: int
    message: str


class ImportOut(Schema):
    created: int


class ProblemsOut(Schema):
    detail: str
    problems: list[ImportProblem]


class MembershipOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    unit: str | None
    pending_roles: list[str] = Field(
        default_factory=list,
        description="Roles asked for but not yet given: 'guardian' or 'board' until a "
        "guardian or board member confirms on the person's page.",
    )


class MembershipIn(Schema):
    email: str = Field(max_length=254)
    full_name: str = Field(default="", max_length=200)
    roles: list[str]
    unit: str | None = None


def _unit_out(unit: Unit, names: dict[int, str]) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        kind=unit.kind,
        parent=names.get(unit.parent_id) if unit.parent_id else None,
    )


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(request: HttpRequest):
    roles = {m.organisation_id: m.roles for m in request.auth.memberships.all()}
    return [
        OrganisationOut(slug=o.slug, name=o.name, roles=roles[o.pk])
        for o in organisations_of(request.auth)
    ]


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str):
    org, member = organisation_for(request.auth, slug, "organisation.view")
    return OrganisationOut(slug=org.slug, name=org.name, roles=member.roles)


@router.get("/organisations/{slug}/units", response=list[UnitOut])
def list_units(request: HttpRequest, slug: str):
    org, _ = organisation_for(request.auth, slug, "units.view")
    units = list(Unit.objects.filter(organisation=org).order_by("name"))
    names = {u.pk: u.name for u in units}
    return [_unit_out(u, names) for u in units]


@router.post("/organisations/{slug}/units", response={201: UnitOut})
def create_unit(request: HttpRequest, slug: str, payload: UnitIn):
    org, _ = organisation_for(request.auth, slug, "units.manage")
    if payload.kind not in dict(Unit.KINDS):
        raise HttpError(422, f"kind must be one of {', '.join(dict(Unit.KINDS))}.")
    parent = None
    if payload.parent:
        parent = services.find_unit(org, payload.parent)
        if parent is None:
            raise HttpError(422, f"parent '{payload.parent}' is not a unit of this organisation.")
    try:
        unit = services.create_unit(request.auth, org, payload.name, parent, payload.kind)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    return Status(201, _unit_out(unit, {parent.pk: parent.name} if parent else {}))


@router.post("/organisations/{slug}/units/import", response={201: ImportOut, 422: ProblemsOut})
def import_units(request: HttpRequest, slug: str, payload: UnitImportIn):
    org, _ = organisation_for(request.auth, slug, "units.manage")
    try:
        created = services.import_units(request.auth, org, payload.csv)
    except UnitImportError as exc:
        return Status(
            422,
            {
                "detail": "The import was refused; nothing was written.",
                "problems": [{"row": p.line, "message": p.message} for p in exc.problems],
            },
        )
    return Status(201, {"created": len(created)})


def _pending(members: list[Membership]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for member_id, role in (
        RoleRequest.objects.filter(member__in=members, status=RoleRequest.PENDING)
        .order_by("role")
        .values_list("member_id", "role")
    ):
        found.setdefault(member_id, []).append(role)
    return found


def _membership_out(m: Membership, pending: list[str] | None = None) -> MembershipOut:
    if pending is None:
        pending = _pending([m]).get(m.pk, [])
    return MembershipOut(
        id=m.pk,
        email=m.user.email,
        full_name=m.name,
        roles=m.roles,
        unit=m.unit.name if m.unit else None,
        pending_roles=pending,
    )


@router.get("/organisations/{slug}/memberships", response=list[MembershipOut])
def list_memberships(request: HttpRequest, slug: str):
    org, _ = organisation_for(request.auth, slug, "members.view")
    members = Membership.objects.filter(organisation=org).select_related("user", "unit")
    listed = list(members.order_by("user__email"))
    awaiting = _pending(listed)
    return [_membership_out(m, awaiting.get(m.pk, [])) for m in listed]


@router.post("/organisations/{slug}/memberships", response={201: MembershipOut})
def create_membership(request: HttpRequest, slug: str, payload: MembershipIn):
    org, _ = organisation_for(request.auth, slug, "members.manage")
    unit = None
    if payload.unit:
        unit = services.find_unit(org, payload.unit)
        if unit is None:
            raise HttpError(422, f"unit '{payload.unit}' is not a unit of this organisation.")
    User = get_user_model()
    email = payload.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise HttpError(422, f"'{payload.email}' is not an email address.") from None
    name = normalise_name(payload.full_name)
    if len(name) > 200:  # NFKC can lengthen a name
        raise HttpError(422, "full_name is longer than 200 letters once normalised.")
    try:
        with transaction.atomic():  # a refused membership leaves no new account behind
            # An address with an account elsewhere gets a membership here like any other,
            # with the same answer (decision 0007): nothing tells it apart.
            user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(
                email, full_name=name
            )
            member = services.add_member(request.auth, org, user, payload.roles, unit, name=name)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    if user.has_usable_password():
        services.tell_added(member, request.auth, request.build_absolute_uri("/"))
    else:
        invite(user, org.name, request.auth.display_name, request.build_absolute_uri("/"))
    return Status(201, _membership_out(member))


@router.get("/organisations/{slug}/memberships/{member_id}", response=MembershipOut)
def get_membership(request: HttpRequest, slug: str, member_id: int):
    org, _ = organisation_for(request.auth, slug, "members.view")
    member = get_object_or_404(
        Membership.objects.select_related("user", "unit"), pk=member_id, organisation=org
    )
    return _membership_out(member)


__all__ = ["router", "Organisation"]
