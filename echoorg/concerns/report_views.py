"""The reporter's side: raising a concern (no login needed) and following it up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.accounts.models import LoginFailure
from echoorg.audit.log import record
from echoorg.core.concerns.clocks import EVENT_LABELS
from echoorg.core.throttle import ThrottlePolicy, locked_until
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import membership
from echoorg.web.forms import submitted, submitted_files

from . import services
from .forms import MessageForm, ReceiptForm, ReportForm, SpeakAgainForm
from .models import Attachment, Concern

SESSION_KEY = "echo_speakup_case"
# Receipt guesses are limited per organisation (there is no per-person key to use, as
# nothing about anonymous visitors is kept): 20 failures in 10 minutes lock for 10.
RECEIPT_POLICY = ThrottlePolicy(max_failures=20, window=dt.timedelta(minutes=10),
                                lockout=dt.timedelta(minutes=10))
REPORTER_STAGES = ["received", "acknowledged", "assessed", "investigation_opened",
                   "feedback_given", "concluded"]


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


@never_cache
@require_http_methods(["GET", "POST"])
def speak_up(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    member = membership(request.user, organisation)
    logged_in = member is not None
    form = ReportForm(organisation, submitted(request), submitted_files(request),
                      logged_in=logged_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user if logged_in and data["mode"] != "anonymous" else None
        name = data["name"].strip() or (user.display_name if user else "")
        raised = services.raise_concern(
            organisation, mode=data["mode"], category=data["category"],
            at_risk=data["at_risk"], risk_of_harm=data["risk_now"] == "yes",
            text=data["text"], unit=data["unit"], reporter=user, name=name,
            contact=data["contact"].strip(), files=data["attachments"],
            with_receipt=user is None)
        # The receipt is shown in this response only: not in a URL, not in a redirect.
        response = render(request, "concerns/received.html", {
            "org": organisation, "concern": raised.concern, "receipt": raised.receipt,
            "mode": data["mode"], "risk_now": data["risk_now"] == "yes",
            "policy": services.policy_for(organisation)})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "concerns/speak_up.html", {
        "org": organisation, "form": form, "logged_in": logged_in,
        "limit_mb": settings.ECHOORG_ATTACHMENT_MAX_BYTES / (1024 * 1024)},
        status=400 if request.method == "POST" else 200)


def _receipt_lock(organisation: Organisation) -> dt.datetime | None:
    key = LoginFailure.key_for(f"receipt:{organisation.pk}")
    since = timezone.now() - RECEIPT_POLICY.window - RECEIPT_POLICY.lockout
    times = list(LoginFailure.objects.filter(key=key, at__gte=since).values_list("at",
                                                                                 flat=True))
    return locked_until(times, timezone.now(), RECEIPT_POLICY)


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = ReceiptForm(submitted(request))
    status = 200
    if request.user.is_authenticated:
        # Opening an anonymous concern in a logged-in session would put the account and
        # the concern side by side on the server; ask for a logged-out window instead.
        return render(request, "concerns/follow_up.html", {
            "org": organisation, "form": None, "logged_in": True})
    if request.method == "POST" and form.is_valid():
        if _receipt_lock(organisation) is not None:
            form.add_error("code", "Too many wrong codes have been tried here recently. "
                                   "Wait ten minutes and try again.")
            status = 429
        else:
            concern = services.find_by_receipt(organisation, form.cleaned_data["code"])
            if concern is None:
                LoginFailure.objects.create(key=LoginFailure.key_for(
                    f"receipt:{organisation.pk}"))
                form.add_error("code", "That code does not match a concern here. Check the "
                                       "16 digits.")
                status = 400
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = {"org": organisation.pk, "case": concern.pk}
                return redirect("speak_up_case", slug=organisation.slug)
    elif request.method == "POST":
        status = 400
    return render(request, "concerns/follow_up.html", {"org": organisation, "form": form},
                  status=status)


def _reporter_case(request: HttpRequest, organisation: Organisation) -> Concern:
    held = request.session.get(SESSION_KEY) or {}
    if held.get("org") != organisation.pk:
        raise Http404("Enter your receipt code first.")
    return get_object_or_404(Concern, pk=held.get("case"), organisation=organisation)


@never_cache
@require_http_methods(["GET", "POST"])
def reporter_case(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    try:
        concern = _reporter_case(request, organisation)
    except Http404:
        return redirect("speak_up_follow_up", slug=slug)
    return _reporter_page(request, organisation, concern, in_app=False)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_concern(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """A logged-in reporter's own named or confidential concern."""
    organisation = _organisation(slug)
    concern = get_object_or_404(Concern, organisation=organisation, reference=reference,
                                reporter=request.user)
    return _reporter_page(request, organisation, concern, in_app=True)


def _reporter_page(request: HttpRequest, organisation: Organisation, concern: Concern,
                   in_app: bool) -> HttpResponse:
    message_form = MessageForm(submitted(request) if "message" in request.POST else None,
                               submitted_files(request) if "message" in request.POST else None)
    speak_form = SpeakAgainForm(submitted(request) if "speak_again" in request.POST else None)
    if request.method == "POST":
        if "message" in request.POST and message_form.is_valid():
            with transaction.atomic():
                services.send_message(concern, message_form.cleaned_data["body"],
                                      from_reporter=True)
                for upload in message_form.cleaned_data["attachments"]:
                    services.add_attachment(concern, upload, from_reporter=True)
            messages.success(request, "Your message has been sent to the guardian.")
            return redirect(request.path)
        if "detriment" in request.POST:
            services.report_detriment(concern)
            messages.success(request, "Thank you. The guardian has been told that you have "
                                      "been treated badly for speaking up.")
            return redirect(request.path)
        if "speak_again" in request.POST and speak_form.is_valid():
            concern.would_speak_up_again = speak_form.cleaned_data["would_speak_up_again"]
            concern.save(update_fields=["would_speak_up_again"])
            record("concern.speak_up_again_answered", organisation=organisation, obj=concern)
            messages.success(request, "Thank you for answering.")
            return redirect(request.path)
        if "leave" in request.POST:
            request.session.pop(SESSION_KEY, None)
            return redirect("speak_up", slug=organisation.slug)
    done = {e.type for e in concern.events.all()}
    stages = [{"label": EVENT_LABELS[s], "done": s in done} for s in REPORTER_STAGES]
    return render(request, "concerns/reporter_case.html", {
        "org": organisation, "concern": concern, "stages": stages,
        "thread": concern.messages.all(), "message_form": message_form,
        "speak_form": speak_form, "concluded": concern.is_concluded, "in_app": in_app,
        "attachments": concern.attachments.filter(from_reporter=False),
    }, status=400 if request.method == "POST" else 200)


def reporter_attachment(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """Files the guardian sent to the reporter (by receipt session or own account)."""
    organisation = _organisation(slug)
    held = request.session.get(SESSION_KEY) or {}
    concern_ids = [held.get("case")] if held.get("org") == organisation.pk else []
    if request.user.is_authenticated:
        concern_ids += list(Concern.objects.filter(organisation=organisation,
                                                   reporter=request.user)
                            .values_list("pk", flat=True))
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, concern_id__in=concern_ids,
        concern__organisation=organisation, from_reporter=False)
    return services.attachment_response(attachment)


@login_required
@never_cache
def my_concerns(request: HttpRequest) -> HttpResponse:
    raised = Concern.objects.filter(reporter=request.user).select_related("organisation")
    return render(request, "concerns/my_concerns.html", {"concerns": raised})


