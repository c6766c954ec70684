from __future__ import annotations

from django import forms


class LoginForm(forms.Form):
    email = forms.EmailField(label="Email address",
                             widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        label="Password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your authenticator app", max_length=9,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What the token is for",
                           help_text="For example 'HR system sync'.")
