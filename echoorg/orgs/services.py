"""Changes to organisations, units and memberships, each written with its audit entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from echoorg.audit.log import record
from echoorg.core.roles import FACILITATOR, clean_roles
from echoorg.core.units import UnitImportError, UnitRow, parse_units_csv

from .models import Membership, Organisation, Unit


def create_organisation(actor, name: str, slug: str) -> Organisation:  # noqa: ANN001
    with transaction.atomic():
        organisation = Organisation(name=name.strip(), slug=slug.strip().lower())
        organisation.full_clean()
        organisation.save()
        Membership.objects.create(user=actor, organisation=organisation, roles=[FACILITATOR])
        record("organisation.created", actor=actor, organisation=organisation, obj=organisation,
               name=organisation.name)
    return organisation


def create_unit(actor, organisation: Organisation, name: str, parent: Unit | None,  # noqa: ANN001
                kind: str = "unit") -> Unit:
    with transaction.atomic():
        unit = Unit(organisation=organisation, name=name.strip(), parent=parent, kind=kind)
        unit.full_clean()
        unit.save()
        record("unit.created", actor=actor, organisation=organisation, obj=unit,
               name=unit.name, parent=parent.name if parent else None)
    return unit


def update_unit(actor, unit: Unit, name: str, parent: Unit | None, kind: str) -> Unit:  # noqa: ANN001
    with transaction.atomic():
        before = {"name": unit.name, "parent": unit.parent.name if unit.parent else None,
                  "kind": unit.kind}
        unit.name, unit.parent, unit.kind = name.strip(), parent, kind
        unit.full_clean()
        unit.save()
        record("unit.updated", actor=actor, organisation=unit.organisation, obj=unit,
               before=before, after={"name": unit.name,
                                     "parent": parent.name if parent else None, "kind": kind})
    return unit


def import_units(actor, organisation: Organisation, text: str) -> list[Unit]:  # noqa: ANN001
    """Import a `unit,parent` CSV: every row is written, or none (UnitImportError)."""
    existing = dict(Unit.objects.filter(organisation=organisation).values_list("name", "id"))
    rows: list[UnitRow] = parse_units_csv(text, existing)
    created: list[Unit] = []
    by_name: dict[str, int] = dict(existing)
    with transaction.atomic():
        for row in rows:
            unit = Unit.objects.create(
                organisation=organisation,
                name=row.unit,
                parent_id=by_name[row.parent] if row.parent else None,
            )
            by_name[row.unit] = unit.pk
            created.append(unit)
        record("units.imported", actor=actor, organisation=organisation,
               object_type="orgs.unit", count=len(created))
    return created


def add_member(actor, organisation: Organisation, user, roles: list[str],  # noqa: ANN001
               unit: Unit | None = None) -> Membership:
    with transaction.atomic():
        member = Membership.objects.filter(user=user, organisation=organisation).first()
        if member is not None:
            raise ValidationError("This person is already a member; change their roles instead.")
        member = Membership(user=user, organisation=organisation, roles=roles, unit=unit)
        member.full_clean()
        member.save()
        record("membership.created", actor=actor, organisation=organisation, obj=member,
               person=user.email, roles=member.roles)
    return member


def change_member(actor, member: Membership, roles: list[str], unit: Unit | None) -> Membership:  # noqa: ANN001
    with transaction.atomic():
        before = list(member.roles)
        member.roles, member.unit = clean_roles(roles), unit
        member.full_clean()
        member.save()
        record("membership.changed", actor=actor, organisation=member.organisation, obj=member,
               person=member.user.email, before=before, after=member.roles)
    return member


def remove_member(actor, member: Membership) -> None:  # noqa: ANN001
    with transaction.atomic():
        record("membership.removed", actor=actor, organisation=member.organisation, obj=member,
               person=member.user.email)
        member.delete()


__all__ = ["UnitImportError", "add_member", "change_member", "create_organisation",
           "create_unit", "import_units", "remove_member", "update_unit"]
