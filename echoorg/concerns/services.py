"""Raising concerns and handling them: each change written with its audit entry.

Anonymous actions are recorded in the audit trail without an actor; nothing records an
IP address or a user agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
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
    is_closed,
    review_case,
    timeline_problems,
)
from echoorg.core.crypto import new_receipt_code
from echoorg.core.file_types import check_file
from echoorg.core.file_types import detect as detect_type
from echoorg.core.roles import ROLES, allowed

from .crypto import hash_receipt, vault
from .models import Attachment, CaseEvent, Concern, ConcernPolicy, Message


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


def queue(organisation, today: dt.date | None = None) -> list[dict]:
    """Open concerns ordered by the nearest clock (overdue first); a case whose dates are
    out of range comes first of all, marked, so that it is corrected."""
    today = today or today_for(organisation)
    policy = read_policy(organisation).as_core()
    rows = []
    for concern, case in with_steps(listed_concerns(organisation)):
        found = review(concern, today, policy, case)
        if found.out_of_range:
            rows.append(
                {
                    "concern": concern,
                    "clock": OUT_OF_RANGE_CLOCK,
                    "due": None,
                    "overdue": False,
                    "days": None,
                    "out_of_range": True,
                }
            )
            continue
        upcoming = found.next_clock
        if upcoming is None and is_closed(case):
            continue
        label, due = upcoming if upcoming else ("No clock running", None)
        rows.append(
            {
                "concern": concern,
                "clock": label,
                "due": due,
                "overdue": due is not None and due < today,
                "days": (due - today).days if due else None,
                "out_of_range": False,
            }
        )
    far = dt.date.max
    return sorted(
        rows, key=lambda r: (not r["out_of_range"], r["due"] or far, r["concern"].received_on)
    )


def assign(actor, organisation, concern: Concern, unit, responsible_leader) -> Concern:
    """Say which unit a concern is about and which leader is responsible for it."""
    concern.unit = unit
    concern.responsible_leader = responsible_leader
    concern.save(update_fields=["unit", "responsible_leader"])
    record("concern.assigned", actor=actor, organisation=organisation, obj=concern)
    return concern


def change_clocks(actor, organisation, **values: int) -> ConcernPolicy:
    """Set the organisation's clocks (acknowledge, feedback, protection) and its minimum
    group for statistics."""
    policy = policy_for(organisation)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.save()
    record("concern.clocks_changed", actor=actor, organisation=organisation, obj=policy, **values)
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
    handlers = [role for role in ROLES if allowed([role], "concerns.handle")]
    naming = Q()
    for role in handlers:
        naming |= Q(roles__icontains=f'"{role}"')
    rows = (
        organisation.memberships.filter(naming)
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
    record("concern.speak_up_again_answered", organisation=organisation, obj=concern)
    return concern


def report_detriment(concern: Concern) -> CaseEvent:
    """The reporter says they have been treated badly for speaking up (no actor kept)."""
    with transaction.atomic():
        event = CaseEvent.objects.create(
            concern=concern, type="detriment_reported", date=today_for(concern.organisation)
        )
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
