"""Action plans and published results: leaders say what they heard and what they will do
about a closed wave, and publish it, with the whole organisation's figures, to everyone.

Every change goes through a function here, in one transaction with its audit entry. The
published figures are the whole organisation's row of the wave's stored, suppressed
figures (`results.stored_figures`), filtered by `echoorg.core.diagnostic.action_plan`:
nothing finer than leaders see, and no unit below the organisation.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.diagnostic.action_plan import (
    MAX_ACTIONS,
    MAX_OWNER,
    MAX_SUMMARY,
    MAX_WHAT,
    STATUSES,
    OrganisationFigures,
    organisation_figures,
    plan_progress,
)
from echoorg.core.diagnostic.stored import profile_from_json, profile_to_json

from .models import ActionPlan, PlannedAction, PublishedPlan, SurveyWave
from .results import stored_figures
from .services import ensure_wave_figures


def plan_for(wave: SurveyWave) -> ActionPlan | None:
    """The wave's plan, if leaders have started one."""
    return ActionPlan.objects.filter(wave=wave).select_related("published_version").first()


def _require_closed(wave: SurveyWave) -> None:
    if wave.status != SurveyWave.CLOSED:
        raise ValidationError("An action plan is written once the wave has closed.")


def _locked_plan(actor, wave: SurveyWave) -> ActionPlan:
    """The wave's plan, created if needed, locked for the rest of the transaction."""
    _require_closed(wave)
    plan, _ = ActionPlan.objects.get_or_create(wave=wave, defaults={"updated_by": actor})
    return ActionPlan.objects.select_for_update().get(pk=plan.pk)


def _touch(plan: ActionPlan, actor) -> None:
    plan.updated = timezone.now()
    plan.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.save(update_fields=["updated", "updated_by"])


def scale_choices(wave: SurveyWave) -> list[tuple[str, str]]:
    """The wave's scales as (id, name), in the instrument's order."""
    return [(s.id, s.name) for s in wave.instrument.scales]


def clean_action(
    wave: SurveyWave, *, what: str, owner: str, due: dt.date | None, status: str, scale: str
) -> dict:
    """The action's fields, stripped and checked; ValidationError names each bad field."""
    problems: dict[str, list[str]] = {}
    what, owner, scale = (what or "").strip(), (owner or "").strip(), (scale or "").strip()
    if not what:
        problems["what"] = ["Say what will be done."]
    elif len(what) > MAX_WHAT:
        problems["what"] = [f"Keep it to {MAX_WHAT} characters (it has {len(what)})."]
    if not owner:
        problems["owner"] = ["Name who owns the action: a role or a person."]
    elif len(owner) > MAX_OWNER:
        problems["owner"] = [f"Keep it to {MAX_OWNER} characters (it has {len(owner)})."]
    if due is None:
        problems["due"] = ["Give a due date."]
    elif due < wave.closes_on:
        problems["due"] = [
            f"The due date is before the survey closed ({wave.closes_on.isoformat()})."
        ]
    if status not in STATUSES:
        problems["status"] = [f"Choose one of: {', '.join(STATUSES.values())}."]
    if scale and scale not in dict(scale_choices(wave)):
        problems["scale"] = ["Choose one of this survey's scales, or none."]
    if problems:
        raise ValidationError(problems)
    return {"what": what, "owner": owner, "due": due, "status": status, "scale": scale}


def save_summary(actor, wave: SurveyWave, summary: str) -> ActionPlan:
    """Store "what you told us"."""
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        raise ValidationError(
            {"summary": [f"Keep it to {MAX_SUMMARY} characters (it has {len(summary)})."]}
        )
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        plan.summary = summary
        plan.save(update_fields=["summary"])
        _touch(plan, actor)
        record(
            "plan.summary_saved",
            actor=actor,
            organisation=wave.organisation_id,
            obj=plan,
            characters=len(summary),
        )
    return plan


def add_action(actor, wave: SurveyWave, **fields) -> PlannedAction:
    cleaned = clean_action(wave, **fields)
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        if plan.actions.count() >= MAX_ACTIONS:
            raise ValidationError(f"A plan holds at most {MAX_ACTIONS} actions.")
        action = PlannedAction.objects.create(plan=plan, **cleaned)
        _touch(plan, actor)
        record(
            "plan.action_added",
            actor=actor,
            organisation=wave.organisation_id,
            obj=action,
            wave=wave.pk,
            status=action.status,
            due=action.due.isoformat(),
        )
    return action


def change_action(actor, action: PlannedAction, **fields) -> PlannedAction:
    wave = action.plan.wave
    cleaned = clean_action(wave, **fields)
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        locked = PlannedAction.objects.select_for_update().get(pk=action.pk, plan=plan)
        changed = sorted(name for name, value in cleaned.items() if getattr(locked, name) != value)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        _touch(plan, actor)
        record(
            "plan.action_changed",
            actor=actor,
            organisation=wave.organisation_id,
            obj=locked,
            wave=wave.pk,
            changed=changed,
            status=locked.status,
        )
    return locked


def remove_action(actor, action: PlannedAction) -> None:
    wave = action.plan.wave
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        record(
            "plan.action_removed",
            actor=actor,
            organisation=wave.organisation_id,
            obj=action,
            wave=wave.pk,
        )
        PlannedAction.objects.filter(pk=action.pk, plan=plan).delete()
        _touch(plan, actor)


def whole_organisation_figures(wave: SurveyWave) -> OrganisationFigures:
    """The whole organisation's row of the wave's stored, suppressed figures, as staff may
    see it (`echoorg.core.diagnostic.action_plan.organisation_figures`)."""
    ensure_wave_figures(wave)
    whole = stored_figures(wave).results[0]  # the whole organisation heads the tree order
    return organisation_figures(
        whole.shown,
        whole.n,
        whole.means,
        whole.scale_n,
        scale_choices(wave),
        profile_to_json(whole.profile),
    )


def _snapshot_actions(wave: SurveyWave, plan: ActionPlan) -> list[dict]:
    names = dict(scale_choices(wave))
    return [
        {
            "what": a.what,
            "owner": a.owner,
            "due": a.due.isoformat(),
            "status": a.status,
            "scale": a.scale,
            "scale_name": names.get(a.scale, ""),
        }
        for a in plan.actions.order_by("due", "pk")
    ]


def publish(actor, wave: SurveyWave, now: dt.datetime | None = None) -> PublishedPlan:
    """Publish the plan as it stands, with the whole organisation's figures, to every
    member of the organisation: a new version, which staff see from now on."""
    _require_closed(wave)
    figures = whole_organisation_figures(wave)
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        actions = _snapshot_actions(wave, plan)
        if not plan.summary and not actions:
            raise ValidationError(
                "Write what you heard or add at least one action before publishing."
            )
        last = plan.versions.order_by("-number").values_list("number", flat=True).first()
        version = PublishedPlan.objects.create(
            plan=plan,
            number=(last or 0) + 1,
            published=now or timezone.now(),
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
            summary=plan.summary,
            actions=actions,
            figures=figures.to_json(),
        )
        if plan.published_version_id:
            PublishedPlan.objects.filter(pk=plan.published_version_id).update(
                withdrawn=version.published
            )
        plan.published_version = version
        plan.save(update_fields=["published_version"])
        record(
            "plan.published",
            actor=actor,
            organisation=wave.organisation_id,
            obj=version,
            wave=wave.pk,
            version=version.number,
            actions=len(actions),
        )
    return version


def unpublish(actor, wave: SurveyWave) -> PublishedPlan:
    """Withdraw the published version: staff no longer see the plan or the figures."""
    with transaction.atomic():
        plan = _locked_plan(actor, wave)
        if plan.published_version_id is None:
            raise ValidationError("Nothing is published for this survey.")
        version = PublishedPlan.objects.select_for_update().get(pk=plan.published_version_id)
        version.withdrawn = timezone.now()
        version.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
        version.save(update_fields=["withdrawn", "withdrawn_by"])
        plan.published_version = None
        plan.save(update_fields=["published_version"])
        record(
            "plan.unpublished",
            actor=actor,
            organisation=wave.organisation_id,
            obj=version,
            wave=wave.pk,
            version=version.number,
        )
    return version


# -- reading what is published --------------------------------------------------------------


def published_plans(organisation) -> list[ActionPlan]:
    """The organisation's plans with a published version, latest survey first (one query)."""
    return list(
        ActionPlan.objects.filter(
            wave__organisation=organisation,
            wave__status=SurveyWave.CLOSED,
            published_version__isnull=False,
        )
        .select_related("wave", "published_version")
        .order_by("-wave__closes_on", "-wave__pk")
    )


def latest_published(organisation) -> ActionPlan | None:
    """The plan of the latest survey with a published version, or None (one query)."""
    found = (
        ActionPlan.objects.filter(
            wave__organisation=organisation,
            wave__status=SurveyWave.CLOSED,
            published_version__isnull=False,
        )
        .select_related("wave", "published_version")
        .order_by("-wave__closes_on", "-wave__pk")
        .first()
    )
    if found is not None:
        version = found.published_version
        found.progress = plan_progress(
            [(a["status"], dt.date.fromisoformat(a["due"])) for a in version.actions],
            timezone.localdate(),
        )
    return found


def published_version(wave: SurveyWave) -> PublishedPlan | None:
    """The version staff see for `wave`, or None when nothing is published (one query)."""
    if wave.status != SurveyWave.CLOSED:
        return None
    plan = ActionPlan.objects.filter(wave=wave).select_related("published_version").first()
    return plan.published_version if plan is not None else None


def published_view(version: PublishedPlan, today: dt.date | None = None) -> dict:
    """What the staff page and the API show of a published version: its summary, the
    figures (with the three-systems profile decoded), the actions with their status labels
    and the plan's progress."""
    return _view(
        OrganisationFigures.from_json(version.figures), version.actions, version.summary, today
    )


def preview_view(wave: SurveyWave, plan: ActionPlan | None, figures: OrganisationFigures) -> dict:
    """The same as `published_view`, for the plan as it stands (before publishing it)."""
    actions = _snapshot_actions(wave, plan) if plan is not None else []
    return _view(figures, actions, plan.summary if plan is not None else "")


def _view(
    figures: OrganisationFigures, actions: list[dict], summary: str, today: dt.date | None = None
) -> dict:
    shown = [
        {**a, "due": dt.date.fromisoformat(a["due"]), "status_label": STATUSES[a["status"]]}
        for a in actions
    ]
    progress = plan_progress(
        [(a["status"], a["due"]) for a in shown], today or timezone.localdate()
    )
    return {
        "summary": summary,
        "figures": figures,
        "profile": profile_from_json(figures.profile),
        "actions": shown,
        "progress": progress,
    }
