"""The reporter's side: raising a concern (no login needed) and following it up."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted, submitted_files
from echoorg.core.concerns.clocks import EVENT_LABELS
from echoorg.core.concerns.intake import RATE, STORAGE
from echoorg.core.proof_of_work import Verdict
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import membership

from . import protection, services
from .forms import MessageForm, ReceiptForm, ReportForm, SpeakAgainForm
from .models import Attachment, Concern

SESSION_KEY = "echo_speakup_case"
REPORTER_STAGES = [
    "received",
    "acknowledged",
    "assessed",
    "investigation_opened",
    "feedback_given",
    "concluded",
]
WRONG_CODE = "That code does not match a concern here. Check the 16 digits."
LIMIT_MESSAGES = {
    RATE: "The speak-up form of {org} has received more concerns than usual in the last "
    "hour and cannot take more just now. Your concern has not been sent.",
    STORAGE: "The speak-up form of {org} has no room left for attached files. Your "
    "concern has not been sent. You can send it without files, and give the "
    "files to the guardian later.",
}


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def _incoming_bytes(files) -> int:
    return sum(upload.size for upload in files)


@never_cache
@require_http_methods(["GET", "POST"])
def speak_up(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    member = membership(request.user, organisation)
    logged_in = member is not None
    form = ReportForm(
        organisation, submitted(request), submitted_files(request), logged_in=logged_in
    )
    status = 200
    limit_message = ""
    if request.method == "POST":
        status = 400
        # The proof of work is checked first: it costs the server one hash.
        verdict = protection.check_solution(request, organisation, protection.RAISE)
        if verdict is not Verdict.OK:
            form.add_error(None, protection.refusal_message(verdict))
        elif form.is_valid():
            data = form.cleaned_data
            limit = protection.limit_reached(organisation, _incoming_bytes(data["attachments"]))
            if limit is not None:
                protection.alert_guardians(organisation, limit)
                limit_message = LIMIT_MESSAGES[limit].format(org=organisation.name)
                status = 429 if limit == RATE else 507
            else:
                return _raise(request, organisation, data, logged_in)
    return render(
        request,
        "concerns/speak_up.html",
        {
            "org": organisation,
            "form": form,
            "logged_in": logged_in,
            "limit": limit_message,
            "pow": protection.new_challenge(organisation, protection.RAISE),
            "limit_mb": settings.ECHOORG_ATTACHMENT_MAX_BYTES / (1024 * 1024),
        },
        status=status,
    )


def _raise(
    request: HttpRequest, organisation: Organisation, data: dict, logged_in: bool
) -> HttpResponse:
    user = request.user if logged_in and data["mode"] != "anonymous" else None
    name = data["name"].strip() or (user.display_name if user else "")
    raised = services.raise_concern(
        organisation,
        mode=data["mode"],
        category=data["category"],
        at_risk=data["at_risk"],
        risk_of_harm=data["risk_now"] == "yes",
        text=data["text"],
        unit=data["unit"],
        reporter=user,
        name=name,
        contact=data["contact"].strip(),
        files=data["attachments"],
        with_receipt=user is None,
    )
    protection.count_raised(organisation)
    # The receipt is shown in this response only: not in a URL, not in a redirect.
    response = render(
        request,
        "concerns/received.html",
        {
            "org": organisation,
            "concern": raised.concern,
            "receipt": raised.receipt,
            "mode": data["mode"],
            "risk_now": data["risk_now"] == "yes",
            "policy": services.policy_for(organisation),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _idle_seconds() -> int:
    return settings.ECHOORG_SPEAKUP_IDLE_SECONDS


def _open_reporter_session(
    request: HttpRequest, organisation: Organisation, concern: Concern
) -> None:
    """A new session holding only this case: a new key, nothing carried over, and a
    cookie that ends with the browser (never a persistent one)."""
    request.session.flush()
    request.session[SESSION_KEY] = {
        "org": organisation.pk,
        "case": concern.pk,
        "seen": int(time.time()),
    }
    request.session.set_expiry(0)


def _held_case(request: HttpRequest, organisation: Organisation) -> dict | None:
    """The case this browser opened with a receipt, while it is in use: after
    ECHOORG_SPEAKUP_IDLE_SECONDS without a request the session is emptied."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    now = int(time.time())
    if now - int(held.get("seen", 0)) > _idle_seconds():
        request.session.flush()
        messages.info(
            request,
            "The page closed after "
            f"{_idle_seconds() // 60} minutes without use, to keep your "
            "concern safe. Enter your receipt code again.",
        )
        return None
    if held.get("org") != organisation.pk:
        return None
    held["seen"] = now
    request.session[SESSION_KEY] = held
    return held


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = ReceiptForm(submitted(request))
    status = 200
    idle_minutes = _idle_seconds() // 60
    if request.user.is_authenticated:
        # Opening an anonymous concern in a logged-in session would put the account and
        # the concern side by side on the server; ask for a logged-out window instead.
        return render(
            request,
            "concerns/follow_up.html",
            {"org": organisation, "form": None, "logged_in": True},
        )
    if request.method == "POST":
        status = 400
        # Order matters: the proof of work (one hash) before the code's shape (no hash)
        # before the Argon2 hash of the code (the expensive part).
        verdict = protection.check_solution(request, organisation, protection.FOLLOW_UP)
        if verdict is not Verdict.OK:
            form.add_error(None, protection.refusal_message(verdict))
        elif form.is_valid():
            concern = services.find_by_receipt(organisation, form.cleaned_data["code"])
            if concern is None:
                # Counted in the cache only; more failures make the next challenges
                # harder for this organisation's form, they never lock it.
                protection.count_failure(organisation, protection.FOLLOW_UP)
                form.add_error("code", WRONG_CODE)
            else:
                _open_reporter_session(request, organisation, concern)
                return redirect("speak_up_case", slug=organisation.slug)
    return render(
        request,
        "concerns/follow_up.html",
        {
            "org": organisation,
            "form": form,
            "idle_minutes": idle_minutes,
            "pow": protection.new_challenge(organisation, protection.FOLLOW_UP),
        },
        status=status,
    )


def _reporter_case(request: HttpRequest, organisation: Organisation) -> Concern:
    held = _held_case(request, organisation)
    if held is None:
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
    concern = get_object_or_404(
        Concern, organisation=organisation, reference=reference, reporter=request.user
    )
    return _reporter_page(request, organisation, concern, in_app=True)


def _reporter_page(
    request: HttpRequest, organisation: Organisation, concern: Concern, in_app: bool
) -> HttpResponse:
    message_form = MessageForm(
        submitted(request) if "message" in request.POST else None,
        submitted_files(request) if "message" in request.POST else None,
    )
    speak_form = SpeakAgainForm(submitted(request) if "speak_again" in request.POST else None)
    if request.method == "POST":
        if (
            "message" in request.POST
            and message_form.is_valid()
            and not _storage_full(organisation, message_form)
        ):
            with transaction.atomic():
                services.send_message(
                    concern, message_form.cleaned_data["body"], from_reporter=True
                )
                for upload in message_form.cleaned_data["attachments"]:
                    services.add_attachment(concern, upload, from_reporter=True)
            messages.success(request, "Your message has been sent to the guardian.")
            return redirect(request.path)
        if "detriment" in request.POST:
            services.report_detriment(concern)
            messages.success(
                request,
                "Thank you. The guardian has been told that you have "
                "been treated badly for speaking up.",
            )
            return redirect(request.path)
        if "speak_again" in request.POST and speak_form.is_valid():
            services.answer_speak_up_again(
                organisation, concern, speak_form.cleaned_data["would_speak_up_again"]
            )
            messages.success(request, "Thank you for answering.")
            return redirect(request.path)
        if "leave" in request.POST:
            if in_app:
                request.session.pop(SESSION_KEY, None)
            else:
                request.session.flush()
            return redirect("speak_up", slug=organisation.slug)
    done = {e.type for e in concern.events.all()}
    stages = [{"label": EVENT_LABELS[s], "done": s in done} for s in REPORTER_STAGES]
    return render(
        request,
        "concerns/reporter_case.html",
        {
            "org": organisation,
            "concern": concern,
            "stages": stages,
            "thread": concern.messages.all(),
            "message_form": message_form,
            "speak_form": speak_form,
            "concluded": concern.is_concluded,
            "in_app": in_app,
            "attachments": concern.attachments.filter(from_reporter=False),
        },
        status=400 if request.method == "POST" else 200,
    )


def _storage_full(organisation: Organisation, form: MessageForm) -> bool:
    """Files on a message count against the organisation's storage quota too."""
    incoming = _incoming_bytes(form.cleaned_data["attachments"])
    if protection.storage_full(organisation, incoming):
        protection.alert_guardians(organisation, STORAGE)
        form.add_error(
            "attachments",
            "There is no room left for attached files. Send "
            "your message without them, and give the files to "
            "the guardian another way.",
        )
        return True
    return False


def reporter_attachment(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """Files the guardian sent to the reporter (by receipt session or own account)."""
    organisation = _organisation(slug)
    held = _held_case(request, organisation)
    concern_ids = [held.get("case")] if held else []
    if request.user.is_authenticated:
        concern_ids += list(
            Concern.objects.filter(organisation=organisation, reporter=request.user).values_list(
                "pk", flat=True
            )
        )
    attachment = get_object_or_404(
        Attachment,
        pk=attachment_id,
        concern_id__in=concern_ids,
        concern__organisation=organisation,
        from_reporter=False,
    )
    return services.attachment_response(attachment)


@login_required
@never_cache
def my_concerns(request: HttpRequest) -> HttpResponse:
    raised = Concern.objects.filter(reporter=request.user).select_related("organisation")
    return render(request, "concerns/my_concerns.html", {"concerns": raised})
