"""The form that gives a case to one of the organisation's guardians."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from .services import guardians_of


class GuardianForm(forms.Form):
    guardian = forms.ModelChoiceField(
        queryset=None, required=False, label="Guardian with the case", empty_label="Nobody yet"
    )

    def __init__(self, organisation, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chosen = [u.pk for u in guardians_of(organisation)]
        self.fields["guardian"].queryset = (
            get_user_model().objects.filter(pk__in=chosen).order_by("full_name", "email")
        )
