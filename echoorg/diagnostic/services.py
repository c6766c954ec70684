"""Setting up waves, inviting people, taking answers and importing responses."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template import loader

from echoorg.audit.log import record
from echoorg.core.diagnostic.instrument import (
    Instrument,
    InstrumentError,
    load_instrument_text,
    shipped_instruments,
)
from echoorg.core.diagnostic.responses import ResponseFileError, ResponseTable, RowProblem
from echoorg.core.units import subtrees
from echoorg.orgs.models import Membership, Organisation, Unit
from echoorg.web.tasks import send_email

from .models import (
    CustomInstrument,
    Draft,
    FullRowsRelease,
    Invitation,
    PendingResponse,
    Response,
    SurveyWave,
    seal,
    unseal,
)

MIN_GROUP_FLOOR = 3


def instrument_choices(organisation: Organisation) -> dict[str, tuple[str, str]]:
    """key 'id@version' -> (title, YAML) for the shipped instruments and the organisation's."""
    choices: dict[str, tuple[str, str]] = {}
    for path in shipped_instruments().values():
        text = path.read_text(encoding="utf-8")
        instrument = load_instrument_text(text)
        choices[instrument.key] = (f"{instrument.title} (shipped)", text)
    for custom in CustomInstrument.objects.filter(organisation=organisation):
        choices[f"{custom.instrument_id}@{custom.version}"] = (custom.title, custom.yaml_text)
    return choices


def add_instrument(actor, organisation: Organisation, yaml_text: str) -> CustomInstrument:  # noqa: ANN001
    """Validate and store an organisation's own instrument; InstrumentError names the field."""
    instrument = load_instrument_text(yaml_text)
    if instrument.key in instrument_choices(organisation):
        raise InstrumentError(f"version: {instrument.key} exists already; "
                              "give the changed instrument a new version number.")
    with transaction.atomic():
        custom = CustomInstrument.objects.create(
            organisation=organisation, instrument_id=instrument.id, version=instrument.version,
            title=instrument.title, yaml_text=yaml_text, added_by=actor)
        record("instrument.added", actor=actor, organisation=organisation, obj=custom,
               instrument=instrument.key)
    return custom


def audience_of(member: Membership) -> str:
    """Leaders answer the leaders' items (their self-ratings); everyone else the staff's."""
    return "leaders" if "leader" in member.roles else "staff"


def wave_units(wave: SurveyWave) -> set[int]:
    """The ids of the units a wave covers: all, or the chosen units and everything below."""
    parents = dict(Unit.objects.filter(organisation=wave.organisation)
                   .values_list("id", "parent_id"))
    if wave.whole_organisation:
        return set(parents)
    return subtrees(parents, wave.units.values_list("pk", flat=True))


def create_wave(actor, organisation: Organisation, *, title: str, instrument_key: str,  # noqa: ANN001
                opens_on: dt.date, closes_on: dt.date, min_group: int,
                units: Iterable[Unit] = ()) -> SurveyWave:
    choices = instrument_choices(organisation)
    if instrument_key not in choices:
        raise ValidationError({"instrument": "Choose one of the instruments listed."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The wave must close on or after the day it opens."})
    if min_group < MIN_GROUP_FLOOR:
        raise ValidationError({"min_group": f"The smallest group shown cannot be below "
                                            f"{MIN_GROUP_FLOOR}."})
    instrument = load_instrument_text(choices[instrument_key][1])
    units = list(units)
    with transaction.atomic():
        wave = SurveyWave.objects.create(
            organisation=organisation, title=title, instrument_id=instrument.id,
            instrument_version=instrument.version, instrument_yaml=choices[instrument_key][1],
            opens_on=opens_on, closes_on=closes_on, min_group=min_group,
            whole_organisation=not units, created_by=actor)
        wave.units.set(units)
        record("wave.created", actor=actor, organisation=organisation, obj=wave, title=title,
               instrument=instrument.key, units=[u.name for u in units] or "whole organisation")
    return wave


def open_wave(actor, wave: SurveyWave, base_url: str) -> int:  # noqa: ANN001
    """Open a wave: invite every member of the units it covers. Returns invitations sent."""
    if wave.status != SurveyWave.DRAFT:
        raise ValidationError("This wave has been opened already.")
    covered = wave_units(wave)
    members = (Membership.objects.filter(organisation=wave.organisation, unit_id__in=covered)
               .select_related("user"))
    tokens: list[tuple[Invitation, str]] = []
    with transaction.atomic():
        for member in members:
            invitation = Invitation(wave=wave, user=member.user, unit_id=member.unit_id,
                                    audience=audience_of(member))
            tokens.append((invitation, invitation.new_token()))
        Invitation.objects.bulk_create([i for i, _ in tokens], batch_size=500)
        wave.status = SurveyWave.OPEN
        wave.save(update_fields=["status"])
        record("wave.opened", actor=actor, organisation=wave.organisation, obj=wave,
               invited=len(tokens))
    for invitation, token in tokens:
        _send_link(invitation, token, base_url, reminder=False)
    return len(tokens)


def _send_link(invitation: Invitation, token: str, base_url: str, reminder: bool) -> None:
    body = loader.render_to_string("diagnostic/invitation_email.txt", {
        "wave": invitation.wave, "reminder": reminder, "organisation": invitation.wave.organisation,
        "link": base_url.rstrip("/") + f"/s/{token}/",
    })
    subject = ("Reminder: " if reminder else "") + f"{invitation.wave.title}: your answers count"
    send_email.enqueue(subject, body, [invitation.user.email])


def send_reminders(actor, wave: SurveyWave, base_url: str) -> int:  # noqa: ANN001
    """Remind everyone who has not answered yet (each gets a fresh link). Returns the count."""
    if not wave.accepts_answers():
        raise ValidationError("Reminders can only be sent while the wave is open.")
    pending = list(wave.invitations.filter(completed=False).select_related("user", "wave"))
    tokens = []
    with transaction.atomic():
        for invitation in pending:
            tokens.append((invitation, invitation.new_token()))
            invitation.reminders += 1
        Invitation.objects.bulk_update(pending, ["token_digest", "reminders"], batch_size=500)
        record("wave.reminded", actor=actor, organisation=wave.organisation, obj=wave,
               reminded=len(pending))
    for invitation, token in tokens:
        _send_link(invitation, token, base_url, reminder=True)
    return len(pending)


def close_wave(actor, wave: SurveyWave) -> None:  # noqa: ANN001
    with transaction.atomic():
        SurveyWave.objects.select_for_update().filter(pk=wave.pk).first()
        wave.refresh_from_db(fields=["status"])
        if wave.status != SurveyWave.OPEN:
            raise ValidationError("Only an open wave can be closed.")
        release_pending_responses(wave)
        wave.status = SurveyWave.CLOSED
        wave.freeze_unit_tree()
        wave.save(update_fields=["status", "unit_tree"])
        Draft.objects.filter(invitation__wave=wave).delete()  # unfinished answers are not kept
        record("wave.closed", actor=actor, organisation=wave.organisation, obj=wave,
               responses=wave.responses.count())


def clean_answers(instrument: Instrument, audience: str, raw: dict[str, object]) -> dict[str, int]:
    """Keep only this audience's items with in-range whole-number answers."""
    allowed = {i.id for i in instrument.items_for(audience)}
    low, high = instrument.response_scale.min, instrument.response_scale.max
    answers: dict[str, int] = {}
    for item, value in raw.items():
        if item not in allowed or value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if low <= number <= high:
            answers[item] = number
    return answers


def save_draft(invitation: Invitation, answers: dict[str, int], page: int) -> None:
    draft, _ = Draft.objects.get_or_create(invitation=invitation)
    draft.answers = {**draft.answers, **answers}  # sealed (see Draft)
    draft.page = page
    draft.save()


def seal_response(response: dict) -> bytes:
    """A pending response as an encrypted token (the speak-up keys, outside the database)."""
    return seal(response)


def unseal_response(sealed: bytes) -> dict:
    return unseal(sealed)


def submit_response(invitation: Invitation, demographics: dict[str, str], comment: str) -> None:
    """Turn the draft into an anonymous pending response and mark the invitation answered.

    The response is sealed into the wave's pending pool, not written to `Response`: all
    pending responses go there in one shuffled batch when the wave closes, so the order
    of rows tells nothing about the order of answering. No audit entry either: one per
    response would time each answer (the release records how many were added).
    """
    with transaction.atomic():
        # The wave's row is locked so no response can slip in after its release at close.
        wave = SurveyWave.objects.select_for_update().get(pk=invitation.wave_id)
        if not wave.accepts_answers():
            raise ValidationError("This survey is not open.")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.completed:
            raise ValidationError("This link has been used already.")
        if invitation.unit_id is None:  # checked now: the release at close must not fail
            raise ValidationError("This invitation has no unit; ask your facilitator.")
        draft = Draft.objects.filter(invitation=invitation).first()
        answers = clean_answers(wave.instrument, invitation.audience,
                                draft.answers if draft else {})
        if not answers:
            raise ValidationError("Answer at least one question before sending.")
        options = {d.id: d.options for d in wave.instrument.demographics}
        PendingResponse.objects.create(wave=wave, sealed=seal_response({
            "unit": invitation.unit_id, "audience": invitation.audience, "answers": answers,
            "demographics": {k: v for k, v in demographics.items()
                             if v in options.get(k, ())},
            "comment": comment.strip()[:2000]}))
        if draft:
            _erase_deleted_rows()
            draft.delete()
        invitation.completed = True
        invitation.save(update_fields=["completed"])


def _erase_deleted_rows() -> None:
    """SQLite: overwrite deleted rows with zeros rather than leave them in free pages.
    (PostgreSQL keeps dead rows until VACUUM; see docs/decisions/0004.)"""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def release_pending_responses(wave: SurveyWave, rng: random.Random | None = None) -> int:
    """Write a wave's pending responses to `Response` in a random order, in one batch, and
    delete them from the pool. Returns how many were added.

    Called when the wave closes, before any result is computed. One audit entry records
    the count; none names or times a response. `rng` is for tests (a seeded generator);
    by default the operating system's randomness shuffles.
    """
    with transaction.atomic():
        # Submissions lock the wave's row too, so none arrives between reading and deleting.
        SurveyWave.objects.select_for_update().filter(pk=wave.pk).first()
        pending = list(PendingResponse.objects.filter(wave=wave))
        rows = [unseal_response(p.sealed) for p in pending]
        (rng or random.SystemRandom()).shuffle(rows)
        Response.objects.bulk_create([
            Response(wave=wave, unit_id=row["unit"], audience=row["audience"],
                     answers=row["answers"], demographics=row["demographics"],
                     comment=row["comment"], source=Response.WEB)
            for row in rows], batch_size=500)
        _erase_deleted_rows()
        PendingResponse.objects.filter(wave=wave).delete()
        if rows:
            record("survey.responses_added", organisation=wave.organisation, obj=wave,
                   count=len(rows))
    return len(rows)


def release_full_rows(actor, wave: SurveyWave, agreement_reference: str) -> FullRowsRelease:  # noqa: ANN001
    """Record that `actor` takes a wave's full rows under a data-sharing agreement."""
    with transaction.atomic():
        release = FullRowsRelease.objects.create(wave=wave, researcher=actor,
                                                 agreement_reference=agreement_reference)
        record("wave.full_rows_exported", actor=actor, organisation=wave.organisation,
               obj=wave, agreement_reference=agreement_reference)
    return release


def answered_count(wave: SurveyWave) -> int:
    """Responses stored and still pending: a count only, for progress while a wave is open."""
    return wave.responses.count() + wave.pending_responses.count()


def import_responses(actor, wave: SurveyWave, table: ResponseTable, source: str) -> int:  # noqa: ANN001
    """Store responses from another tool: all of them, or none (ResponseFileError)."""
    if wave.status == SurveyWave.CLOSED:
        # Results of a closed wave are released; adding to them would let the two
        # versions be compared.
        raise ResponseFileError([RowProblem(0, "The wave is closed; it takes no more "
                                               "responses.")])
    units = dict(Unit.objects.filter(organisation=wave.organisation).values_list("name", "id"))
    covered = wave_units(wave)
    problems: list[RowProblem] = []
    digests = [wave.respondent_digest(str(r)) for r in table.respondents]
    taken = set(Response.objects.filter(wave=wave, respondent_digest__in=digests)
                .values_list("respondent_digest", flat=True))
    for position, (respondent, unit) in enumerate(zip(table.respondents, table.units,
                                                      strict=True)):
        row = int(table.rows[position]) if table.rows is not None else position + 2
        if unit not in units:
            problems.append(RowProblem(row, f"unit '{unit}' is not a unit of "
                                            f"{wave.organisation.name}."))
        elif units[unit] not in covered:
            problems.append(RowProblem(row, f"unit '{unit}' is not covered by this wave."))
        if digests[position] in taken:
            problems.append(RowProblem(row, f"respondent '{respondent}' was imported into this "
                                            "wave already."))
        if len(problems) >= 50:
            break
    if problems:
        raise ResponseFileError(problems)
    item_ids = wave.instrument.item_ids
    rows = []
    for position in range(len(table)):
        values = table.answers[position]
        answers = {item: int(v) for item, v in zip(item_ids, values, strict=True)
                   if v == v}
        if not answers:
            continue
        rows.append(Response(wave=wave, unit_id=units[table.units[position]], answers=answers,
                             source=source, respondent_digest=digests[position]))
    with transaction.atomic():
        Response.objects.bulk_create(rows, batch_size=1000)
        record("survey.responses_imported", actor=actor, organisation=wave.organisation,
               obj=wave, count=len(rows), source=source)
    return len(rows)
