"""The reporter's side: raising a concern (no login needed) and following it up."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted, submitted_files
from echoorg.core import submission as submission_keys
from echoorg.core.concerns.clocks import EVENT_LABELS
from echoorg.core.concerns.intake import RATE, STORAGE
from echoorg.core.proof_of_work import Verdict
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import membership

from . import protection, services
from .forms import MessageForm, ReceiptForm, ReportForm, SpeakAgainForm
from .models import Attachment, Concern, ConcernPolicy
from .routes import speak_up_routes

SESSION_KEY = "echo_speakup_case"
# Between the POST that raises a concern and the page that shows its receipt, the
# session holds the receipt sealed, and only the browser holds the key that opens it.
RECEIVED_SESSION_KEY = "echo_speakup_received"
RECEIPT_COOKIE = "echo_receipt_key"
RECEIPT_COOKIE_SECONDS = 15 * 60
SUBMISSION_FIELD = "submission"
SUBMISSION_SECONDS = 24 * 3600  # long enough to write a concern in several sittings
STALE_FORM = (
    "The form had been open for more than a day, or was not complete. Press the button "
    "again to send it: what you wrote is still here."
)
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


def _submission_secret() -> bytes:
    # A key of its own, so a submission key can never pass for another signed value.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"echoorg submission key", hashlib.sha256
    ).digest()


def _submission_scope(organisation: Organisation) -> str:
    return f"raise-{organisation.pk}"


def _new_submission_key(organisation: Organisation) -> str:
    return submission_keys.issue(
        _submission_secret(),
        _submission_scope(organisation),
        int(time.time()),
        SUBMISSION_SECONDS,
        secrets.token_hex(16),
    )


def _submission_digest(request: HttpRequest, organisation: Organisation) -> str | None:
    """The digest of the form's one-time key, or None if the key is missing, forged,
    for another organisation or expired."""
    found = submission_keys.check(
        _submission_secret(),
        request.POST.get(SUBMISSION_FIELD),
        _submission_scope(organisation),
        int(time.time()),
    )
    return None if found is None else submission_keys.digest(_submission_secret(), found)


@require_http_methods(["GET"])
def speak_up_index(request: HttpRequest) -> HttpResponse:
    """How to speak up without an account: the organisations whose guardians chose to be
    listed (decision 0010), and what to do for any other."""
    listed = (
        Organisation.objects.filter(concern_policy__public_page=True)
        .only("slug", "name")
        .order_by("name")
    )
    return render(
        request, "concerns/speak_up_index.html", {"listed": listed, "routes": speak_up_routes()}
    )


@require_http_methods(["GET"])
def speak_up_ways(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page a trust links from its intranet: who to speak to inside, how to
    reach the guardians (when they switched that on), and the routes outside. It reads
    nothing about concerns."""
    organisation = _organisation(slug)
    policy = ConcernPolicy.objects.filter(organisation=organisation).first()
    public = policy is not None and policy.public_page
    return render(
        request,
        "concerns/speak_up_ways.html",
        {
            "org": organisation,
            "public": public,
            "guardians": services.public_guardians(organisation) if public else [],
            "contact": policy.public_contact if public else "",
            "routes": speak_up_routes(),
        },
    )


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
        # The one-time key first (one HMAC): a form sent again (a reload, a double click)
        # goes to the receipt page and raises nothing, before its used proof of work is
        # refused and the browser solves a new one.
        digest = _submission_digest(request, organisation)
        if digest is not None and Concern.objects.filter(submission_digest=digest).exists():
            return redirect("speak_up_received", slug=organisation.slug)
        # Then the proof of work: it costs the server one hash.
        verdict = protection.check_solution(request, organisation, protection.RAISE)
        if verdict is not Verdict.OK:
            form.add_error(None, protection.refusal_message(verdict))
        elif digest is None:
            form.add_error(None, STALE_FORM)
        elif form.is_valid():
            data = form.cleaned_data
            limit = protection.limit_reached(organisation, _incoming_bytes(data["attachments"]))
            if limit is not None:
                protection.alert_guardians(organisation, limit)
                limit_message = LIMIT_MESSAGES[limit].format(org=organisation.name)
                status = 429 if limit == RATE else 507
            else:
                return _raise(request, organisation, data, logged_in, digest)
    return render(
        request,
        "concerns/speak_up.html",
        {
            "org": organisation,
            "form": form,
            "logged_in": logged_in,
            "limit": limit_message,
            "pow": protection.new_challenge(organisation, protection.RAISE),
            "submission": _new_submission_key(organisation),
            "limit_mb": settings.ECHOORG_ATTACHMENT_MAX_BYTES / (1024 * 1024),
        },
        status=status,
    )


def _raise(
    request: HttpRequest, organisation: Organisation, data: dict, logged_in: bool, digest: str
) -> HttpResponse:
    user = request.user if logged_in and data["mode"] != "anonymous" else None
    name = data["name"].strip() or (user.display_name if user else "")
    try:
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
            submission_digest=digest,
        )
    except services.AlreadySent:
        return redirect("speak_up_received", slug=organisation.slug)
    protection.count_raised(organisation)
    return _to_receipt_page(request, organisation, raised, data)


def _received_path(organisation: Organisation) -> str:
    return reverse("speak_up_received", kwargs={"slug": organisation.slug})


def _to_receipt_page(
    request: HttpRequest, organisation: Organisation, raised: services.Raised, data: dict
) -> HttpResponse:
    """Post/redirect/get. The receipt code is never in a URL, a log or the database in
    clear: the session keeps it sealed with a key that only this browser gets (a cookie
    for the receipt page alone), and the receipt page opens it once and forgets both."""
    if not request.user.is_authenticated:
        # A new session holding nothing but this (no case being followed up beside it),
        # with a cookie that ends with the browser.
        request.session.flush()
        request.session.set_expiry(0)
    sealing_key = submission_keys.new_sealing_key()
    shown = {"receipt": raised.receipt, "mode": data["mode"], "risk_now": data["risk_now"] == "yes"}
    request.session[RECEIVED_SESSION_KEY] = {
        "org": organisation.pk,
        "sealed": submission_keys.seal(sealing_key, json.dumps(shown)),
    }
    response = redirect("speak_up_received", slug=organisation.slug)
    response.set_cookie(
        RECEIPT_COOKIE,
        sealing_key,
        max_age=RECEIPT_COOKIE_SECONDS,
        path=_received_path(organisation),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@never_cache
@require_http_methods(["GET"])
def received(request: HttpRequest, slug: str) -> HttpResponse:
    """The receipt, shown once after the redirect; a reload shows that it was shown."""
    organisation = _organisation(slug)
    pending = request.session.get(RECEIVED_SESSION_KEY)
    shown = None
    if isinstance(pending, dict) and pending.get("org") == organisation.pk:
        del request.session[RECEIVED_SESSION_KEY]
        opened = submission_keys.unseal(request.COOKIES.get(RECEIPT_COOKIE), pending.get("sealed"))
        shown = json.loads(opened) if opened else None
        if not request.user.is_authenticated:
            request.session.flush()  # the row goes; nothing is left to link
    response = render(
        request,
        "concerns/received.html",
        {
            "org": organisation,
            "shown": shown,
            "receipt": shown["receipt"] if shown else None,
            "risk_now": bool(shown and shown["risk_now"]),
            "policy": services.policy_for(organisation),
        },
    )
    response.delete_cookie(RECEIPT_COOKIE, path=_received_path(organisation), samesite="Strict")
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
