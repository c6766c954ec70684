from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from echoorg.audit.log import record
from echoorg.common.forms import submitted
from echoorg.core.recovery_codes import DEFAULT_COUNT as RECOVERY_CODE_COUNT

from . import login_throttle, services, twofactor
from .forms import CodeForm, ConfirmPasswordForm, LoginCodeForm, LoginForm, TokenForm
from .models import ApiToken

PENDING = "echo_2fa_pending"
NEW_RECOVERY_CODES = "echo_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(submitted(request))
    status, wait = 200, 0
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        # Per address and client, in memory (login_throttle): a stranger hammering this
        # address from elsewhere does not hold up its owner.
        wait = login_throttle.seconds_to_wait(request, email)
        if wait:
            form.add_error(None, login_throttle.wait_message(wait))
            status = 429
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                login_throttle.record_failure(request, email)
                form.add_error(None, "The email address or password is not right.")
                status = 400
            else:
                # A fresh session, with nothing from before (a speak-up case opened
                # with a receipt code must never sit beside an account).
                request.session.flush()
                if user.totp_enabled:
                    # Failures are cleared only when the whole login succeeds, so entering
                    # the password again does not reset the count of wrong codes.
                    request.session[PENDING] = user.pk
                    request.session["echo_next"] = _next_url(request)
                    return redirect("login_2fa")
                login_throttle.forget(request, email)
                login(request, user)
                record(
                    "account.login", actor=user, object_type="accounts.user", object_id=str(user.pk)
                )
                response = redirect(_next_url(request))
                login_throttle.remember_device(request, response, user.email)
                return response
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
def login_two_factor(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending, is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = LoginCodeForm(submitted(request))
    status = 200
    wait = 0
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # The same count as the password step: codes and passwords share the delay.
        wait = login_throttle.seconds_to_wait(request, user.email)
        if wait:
            form.add_error("code", login_throttle.wait_message(wait))
            status = 429
        elif services.use_login_code(user, code):
            return _complete_two_factor_login(request, user)
        elif (left := twofactor.use_recovery_code(user, code)) is not None:
            return _complete_two_factor_login(request, user, recovery_codes_left=left)
        else:
            # Wrong recovery codes count towards the same delay as wrong app codes.
            login_throttle.record_failure(request, user.email)
            form.add_error("code", "That code is not right or has expired.")
            status = 400
    elif request.method == "POST":
        status = 400
    response = render(request, "accounts/login_2fa.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def _complete_two_factor_login(
    request: HttpRequest, user, recovery_codes_left: int | None = None
) -> HttpResponse:
    target = request.session.pop("echo_next", settings.LOGIN_REDIRECT_URL)
    # Start afresh: Django's login() keeps the session's data and only changes its key.
    request.session.flush()
    login_throttle.forget(request, user.email)
    login(request, user)
    detail = {"recovery_code": True} if recovery_codes_left is not None else {}
    record(
        "account.login",
        actor=user,
        object_type="accounts.user",
        object_id=str(user.pk),
        two_factor=True,
        **detail,
    )
    if recovery_codes_left is not None:
        _recovery_code_message(request, recovery_codes_left)
    response = redirect(target)
    login_throttle.remember_device(request, response, user.email)
    return response


def _recovery_code_message(request: HttpRequest, left: int) -> None:
    text = f"You used a recovery code; it will not work again. You have {left} left."
    if left <= 3:
        text += " Make new recovery codes on your account page."
        messages.warning(request, text)
    else:
        messages.info(request, text)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(
            "account.logout",
            actor=request.user,
            object_type="accounts.user",
            object_id=str(request.user.pk),
        )
    logout(request)
    messages.info(request, "You have logged out.")
    return redirect("login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": user.api_tokens.all(),
            "token_form": TokenForm(),
            "new_token": request.session.pop("echo_new_token", None),
            "required": twofactor.two_factor_required(user),
            "recovery_left": twofactor.recovery_codes_left(user) if user.totp_enabled else 0,
            "recovery_total": RECOVERY_CODE_COUNT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.totp_enabled:
        return redirect("account")
    secret = request.session.get("echo_totp_secret")
    if not secret:
        secret = twofactor.new_secret()
        request.session["echo_totp_secret"] = secret
    form = CodeForm(submitted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        if twofactor.check_code(user, form.cleaned_data["code"], secret=secret):
            codes = twofactor.enable(user, secret)
            request.session.pop("echo_totp_secret", None)
            request.session[NEW_RECOVERY_CODES] = codes
            messages.success(request, "Two-factor authentication is on.")
            return redirect("recovery_codes")
        form.add_error("code", "That code is not right; check the time on your device.")
        status = 400
    uri = twofactor.provisioning_uri(user, secret)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": twofactor.qr_svg(uri),
            "required": request.GET.get("required") == "1" or twofactor.two_factor_required(user),
        },
        status=status,
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.two_factor_required(user):
        messages.error(
            request,
            "Your organisation requires two-factor authentication "
            "for your role, so it cannot be turned off.",
        )
        return redirect("account")
    form = LoginCodeForm(request.POST)
    wait = login_throttle.seconds_to_wait(request, user.email)
    if wait:
        messages.error(request, login_throttle.wait_message(wait))
        return redirect("account")
    code = form.cleaned_data["code"] if form.is_valid() else ""
    if not (
        twofactor.check_code(user, code) or twofactor.use_recovery_code(user, code) is not None
    ):
        login_throttle.record_failure(request, user.email)
        messages.error(
            request,
            "Enter a current code from your app, or a recovery code, to turn two-factor off.",
        )
        return redirect("account")
    twofactor.disable(user)
    messages.success(request, "Two-factor authentication is off.")
    return redirect("account")


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, then replace every recovery code with new ones."""
    user = request.user
    if not user.totp_enabled:
        return redirect("account")
    form = ConfirmPasswordForm(submitted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = login_throttle.seconds_to_wait(request, user.email)
        if wait:
            form.add_error("password", login_throttle.wait_message(wait))
            status = 429
        elif not user.check_password(form.cleaned_data["password"]):
            login_throttle.record_failure(request, user.email)
            form.add_error("password", "That password is not right.")
            status = 400
        else:
            request.session[NEW_RECOVERY_CODES] = twofactor.regenerate_recovery_codes(user)
            messages.success(request, "New recovery codes made; the old ones no longer work.")
            return redirect("recovery_codes")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {
            "form": form,
            "left": twofactor.recovery_codes_left(user),
        },
        status=status,
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once: they are taken out of the session as they are shown."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        messages.info(
            request, "Recovery codes are shown only once. If you have lost yours, make new ones."
        )
        return redirect("account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "download": "\r\n".join(
                [
                    f"echoorg recovery codes for {request.user.email}",
                    "Each works once, in place of a code from your authenticator app.",
                    "",
                    *codes,
                    "",
                ]
            ),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name of up to 100 characters.")
        return redirect("account")
    _, secret = services.issue_token(request.user, form.cleaned_data["name"])
    request.session["echo_new_token"] = secret
    return redirect("account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(request.user, token)
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("account")
