"""Setting up waves, inviting people, taking answers and importing responses."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template import loader
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.common.tasks import send_email
from echoorg.core.diagnostic.cuts import CUTS_VERSION
from echoorg.core.diagnostic.instrument import (
    Instrument,
    InstrumentError,
    cached_instrument,
    load_instrument_text,
    shipped_instruments,
)
from echoorg.core.diagnostic.psychometrics import import_optimiser_in_background
from echoorg.core.diagnostic.responses import (
    ResponseFileError,
    ResponseTable,
    RowProblem,
    missing_items_note,
    read_responses_csv,
    read_responses_xlsx,
)
from echoorg.core.diagnostic.stored import to_bytes
from echoorg.core.diagnostic.xlsx_limits import XlsxLimits, XlsxTooLarge, check_xlsx
from echoorg.core.roles import allowed
from echoorg.core.units import subtrees
from echoorg.orgs.models import Membership, Organisation, Unit

from .models import (
    CustomInstrument,
    Draft,
    FullRowsRelease,
    Invitation,
    PendingResponse,
    Response,
    ResponseImport,
    SurveyWave,
    WaveFigures,
    seal,
    unseal,
)
from .results import figures_to_store, forget_stored_figures, pack_wave

MIN_GROUP_FLOOR = 3
# What a workbook uploaded through the web may hold (checked before it is parsed).
XLSX_LIMITS = XlsxLimits()
# Imports of more data rows than this run as a background task with a progress bar.
BACKGROUND_ROWS = 5_000

LINKS_WAVE_REFUSAL = (
    "This wave collects its answers through echoorg's own links, so it "
    "takes no imported responses: adding rows to answers echoorg collected "
    "would let made-up rows count towards the smallest group shown. Set up "
    "a separate wave that collects by import for answers from another tool."
)


class CollectionRefused(Exception):
    """An action that the wave's collection mode does not allow (nothing was written)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def instrument_choices(organisation: Organisation) -> dict[str, tuple[str, str]]:
    """key 'id@version' -> (title, YAML) for the shipped instruments and the organisation's."""
    choices: dict[str, tuple[str, str]] = {}
    for path in shipped_instruments().values():
        text = path.read_text(encoding="utf-8")
        instrument = cached_instrument(text, path.stem)
        choices[instrument.key] = (f"{instrument.title} (shipped)", text)
    for custom in CustomInstrument.objects.filter(organisation=organisation):
        choices[f"{custom.instrument_id}@{custom.version}"] = (custom.title, custom.yaml_text)
    return choices


def add_instrument(actor, organisation: Organisation, yaml_text: str) -> CustomInstrument:
    """Validate and store an organisation's own instrument; InstrumentError names the field."""
    instrument = load_instrument_text(yaml_text)
    if instrument.key in instrument_choices(organisation):
        raise InstrumentError(
            f"version: {instrument.key} exists already; "
            "give the changed instrument a new version number."
        )
    with transaction.atomic():
        custom = CustomInstrument.objects.create(
            organisation=organisation,
            instrument_id=instrument.id,
            version=instrument.version,
            title=instrument.title,
            yaml_text=yaml_text,
            added_by=actor,
        )
        record(
            "instrument.added",
            actor=actor,
            organisation=organisation,
            obj=custom,
            instrument=instrument.key,
        )
    return custom


def fresh_link(invitation: Invitation) -> str:
    """A new single-use link token for `invitation`, replacing the one emailed (the old
    link stops working). Not audited: which invitation is whose must not be written down."""
    token = invitation.new_token()
    invitation.save(update_fields=["token_digest"])
    return token


def audience_of(member: Membership) -> str:
    """Leaders answer the leaders' items (their self-ratings); everyone else the staff's."""
    return "leaders" if allowed(member.roles, "survey.answer_as_leader") else "staff"


def wave_units(wave: SurveyWave) -> set[int]:
    """The ids of the units a wave covers: all, or the chosen units and everything below."""
    parents = dict(
        Unit.objects.filter(organisation=wave.organisation).values_list("id", "parent_id")
    )
    if wave.whole_organisation:
        return set(parents)
    return subtrees(parents, wave.units.values_list("pk", flat=True))


def create_wave(
    actor,
    organisation: Organisation,
    *,
    title: str,
    instrument_key: str,
    opens_on: dt.date,
    closes_on: dt.date,
    min_group: int,
    units: Iterable[Unit] = (),
    collection: str = SurveyWave.LINKS,
) -> SurveyWave:
    """Set up a wave. `collection` (links or import) is fixed for the wave's life."""
    choices = instrument_choices(organisation)
    if collection not in dict(SurveyWave.COLLECTIONS):
        raise ValidationError(
            {
                "collection": "Choose how the wave collects its answers: "
                "echoorg's links or import from another tool."
            }
        )
    if instrument_key not in choices:
        raise ValidationError({"instrument": "Choose one of the instruments listed."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The wave must close on or after the day it opens."})
    if min_group < MIN_GROUP_FLOOR:
        raise ValidationError(
            {"min_group": f"The smallest group shown cannot be below {MIN_GROUP_FLOOR}."}
        )
    instrument = load_instrument_text(choices[instrument_key][1])
    units = list(units)
    with transaction.atomic():
        wave = SurveyWave.objects.create(
            organisation=organisation,
            title=title,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            instrument_yaml=choices[instrument_key][1],
            opens_on=opens_on,
            closes_on=closes_on,
            min_group=min_group,
            collection=collection,
            whole_organisation=not units,
            created_by=actor,
        )
        wave.units.set(units)
        record(
            "wave.created",
            actor=actor,
            organisation=organisation,
            obj=wave,
            title=title,
            instrument=instrument.key,
            units=[u.name for u in units] or "whole organisation",
            collection=collection,
            min_group=min_group,
        )
    return wave


def open_wave(actor, wave: SurveyWave, base_url: str) -> int:
    """Open a wave: invite every member of the units it covers. Returns invitations sent.

    A wave that collects by import sends nothing: opening it only lets imports in. Each
    person is invited once, in the unit they belong to now; nobody is invited later, so
    the invitations (and who may answer) are fixed when the wave opens.
    """
    tokens: list[tuple[Invitation, str]] = []
    with transaction.atomic():
        # Locked, so two clicks on "Open" cannot both invite.
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != SurveyWave.DRAFT:
            raise ValidationError("This wave has been opened already.")
        joined_since_set_up = 0
        if locked.uses_links:
            covered = wave_units(wave)
            members = (
                Membership.objects.filter(organisation=wave.organisation, unit_id__in=covered)
                .select_related("user")
                .order_by("pk")
            )
            invited: set[int] = set()
            for member in members:
                if member.user_id in invited:  # one person, one invitation, one answer
                    continue
                invited.add(member.user_id)
                joined_since_set_up += member.created > locked.created
                invitation = Invitation(
                    wave=wave,
                    user=member.user,
                    unit_id=member.unit_id,
                    audience=audience_of(member),
                )
                tokens.append((invitation, invitation.new_token()))
            Invitation.objects.bulk_create([i for i, _ in tokens], batch_size=500)
        locked.status = wave.status = SurveyWave.OPEN
        locked.save(update_fields=["status"])
        # Accounts added between set-up and opening are how made-up people would be padded
        # in; their number goes into the audit trail so a review can spot it (threat model).
        record(
            "wave.opened",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            invited=len(tokens),
            collection=wave.collection,
            joined_since_set_up=joined_since_set_up,
        )
    for invitation, token in tokens:
        _send_link(invitation, token, base_url, reminder=False)
    return len(tokens)


def _send_link(invitation: Invitation, token: str, base_url: str, reminder: bool) -> None:
    body = loader.render_to_string(
        "diagnostic/invitation_email.txt",
        {
            "wave": invitation.wave,
            "reminder": reminder,
            "organisation": invitation.wave.organisation,
            "link": base_url.rstrip("/") + f"/s/{token}/",
        },
    )
    subject = ("Reminder: " if reminder else "") + f"{invitation.wave.title}: your answers count"
    send_email.enqueue(subject, body, [invitation.user.email])


def send_reminders(actor, wave: SurveyWave, base_url: str) -> int:
    """Remind everyone who has not answered yet (each gets a fresh link). Returns the count."""
    if not wave.uses_links:
        raise ValidationError(
            "This wave collects its answers by import; echoorg sends no links or reminders for it."
        )
    if not wave.accepts_answers():
        raise ValidationError("Reminders can only be sent while the wave is open.")
    # Printed links are left alone: renewing one would void the slip already handed out.
    pending = list(
        wave.invitations.filter(completed=False, delivery=Invitation.EMAIL).select_related(
            "user", "wave"
        )
    )
    tokens = []
    with transaction.atomic():
        for invitation in pending:
            tokens.append((invitation, invitation.new_token()))
            invitation.reminders += 1
        Invitation.objects.bulk_update(pending, ["token_digest", "reminders"], batch_size=500)
        record(
            "wave.reminded",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            reminded=len(pending),
        )
    for invitation, token in tokens:
        _send_link(invitation, token, base_url, reminder=True)
    return len(pending)


@dataclass(frozen=True)
class PrintedLinks:
    """Fresh links for one unit's printed slips, in random order, and how many of the
    unit's people already had a printed link that was left working."""

    links: list[str]
    already_printed: int


def print_links(
    actor, wave: SurveyWave, unit: Unit, base_url: str, replace: bool = False
) -> PrintedLinks:
    """Issue fresh single-use links, to be printed on slips without names, for the people
    of `unit` (its own members, not the units below) who have not answered yet.

    Their emailed links stop working and reminders no longer renew them. Links already
    printed are issued again only with `replace` (a lost sheet); answered links never
    are. The links come back in random order, so a slip's place on the sheet says nothing
    about whose invitation it is; the tokens themselves are not kept (only their hash, as
    for every link), and the audit entry holds the unit and the count, not who. Nothing
    ties a slip to an answer: responses carry no reference to an invitation.
    """
    if not wave.uses_links:
        raise ValidationError(
            "This wave collects its answers by import; echoorg prints no links for it."
        )
    with transaction.atomic():
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        if not locked.accepts_answers():
            raise ValidationError("Links can only be printed while the wave is open.")
        # The wave's row is locked, as every submission locks it first: no answer can
        # arrive while these links are renewed.
        waiting = list(locked.invitations.filter(unit=unit, completed=False))
        already = sum(i.delivery == Invitation.PRINTED for i in waiting)
        chosen = waiting if replace else [i for i in waiting if i.delivery == Invitation.EMAIL]
        tokens = []
        for invitation in chosen:
            tokens.append(invitation.new_token())
            invitation.delivery = Invitation.PRINTED
        Invitation.objects.bulk_update(chosen, ["token_digest", "delivery"], batch_size=500)
        if chosen:
            record(
                "wave.links_printed",
                actor=actor,
                organisation=wave.organisation,
                obj=wave,
                unit=unit.name,
                printed=len(chosen),
                replaced_printed=already if replace else 0,
            )
    random.SystemRandom().shuffle(tokens)
    base = base_url.rstrip("/")
    return PrintedLinks([f"{base}/s/{token}/" for token in tokens], 0 if replace else already)


def invitation_counts(wave: SurveyWave) -> dict[str, int]:
    """How many invitations went out, by email and on printed slips, and how many were
    answered (a count only, never who)."""
    return wave.invitations.aggregate(
        invited=Count("id"),
        emailed=Count("id", filter=Q(delivery=Invitation.EMAIL)),
        printed=Count("id", filter=Q(delivery=Invitation.PRINTED)),
        answered=Count("id", filter=Q(completed=True)),
    )


def close_wave(actor, wave: SurveyWave) -> None:
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
        # Every figure is computed now, once: pages, exports and the API read them. The
        # close's own audit entry records it (no second entry, so the trail keeps one
        # entry per step of the release).
        figures = _store_figures(wave)
        record(
            "wave.closed",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            responses=wave.responses.count(),
            figures_stored=figures.rows,
        )
    forget_stored_figures()


def store_wave_figures(actor, wave: SurveyWave) -> WaveFigures:
    """Pack a closed wave's answers as arrays (in a fresh random order) and compute and
    store all its figures: the suppressed unit figures in tree order, a split per
    background question, the reliability table and the heatmap's rows.

    Runs when the wave closes; for a wave closed before figures were stored, on its first
    reading (actor None) or through `echoorg survey refigure`. The unit tree is the one
    frozen at close (today's for a wave closed before trees were frozen). The figures are
    written whole or not at all, with one audit entry.
    """
    with transaction.atomic():
        # Locked, so two first readings of an older wave do not both compute its figures.
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != SurveyWave.CLOSED:
            raise ValidationError("Figures are computed for a closed wave only.")
        figures = _store_figures(locked)
        record(
            "wave.figures_stored",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            responses=figures.rows,
            units=len(figures.units) - 1,
        )
    forget_stored_figures()
    return figures


def _store_figures(wave: SurveyWave) -> WaveFigures:
    """Pack, compute and write (no audit entry: the callers write theirs)."""
    # Omega needs SciPy's optimiser; its import (most of a second) overlaps the packing.
    import_optimiser_in_background()
    with transaction.atomic():
        instrument = wave.instrument
        snapshot, packed = pack_wave(wave)
        fields = figures_to_store(wave, snapshot, packed)
        figures, _ = WaveFigures.objects.update_or_create(
            wave=wave,
            defaults={
                **fields,
                "stamp": secrets.token_hex(16),
                "computed": timezone.now(),
                "rows": len(packed),
                "item_ids": list(instrument.item_ids),
                "answers": to_bytes(packed.answers, "u1"),
                "unit_index": to_bytes(packed.unit_index, "i4"),
                "audiences": to_bytes(packed.audiences, "u1"),
                "audience_codes": packed.audience_codes,
                "background": to_bytes(packed.background, "u1"),
                "background_ids": [d.id for d in instrument.demographics],
                "background_values": packed.background_values,
                "units": snapshot,
            },
        )
    return figures


def ensure_wave_figures(wave: SurveyWave) -> None:
    """Store the figures of a closed wave that closed before figures were stored at close,
    or whose splits were suppressed by older rules (`cuts.CUTS_VERSION`); once: later
    readings find them. Called by the pages before they read results."""
    if (
        wave.status == SurveyWave.CLOSED
        and not WaveFigures.objects.filter(wave=wave, cuts_version=CUTS_VERSION).exists()
    ):
        store_wave_figures(None, wave)


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


def submit_response(
    invitation: Invitation,
    demographics: dict[str, str],
    comment: str,
    themed_comments: dict[str, str] | None = None,
) -> None:
    """Turn the draft into an anonymous pending response and mark the invitation answered.

    The response is sealed into the wave's pending pool, not written to `Response`: all
    pending responses go there in one shuffled batch when the wave closes, so the order
    of rows tells nothing about the order of answering. No audit entry either: one per
    response would time each answer (the release records how many were added).
    """
    if not invitation.wave.uses_links:
        raise ValidationError(
            "This survey collects its answers elsewhere; this link does not take answers."
        )
    with transaction.atomic():
        # The wave's row is locked so no response can slip in after its release at close.
        wave = SurveyWave.objects.select_for_update().get(pk=invitation.wave_id)
        if not wave.accepts_answers():
            raise ValidationError("This survey is not open.")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.completed:
            raise ValidationError("This link has been used already.")
        if invitation.unit_id is None:
            # The unit was removed while the wave was open: an answer here could not be
            # counted in any group, so it is not taken.
            raise ValidationError(
                "Your team has been removed from this survey since you "
                "were invited, so your answers cannot be counted."
            )
        draft = Draft.objects.filter(invitation=invitation).first()
        answers = clean_answers(
            wave.instrument, invitation.audience, draft.answers if draft else {}
        )
        if not answers:
            raise ValidationError("Answer at least one question before sending.")
        options = {d.id: d.options for d in wave.instrument.demographics}
        PendingResponse.objects.create(
            wave=wave,
            sealed=seal_response(
                {
                    "unit": invitation.unit_id,
                    "audience": invitation.audience,
                    "answers": answers,
                    "demographics": {
                        k: v for k, v in demographics.items() if v in options.get(k, ())
                    },
                    "comment": comment.strip()[:2000],
                    # Only the instrument's own comment questions, each cut to 2,000.
                    "themed_comments": {
                        question.id: text.strip()[:2000]
                        for question in wave.instrument.comments
                        if (text := (themed_comments or {}).get(question.id, "")).strip()
                    },
                }
            ),
        )
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
        Response.objects.bulk_create(
            [
                Response(
                    wave=wave,
                    unit_id=row["unit"],
                    audience=row["audience"],
                    answers=row["answers"],
                    demographics=row["demographics"],
                    comment=row["comment"],
                    # Responses sealed before comment questions existed have none.
                    themed_comments=row.get("themed_comments") or None,
                    source=Response.WEB,
                )
                for row in rows
            ],
            batch_size=500,
        )
        _erase_deleted_rows()
        PendingResponse.objects.filter(wave=wave).delete()
        if rows:
            record(
                "survey.responses_added", organisation=wave.organisation, obj=wave, count=len(rows)
            )
    return len(rows)


def release_full_rows(actor, wave: SurveyWave, agreement_reference: str) -> FullRowsRelease:
    """Record that `actor` takes a wave's full rows under a data-sharing agreement."""
    with transaction.atomic():
        release = FullRowsRelease.objects.create(
            wave=wave, researcher=actor, agreement_reference=agreement_reference
        )
        record(
            "wave.full_rows_exported",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            agreement_reference=agreement_reference,
        )
    return release


def answered_count(wave: SurveyWave) -> int:
    """Responses stored and still pending: a count only, for progress while a wave is open."""
    return wave.responses.count() + wave.pending_responses.count()


def count_per_wave(model: type[Response | PendingResponse | Invitation]) -> QuerySet:
    """A subquery: the number of `model` rows of the outer query's wave."""
    return (
        model.objects.filter(wave=OuterRef("pk")).values("wave").annotate(n=Count("id")).values("n")
    )


def with_answered(waves: QuerySet) -> QuerySet:
    """`waves` annotated with `answered` (`answered_count` of each) in the same query.
    Separate subqueries: one query joining both tables would pair every stored response
    with every pending one."""
    return waves.annotate(
        answered=Coalesce(Subquery(count_per_wave(Response)), 0)
        + Coalesce(Subquery(count_per_wave(PendingResponse)), 0)
    )


def answered_counts(waves: Iterable[SurveyWave]) -> dict[int, int]:
    """`answered_count` of each wave (by id), in two queries however many waves there are."""
    ids = [w.pk for w in waves]
    counts = dict.fromkeys(ids, 0)
    for model in (Response, PendingResponse):
        grouped = (
            model.objects.filter(wave_id__in=ids)
            .order_by()
            .values("wave_id")
            .annotate(n=Count("pk"))
            .values_list("wave_id", "n")
        )
        for wave_id, n in grouped:
            counts[wave_id] += n
    return counts


def refuse_links_wave(wave: SurveyWave) -> None:
    """CollectionRefused unless the wave collects its answers by import."""
    if not wave.uses_import:
        raise CollectionRefused(LINKS_WAVE_REFUSAL)


def import_responses(actor, wave: SurveyWave, table: ResponseTable, source: str) -> int:
    """Store responses from another tool: all of them, or none (ResponseFileError).

    Only an import wave takes them (CollectionRefused otherwise): rows added to answers
    echoorg collected through its links could pad a group past the minimum.
    """
    refuse_links_wave(wave)
    if wave.status == SurveyWave.CLOSED:
        # Results of a closed wave are released; adding to them would let the two
        # versions be compared.
        raise ResponseFileError([RowProblem(0, "The wave is closed; it takes no more responses.")])
    units = dict(Unit.objects.filter(organisation=wave.organisation).values_list("name", "id"))
    covered = wave_units(wave)
    problems: list[RowProblem] = []
    digests = [wave.respondent_digest(str(r)) for r in table.respondents]
    taken = set(
        Response.objects.filter(wave=wave, respondent_digest__in=digests).values_list(
            "respondent_digest", flat=True
        )
    )
    for position, (respondent, unit) in enumerate(zip(table.respondents, table.units, strict=True)):
        row = int(table.rows[position]) if table.rows is not None else position + 2
        if unit not in units:
            problems.append(
                RowProblem(row, f"unit '{unit}' is not a unit of {wave.organisation.name}.")
            )
        elif units[unit] not in covered:
            problems.append(RowProblem(row, f"unit '{unit}' is not covered by this wave."))
        if digests[position] in taken:
            problems.append(
                RowProblem(row, f"respondent '{respondent}' was imported into this wave already.")
            )
        if len(problems) >= 50:
            break
    if problems:
        raise ResponseFileError(problems)
    item_ids = wave.instrument.item_ids
    rows = []
    for position in range(len(table)):
        values = table.answers[position]
        answers = {item: int(v) for item, v in zip(item_ids, values, strict=True) if v == v}
        if not answers:
            continue
        rows.append(
            Response(
                wave=wave,
                unit_id=units[table.units[position]],
                answers=answers,
                source=source,
                respondent_digest=digests[position],
            )
        )
    with transaction.atomic():
        # Checked again under a lock, in case the wave closed while the file was read.
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        refuse_links_wave(locked)
        if locked.status == SurveyWave.CLOSED:
            raise ResponseFileError(
                [RowProblem(0, "The wave is closed; it takes no more responses.")]
            )
        if Response.objects.filter(wave=wave, respondent_digest__in=digests).exists():
            raise ResponseFileError(
                [
                    RowProblem(
                        0,
                        "Some of these respondents were imported "
                        "into this wave meanwhile; nothing was "
                        "written.",
                    )
                ]
            )
        # Stored in a random order, like answers released at close: the other tool's row
        # order (often the order of answering) must not survive in the table.
        random.SystemRandom().shuffle(rows)
        Response.objects.bulk_create(rows, batch_size=1000)
        record(
            "survey.responses_imported",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            count=len(rows),
            source=source,
        )
    return len(rows)


# --- reading uploaded files, in the request or as a background task ------------------------


def is_workbook(name: str, data: bytes) -> bool:
    return name.lower().endswith(".xlsx") or data[:2] == b"PK"


def count_rows(name: str, data: bytes) -> int:
    """Data rows in an upload, cheaply: a workbook's counted rows (after its size checks,
    XlsxTooLarge when too large), a CSV's lines. The header is not counted."""
    if is_workbook(name, data):
        rows, _ = check_xlsx(data, XLSX_LIMITS)
    else:
        rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(rows - 1, 0)


def read_upload(name: str, data: bytes, instrument: Instrument, progress=None) -> ResponseTable:
    """Check and read an uploaded responses file (CSV or XLSX); ResponseFileError if bad.

    Workbooks are size-checked before parsing. Files from the web take the general
    reader (never the C accelerator, which is for trusted files on the command line).
    """
    try:
        if is_workbook(name, data):
            check_xlsx(data, XLSX_LIMITS)
            return read_responses_xlsx(data, instrument)
        return read_responses_csv(data, instrument, progress=progress)
    except XlsxTooLarge as exc:
        raise ResponseFileError([RowProblem(0, str(exc))]) from None


def queue_import(
    actor, wave: SurveyWave, name: str, data: bytes, source: str = Response.IMPORT
) -> ResponseImport:
    """Keep a large upload and start its import as a background task; returns the job."""
    from .tasks import run_response_import

    refuse_links_wave(wave)
    with transaction.atomic():
        job = ResponseImport.objects.create(
            organisation=wave.organisation,
            wave=wave,
            created_by=actor,
            file_name=name[:200],
            file_size=len(data),
            upload=data,
            source=source,
        )
        record(
            "survey.import_queued",
            actor=actor,
            organisation=wave.organisation,
            obj=wave,
            file=name[:200],
            size=len(data),
        )
    run_response_import.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def run_import(job_id: str) -> None:
    """The background task's work: read the kept upload, import it whole or not at all,
    and record the outcome on the job. The upload is emptied whatever happens."""
    job = ResponseImport.objects.select_related("wave", "created_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    data, size = bytes(job.upload), max(job.file_size, 1)
    ResponseImport.objects.filter(pk=job.pk).update(status=ResponseImport.RUNNING, progress=1)
    last = [0]

    def progress(done: int) -> None:
        percent = min(80, int(80 * done / size))
        if percent >= last[0] + 5:
            last[0] = percent
            ResponseImport.objects.filter(pk=job.pk).update(progress=percent)

    outcome: dict = {"upload": b"", "progress": 100}
    try:
        table = read_upload(job.file_name, data, job.wave.instrument, progress=progress)
        ResponseImport.objects.filter(pk=job.pk).update(progress=85)
        count = import_responses(job.created_by, job.wave, table, job.source)
    except ResponseFileError as exc:
        outcome.update(
            status=ResponseImport.FAILED,
            problems=[str(p) for p in exc.problems],
            message="The file was refused; nothing was imported.",
        )
    except CollectionRefused as exc:
        outcome.update(status=ResponseImport.FAILED, message=exc.message)
    except Exception:
        # Whatever went wrong, the facilitator sees a final status, not a bar stuck halfway.
        outcome.update(
            status=ResponseImport.FAILED,
            message="The import failed unexpectedly; nothing was imported.",
        )
        ResponseImport.objects.filter(pk=job.pk).update(**outcome)
        raise
    else:
        message = " ".join(
            filter(None, [f"Imported {count} responses.", missing_items_note(table)])
        )
        outcome.update(status=ResponseImport.DONE, imported=count, message=message)
    ResponseImport.objects.filter(pk=job.pk).update(**outcome)
