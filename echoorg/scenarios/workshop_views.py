"""Workshop pages. The facilitator's shared screen (login, `scenarios.facilitate`) shows
the scene, the join code and the votes so far, and decides each step; participants reach
their page with the code alone, no account, and vote with one button per option.

A participant is known only by a random token in a cookie scoped to /w/ (the server keeps
a digest of it on their vote); the participant pages set no session and show no counts.
Both pages poll for changes with a small static script (workshop.js) and offer a refresh
link for browsers without JavaScript.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from echoorg.core.scenarios import workshop as rules
from echoorg.core.scenarios.story import ScenarioError
from echoorg.orgs.permissions import organisation_for

from . import charts, services, workshops
from .catalogue import scenarios
from .models import Workshop

ACTION = "scenarios.facilitate"
COOKIE = "echoorg_workshop"
COOKIE_AGE = 24 * 60 * 60


def _facilitated(request: HttpRequest, slug: str, workshop_id: int):
    org, member = organisation_for(request.user, slug, ACTION)
    found = Workshop.objects.filter(pk=workshop_id, organisation=org).first()
    if found is None:
        raise Http404("No such workshop.")
    return org, member, found


def _split(workshop: Workshop) -> rules.Split:
    return rules.vote_split(workshops.counts(workshop))


def _qr(link: str) -> str:
    import segno

    return segno.make(link, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR code of the link to join this workshop"
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_list(request: HttpRequest, slug: str) -> HttpResponse:
    org, member = organisation_for(request.user, slug, ACTION)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("scenario", "")
        if chosen in scenarios():
            started = workshops.start_workshop(request.user, org, member, chosen)
            return redirect("workshop", slug=org.slug, workshop_id=started.pk)
        messages.error(request, "Choose one of the scenarios listed.")
        status = 400
    titles = {s.id: s.title for s in scenarios().values()}
    return render(
        request,
        "scenarios/workshops.html",
        {
            "org": org,
            "scenarios": list(scenarios().values()),
            "workshops": [
                (w, titles.get(w.scenario, w.scenario))
                for w in Workshop.objects.filter(organisation=org).order_by("-started_at")[:50]
            ],
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def workshop(request: HttpRequest, slug: str, workshop_id: int) -> HttpResponse:
    org, member, found = _facilitated(request, slug, workshop_id)
    if request.method == "POST":
        try:
            step = int(request.POST.get("step", ""))
            pick_text = request.POST.get("pick", "majority")
            pick = None if pick_text == "majority" else int(pick_text)
        except ValueError:
            messages.error(request, "Choose the majority or one of the options.")
            return redirect("workshop", slug=org.slug, workshop_id=found.pk)
        try:
            workshops.decide(request.user, found, step, pick)
        except workshops.StaleStep:
            messages.info(request, "That decision was already taken; here is where the room is.")
        except workshops.NeedsFacilitator as exc:
            messages.error(request, str(exc))
        except ScenarioError as exc:
            messages.error(request, str(exc))
        found.refresh_from_db()
        if found.finished:
            return redirect("workshop_debrief", slug=org.slug, workshop_id=found.pk)
        return redirect("workshop", slug=org.slug, workshop_id=found.pk)
    if found.finished:
        return redirect("workshop_debrief", slug=org.slug, workshop_id=found.pk)
    split = _split(found)
    join = request.build_absolute_uri(reverse("workshop_join"))
    return render(
        request,
        "scenarios/workshop.html",
        {
            "org": org,
            "workshop": found,
            "scenario": services.scenario_of(found),
            "passage": found.passage,
            "options": list(zip(found.passage.get("options", []), split.options, strict=True)),
            "total": split.total,
            "join_url": join,
            "qr": _qr(request.build_absolute_uri(reverse("workshop_room", args=[found.code]))),
            "poll_url": reverse("workshop_status", args=[org.slug, found.pk]),
        },
    )


@never_cache
@login_required
@require_GET
def workshop_status(request: HttpRequest, slug: str, workshop_id: int) -> JsonResponse:
    """The shared screen's poll: the step, whether the room has finished, and the vote
    labels (counts under three as "fewer than 3")."""
    _, _, found = _facilitated(request, slug, workshop_id)
    split = _split(found)
    return JsonResponse(
        {
            "step": found.step,
            "finished": found.finished,
            "options": list(split.options),
            "total": split.total,
        }
    )


@login_required
@require_GET
def workshop_debrief(request: HttpRequest, slug: str, workshop_id: int) -> HttpResponse:
    org, _, found = _facilitated(request, slug, workshop_id)
    if not found.finished:
        return redirect("workshop", slug=org.slug, workshop_id=found.pk)
    chosen = services.scenario_of(found)
    steps = list(found.steps.all())
    trajectory = services.trajectory(found, steps)
    return render(
        request,
        "scenarios/workshop_debrief.html",
        {
            "org": org,
            "workshop": found,
            "scenario": chosen,
            "steps": [
                {
                    "step": s,
                    "split": list(zip(s.options, rules.vote_split(s.votes).options, strict=True)),
                    "total": rules.vote_split(s.votes).total,
                    "names": services.code_names(s.codes),
                }
                for s in steps
            ],
            "trajectory": [
                {"label": "Start" if i == 0 else str(i), **t} for i, t in enumerate(trajectory)
            ],
            "chart": charts.trajectory_svg(trajectory, f"The room's three systems: {chosen.title}"),
            "legend": charts.legend(),
            "final": trajectory[-1],
            "outcome_lines": _after_debrief(found.passage.get("lines", [])),
            "patterns": services.pattern_links(org, steps),
        },
    )


def _after_debrief(lines: list[dict]) -> list[str]:
    marks = [i for i, line in enumerate(lines) if "debrief" in line.get("tags", [])]
    start = marks[0] + 1 if marks else 0
    return [line["text"] for line in lines[start:] if line["text"]]


# -- participants (no account) ------------------------------------------------------------


def _with_token(request: HttpRequest, response: HttpResponse, token: str) -> HttpResponse:
    if request.COOKIES.get(COOKIE) != token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_AGE,
            path="/w/",
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_http_methods(["GET", "POST"])
def workshop_join(request: HttpRequest) -> HttpResponse:
    error = ""
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:20]
        found = workshops.open_workshop(code)
        if found is not None and not found.finished:
            return redirect("workshop_room", code=found.code)
        error = "No running workshop has that code. Check it with your facilitator."
    return render(
        request,
        "scenarios/workshop_join.html",
        {"error": error, "code": code},
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def workshop_room(request: HttpRequest, code: str) -> HttpResponse:
    found = workshops.open_workshop(code)
    if found is None:
        raise Http404("No such workshop.")
    token = request.COOKIES.get(COOKIE, "")
    if len(token) < 40 or len(token) > 100:
        token = rules.new_participant_token()
    if request.method == "POST":
        try:
            step = int(request.POST.get("step", ""))
            index = int(request.POST.get("choice", ""))
        except ValueError:
            step, index = -1, -1
        workshops.vote(found, token, step, index)
        return _with_token(request, redirect("workshop_room", code=found.code), token)
    chosen = services.scenario_of(found)
    mine = workshops.own_vote(found, token)
    options = found.passage.get("options", [])
    response = render(
        request,
        "scenarios/workshop_room.html",
        {
            "workshop": found,
            "scenario": chosen,
            "passage": found.passage,
            "options": options,
            "mine": options[mine]["text"] if mine is not None and mine < len(options) else "",
            "poll_url": reverse("workshop_room_status", args=[found.code]),
        },
    )
    return _with_token(request, response, token)


@never_cache
@require_GET
def workshop_room_status(request: HttpRequest, code: str) -> JsonResponse:
    """A participant's poll: only the step and whether the workshop has finished."""
    found = workshops.open_workshop(code)
    if found is None:
        raise Http404("No such workshop.")
    return JsonResponse({"step": found.step, "finished": found.finished})
