from __future__ import annotations

from django import forms
from django.conf import settings

from echoorg.common.forms import IsoDateInput
from echoorg.core.concerns.clocks import (
    EVENT_LABELS,
    OUTCOME_LABELS,
    REFERRAL_LABELS,
    RISK_LABELS,
    STEP_DETAILS,
)
from echoorg.core.file_types import check_file
from echoorg.orgs.models import Unit
from echoorg.orgs.permissions import members_who_may

from .models import AT_RISK, CATEGORIES, MODES, SPEAK_AGAIN, Attachment

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to five files, each within the size limit and of an allowed type."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(Attachment.ALLOWED_TYPES.values())}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach at most {MAX_FILES} files.")
        limit = settings.ECHOORG_ATTACHMENT_MAX_BYTES
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    f"'{upload.name}' is larger than {limit / (1024 * 1024):g} MB."
                )
            # The type is read from the file's own bytes, never from the browser's claim.
            found = check_file(
                read_upload(upload),
                upload.name,
                upload.content_type or "",
                Attachment.ALLOWED_TYPES,
            )
            if not found.accepted:
                raise forms.ValidationError(
                    f"'{upload.name}' {found.problem} echoorg accepts PDF, PNG, JPEG, plain "
                    "text, Word or Excel files."
                )
        return files


def read_upload(upload) -> bytes:
    """The whole uploaded file, leaving it ready to be read again."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


class ReportForm(forms.Form):
    mode = forms.ChoiceField(
        choices=MODES, widget=forms.RadioSelect, label="How do you want to raise it?"
    )
    category = forms.ChoiceField(
        choices=CATEGORIES, widget=forms.RadioSelect, label="What is it about?"
    )
    at_risk = forms.MultipleChoiceField(
        choices=AT_RISK,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who may be at risk?",
    )
    risk_now = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "I don't know")],
        widget=forms.RadioSelect,
        label="Is anyone at risk of harm now?",
        help_text="If someone is in immediate danger, call 999 as well.",
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Where did it happen?",
        empty_label="I'd rather not say",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        label="What is your concern?",
        help_text="What happened, when, and who may be affected. You do "
        "not need proof, only an honest worry.",
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Your name",
        help_text="Needed for a named or confidential concern.",
    )
    contact = forms.CharField(
        max_length=200,
        required=False,
        label="How can the guardian contact you?",
        help_text="An email address or phone number.",
    )
    attachments = AttachmentsField(label="Files that help explain it")

    def __init__(self, organisation, *args, logged_in: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.logged_in = logged_in
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "name"
        )
        limit = settings.ECHOORG_ATTACHMENT_MAX_BYTES / (1024 * 1024)
        self.fields[
            "attachments"
        ].help_text = (
            f"Up to {MAX_FILES} files: PDF, images, text, Word or Excel, {limit:g} MB each."
        )
        if logged_in:
            self.fields[
                "name"
            ].help_text = (
                "Leave empty to use your account's name for a named or confidential concern."
            )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("mode") in ("named", "confidential")
            and not self.logged_in
            and not data.get("name", "").strip()
        ):
            self.add_error("name", "Give your name, or choose anonymous.")
        if data.get("mode") == "anonymous":
            data["name"] = data["contact"] = ""
        return data


class ReceiptForm(forms.Form):
    # No max_length: a code of the wrong length gets the same answer as a wrong code.
    code = forms.CharField(
        label="Your 16-digit receipt code",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "maxlength": "64"}
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=10000, label="Your message"
    )
    attachments = AttachmentsField(label="Files")


class SpeakAgainForm(forms.Form):
    would_speak_up_again = forms.ChoiceField(
        choices=SPEAK_AGAIN,
        widget=forms.RadioSelect,
        label="Knowing what you know now, would you speak up again?",
    )


STEP_CHOICES = [(t, label) for t, label in EVENT_LABELS.items() if t != "received"]


class EventForm(forms.Form):
    """A step on the timeline. The "for an X" fields apply to one kind of step each
    (`STEP_DETAILS`); `step-details.js` shows only those of the chosen kind, and without
    JavaScript all are shown with the kind of step they are for in their label."""

    type = forms.ChoiceField(choices=STEP_CHOICES, label="What happened")
    date = forms.DateField(label="On", widget=IsoDateInput())
    to = forms.ChoiceField(
        choices=[("", "Choose who")] + list(REFERRAL_LABELS.items()),
        required=False,
        label="Referred to (for an external referral)",
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome")] + list(OUTCOME_LABELS.items()),
        required=False,
        label="Outcome (for a conclusion)",
    )
    harm_risk = forms.ChoiceField(
        choices=[("", "Choose a level")] + list(RISK_LABELS.items()),
        required=False,
        label="Risk of harm to others (for an assessment)",
    )
    detriment_risk = forms.ChoiceField(
        choices=[("", "Choose a level")] + list(RISK_LABELS.items()),
        required=False,
        label="Risk of detriment to the reporter (for an assessment)",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000, label="Note"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each detail field says which kinds of step it belongs to, for step-details.js.
        for step, fields in STEP_DETAILS.items():
            for name in fields:
                self.fields[name].for_steps = step

    def clean(self) -> dict:
        data = super().clean()
        # A detail that belongs to another kind of step is ignored (it was hidden).
        wanted = STEP_DETAILS.get(data.get("type", ""), ())
        for step_fields in STEP_DETAILS.values():
            for name in step_fields:
                if name not in wanted:
                    data[name] = ""
        return data


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Unit concerned",
        empty_label="Not known",
    )
    responsible_leader = forms.ModelChoiceField(
        queryset=None, required=False, label="Responsible leader", empty_label="Not assigned"
    )

    def __init__(self, organisation, *args, **kwargs) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "name"
        )
        leaders = [m.user_id for m in members_who_may(organisation, "concerns.be_responsible")]
        self.fields["responsible_leader"].queryset = (
            get_user_model().objects.filter(pk__in=leaders).order_by("full_name")
        )


class PolicyForm(forms.Form):
    acknowledge_days = forms.IntegerField(
        min_value=1, max_value=60, label="Acknowledge within (days)"
    )
    feedback_months = forms.IntegerField(
        min_value=1, max_value=12, label="Give feedback within (months)"
    )
    protection_working_days = forms.IntegerField(
        min_value=1,
        max_value=10,
        label="Where someone is at risk: refer or protect within (working days)",
    )
    min_group = forms.IntegerField(
        min_value=3, max_value=50, label="Smallest count shown in statistics"
    )


class PublicPageForm(forms.Form):
    public_page = forms.BooleanField(
        required=False,
        label="Name the guardians and show how to reach them on the public speak-up page, "
        "and list this organisation on echoorg's speak-up page",
        help_text="Anyone with the address can open the public page, without logging in. "
        "Switched off, it still gives the form and the ways to speak up outside the "
        "organisation, but no names.",
    )
    public_contact = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=1000,
        label="How to reach the guardians",
        help_text="For example a phone number, an email address, where and when to find "
        "you. Shown as written, to anyone.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("public_page") and not data.get("public_contact"):
            self.add_error(
                "public_contact",
                "Say how people can reach the guardians before switching the page on.",
            )
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Cases (CSV or JSON)", help_text="At most 20 MB, in the event vocabulary."
    )

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 20 MB.")
        return upload.name, upload.read()
