"""Pages of leader development: "My development", writing a reflection (with autosave),
sharing it with a mentor, a mentor's reading, and the facilitators' word lists and uptake.

Every page asks the permission table for the organisation first (outsiders: not found;
members without the role: forbidden), then finds the reflection for this very person
(services.own_reflection / shared_reflection: anyone else gets not found).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echoorg.common.parts import development_items
from echoorg.core.development.reflection import GRID, grid_position
from echoorg.core.development.reflection_aid import default_word_lists, describe_draft
from echoorg.core.roles import allowed
from echoorg.orgs.permissions import organisation_for

from . import services
from .models import Reflection

AUTOSAVE_HEADER = "X-Autosave"


def _saved_at(reflection: Reflection) -> str:
    return timezone.localtime(reflection.updated).strftime("%H:%M")


def _answers_from(request: HttpRequest) -> dict[str, object]:
    """The answers a reflection form sent (fields `answer_<prompt id>`)."""
    return {
        p.id: request.POST.get(f"answer_{p.id}", "")
        for p in services.guide().prompts
        if f"answer_{p.id}" in request.POST
    }


def _grid_view(answers: dict[str, str]) -> dict:
    """What the safe-uncertainty grid shows: the four positions, with the before and after
    positions marked (the first and last grid prompts of the guide)."""
    grid_prompts = [p for p in services.guide().prompts if p.kind == "grid"]
    before = grid_position(answers.get(grid_prompts[0].id, "")) if grid_prompts else None
    after = grid_position(answers.get(grid_prompts[-1].id, "")) if grid_prompts else None
    cells = []
    for position in GRID:
        x = 0 if position.certain else 1
        y = 0 if position.safe else 1
        cells.append(
            {
                "position": position,
                "x": 70 + x * 140,
                "y": 30 + y * 100,
                "before": before is not None and before.id == position.id,
                "after": after is not None and after.id == position.id,
            }
        )
    return {"cells": cells, "before": before, "after": after}


def _aid(organisation, answers: dict[str, str]):
    return describe_draft(services.guide(), answers, services.word_lists_for(organisation))


BAR_WIDTH = 180  # the longest bar of the aid's chart (SVG units)


def _aid_bars(aid) -> list[dict]:
    """The aid's mentions as bars: one per word list, the longest list BAR_WIDTH long."""
    most = max((m.total for m in aid.mentions), default=0) or 1
    return [
        {
            "label": m.list.label,
            "total": m.total,
            "width": round(BAR_WIDTH * m.total / most),
            "y": 8 + i * 30,
            "at_risk": m.list.id == "at_risk",
        }
        for i, m in enumerate(aid.mentions)
    ]


def _editor_context(org, reflection: Reflection, answers: dict[str, str], **extra) -> dict:
    guide = services.guide()
    steps = [
        {
            "step": step,
            "prompts": [
                {"prompt": p, "value": answers.get(p.id, ""), "name": f"answer_{p.id}"}
                for p in step.prompts
            ],
        }
        for step in guide.steps
    ]
    aid = _aid(org, answers)
    shared_name = ""
    if reflection.shared_with_id:
        # The mentor is usually among those listed for sharing (no extra query); a person
        # who has lost the role or left is named from their membership, if any.
        listed = {m.user_id: m.display_name for m in extra.get("mentors", [])}
        shared_name = listed.get(reflection.shared_with_id) or services.author_names(
            org, [reflection.shared_with_id]
        ).get(reflection.shared_with_id, "a person who has left the organisation")
    return {
        "org": org,
        "reflection": reflection,
        "shared_name": shared_name,
        "guide": guide,
        "steps": steps,
        "grid": GRID,
        "grid_view": _grid_view(answers),
        "aid": aid,
        "aid_bars": _aid_bars(aid),
        "word_lists": services.word_lists_for(org),
        "saved_at": _saved_at(reflection),
        **extra,
    }


@login_required
@require_GET
def development(request: HttpRequest, slug: str) -> HttpResponse:
    org, member = organisation_for(request.user, slug, "development.own")
    items = development_items(request, org, member)
    return render(
        request,
        "development/development.html",
        {
            "org": org,
            "started": [i for i in items if i.updated],
            "waiting": [i for i in items if not i.updated],
            "may_reflect": allowed(member.roles, "reflection.write"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_new(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.write")
    problems: list[str] = []
    title = ""
    incident = ""
    if request.method == "POST":
        title = request.POST.get("title", "")
        incident = request.POST.get("incident", "")
        try:
            reflection = services.start_reflection(
                request.user, org, title=title, incident=incident
            )
        except services.ReflectionError as exc:
            problems = exc.problems
        else:
            messages.success(request, "Your reflection is started. It saves as you type.")
            return redirect("reflection", slug=org.slug, reflection_id=reflection.pk)
    elif request.GET.get("from_scenario"):
        incident = services.scenario_prefill(request.user, org, request.GET["from_scenario"])
    return render(
        request,
        "development/reflection_new.html",
        {"org": org, "problems": problems, "title": title, "incident": incident},
        status=400 if problems else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, slug: str, reflection_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.write")
    found = services.own_reflection(org, request.user, reflection_id)
    autosave = request.headers.get(AUTOSAVE_HEADER) == "1"
    if request.method == "GET":
        return render(
            request,
            "development/reflection.html",
            _editor_context(
                org,
                found,
                found.answers,
                title=found.title,
                mentors=services.mentors_for(org, request.user),
                comments=list(found.comments.all()),
            ),
        )
    action = request.POST.get("action", "save")
    finished = {"finish": True, "reopen": False}.get(action)
    answers = _answers_from(request)
    title = request.POST.get("title", "")
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1  # a form without its revision cannot prove it is current
    try:
        services.save_reflection(
            request.user, found, title=title, answers=answers, revision=revision, finished=finished
        )
    except services.ReflectionError as exc:
        status = 409 if isinstance(exc, services.StaleReflection) else 400
        if autosave:
            return JsonResponse({"problems": exc.problems}, status=status)
        stored = services.own_reflection(org, request.user, reflection_id)
        return render(
            request,
            "development/reflection.html",
            _editor_context(
                org,
                stored,
                {k: v for k, v in answers.items() if isinstance(v, str)},
                title=title,
                problems=exc.problems,
                mentors=services.mentors_for(org, request.user),
                comments=list(stored.comments.all()),
                stale=status == 409,
            ),
            status=status,
        )
    if autosave:
        answers_now = found.answers
        aid = _aid(org, answers_now)
        return JsonResponse(
            {
                "saved_at": _saved_at(found),
                "revision": found.revision,
                "aid_html": render_to_string(
                    "development/_aid_body.html",
                    {
                        "aid": aid,
                        "aid_bars": _aid_bars(aid),
                        "grid_view": _grid_view(answers_now),
                        "word_lists": services.word_lists_for(org),
                        "org": org,
                    },
                    request=request,
                ),
            }
        )
    note = {
        True: "Saved and marked finished.",
        False: "Saved; the reflection is in progress again.",
    }.get(finished, f"Saved at {_saved_at(found)}.")
    messages.success(request, note)
    return redirect("reflection", slug=org.slug, reflection_id=found.pk)


@login_required
@require_POST
def reflection_share(request: HttpRequest, slug: str, reflection_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.write")
    found = services.own_reflection(org, request.user, reflection_id)
    if request.POST.get("action") == "unshare":
        services.unshare_reflection(request.user, found)
        messages.success(request, "The reflection is private again: only you can read it.")
    else:
        try:
            services.share_reflection(request.user, found, request.POST.get("mentor", ""))
        except services.ReflectionError as exc:
            messages.error(request, " ".join(exc.problems))
        else:
            name = services.author_names(org, [found.shared_with_id]).get(found.shared_with_id)
            messages.success(request, f"Shared with {name}. Nobody else can read it.")
    return redirect(reverse("reflection", args=[org.slug, found.pk]) + "#sharing")


@login_required
@require_http_methods(["GET", "POST"])
def reflection_delete(request: HttpRequest, slug: str, reflection_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.write")
    found = services.own_reflection(org, request.user, reflection_id)
    if request.method == "POST" and request.POST.get("confirm") == "delete":
        services.delete_reflection(request.user, found)
        messages.success(request, "The reflection is deleted.")
        return redirect("development", slug=org.slug)
    return render(request, "development/reflection_delete.html", {"org": org, "reflection": found})


@login_required
@require_GET
def reflections_shared(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.mentor")
    shared = list(services.shared_with(org, request.user).order_by("-shared_at", "-pk"))
    names = services.author_names(org, [r.author_id for r in shared])
    rows = [{"reflection": r, "author": names.get(r.author_id, "")} for r in shared]
    return render(request, "development/shared_list.html", {"org": org, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def reflection_shared(request: HttpRequest, slug: str, reflection_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.mentor")
    found = services.shared_reflection(org, request.user, reflection_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.add_comment(request.user, found, request.POST.get("comment", ""))
        except services.ReflectionError as exc:
            problems = exc.problems
        else:
            messages.success(request, "Your comment is added; the author can read it.")
            return redirect("reflection_shared", slug=org.slug, reflection_id=found.pk)
    else:
        services.note_mentor_read(request.user, found)
    answers = found.answers
    steps = [
        {
            "step": step,
            "prompts": [{"prompt": p, "value": answers.get(p.id, "")} for p in step.prompts],
        }
        for step in services.guide().steps
    ]
    return render(
        request,
        "development/shared_read.html",
        {
            "org": org,
            "reflection": found,
            "author": services.author_names(org, [found.author_id]).get(found.author_id, ""),
            "steps": steps,
            "grid_view": _grid_view(answers),
            "comments": list(found.comments.all()),
            "problems": problems,
            "comment": request.POST.get("comment", "") if problems else "",
        },
        status=400 if problems else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_words(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.words")
    lists = services.word_lists_for(org)
    texts = {w.id: "\n".join(w.entries) for w in lists}
    problems: list[str] = []
    if request.method == "POST":
        texts = {w.id: request.POST.get(w.id, "") for w in lists}
        if request.POST.get("action") == "restore":
            texts = {w.id: "\n".join(w.entries) for w in default_word_lists()}
        try:
            services.change_word_lists(request.user, org, texts)
        except services.ReflectionError as exc:
            problems = exc.problems
        else:
            messages.success(request, "The word lists are saved.")
            return redirect("reflection_words", slug=org.slug)
    rows = [{"list": w, "text": texts[w.id]} for w in lists]
    return render(
        request,
        "development/words.html",
        {"org": org, "rows": rows, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
@require_GET
def reflection_uptake(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "reflection.uptake")
    return render(
        request,
        "development/uptake.html",
        {"org": org, "uptake": services.uptake(org), "min_group": services.MIN_GROUP},
    )
