from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from echoorg.core.roles import ROLES
from echoorg.core.text import name_key, normalise_name

from .models import Organisation, Unit

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_NAME = 200


def _within_limit(name: str) -> str:
    # Checked again after normalising: NFKC can lengthen a name ("㍿" is four letters).
    if len(name) > MAX_NAME:
        raise forms.ValidationError(f"Use at most {MAX_NAME} letters (this has {len(name)}).")
    return name


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    slug = forms.SlugField(
        max_length=60,
        label="Short name for web addresses",
        help_text="Lower-case letters, digits and hyphens, for example 'northmoor'.",
    )

    def clean_name(self) -> str:
        name = normalise_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Give the organisation a name with visible letters.")
        return _within_limit(name)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if Organisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError("That short name is taken; choose another.")
        return slug


class UnitForm(forms.Form):
    name = forms.CharField(max_length=200, label="Unit name")
    kind = forms.ChoiceField(choices=Unit.KINDS, label="Kind of unit", initial="team")
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Parent unit",
        empty_label="None: a top-level unit",
    )

    def __init__(self, organisation: Organisation, *args, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.unit = organisation, unit
        choices = Unit.objects.filter(organisation=organisation).order_by("name")
        if unit is not None:
            choices = choices.exclude(pk=unit.pk)
        self.fields["parent"].queryset = choices

    def clean_name(self) -> str:
        # Compared as the model stores it: normal form, without case (echoorg.core.text).
        name = normalise_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(
                "Give the unit a name with visible letters (invisible "
                "characters and spaces alone do not count)."
            )
        _within_limit(name)
        taken = Unit.objects.filter(organisation=self.organisation, name_key=name_key(name))
        if self.unit is not None:
            taken = taken.exclude(pk=self.unit.pk)
        existing = taken.first()
        if existing is not None:
            raise forms.ValidationError(f"There is already a unit called '{existing.name}'.")
        return name


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Two columns with a header row: unit,parent. Leave parent empty for a "
        "top-level unit. UTF-8, at most 2 MB.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'."
            ) from None


class MemberForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(max_length=200, required=False, label="Full name")
    roles = forms.MultipleChoiceField(
        choices=list(ROLES.items()), widget=forms.CheckboxSelectMultiple, label="Roles"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Unit they work in",
        empty_label="Not in a unit",
    )

    def __init__(self, organisation: Organisation, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        if editing:
            del self.fields["email"]
            del self.fields["full_name"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        return _within_limit(normalise_name(self.cleaned_data.get("full_name", "")))

    def person(self):
        """The account for the address, created if there is none (an account may belong
        to several organisations; each names the person in its own membership)."""
        User = get_user_model()
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            user = User.objects.create_user(
                self.cleaned_data["email"], full_name=self.cleaned_data.get("full_name", "")
            )
        return user


class SecuritySettingsForm(forms.Form):
    require_2fa_roles = forms.MultipleChoiceField(
        choices=list(ROLES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Roles that must use two-factor authentication",
    )
