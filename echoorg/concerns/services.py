"""Raising concerns and handling them: each change written with its audit entry.

Anonymous actions are recorded in the audit trail without an actor; nothing records an
IP address or a user agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.concerns.clocks import (
    AFTER_TODAY,
    DEFENSIVE_RESPONSES,
    EVENT_TYPES,
    OUTCOMES,
    REFERRAL_TARGETS,
    REOPENED_BEFORE_CONCLUDED,
    RISK_LEVELS,
    STEP_DETAILS,
    Case,
    CaseReview,
    ClockPolicy,
    Event,
    review_case,
    timeline_problems,
)
from echoorg.core.concerns.figures import CaseFigures, DetrimentCheck, case_figures
from echoorg.core.crypto import new_receipt_code
from echoorg.core.file_types import check_file
from echoorg.core.file_types import detect as detect_type
from echoorg.core.roles import allowed
from echoorg.orgs.permissions import members_who_may, narrowed_to

from .crypto import hash_receipt, vault
from .models import Attachment, CaseClocks, CaseEvent, Concern, ConcernPolicy, Message


def policy_for(organisation) -> ConcernPolicy:
    """The organisation's stored clocks, created with the defaults when missing (for the
    pages that change them)."""
    policy, _ = ConcernPolicy.objects.get_or_create(organisation=organisation)
    return policy


def read_policy(organisation) -> ConcernPolicy:
    """The organisation's clocks for reading, in one query and without writing: an
    organisation that never saved its clocks gets the defaults (unsaved)."""
    return ConcernPolicy.objects.filter(organisation=organisation).first() or ConcernPolicy(
        organisation=organisation
    )


# What the lists of many cases read: the encrypted text, names and notes stay in the
# database (each blob is read only on the page of one case).
LIST_FIELDS = (
    "id",
    "organisation_id",
    "reference",
    "mode",
    "category",
    "risk_of_harm",
    "unit_id",
    "responsible_leader_id",
    "received_on",
    "would_speak_up_again",
    "title",
)


def listed_concerns(organisation):
    """The organisation's concerns as the lists need them: no encrypted field."""
    return Concern.objects.filter(organisation=organisation).only(*LIST_FIELDS)


def with_steps(concerns) -> list[tuple[Concern, Case]]:
    """Each concern of a queryset with its timeline as a core `Case` for the clocks. The
    steps of all of them come in one more query as plain values, type and date only (the
    clocks read neither details nor notes; no model object per step), in timeline order
    (date, then order of recording)."""
    chosen = list(concerns)
    cases = {c.pk: core_case(c, []) for c in chosen}
    within = [c.pk for c in chosen] if concerns.query.is_sliced else concerns.values("pk")
    for concern_id, kind, date in (
        CaseEvent.objects.filter(concern__in=within)
        .order_by("date", "pk")
        .values_list("concern_id", "type", "date")
    ):
        cases[concern_id].events.append(Event(kind, date))
    return [(c, cases[c.pk]) for c in chosen]


def today_for(organisation) -> dt.date:
    """Today in the organisation's time zone. An organisation has no zone of its own: it
    is the installation's TIME_ZONE (Europe/London by default)."""
    return timezone.localdate()


def _next_reference(organisation) -> str:
    taken = Concern.objects.filter(organisation=organisation).count()
    return f"C-{taken + 1:04d}"


class AlreadySent(Exception):
    """The form's one-time key has already raised a concern (a reload or a double click)."""


@dataclass
class Raised:
    concern: Concern
    receipt: str | None  # shown once, never stored


def raise_concern(
    organisation,
    *,
    mode: str,
    category: str,
    at_risk: list[str],
    risk_of_harm: bool,
    text: str,
    unit=None,
    reporter=None,
    name: str = "",
    contact: str = "",
    files=(),
    source: str = Concern.WEB,
    received_on: dt.date | None = None,
    with_receipt: bool = True,
    submission_digest: str | None = None,
) -> Raised:
    """Record a new concern and its `received` event. Returns the receipt code (if any).

    An anonymous concern keeps no account, name or contact, whoever raised it.
    `submission_digest` marks the form's one-time key used in the same transaction (a
    unique column): a second call with it raises `AlreadySent` and writes nothing.
    """
    if submission_digest and Concern.objects.filter(submission_digest=submission_digest).exists():
        raise AlreadySent
    if mode == "anonymous":
        reporter, name, contact = None, "", ""
    code = new_receipt_code() if with_receipt else None
    for attempt in range(5):
        try:
            with transaction.atomic():
                concern = Concern(
                    organisation=organisation,
                    reference=_next_reference(organisation),
                    mode=mode,
                    category=category,
                    at_risk=list(at_risk),
                    risk_of_harm=risk_of_harm,
                    unit=unit,
                    reporter=reporter,
                    received_on=received_on or timezone.localdate(),
                    source=source,
                    receipt_hash=hash_receipt(code) if code else None,
                    submission_digest=submission_digest or None,
                )
                concern.text = text
                if name:
                    concern.reporter_name_encrypted = vault().encrypt_text(name)
                if contact:
                    concern.reporter_contact_encrypted = vault().encrypt_text(contact)
                concern.save()
                CaseEvent.objects.create(concern=concern, type="received", date=concern.received_on)
                for upload in files:
                    add_attachment(concern, upload, from_reporter=True)
                recompute(concern)
                # Only a named concern records who raised it; for a confidential one the
                # identity stays in the encrypted fields the guardian alone reads.
                record(
                    "concern.received",
                    organisation=organisation,
                    obj=concern,
                    actor=reporter if mode == "named" else None,
                    reference=concern.reference,
                    mode=mode,
                )
            return Raised(concern, code)
        except IntegrityError:
            # The same key sent twice at once: the second waits for the first's
            # transaction and then fails on the unique column.
            if (
                submission_digest
                and Concern.objects.filter(submission_digest=submission_digest).exists()
            ):
                raise AlreadySent from None
            if attempt == 4:
                raise
    raise RuntimeError("unreachable")


def add_attachment(concern: Concern, upload, from_reporter: bool) -> Attachment:
    """Store a file with the type found in its own bytes (the browser's claim is only
    checked against it); a file that is not an allowed type is refused."""
    upload.seek(0)
    data = upload.read()
    found = check_file(data, upload.name, upload.content_type or "", Attachment.ALLOWED_TYPES)
    if not found.accepted:
        raise ValidationError({"attachments": f"'{upload.name}' {found.problem}"})
    return Attachment.objects.create(
        concern=concern,
        from_reporter=from_reporter,
        name_encrypted=vault().encrypt_text(upload.name[:200]),
        content_type=found.detected,
        size=len(data),
        data_encrypted=vault().encrypt(data),
    )


def find_by_receipt(organisation, code: str) -> Concern | None:
    from echoorg.core.crypto import normalise_receipt

    if normalise_receipt(code) is None:
        return None
    return Concern.objects.filter(
        organisation=organisation, receipt_hash=hash_receipt(code)
    ).first()


def add_event(
    actor, concern: Concern, *, type: str, date: dt.date, note: str = "", detail: dict | None = None
) -> CaseEvent:
    """Record a step on the timeline, checked against the event vocabulary and the rules
    of what a timeline may hold (echoorg.core.concerns.clocks.timeline_problems): not
    before the concern was received, not after today, a reopening only after a
    conclusion."""
    detail = {k: v for k, v in (detail or {}).items() if v not in (None, "")}
    if type not in EVENT_TYPES or type == "received":
        raise ValidationError({"type": "Choose a kind of step from the list."})
    steps = [(e.type, e.date) for e in concern.events.all()]
    today = today_for(concern.organisation)
    for problem in timeline_problems([*steps, (type, date)], today, concern.received_on):
        if problem.event != len(steps) + 1:
            continue  # only the new step is judged here
        if problem.kind == AFTER_TODAY:
            raise ValidationError(
                {"date": f"A step cannot be dated in the future (today is {today:%-d %B %Y})."}
            )
        if problem.kind == REOPENED_BEFORE_CONCLUDED:
            raise ValidationError(
                {"type": "A concern can only be reopened on or after the date it was concluded."}
            )
        raise ValidationError(
            {
                "date": "A step cannot come before the concern was received "
                f"({concern.received_on:%-d %B %Y})."
            }
        )
    if type == "external_referral" and detail.get("to") not in REFERRAL_TARGETS:
        raise ValidationError({"to": "Say who the concern was referred to."})
    if type == "concluded" and detail.get("outcome") not in OUTCOMES:
        raise ValidationError({"outcome": "Choose the outcome."})
    if type == "assessed":
        for key in ("harm_risk", "detriment_risk"):
            if detail.get(key) not in RISK_LEVELS:
                raise ValidationError({key: "Choose a level of risk."})
    # Details that do not belong to this kind of step (a field left filled in before
    # the guardian changed the step) are dropped, never stored.
    belongs = STEP_DETAILS.get(type, ())
    detail = {k: v for k, v in detail.items() if k in belongs}
    with transaction.atomic():
        event = CaseEvent.objects.create(
            concern=concern,
            type=type,
            date=date,
            actor=actor,
            detail=detail,
            note_encrypted=vault().encrypt_text(note) if note else None,
        )
        if (
            type == "assessed"
            and detail["harm_risk"] in ("medium", "high")
            and not concern.risk_of_harm
        ):
            concern.risk_of_harm = True
            concern.save(update_fields=["risk_of_harm"])
        recompute(concern)
        record(
            "concern.event",
            actor=actor,
            organisation=concern.organisation,
            obj=concern,
            event=type,
            date=date.isoformat(),
            defensive=type in DEFENSIVE_RESPONSES,
        )
    return event


def send_message(concern: Concern, body: str, *, from_reporter: bool, author=None) -> Message:
    if not body.strip():
        raise ValidationError({"body": "Write a message first."})
    with transaction.atomic():
        message = Message.objects.create(
            concern=concern,
            from_reporter=from_reporter,
            author=None if from_reporter else author,
            body_encrypted=vault().encrypt_text(body.strip()),
        )
        record(
            "concern.message",
            organisation=concern.organisation,
            obj=concern,
            actor=None if from_reporter else author,
            from_reporter=from_reporter,
        )
    return message


def core_case(concern: Concern, events: list[Event] | None = None) -> Case:
    """The concern as the core's clocks see it, with its stored steps (or `events`)."""
    # A detail that is not an object can only come from outside echoorg (the database).
    if events is None:
        events = [
            Event(e.type, e.date, dict(e.detail) if isinstance(e.detail, dict) else {})
            for e in concern.events.all()
        ]
    return Case(id=concern.reference, risk_of_harm=concern.risk_of_harm, events=events)


def review(
    concern: Concern,
    today: dt.date | None = None,
    policy: ClockPolicy | None = None,
    case: Case | None = None,
) -> CaseReview:
    """The case's clocks, or "date out of range" with the reasons, whatever is stored.
    `case` is the concern's `core_case` when the caller has it already (`with_steps`)."""
    policy = policy or read_policy(concern.organisation).as_core()
    return review_case(
        case or core_case(concern),
        today or today_for(concern.organisation),
        policy,
        received_on=concern.received_on,
    )


def analysis(concern: Concern, today: dt.date | None = None) -> dict:
    return review(concern, today).analysis


def case_deadlines(concern: Concern) -> dict:
    return review(concern).deadlines


OUT_OF_RANGE_CLOCK = "Date out of range: check the case"

# --- Stored clock figures (models.CaseClocks) -------------------------------------------

_DATE_FIELDS = (
    "acknowledge_due",
    "acknowledged_on",
    "feedback_due",
    "feedback_on",
    "protection_due",
    "protected_on",
    "next_due",
    "handling_due",
    "followup_due",
)
_OTHER_FIELDS = (
    "risk_of_harm",
    "out_of_range",
    "problems",
    "closed",
    "next_label",
    "handling_label",
    "followup_label",
    "days_to_acknowledge",
    "days_to_feedback",
    "days_to_protection",
    "defensive_responses",
    "detriment_reported",
    "tier",
    "in_queue",
    "computed_on",
    "recheck_on",
)
FIGURE_FIELDS = (*_DATE_FIELDS, *_OTHER_FIELDS, "detriment_checks")
"""The CaseClocks columns that make up a `CaseFigures` (what `figures_of` reads)."""


def _row_values(figures: CaseFigures) -> dict:
    values = {name: getattr(figures, name) for name in (*_DATE_FIELDS, *_OTHER_FIELDS)}
    values["detriment_checks"] = [
        {
            "months": c.months,
            "due": c.due.isoformat(),
            "made_on": c.made_on.isoformat() if c.made_on else None,
        }
        for c in figures.detriment_checks
    ]
    return values


def figures_of(row) -> CaseFigures:
    """The stored figures as the core's `CaseFigures`, from a CaseClocks or a dict of its
    columns (`FIGURE_FIELDS`, e.g. from `values()`)."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    values = {name: get(name) for name in (*_DATE_FIELDS, *_OTHER_FIELDS)}
    checks = [
        DetrimentCheck(
            c["months"],
            dt.date.fromisoformat(c["due"]),
            dt.date.fromisoformat(c["made_on"]) if c.get("made_on") else None,
        )
        for c in get("detriment_checks") or []
    ]
    return CaseFigures(**values, detriment_checks=checks)


def _steps(concern_ids) -> dict[int, list[Event]]:
    steps: dict[int, list[Event]] = {}
    for concern_id, kind, date in (
        CaseEvent.objects.filter(concern__in=concern_ids)
        .order_by("date", "pk")
        .values_list("concern_id", "type", "date")
    ):
        steps.setdefault(concern_id, []).append(Event(kind, date))
    return steps


def recompute(
    concern: Concern, policy: ClockPolicy | None = None, today: dt.date | None = None
) -> CaseClocks:
    """Compute one concern's clock figures from its stored steps (read afresh, not from
    any prefetched list) and store them. Called by every service that changes a case."""
    today = today or today_for(concern.organisation)
    policy = policy or read_policy(concern.organisation).as_core()
    case = Case(concern.reference, concern.risk_of_harm, _steps([concern.pk]).get(concern.pk, []))
    figures = case_figures(case, today, policy, received_on=concern.received_on)
    row, _ = CaseClocks.objects.update_or_create(
        concern=concern,
        defaults={
            "organisation_id": concern.organisation_id,
            "guardian_id": concern.guardian_id,
            **_row_values(figures),
        },
    )
    return row


RECOMPUTE_BATCH = 2000


def recompute_many(concerns, policy=None, today: dt.date | None = None) -> int:
    """Compute and store the figures of every concern of a queryset or a list of ids (all
    of one organisation), `RECOMPUTE_BATCH` at a time. Returns how many were computed."""
    done = 0
    if hasattr(concerns, "values_list"):
        ids = list(concerns.order_by().values_list("pk", flat=True))
    else:
        ids = list(concerns)
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        chosen = list(
            Concern.objects.filter(pk__in=ids[start : start + RECOMPUTE_BATCH]).only(
                "id", "organisation_id", "reference", "risk_of_harm", "received_on", "guardian_id"
            )
        )
        if not chosen:
            continue
        organisation = chosen[0].organisation_id
        if policy is None:
            found = ConcernPolicy.objects.filter(organisation_id=organisation).first()
            policy = found or ConcernPolicy()
        core_policy = policy.as_core() if isinstance(policy, ConcernPolicy) else policy
        day = today or timezone.localdate()
        steps = _steps([c.pk for c in chosen])
        rows = []
        for concern in chosen:
            case = Case(concern.reference, concern.risk_of_harm, steps.get(concern.pk, []))
            figures = case_figures(case, day, core_policy, received_on=concern.received_on)
            rows.append(
                CaseClocks(
                    concern_id=concern.pk,
                    organisation_id=concern.organisation_id,
                    guardian_id=concern.guardian_id,
                    **_row_values(figures),
                )
            )
        with transaction.atomic():
            CaseClocks.objects.filter(concern_id__in=[c.pk for c in chosen]).delete()
            CaseClocks.objects.bulk_create(rows, batch_size=500)
        done += len(rows)
    return done


def touch(concern: Concern) -> None:
    """Mark the concern's figures as changed (`CaseClocks.updated`) when something the
    statistics read changed outside the clocks (its unit, leader or answers)."""
    CaseClocks.objects.filter(concern=concern).update(updated=timezone.now())


def figures_fingerprint(organisation, today: dt.date) -> str:
    """What statistics computed from the stored figures depend on, after bringing the
    figures up to date (`ensure_fresh`): the day, the number of cases and their latest
    change, and the names of the units (three small queries when nothing is stale).
    Statistics cached under it (`insights`) are computed again when any of these change."""
    import hashlib

    from echoorg.orgs.models import Unit

    found = _figures_state(organisation, today)
    if found["due"] or found["n"] != Concern.objects.filter(organisation=organisation).count():
        ensure_fresh(organisation, today)
        found = _figures_state(organisation, today)
    units = Unit.objects.filter(organisation=organisation).order_by("pk")
    names = hashlib.sha256(repr(list(units.values_list("pk", "name"))).encode()).hexdigest()
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{today.isoformat()}:{found['n']}:{last}:{names[:16]}"


def _figures_state(organisation, today: dt.date) -> dict:
    from django.db.models import Max

    return CaseClocks.objects.filter(organisation=organisation).aggregate(
        n=Count("*"),
        due=Count("organisation", filter=Q(recheck_on__lte=today)),
        last=Max("updated"),
    )


def stale_concerns(organisation, today: dt.date):
    """The organisation's concerns whose stored figures are missing or due to be computed
    again (`CaseClocks.recheck_on` reached)."""
    return Concern.objects.filter(organisation=organisation).filter(
        Q(clocks__isnull=True) | Q(clocks__recheck_on__lte=today)
    )


def ensure_fresh(organisation, today: dt.date | None = None, policy=None) -> int:
    """Compute the figures that are missing or out of date before a list reads them (one
    query when there are none: the usual case)."""
    today = today or today_for(organisation)
    # Two counts on indexes first: every concern has its row and none is due again.
    rows = CaseClocks.objects.filter(organisation=organisation).aggregate(
        n=Count("*"), due=Count("organisation", filter=Q(recheck_on__lte=today))
    )
    if not rows["due"] and rows["n"] == Concern.objects.filter(organisation=organisation).count():
        return 0
    stale = list(stale_concerns(organisation, today).values_list("pk", flat=True))
    if not stale:
        return 0
    return recompute_many(stale, policy=policy, today=today)


def refresh(today: dt.date | None = None, everything: bool = False) -> int:
    """`echoorg concerns refresh`: compute again, in every organisation, the figures that
    depend on the day (or all of them with `everything`). Returns how many."""
    from echoorg.orgs.models import Organisation

    done = 0
    for organisation in Organisation.objects.order_by("pk"):
        day = today or today_for(organisation)
        chosen = (
            Concern.objects.filter(organisation=organisation)
            if everything
            else stale_concerns(organisation, day)
        )
        done += recompute_many(chosen, today=day)
    return done


def stored_review(concern: Concern, today: dt.date | None = None) -> CaseFigures:
    """The concern's stored figures (computed first when missing or out of date)."""
    today = today or today_for(concern.organisation)
    row = CaseClocks.objects.filter(concern=concern).first()
    if row is None or (row.recheck_on is not None and row.recheck_on <= today):
        row = recompute(concern, today=today)
    return figures_of(row)


# --- The guardian's queue ----------------------------------------------------------------

PAGE_SIZE = 50
QUEUE_TABS: dict[str, str] = {
    "open": "Open",
    "new": "New",
    "mine": "Mine",
    "risk": "At risk",
    "feedback": "Awaiting feedback",
    "overdue": "Overdue",
    "followup": "Follow-up checks",
}
"""The queue's lists: key -> label. Every list but "followup" is in triage order."""
MAX_SEARCH = 40


def _tab_filters(user, today: dt.date) -> dict[str, Q]:
    queued = Q(in_queue=True)
    return {
        "open": queued,
        "new": queued & Q(closed=False, out_of_range=False, acknowledged_on__isnull=True),
        "mine": queued & Q(guardian=user),
        "risk": queued & Q(closed=False, risk_of_harm=True),
        "feedback": queued & Q(out_of_range=False, feedback_on__isnull=True),
        "overdue": queued & Q(handling_due__lt=today),
        "followup": Q(followup_due__isnull=False),
    }


@dataclass
class QueuePage:
    """One page of one of the queue's lists."""

    tab: str
    search: str
    rows: list[dict]
    count: int  # cases in the list (or found by the search)
    number: int  # this page, from 1
    pages: int
    counts: dict[str, int]  # cases in each tab
    today: dt.date

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def first_row(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.count else 0

    @property
    def last_row(self) -> int:
        return min(self.count, self.number * PAGE_SIZE)


def _queue_row(row: CaseClocks, today: dt.date, followup: bool) -> dict:
    if row.out_of_range:
        label, due = OUT_OF_RANGE_CLOCK, None
    elif followup:
        label, due = row.followup_label, row.followup_due
    elif row.handling_due is not None:
        label, due = row.handling_label, row.handling_due
    elif row.followup_due is not None:
        label, due = row.followup_label, row.followup_due
    else:
        label, due = "No clock running", None
    return {
        "concern": row.concern,
        "clock": label,
        "due": due,
        "overdue": due is not None and due < today,
        "days": (due - today).days if due else None,
        "out_of_range": row.out_of_range,
        "tier": row.tier,
        "closed": row.closed,
        "new": not row.closed and not row.out_of_range and row.acknowledged_on is None,
    }


def queue(
    organisation,
    user=None,
    tab: str = "open",
    search: str = "",
    page: int = 1,
    today: dt.date | None = None,
) -> QueuePage:
    """One page (`PAGE_SIZE` rows) of the guardian's queue, sorted and filtered in the
    database on the stored figures (`CaseClocks`).

    Lists (`QUEUE_TABS`): open cases in triage order (core.concerns.figures: risk of harm
    and not acknowledged first, then the nearest handling clock); new (not acknowledged),
    mine (`user` is the case's guardian), at risk, awaiting feedback, overdue; and the
    follow-up (detriment) checks of concluded cases, by due date. `search` looks for a
    reference among every case of the organisation, concluded ones too."""
    today = today or today_for(organisation)
    ensure_fresh(organisation, today)
    tab = tab if tab in QUEUE_TABS else "open"
    search = search.strip()[:MAX_SEARCH]
    filters = _tab_filters(user, today)
    base = CaseClocks.objects.filter(organisation=organisation)
    # Counted on a column of the covering index `clocks_counts` (not the primary key,
    # which would make SQLite read every row).
    counts = base.aggregate(
        **{key: Count("organisation", filter=q) for key, q in filters.items() if key != "mine"}
    )
    counts["mine"] = (
        base.aggregate(n=Count("organisation", filter=filters["mine"]))["n"] if user else 0
    )
    if search:
        chosen = base.filter(concern__reference__icontains=search).order_by(
            "concern__reference", "pk"
        )
    elif tab == "followup":
        chosen = base.filter(filters[tab]).order_by("followup_due", "pk")
    else:
        chosen = base.filter(filters[tab]).order_by(
            "tier",
            F("handling_due").asc(nulls_last=True),
            "pk",  # in order of recording (imported cases in their file's order)
        )
    count = chosen.count() if search else counts[tab]
    pages = max(1, -(-count // PAGE_SIZE))
    number = min(max(1, page), pages)
    start = (number - 1) * PAGE_SIZE
    rows = chosen.select_related("concern", "concern__guardian").only(
        *(f"concern__{f}" for f in LIST_FIELDS),
        "concern__guardian__full_name",
        "concern__guardian__email",
        *FIGURE_FIELDS,
        "organisation_id",
    )[start : start + PAGE_SIZE]
    return QueuePage(
        tab=tab,
        search=search,
        rows=[_queue_row(r, today, tab == "followup" and not search) for r in rows],
        count=count,
        number=number,
        pages=pages,
        counts=counts,
        today=today,
    )


def overdue_in_queue(organisation, today: dt.date | None = None) -> int:
    """How many cases in the queue are past a handling deadline (one query, for the
    guardian's navigation)."""
    today = today or today_for(organisation)
    return CaseClocks.objects.filter(
        organisation=organisation, in_queue=True, handling_due__lt=today
    ).count()


def overdue(organisation, today: dt.date | None = None) -> list[dict]:
    """Every case past a deadline, handling clocks first, then follow-up checks (for the
    daily alert email): {"concern", "clock", "due"}."""
    today = today or today_for(organisation)
    ensure_fresh(organisation, today)
    base = CaseClocks.objects.filter(organisation=organisation).select_related("concern")
    late = [
        {"concern": r.concern, "clock": r.handling_label, "due": r.handling_due}
        for r in base.filter(in_queue=True, handling_due__lt=today).order_by("handling_due", "pk")
    ]
    late += [
        {"concern": r.concern, "clock": r.followup_label, "due": r.followup_due}
        for r in base.filter(followup_due__lt=today).order_by("followup_due", "pk")
    ]
    return late


def guardians_of(organisation) -> list:
    """The organisation's members who handle concerns (their accounts), for assignment."""
    return [m.user for m in members_who_may(organisation, "concerns.handle")]


def assign_guardian(actor, organisation, concern: Concern, guardian) -> Concern:
    """Give the case to one of the organisation's guardians (None: to nobody)."""
    if concern.organisation_id != organisation.pk:
        raise ValidationError({"guardian": "This case belongs to another organisation."})
    if guardian is not None and guardian.pk not in {u.pk for u in guardians_of(organisation)}:
        raise ValidationError({"guardian": "Choose one of the organisation's guardians."})
    with transaction.atomic():
        concern.guardian = guardian
        concern.save(update_fields=["guardian"])
        CaseClocks.objects.filter(concern=concern).update(guardian=guardian)
        record(
            "concern.guardian_assigned",
            actor=actor,
            organisation=organisation,
            obj=concern,
            guardian=guardian.pk if guardian else None,
        )
    return concern


def assign(actor, organisation, concern: Concern, unit, responsible_leader) -> Concern:
    """Say which unit a concern is about and which leader is responsible for it."""
    concern.unit = unit
    concern.responsible_leader = responsible_leader
    concern.save(update_fields=["unit", "responsible_leader"])
    touch(concern)  # the statistics group by unit and leader
    record("concern.assigned", actor=actor, organisation=organisation, obj=concern)
    return concern


def change_clocks(actor, organisation, **values: int) -> ConcernPolicy:
    """Set the organisation's clocks (acknowledge, feedback, protection) and its minimum
    group for statistics."""
    with transaction.atomic():
        policy = policy_for(organisation)
        for key, value in values.items():
            setattr(policy, key, value)
        policy.save()
        # Every case's deadlines follow the organisation's clocks.
        recompute_many(Concern.objects.filter(organisation=organisation), policy=policy)
        record(
            "concern.clocks_changed", actor=actor, organisation=organisation, obj=policy, **values
        )
    return policy


def change_public_page(actor, organisation, *, public_page: bool, public_contact: str):
    """Switch the public speak-up page's names and contact text on or off (decision 0010)."""
    if public_page and not public_contact.strip():
        raise ValidationError(
            {
                "public_contact": "Say how people can reach the guardians before "
                "switching the page on."
            }
        )
    with transaction.atomic():
        policy = policy_for(organisation)
        policy.public_page = public_page
        policy.public_contact = public_contact.strip()
        policy.save(update_fields=["public_page", "public_contact"])
        record(
            "concern.public_page_changed",
            actor=actor,
            organisation=organisation,
            obj=policy,
            public_page=public_page,
        )
    return policy


def public_guardians(organisation) -> list[str]:
    """The names the organisation knows its guardians by, for the public page: one
    query reading only names and roles (the public page must stay cheap for an
    organisation of thousands), an account's own name only where the membership has
    none."""
    # The JSON text is narrowed in the database to rows naming a role that may handle
    # concerns; the permission table then decides, row by row, as everywhere else.
    rows = (
        organisation.memberships.filter(narrowed_to("concerns.handle"))
        .order_by("pk")
        .values_list("name", "user__full_name", "user__email", "roles")
    )
    return [
        name or full_name or email
        for name, full_name, email, roles in rows
        if allowed(roles, "concerns.handle")
    ]


def answer_speak_up_again(organisation, concern: Concern, answer: str) -> Concern:
    """The reporter's answer to "would you speak up again?" (recorded without an actor)."""
    concern.would_speak_up_again = answer
    concern.save(update_fields=["would_speak_up_again"])
    touch(concern)  # the statistics count the answers
    record("concern.speak_up_again_answered", organisation=organisation, obj=concern)
    return concern


def report_detriment(concern: Concern) -> CaseEvent:
    """The reporter says they have been treated badly for speaking up (no actor kept)."""
    with transaction.atomic():
        event = CaseEvent.objects.create(
            concern=concern, type="detriment_reported", date=today_for(concern.organisation)
        )
        recompute(concern)
        record(
            "concern.event",
            organisation=concern.organisation,
            obj=concern,
            event="detriment_reported",
            date=event.date.isoformat(),
            defensive=False,
        )
    return event


def attachment_response(attachment: Attachment):
    """The decrypted file as a download (never shown inline)."""
    from django.http import HttpResponse

    data = attachment.content()
    # Typed by its own bytes again, so a file stored before types were checked (typed by
    # the browser's claim) is never served as something it is not.
    kind = detect_type(data)
    if kind not in Attachment.ALLOWED_TYPES:
        kind = "application/octet-stream"
    extension = Attachment.ALLOWED_TYPES.get(kind, ".bin")
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="attachment-{attachment.pk}{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
