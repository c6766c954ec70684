from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from echoorg.audit.log import record
from echoorg.web.forms import submitted

from . import login_throttle, twofactor
from .forms import CodeForm, LoginForm, TokenForm
from .models import ApiToken

PENDING = "echo_2fa_pending"


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
                if user.totp_enabled:
                    # Failures are cleared only when the whole login succeeds, so entering
                    # the password again does not reset the count of wrong codes.
                    request.session[PENDING] = user.pk
                    request.session["echo_next"] = _next_url(request)
                    return redirect("login_2fa")
                login_throttle.forget(request, email)
                login(request, user)
                record("account.login", actor=user, object_type="accounts.user",
                       object_id=str(user.pk))
                response = redirect(_next_url(request))
                login_throttle.remember_device(request, response, user.email)
                return response
    elif request.method == "POST":
        status = 400
    response = render(request, "accounts/login.html",
                      {"form": form, "next": request.GET.get("next", "")}, status=status)
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
    form = CodeForm(submitted(request))
    status = 200
    wait = 0
    if request.method == "POST" and form.is_valid():
        # The same count as the password step: codes and passwords share the delay.
        wait = login_throttle.seconds_to_wait(request, user.email)
        if wait:
            form.add_error("code", login_throttle.wait_message(wait))
            status = 429
        elif twofactor.check_code(user, form.cleaned_data["code"]):
            user.save(update_fields=["totp_last_step"])
            target = request.session.pop("echo_next", settings.LOGIN_REDIRECT_URL)
            request.session.pop(PENDING, None)
            login_throttle.forget(request, user.email)
            login(request, user)
            record("account.login", actor=user, object_type="accounts.user",
                   object_id=str(user.pk), two_factor=True)
            response = redirect(target)
            login_throttle.remember_device(request, response, user.email)
            return response
        else:
            login_throttle.record_failure(request, user.email)
            form.add_error("code", "That code is not right or has expired.")
            status = 400
    response = render(request, "accounts/login_2fa.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("account.logout", actor=request.user, object_type="accounts.user",
               object_id=str(request.user.pk))
    logout(request)
    messages.info(request, "You have logged out.")
    return redirect("login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {
        "tokens": request.user.api_tokens.all(),
        "token_form": TokenForm(),
        "new_token": request.session.pop("echo_new_token", None),
        "required": twofactor.two_factor_required(request.user),
    })


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
            with transaction.atomic():
                user.totp_secret, user.totp_enabled = secret, True
                user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
                record("account.2fa_enabled", actor=user, object_type="accounts.user",
                       object_id=str(user.pk))
            request.session.pop("echo_totp_secret", None)
            messages.success(request, "Two-factor authentication is on.")
            return redirect("account")
        form.add_error("code", "That code is not right; check the time on your device.")
        status = 400
    uri = twofactor.provisioning_uri(user, secret)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "secret": secret, "qr": twofactor.qr_svg(uri),
        "required": request.GET.get("required") == "1" or twofactor.two_factor_required(user),
    }, status=status)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.two_factor_required(user):
        messages.error(request, "Your organisation requires two-factor authentication "
                                "for your role, so it cannot be turned off.")
        return redirect("account")
    form = CodeForm(request.POST)
    if not (form.is_valid() and twofactor.check_code(user, form.cleaned_data["code"])):
        messages.error(request, "Enter a current code from your app to turn two-factor off.")
        return redirect("account")
    user.totp_secret, user.totp_enabled = "", False
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    record("account.2fa_disabled", actor=user, object_type="accounts.user", object_id=str(user.pk))
    messages.success(request, "Two-factor authentication is off.")
    return redirect("account")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name of up to 100 characters.")
        return redirect("account")
    token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    record("api_token.created", actor=request.user, obj=token, name=token.name)
    request.session["echo_new_token"] = secret
    return redirect("account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    record("api_token.revoked", actor=request.user, obj=token, name=token.name)
    token.delete()
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("account")
