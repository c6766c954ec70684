"""Answering a survey through a single-use link (no login needed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from echoorg.common.forms import submitted

from . import services
from .forms import AnswerPageForm, FinalPageForm
from .models import Draft, Invitation, SurveyWave

ITEMS_PER_PAGE = 8


def _pages(invitation: Invitation) -> list[list]:
    items = list(invitation.wave.instrument.items_for(invitation.audience))
    return [items[i : i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)]


def _invitation_or_explain(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    invitation = Invitation.by_token(token)
    # A wave that collects by import takes no answers through echoorg's links at all.
    if invitation is None or not invitation.wave.uses_links:
        return render(
            request,
            "diagnostic/take_closed.html",
            {
                "title": "This link does not work",
                "message": "It may have been replaced by a newer link in a reminder email, or "
                "mistyped. If you have an echoorg account, log in and open the survey "
                "from 'Your surveys'.",
            },
            status=404,
        )
    if invitation.completed:
        return render(
            request,
            "diagnostic/take_closed.html",
            {
                "title": "Thank you: your answers are in",
                "message": "This link has been used. Your answers cannot be changed or traced "
                "back to you.",
            },
        )
    if not invitation.wave.accepts_answers():
        return render(
            request,
            "diagnostic/take_closed.html",
            {
                "title": "This survey is not open",
                "message": f"It is open from {invitation.wave.opens_on:%-d %B %Y} to "
                f"{invitation.wave.closes_on:%-d %B %Y}.",
            },
        )
    return invitation


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_explain(request, token)
    if isinstance(found, HttpResponse):
        return found
    draft = Draft.objects.filter(invitation=found).first()
    return render(
        request,
        "diagnostic/take_start.html",
        {
            "wave": found.wave,
            "token": token,
            "resume_page": draft.page if draft else 0,
            "pages": len(_pages(found)) + 1,
            "min_group": found.wave.min_group,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    found = _invitation_or_explain(request, token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    pages = _pages(invitation)
    if number < 1 or number > len(pages) + 1:
        raise Http404("No such page.")
    draft = Draft.objects.filter(invitation=invitation).first()
    saved = draft.answers if draft else {}
    instrument = invitation.wave.instrument
    total = len(pages) + 1
    if number <= len(pages):
        items = pages[number - 1]
        form = AnswerPageForm(
            instrument, items, submitted(request), initial={k: str(v) for k, v in saved.items()}
        )
        if request.method == "POST" and form.is_valid():
            answers = services.clean_answers(instrument, invitation.audience, form.cleaned_data)
            services.save_draft(invitation, answers, number)
            target = number - 1 if "back" in request.POST else number + 1
            if "save_exit" in request.POST:
                return render(
                    request,
                    "diagnostic/take_closed.html",
                    {
                        "title": "Your answers so far are saved",
                        "message": "Use the same link to carry on before the survey closes.",
                    },
                )
            if target < 1:
                return redirect("survey_start", token=token)
            return redirect("survey_page", token=token, number=target)
        return render(
            request,
            "diagnostic/take_page.html",
            {
                "wave": invitation.wave,
                "form": form,
                "number": number,
                "total": total,
                "token": token,
                "final": False,
            },
        )
    form = FinalPageForm(instrument, submitted(request))
    error = ""
    if request.method == "POST" and form.is_valid():
        if "back" in request.POST:
            return redirect("survey_page", token=token, number=number - 1)
        demographics = {
            key[5:]: value
            for key, value in form.cleaned_data.items()
            if key.startswith("demo_") and value
        }
        try:
            services.submit_response(
                invitation, demographics, form.cleaned_data["comment"], form.themed_comments()
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("survey_thanks")
    return render(
        request,
        "diagnostic/take_page.html",
        {
            "wave": invitation.wave,
            "form": form,
            "number": number,
            "total": total,
            "token": token,
            "final": True,
            "error": error,
            "answered": len(saved),
        },
        status=400 if error else 200,
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "diagnostic/take_closed.html",
        {
            "title": "Thank you: your answers are in",
            "message": "They are stored without your name, your link or the time you sent them, "
            "and are mixed with everyone else's, in a random order, when the survey "
            "closes, so nobody can trace them back to you. Results are only shown "
            "for groups large enough to keep everyone anonymous.",
        },
    )


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    invitations = (
        Invitation.objects.filter(user=request.user, wave__collection=SurveyWave.LINKS)
        .select_related("wave", "wave__organisation")
        .order_by("-wave__opens_on")
    )
    return render(request, "diagnostic/my_surveys.html", {"invitations": invitations})


@login_required
@require_POST
def answer_now(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Open one's own survey from inside the app: a fresh link replaces the emailed one."""
    invitation = get_object_or_404(Invitation, pk=invitation_id, user=request.user)
    # Printed slips carry no names, so a slip in someone's hands may be this person's
    # invitation: renewing it here would void that slip and leave its holder without one.
    if (
        invitation.completed
        or invitation.delivery == Invitation.PRINTED
        or not invitation.wave.uses_links
        or not invitation.wave.accepts_answers()
    ):
        return redirect("my_surveys")
    token = services.fresh_link(invitation)
    return redirect("survey_start", token=token)
