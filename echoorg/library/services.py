"""Writes of the library: an organisation's own taxonomy codes (with their audit record)."""

from __future__ import annotations

from django.db import transaction

from echoorg.audit.log import record
from echoorg.core.library.codebook import Code, LibraryError, parse_code
from echoorg.core.library.shipped import library
from echoorg.orgs.models import Organisation

from .models import OrganisationCode


def organisation_codes(organisation: Organisation) -> list[OrganisationCode]:
    return list(OrganisationCode.objects.filter(organisation=organisation))


def add_organisation_code(actor, organisation: Organisation, data: dict) -> OrganisationCode:
    """Check `data` against the codebook schema and store it as the organisation's code.

    Raises LibraryError naming the field; the id must not be a shipped code's id nor one
    the organisation already has. Nothing is written when it raises.
    """
    code: Code = parse_code(data)
    if code.id in library().codebook.code_ids:
        raise LibraryError(f"id: '{code.id}' is a code of the shipped codebook; choose another.")
    with transaction.atomic():
        if OrganisationCode.objects.filter(organisation=organisation, code_id=code.id).exists():
            raise LibraryError(f"id: '{code.id}' is already one of your organisation's codes.")
        added = OrganisationCode.objects.create(
            organisation=organisation,
            code_id=code.id,
            family=code.family,
            name=code.name,
            definition=code.definition,
            use_when=code.use_when,
            not_when=code.not_when,
            example=code.example,
            accimap=list(code.crosswalk.accimap),
            hfacs=list(code.crosswalk.hfacs),
            turner=list(code.crosswalk.turner),
            vaughan=list(code.crosswalk.vaughan),
            added_by=actor,
        )
        record(
            "library.code_added",
            actor=actor,
            organisation=organisation,
            obj=added,
            code=code.id,
            family=code.family,
            codebook=library().codebook.key,
        )
    return added
