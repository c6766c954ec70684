"""Action plans and published results: leaders write a closed wave's plan and publish it;
every member of the organisation reads what is published."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from echoorg.orgs.permissions import can, organisation_for

from .. import plans
from ..charts import circles_svg
from ..models import PlannedAction, SurveyWave
from ..plan_forms import ActionForm, SummaryForm
from ._common import wave_for


def _errors_onto(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _action_fields(form) -> dict:
    data = form.cleaned_data
    return {k: data.get(k) for k in ("what", "owner", "due", "status", "scale")}


@login_required
@require_http_methods(["GET", "POST"])
def wave_plan(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """The plan of a closed wave as leaders see it: the summary, the actions, the versions
    published. A POST saves the summary ("summary") or adds an action ("add")."""
    org, wave = wave_for(request, slug, wave_id, "plan.view")
    may_write = can(request.user, org, "plan.write")
    closed = wave.status == SurveyWave.CLOSED
    plan = plans.plan_for(wave) if closed else None
    summary_form = SummaryForm(initial={"summary": plan.summary if plan else ""})
    action_form = ActionForm(plans.scale_choices(wave), today=timezone.localdate())
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("Your role does not allow writing the plan.")
        if not closed:
            messages.error(request, "An action plan is written once the wave has closed.")
            return redirect("wave", slug=org.slug, wave_id=wave.pk)
        if "add" in request.POST:
            action_form = ActionForm(plans.scale_choices(wave), request.POST)
            if action_form.is_valid():
                try:
                    plans.add_action(request.user, wave, **_action_fields(action_form))
                except ValidationError as exc:
                    _errors_onto(action_form, exc)
                else:
                    messages.success(request, "Action added. Publish the plan for staff to see it.")
                    return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)
        else:
            summary_form = SummaryForm(request.POST)
            if summary_form.is_valid():
                try:
                    plans.save_summary(request.user, wave, summary_form.cleaned_data["summary"])
                except ValidationError as exc:
                    _errors_onto(summary_form, exc)
                else:
                    messages.success(request, "Saved. Publish the plan for staff to see it.")
                    return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)
    actions = list(plan.actions.all()) if plan else []
    names = dict(plans.scale_choices(wave))
    for action in actions:
        action.scale_name = names.get(action.scale, "")
    return render(
        request,
        "diagnostic/plan.html",
        {
            "org": org,
            "wave": wave,
            "closed": closed,
            "plan": plan,
            "actions": actions,
            "versions": list(plan.versions.select_related("published_by", "withdrawn_by"))
            if plan
            else [],
            "may_write": may_write,
            "may_publish": can(request.user, org, "results.publish"),
            "summary_form": summary_form,
            "action_form": action_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_plan_action(request: HttpRequest, slug: str, wave_id: int, action_id: int) -> HttpResponse:
    """Change one action (POST with "save") or remove it (POST with "remove")."""
    org, wave = wave_for(request, slug, wave_id, "plan.write")
    action = get_object_or_404(
        PlannedAction.objects.select_related("plan__wave"), pk=action_id, plan__wave=wave
    )
    scales = plans.scale_choices(wave)
    form = ActionForm(
        scales,
        initial={
            "what": action.what,
            "owner": action.owner,
            "due": action.due,
            "status": action.status,
            "scale": action.scale,
        },
    )
    if request.method == "POST":
        if "remove" in request.POST:
            plans.remove_action(request.user, action)
            messages.success(request, "Action removed.")
            return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)
        form = ActionForm(scales, request.POST)
        if form.is_valid():
            try:
                plans.change_action(request.user, action, **_action_fields(form))
            except ValidationError as exc:
                _errors_onto(form, exc)
            else:
                messages.success(
                    request, "Action saved. Publish the plan again for staff to see it."
                )
                return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)
    return render(
        request,
        "diagnostic/plan_action.html",
        {"org": org, "wave": wave, "action": action, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_plan_publish(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """Publishing, confirmed: GET shows exactly what every member will read; POST publishes."""
    org, wave = wave_for(request, slug, wave_id, "results.publish")
    if wave.status != SurveyWave.CLOSED:
        raise Http404("Only a closed wave's results are published.")
    plan = plans.plan_for(wave)
    problem = ""
    if request.method == "POST":
        try:
            version = plans.publish(request.user, wave)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"Published (version {version.number}): everyone in {org.name} can read it now.",
            )
            return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)
    figures = plans.whole_organisation_figures(wave)
    preview = plans.preview_view(wave, plan, figures)
    return render(
        request,
        "diagnostic/plan_publish.html",
        {
            "org": org,
            "wave": wave,
            "plan": plan,
            "problem": problem,
            **preview,
            "circles": circles_svg(preview["profile"], org.name, key="publish")
            if preview["profile"]
            else None,
        },
    )


@login_required
@require_POST
def wave_plan_unpublish(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "results.publish")
    try:
        version = plans.unpublish(request.user, wave)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Version {version.number} withdrawn: staff no longer see this plan."
        )
    return redirect("wave_plan", slug=org.slug, wave_id=wave.pk)


# -- what every member reads ------------------------------------------------------------------


@login_required
def published_results(request: HttpRequest, slug: str) -> HttpResponse:
    """The surveys whose results and plans are published, latest first."""
    org, _ = organisation_for(request.user, slug, "results.read_published")
    return render(
        request,
        "diagnostic/published_list.html",
        {
            "org": org,
            "published": plans.published_plans(org),
            "may_write": can(request.user, org, "plan.view"),
        },
    )


@login_required
def published_result(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """One survey's published results and plan: "what staff said and what we will do"."""
    org, member = organisation_for(request.user, slug, "results.read_published")
    wave = get_object_or_404(SurveyWave, pk=wave_id, organisation=org)
    version = plans.published_version(wave)
    if version is None:
        raise Http404("Nothing is published for this survey.")
    shown = plans.published_view(version)
    return render(
        request,
        "diagnostic/published_wave.html",
        {
            "org": org,
            "wave": wave,
            "version": version,
            **shown,
            "circles": circles_svg(shown["profile"], org.name, key="published")
            if shown["profile"]
            else None,
            "may_see_plan": can(request.user, org, "plan.view"),
        },
    )
