"""Reading and writing reflections: every write goes through here with its audit entry.

Privacy rules, in one place:
- a reflection is found for its author only (`own_reflection`), or for the one mentor
  it is shared with (`shared_reflection`); everyone else gets "not found";
- sharing names a member with the mentor role in the same organisation (never the author);
- facilitators see counts of people who reflected per unit, suppressed below five
  (`uptake`), never a reflection;
- the audit trail names who shared with whom, never a reflection's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.common.crypto import vault
from echoorg.common.parts import uptake_sources
from echoorg.core.development.reflection import (
    MAX_TITLE,
    Guide,
    clean_answers,
    shipped_guide,
)
from echoorg.core.development.reflection_aid import (
    LIST_IDS,
    WordList,
    WordListError,
    clean_entries,
    default_word_lists,
    with_entries,
)
from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.roles import allowed
from echoorg.core.text import normalise_name
from echoorg.orgs.models import Membership, Organisation, Unit
from echoorg.orgs.permissions import narrowed_to

from .models import Reflection, ReflectionComment, WordLists

# The fewest people a shown count of reflections may cover (as survey results: five).
MIN_GROUP = 5
MAX_COMMENT = 5_000


class ReflectionError(ValueError):
    """A save refused with reasons (one sentence each); nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class StaleReflection(ReflectionError):
    """The reflection changed since the form was loaded (another window saved it)."""


def guide() -> Guide:
    return shipped_guide()


def clean_title(title: object) -> str:
    if not isinstance(title, str):
        raise ReflectionError(["The title must be text."])
    title = normalise_name(title)
    if not title:
        raise ReflectionError(["Give the reflection a title with visible letters."])
    if len(title) > MAX_TITLE:
        raise ReflectionError([f"The title is longer than {MAX_TITLE} characters."])
    return title


# -- finding reflections ---------------------------------------------------------------


def own_reflection(organisation: Organisation, user: Any, reflection_id: int) -> Reflection:
    """The reflection if `user` wrote it in `organisation`; Http404 otherwise (so nobody
    learns whether someone else's reflection exists)."""
    found = Reflection.objects.filter(
        organisation=organisation, author=user, pk=reflection_id
    ).first()
    if found is None:
        raise Http404("No such reflection.")
    return found


def shared_reflection(organisation: Organisation, user: Any, reflection_id: int) -> Reflection:
    """The reflection if its author shared it with `user`; Http404 otherwise."""
    found = (
        Reflection.objects.filter(organisation=organisation, shared_with=user, pk=reflection_id)
        .select_related("author")
        .first()
    )
    if found is None:
        raise Http404("No such reflection.")
    return found


def reflections_of(organisation: Organisation, user: Any):
    return Reflection.objects.filter(organisation=organisation, author=user).select_related(
        "shared_with"
    )


def shared_with(organisation: Organisation, user: Any):
    return Reflection.objects.filter(organisation=organisation, shared_with=user).select_related(
        "author"
    )


def author_names(organisation: Organisation, user_ids: list[int]) -> dict[int, str]:
    """How the organisation names each of these people (one query)."""
    return {
        m.user_id: m.display_name
        for m in Membership.objects.filter(
            organisation=organisation, user_id__in=user_ids
        ).select_related("user")
    }


def mentors_for(organisation: Organisation, author: Any) -> list[Membership]:
    """The members a reflection may be shared with: the organisation's mentors, not the
    author (one query)."""
    return [
        m
        for m in organisation.memberships.filter(narrowed_to("reflection.mentor"))
        .exclude(user=author)
        .select_related("user")
        .order_by("name", "pk")
        if allowed(m.roles, "reflection.mentor")
    ]


# -- writing ---------------------------------------------------------------------------


def _personal(organisation_id: int) -> dict[str, Any]:
    """Where a personal reflection's audit entries go: into the sealed trail, but not
    under the organisation, whose audit page its facilitators read. Otherwise that page
    would name each person who reflected, shared or was read by a mentor, and undo the
    uptake page's rule that facilitators see counts of five or more only. They stay in
    the sealed chain (`echoorg audit verify` checks them) for whoever runs echoorg, with
    the organisation kept in the detail."""
    return {"organisation": None, "in_organisation": organisation_id}


def start_reflection(
    author: Any, organisation: Organisation, *, title: object, incident: object = ""
) -> Reflection:
    """A new draft with a title (and, if given, the incident's account: a scenario's
    debrief pre-fills it). Raises ReflectionError; writes nothing then."""
    title = clean_title(title)
    answers, problems = clean_answers(guide(), {"incident_account": incident or ""})
    if problems:
        raise ReflectionError(problems)
    with transaction.atomic():
        reflection = Reflection(
            organisation=organisation,
            author=author,
            guide_version=guide().version,
            updated=timezone.now(),
        )
        reflection.title = title
        reflection.answers = answers
        reflection.save()
        record("reflection.started", actor=author, obj=reflection, **_personal(organisation.pk))
    return reflection


def save_reflection(
    author: Any,
    reflection: Reflection,
    *,
    title: object,
    answers: dict[str, object],
    revision: int | None,
    finished: bool | None = None,
) -> Reflection:
    """Save the author's draft (the autosave and the Save button both come here).

    `revision` is the revision the form was loaded with: a different stored revision
    means another window saved in between, and the save is refused (StaleReflection) so
    that nothing typed there is silently overwritten; None skips the check (the API's
    whole-object update). `finished` marks the reflection finished (True) or reopens it
    (False). Raises ReflectionError with every problem; nothing is written then. Drafts
    are not audited one by one (an autosave every few seconds would bury the trail; the
    start, shares and deletion are).
    """
    if reflection.author_id != getattr(author, "pk", None):
        raise Http404("No such reflection.")
    title = clean_title(title)
    kept, problems = clean_answers(guide(), answers)
    if problems:
        raise ReflectionError(problems)
    with transaction.atomic():
        current = Reflection.objects.select_for_update().only("revision").get(pk=reflection.pk)
        if revision is not None and current.revision != revision:
            raise StaleReflection(
                [
                    "This reflection was saved from another window since this page was "
                    "opened; reload the page to see that version before you go on."
                ]
            )
        reflection.title = title
        reflection.answers = kept
        reflection.revision = current.revision + 1
        reflection.updated = timezone.now()
        if finished is True and reflection.finished_at is None:
            reflection.finished_at = reflection.updated
        elif finished is False:
            reflection.finished_at = None
        reflection.save(
            update_fields=[
                "title_encrypted",
                "answers_encrypted",
                "revision",
                "updated",
                "finished_at",
            ]
        )
    return reflection


def share_reflection(author: Any, reflection: Reflection, mentor_user_id: object) -> Reflection:
    """Share the reflection with one mentor of its organisation (replacing any earlier
    share). Raises ReflectionError when the person chosen is not a mentor there."""
    if reflection.author_id != getattr(author, "pk", None):
        raise Http404("No such reflection.")
    try:
        chosen = int(str(mentor_user_id))
    except ValueError:
        raise ReflectionError(["Choose a mentor from the list."]) from None
    mentor = next(
        (m for m in mentors_for(reflection.organisation, author) if m.user_id == chosen), None
    )
    if mentor is None:
        raise ReflectionError(
            ["Choose a mentor from the list: only members with the mentor role can be chosen."]
        )
    with transaction.atomic():
        earlier = reflection.shared_with_id
        reflection.shared_with = mentor.user
        reflection.shared_at = timezone.now()
        reflection.save(update_fields=["shared_with", "shared_at"])
        record(
            "reflection.shared",
            actor=author,
            **_personal(reflection.organisation_id),
            obj=reflection,
            mentor=mentor.user_id,
            replaced=earlier,
        )
    return reflection


def unshare_reflection(author: Any, reflection: Reflection) -> Reflection:
    if reflection.author_id != getattr(author, "pk", None):
        raise Http404("No such reflection.")
    if reflection.shared_with_id is None:
        return reflection
    with transaction.atomic():
        earlier = reflection.shared_with_id
        reflection.shared_with = None
        reflection.shared_at = None
        reflection.save(update_fields=["shared_with", "shared_at"])
        record(
            "reflection.unshared",
            actor=author,
            **_personal(reflection.organisation_id),
            obj=reflection,
            mentor=earlier,
        )
    return reflection


def delete_reflection(author: Any, reflection: Reflection) -> None:
    if reflection.author_id != getattr(author, "pk", None):
        raise Http404("No such reflection.")
    with transaction.atomic():
        record(
            "reflection.deleted",
            actor=author,
            **_personal(reflection.organisation_id),
            obj=reflection,
        )
        reflection.delete()


def note_mentor_read(mentor: Any, reflection: Reflection) -> None:
    record(
        "reflection.read_by_mentor",
        actor=mentor,
        **_personal(reflection.organisation_id),
        obj=reflection,
    )


def add_comment(mentor: Any, reflection: Reflection, body: object) -> ReflectionComment:
    """The mentor's comment on a reflection shared with them. Raises ReflectionError for
    an empty or too long comment."""
    if reflection.shared_with_id != getattr(mentor, "pk", None):
        raise Http404("No such reflection.")
    if not isinstance(body, str) or not body.strip():
        raise ReflectionError(["Write a comment first."])
    body = body.replace("\r\n", "\n").strip()
    if len(body) > MAX_COMMENT:
        raise ReflectionError([f"The comment is longer than {MAX_COMMENT:,} characters."])
    with transaction.atomic():
        comment = ReflectionComment.objects.create(
            reflection=reflection, author=mentor, body_encrypted=_encrypt(body)
        )
        record(
            "reflection.commented",
            actor=mentor,
            **_personal(reflection.organisation_id),
            obj=reflection,
        )
    return comment


def _encrypt(text: str) -> bytes:
    return vault().encrypt_text(text)


# -- the word lists ---------------------------------------------------------------------


def word_lists_for(organisation: Organisation) -> tuple[WordList, ...]:
    """The organisation's lists: the shipped defaults with its own entries (one query)."""
    own = WordLists.objects.filter(organisation=organisation).values_list("entries", flat=True)
    entries = next(iter(own), None) or {}
    return with_entries(default_word_lists(), entries)


def change_word_lists(
    actor: Any, organisation: Organisation, texts: dict[str, object]
) -> tuple[WordList, ...]:
    """Replace the organisation's lists with `texts` (list id -> one entry per line).

    Every list is checked before anything is written; raises ReflectionError naming the
    list and line of each problem. A list equal to the shipped default is stored as "the
    default" (so a later change of the default reaches it). Audited with the lists that
    changed and their numbers of entries.
    """
    defaults = {w.id: w for w in default_word_lists()}
    problems: list[str] = []
    cleaned: dict[str, tuple[str, ...]] = {}
    for list_id in LIST_IDS:
        text = texts.get(list_id, "")
        if not isinstance(text, str):
            problems.append(f"{defaults[list_id].label}: must be text, one entry per line.")
            continue
        try:
            cleaned[list_id] = clean_entries(defaults[list_id].label, text.splitlines())
        except WordListError as exc:
            problems.append(str(exc))
    if problems:
        raise ReflectionError(problems)
    before = {w.id: w.entries for w in word_lists_for(organisation)}
    own = {k: list(v) for k, v in cleaned.items() if v != defaults[k].entries}
    changed = sorted(k for k in LIST_IDS if cleaned[k] != before[k])
    if not changed:
        return word_lists_for(organisation)
    with transaction.atomic():
        WordLists.objects.update_or_create(
            organisation=organisation, defaults={"entries": own, "updated_by": actor}
        )
        record(
            "reflection.word_lists_changed",
            actor=actor,
            organisation=organisation,
            object_type="development.wordlists",
            object_id=str(organisation.pk),
            lists=changed,
            entries={k: len(cleaned[k]) for k in changed},
        )
    return word_lists_for(organisation)


# -- uptake for facilitators ------------------------------------------------------------


@dataclass(frozen=True)
class UptakeRow:
    """One unit's figures: for each development tool (`Uptake.tools`), the people in its
    whole subtree who have used it, or None when hidden (fewer than MIN_GROUP, or it
    would let a small group be worked out). `people` is the reflections' figure."""

    unit: Unit | None  # None: the organisation as a whole
    depth: int
    counts: tuple[int | None, ...]
    people: int | None


@dataclass(frozen=True)
class Uptake:
    tools: tuple[str, ...]
    rows: list[UptakeRow]


REFLECTIONS = "Reflections"


def uptake(organisation: Organisation) -> Uptake:
    """People who have used each development tool (guided reflections, case analyses,
    scenarios: every app's `uptake` hook in the parts registry), per unit of the tree
    (each unit's subtree) and in the whole organisation. Each tool's column has its own
    complementary suppression at MIN_GROUP (echoorg.core.diagnostic.anonymity.
    suppress_hierarchy: no shown count, nor any difference of shown counts in the
    column, covers between 1 and 4 people). No column counts people who used "any"
    tool, so no column is a subset of another by construction. One query for the units
    and one per tool."""
    units = list(Unit.objects.filter(organisation=organisation).order_by("name"))
    # Index 0 is the organisation itself: it holds people without a unit, and every top
    # unit hangs below it, so the whole-organisation count is protected like the others.
    index = {u.pk: i + 1 for i, u in enumerate(units)}
    parents = [-1] + [index.get(u.parent_id, 0) for u in units]
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        if p >= 0:
            children.setdefault(p, []).append(i)

    def totals(own: list[int]) -> list[int]:
        """Each unit's own count plus its whole subtree's."""
        memo: dict[int, int] = {}

        def total(i: int) -> int:
            if i not in memo:
                memo[i] = own[i] + sum(total(c) for c in children.get(i, []))
            return memo[i]

        return [total(i) for i in range(len(own))]

    tools: list[str] = []
    columns: list[list[int | None]] = []
    for label, users in uptake_sources(organisation):
        used = (
            Membership.objects.filter(organisation=organisation, user_id__in=users)
            .values("unit_id")
            .annotate(n=Count("user_id", distinct=True))
        )
        per_unit = {row["unit_id"]: row["n"] for row in used}
        own = [per_unit.get(None, 0)] + [per_unit.get(u.pk, 0) for u in units]
        shown = suppress_hierarchy(parents, own, MIN_GROUP)
        summed = totals(own)
        tools.append(label)
        columns.append([summed[i] if shown[i] else None for i in range(len(own))])

    rows: list[UptakeRow] = []
    reflections = tools.index(REFLECTIONS) if REFLECTIONS in tools else None

    def walk(i: int, depth: int) -> None:
        counts = tuple(column[i] for column in columns)
        people = counts[reflections] if reflections is not None else None
        rows.append(UptakeRow(units[i - 1] if i else None, depth, counts, people))
        for c in children.get(i, []):
            walk(c, depth + 1)

    walk(0, 0)
    return Uptake(tuple(tools), rows)


# -- a scenario's debrief ---------------------------------------------------------------


def scenario_prefill(user: Any, organisation: Organisation, play_id: object) -> str:
    """The incident text a played scenario suggests (the scenarios app's
    `reflection_prefill(play)`), when that app is installed and the play is `user`'s own
    in `organisation`; "" otherwise. The scenarios app is optional, so it is imported
    only when present."""
    if not apps.is_installed("echoorg.scenarios"):
        return ""
    try:
        play_pk = int(str(play_id))
    except ValueError:
        return ""
    scenarios = import_module("echoorg.scenarios.services")
    play = _own_play(user, organisation, play_pk)
    if play is None:
        return ""
    text = scenarios.reflection_prefill(play)
    return text if isinstance(text, str) else ""


def _own_play(user: Any, organisation: Organisation, play_pk: int) -> Any:
    """The scenario play `play_pk` if it is `user`'s own in `organisation` (a play belongs
    to its player's membership); None otherwise. Found through the app registry, since
    this app does not import the scenarios app."""
    try:
        play_model = apps.get_model("scenarios", "Play")
    except LookupError:
        return None
    return play_model.objects.filter(
        pk=play_pk, organisation=organisation, member__user=user
    ).first()
