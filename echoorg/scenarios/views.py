"""The scenario pages. Every page is the learner's own: a play is looked up by its id and
the person's membership together, so another person's play is "not found" whatever
their role. Choices are plain POST forms (one button each, CSRF-protected) followed by a
redirect, so the pages work without JavaScript and a reload never repeats a choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echoorg.core.scenarios.story import ScenarioError
from echoorg.orgs.permissions import organisation_for

from . import charts, services
from .catalogue import scenario
from .models import Play

ACTION = "scenarios.play"


def _own(request: HttpRequest, slug: str, play_id: int):
    org, member = organisation_for(request.user, slug, ACTION)
    play = services.own_play(member, play_id)
    if play is None:
        raise Http404("No such play.")
    return org, member, play


@login_required
@require_GET
def scenario_list(request: HttpRequest, slug: str) -> HttpResponse:
    org, member = organisation_for(request.user, slug, ACTION)
    rows = services.scenario_rows(member)
    return render(
        request,
        "scenarios/list.html",
        {
            "org": org,
            "rows": rows,
            "in_progress": [r for r in rows if r["latest"] and not r["latest"].finished],
        },
    )


@login_required
@require_POST
def scenario_start(request: HttpRequest, slug: str, scenario_id: str) -> HttpResponse:
    org, member = organisation_for(request.user, slug, ACTION)
    if scenario(scenario_id) is None:
        raise Http404("No such scenario.")
    play = services.start_play(request.user, org, member, scenario_id)
    return redirect("scenario_play", slug=org.slug, play_id=play.pk)


@login_required
@require_http_methods(["GET", "POST"])
def play(request: HttpRequest, slug: str, play_id: int) -> HttpResponse:
    org, member, found = _own(request, slug, play_id)
    if request.method == "POST":
        try:
            step = int(request.POST.get("step", ""))
            index = int(request.POST.get("choice", ""))
        except ValueError:
            messages.error(request, "Choose one of the options shown.")
            return redirect("scenario_play", slug=org.slug, play_id=found.pk)
        try:
            services.make_choice(request.user, found, step, index)
        except services.StaleChoice:
            messages.info(request, "That decision was already made; here is where you are now.")
        except ScenarioError as exc:
            messages.error(request, str(exc))
        found.refresh_from_db()
        if found.finished:
            return redirect("scenario_debrief", slug=org.slug, play_id=found.pk)
        return redirect("scenario_play", slug=org.slug, play_id=found.pk)
    if found.finished:
        return redirect("scenario_debrief", slug=org.slug, play_id=found.pk)
    chosen = services.scenario_of(found)
    taken = list(found.choices.all())
    return render(
        request,
        "scenarios/play.html",
        {
            "org": org,
            "play": found,
            "scenario": chosen,
            "passage": found.passage,
            "step": len(taken) + 1,
            "taken": taken,
        },
    )


def _reflection_url(org, play: Play) -> str:
    """The guided reflection's new-reflection page, pre-filled from this play, when the
    reflection tool is installed (echoorg.development reads `from_scenario`)."""
    try:
        return reverse("reflection_new", kwargs={"slug": org.slug}) + f"?from_scenario={play.pk}"
    except NoReverseMatch:
        return ""


def _after_debrief(lines: list[dict]) -> list[str]:
    """The ending's text: the lines after the one tagged `debrief`."""
    marks = [i for i, line in enumerate(lines) if "debrief" in line.get("tags", [])]
    start = marks[0] + 1 if marks else 0
    return [line["text"] for line in lines[start:] if line["text"]]


@login_required
@require_GET
def debrief(request: HttpRequest, slug: str, play_id: int) -> HttpResponse:
    org, member, found = _own(request, slug, play_id)
    if not found.finished:
        return redirect("scenario_play", slug=org.slug, play_id=found.pk)
    chosen = services.scenario_of(found)
    taken = list(found.choices.all())
    steps = services.trajectory(found, taken)
    return render(
        request,
        "scenarios/debrief.html",
        {
            "org": org,
            "play": found,
            "scenario": chosen,
            "taken": taken,
            "path": [(c, services.code_names(c.codes)) for c in taken],
            "steps": [{"label": "Start" if i == 0 else str(i), **s} for i, s in enumerate(steps)],
            "chart": charts.trajectory_svg(steps, f"Three systems during {chosen.title}"),
            "legend": charts.legend(),
            "final": steps[-1],
            "patterns": services.pattern_links(org, taken),
            "prefill": services.reflection_prefill(found),
            "reflection_url": _reflection_url(org, found),
            "outcome_lines": _after_debrief(found.passage.get("lines", [])),
        },
    )
