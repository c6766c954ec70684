"""The case analysis pages: the list (with the form to start one), each step's form, the
finished analysis as a page, and as a PDF.

Leaders write analyses (`analysis.write`); leaders and mentors read (`analysis.view`),
but only what `services.visible` gives them: their own, those shared with them as
mentor, and the worked examples. Anything else is "not found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from echoorg.common.forms import posted_rows, row_slots
from echoorg.concerns.learning import shared_cases
from echoorg.core.analysis.steps import (
    EVENT_KINDS,
    MAX_ACTIONS,
    MAX_EVENTS,
    MAX_STAGES,
    PRECISIONS,
    PROTECTIVE_RESPONSES,
    RESPONSE_LABELS,
    STEP_KEYS,
    STEPS,
    SYSTEMS,
    AnalysisError,
)
from echoorg.core.analysis.steps import (
    step as step_of,
)
from echoorg.core.concerns.clocks import DEFENSIVE_RESPONSES
from echoorg.core.library.shipped import library
from echoorg.orgs.permissions import can, organisation_for

from . import charts, pdf, services
from .models import CaseAnalysis


def date_text(iso: str, precision: str = "day") -> str:
    """An ISO date as words, to its precision: '29 Aug 2024', 'August 2024', '2024'."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return day.strftime("%B %Y")
    return day.strftime("%-d %b %Y")


BLANK_EVENT = {"date": "", "precision": "day", "kind": "concern_raised", "description": ""}
BLANK_STAGE = {"period": "", "starts": "", "ends": "", "dominant": "unclear", "reading": ""}


def _split_error(exc: AnalysisError) -> tuple[str, str]:
    field, _, message = str(exc).partition(": ")
    return field, message or str(exc)


@login_required
@require_http_methods(["GET", "POST"])
def analyses(request: HttpRequest, slug: str) -> HttpResponse:
    """The person's analyses, those shared with them, the worked examples, and (for
    leaders) the form to start an analysis."""
    org, member = organisation_for(request.user, slug, "analysis.view")
    may_write = can(request.user, org, "analysis.write")
    error = ""
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("Only leaders start case analyses.")
        shared_id = request.POST.get("shared_case") or ""
        try:
            started = services.start(
                request.user,
                org,
                source=request.POST.get("source", ""),
                inquiry_id=request.POST.get("inquiry", ""),
                shared_case_id=int(shared_id) if shared_id.isdigit() else None,
                title=request.POST.get("title", "")[:1000],
            )
        except AnalysisError as exc:
            error = _split_error(exc)[1]
        else:
            messages.success(request, "Analysis started. It is saved at every step.")
            return redirect("analysis_step", slug=org.slug, analysis_id=started.pk, step="facts")
    rows = list(services.visible(org, request.user).select_related("author"))
    mine = [a for a in rows if a.author_id == request.user.pk]
    shared_with_me = [
        a for a in rows if a.mentor_id == request.user.pk and a.author_id != request.user.pk
    ]
    examples = [a for a in rows if a.is_example]
    return render(
        request,
        "analysis/list.html",
        {
            "org": org,
            "mine": [(a, services.resume_step(a)) for a in mine],
            "shared_with_me": shared_with_me,
            "examples": examples,
            "may_write": may_write,
            "inquiries": library().cases if may_write else (),
            "shared_cases": shared_cases(org) if may_write else (),
            "error": error,
            "chosen": request.POST if request.method == "POST" else {},
            "steps": len(STEPS),
        },
        status=400 if error else 200,
    )


def _step_data(key: str, post: Any) -> dict[str, Any]:
    """The posted form of one step as the dict `clean_step` checks."""
    text = {name: post.get(name, "") for name in post if name in _TEXTS.get(key, ())}
    if key == "facts":
        text["events"] = posted_rows(
            post,
            "event",
            ("date", "precision", "kind", "description"),
            limit=MAX_EVENTS,
            preset=("precision", "kind"),
        )
    elif key == "systems":
        text["stages"] = posted_rows(
            post,
            "stage",
            ("period", "starts", "ends", "dominant", "reading"),
            limit=MAX_STAGES,
            preset=("dominant",),
        )
    elif key == "responses":
        text["defensive"] = post.getlist("defensive")
        text["protective"] = post.getlist("protective")
    elif key == "actions":
        text["actions"] = posted_rows(
            post, "action", ("action", "owner", "due"), limit=MAX_ACTIONS, preset=("due",)
        )
    return text


_TEXTS = {
    "facts": ("summary",),
    "risk": ("most_at_risk", "paramount"),
    "systems": ("balance",),
    "assumptions": ("assumptions", "power"),
    "unheard": ("not_heard", "missing_voices"),
    "responses": ("defensive_note", "protective_note"),
}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def analysis_step(request: HttpRequest, slug: str, analysis_id: int, step: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "analysis.write")
    analysis = services.writable(org, request.user, analysis_id)
    try:
        current = step_of(step)
    except AnalysisError:
        raise Http404("No such step.") from None
    content = analysis.content
    data = content.get(current.key, {})
    error = ""
    if request.method == "POST":
        data = _step_data(current.key, request.POST)
        try:
            services.save_step(request.user, analysis, current.key, data)
        except AnalysisError as exc:
            error = str(exc)
        else:
            position = STEP_KEYS.index(current.key)
            if request.POST.get("go") == "next" and position + 1 < len(STEP_KEYS):
                messages.success(request, f"Saved: {current.title}.")
                return redirect(
                    "analysis_step",
                    slug=org.slug,
                    analysis_id=analysis.pk,
                    step=STEP_KEYS[position + 1],
                )
            if request.POST.get("go") == "next":
                messages.success(request, "Saved. Here is your analysis as a whole.")
                return redirect("analysis", slug=org.slug, analysis_id=analysis.pk)
            messages.success(request, f"Saved: {current.title}.")
            return redirect(
                "analysis_step", slug=org.slug, analysis_id=analysis.pk, step=current.key
            )
    case = services.case_of(analysis)
    today = dt.date.today()
    context: dict[str, Any] = {
        "org": org,
        "analysis": analysis,
        "title": analysis.title,
        "step": current,
        "steps": [(s, s.key in analysis.steps_saved) for s in STEPS],
        "position": STEP_KEYS.index(current.key) + 1,
        "data": data,
        "case": case,
        "error": error,
        "kinds": EVENT_KINDS,
        "precisions": PRECISIONS,
        "systems": SYSTEMS,
        "is_last": current.key == STEP_KEYS[-1],
    }
    if current.key == "facts":
        context["events"] = row_slots(list(data.get("events", [])), BLANK_EVENT, 3)
    elif current.key == "systems":
        context["stages"] = row_slots(list(data.get("stages", [])), BLANK_STAGE, 2)
        context["timeline_events"] = services.timeline_events(analysis, content, case)
    elif current.key == "responses":
        chosen_d, chosen_p = set(data.get("defensive", [])), set(data.get("protective", []))
        context["defensive"] = [(c, RESPONSE_LABELS[c], c in chosen_d) for c in DEFENSIVE_RESPONSES]
        context["protective"] = [
            (c, RESPONSE_LABELS[c], c in chosen_p) for c in PROTECTIVE_RESPONSES
        ]
    elif current.key == "actions":
        # A new action's date is pre-filled a month ahead, in the ISO form the date input needs.
        blank = {"action": "", "owner": "", "due": (today + dt.timedelta(days=30)).isoformat()}
        context["actions"] = row_slots(list(data.get("actions", [])), blank, 3)
    return render(request, "analysis/step.html", context, status=400 if error else 200)


def _page_context(
    request: HttpRequest, org, analysis: CaseAnalysis, *, links: bool
) -> dict[str, Any]:
    content = analysis.content
    case = services.case_of(analysis)
    events = services.timeline_events(analysis, content, case)
    stages = content.get("systems", {}).get("stages", [])
    title = analysis.title
    return {
        "org": org,
        "analysis": analysis,
        "title": title,
        "content": content,
        "case": case,
        "events": [
            dict(
                e,
                kind_label=EVENT_KINDS.get(e["kind"], e["kind"]),
                when=date_text(e["date"], e.get("precision", "day")),
                n=n,
            )
            for n, e in enumerate(events)
        ],
        "timeline": charts.timeline_svg(title, events, stages, links=links),
        "legend": charts.legend(),
        "stages": [
            dict(
                s,
                system=SYSTEMS.get(s["dominant"], ""),
                starts_text=date_text(s["starts"]),
                ends_text=date_text(s["ends"]),
            )
            for s in stages
        ],
        "defensive": [
            RESPONSE_LABELS[c] for c in content.get("responses", {}).get("defensive", [])
        ],
        "protective": [
            RESPONSE_LABELS[c] for c in content.get("responses", {}).get("protective", [])
        ],
        "steps": STEPS,
        "is_author": analysis.author_id == request.user.pk and not analysis.is_example,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def analysis_page(request: HttpRequest, slug: str, analysis_id: int) -> HttpResponse:
    """The analysis as a whole; its author shares it with a mentor and marks it finished."""
    org, _ = organisation_for(request.user, slug, "analysis.view")
    analysis = services.readable(org, request.user, analysis_id)
    error = ""
    if request.method == "POST":
        organisation_for(request.user, slug, "analysis.write")
        if analysis.author_id != request.user.pk or analysis.is_example:
            raise Http404("No such analysis.")
        action = request.POST.get("action")
        try:
            if action == "share":
                chosen = request.POST.get("mentor", "")
                services.share(request.user, analysis, int(chosen) if chosen.isdigit() else None)
                messages.success(
                    request,
                    f"Shared with {analysis.mentor.display_name}."
                    if analysis.mentor
                    else "Shared with nobody.",
                )
            elif action in ("complete", "reopen"):
                services.complete(request.user, analysis, done=action == "complete")
                messages.success(
                    request,
                    "Marked as finished." if action == "complete" else "Marked as in progress.",
                )
            elif action == "rename":
                services.rename(request.user, analysis, request.POST.get("title", "")[:1000])
                messages.success(request, "Title changed.")
            else:
                raise AnalysisError("action: unknown.")
        except AnalysisError as exc:
            error = _split_error(exc)[1]
        else:
            return redirect("analysis", slug=org.slug, analysis_id=analysis.pk)
    if request.method == "GET":
        services.note_mentor_read(request.user, analysis)
    context = _page_context(request, org, analysis, links=True)
    context["error"] = error
    if context["is_author"]:
        context["mentors"] = services.mentors(org)
    return render(request, "analysis/analysis.html", context, status=400 if error else 200)


@login_required
@require_GET
def analysis_pdf(request: HttpRequest, slug: str, analysis_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "analysis.view")
    analysis = services.readable(org, request.user, analysis_id)
    services.note_mentor_read(request.user, analysis)
    context = _page_context(request, org, analysis, links=False)
    body = pdf.render_pdf("analysis/pdf.html", context)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-analysis-{analysis.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
