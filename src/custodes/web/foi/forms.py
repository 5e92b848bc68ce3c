"""Forms of the FOI campaign pages."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from custodes.web.foi.attachments import attachment_kind
from custodes.web.foi.choices import OUTCOME_LABELS
from custodes.web.foi.models import Campaign
from custodes.web.foi.services import MANUAL_EVENTS, CampaignError

QUESTION_OUTCOME_CHOICES = [
    ("", "As the value says"),
    ("answered", "Answered"),
    ("withheld", "Withheld (exemption or refusal)"),
    ("not_held", "Not held"),
]


class DateInput(forms.DateInput):
    input_type = "date"


def _accepted_document(upload: UploadedFile | None) -> UploadedFile | None:
    """Refuse a document of a kind the store does not accept, as the field's error."""
    if upload is not None:
        try:
            attachment_kind(upload.name or "document")
        except CampaignError as exc:
            raise forms.ValidationError(str(exc)) from None
    return upload


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="What happened")
    on = forms.DateField(label="Date", widget=DateInput)
    note = forms.CharField(label="Note", required=False, max_length=2000)
    extra_days = forms.IntegerField(
        label="Further working days (extension only)",
        required=False,
        min_value=1,
        max_value=60,
        help_text="The ICO expects at most 20 further working days.",
    )

    def __init__(self, *args, labels: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, labels[k]) for k in MANUAL_EVENTS]


class SentForm(forms.Form):
    on = forms.DateField(label="Date sent", widget=DateInput)
    via = forms.CharField(
        label="Sent how",
        required=False,
        max_length=200,
        help_text="For example: each force's FOI portal, or WhatDoTheyKnow.",
    )


class ReplyForm(forms.Form):
    received = forms.DateField(label="Date received", widget=DateInput)
    outcome = forms.ChoiceField(label="Outcome", choices=list(OUTCOME_LABELS.items()))
    exemptions = forms.CharField(
        label="Exemptions cited",
        required=False,
        help_text="Separated by semicolons, for example: s.24(1); s.31(1)(a)",
    )
    summary = forms.CharField(
        label="The reply's wording, or a summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave out the names of officials.",
    )
    referred_to = forms.CharField(
        label="Referred to",
        required=False,
        help_text="For example a central referral unit that coordinated the reply.",
    )
    review = forms.BooleanField(label="This is the answer to an internal review", required=False)
    document = forms.FileField(
        label="Attachment (optional)",
        required=False,
        help_text="PDF, XLSX, CSV, DOCX or EML.",
    )
    public = forms.BooleanField(
        label="The attachment holds no personal data of officials (it may be published)",
        required=False,
    )

    def clean_document(self) -> UploadedFile | None:
        return _accepted_document(self.cleaned_data["document"])


class AttachmentForm(forms.Form):
    document = forms.FileField(label="Document", help_text="PDF, XLSX, CSV, DOCX or EML.")
    public = forms.BooleanField(
        label="Holds no personal data of officials (it may be published)", required=False
    )

    def clean_document(self) -> UploadedFile | None:
        return _accepted_document(self.cleaned_data["document"])


class CodeForm(forms.Form):
    """One question of a reply, coded as read."""

    value = forms.CharField(label="Value", required=False)
    outcome = forms.ChoiceField(
        label="Outcome for this question", choices=QUESTION_OUTCOME_CHOICES, required=False
    )
    exemptions = forms.CharField(label="Exemptions for this question", required=False)
    attachment = forms.TypedChoiceField(
        label="Found in", required=False, coerce=int, empty_value=None
    )
    page = forms.CharField(label="Page, sheet or paragraph", required=False, max_length=100)
    reason = forms.CharField(label="Note (for the audit trail)", required=False, max_length=500)

    def __init__(self, *args, attachments: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].choices = [("", "The reply itself"), *attachments]


class CorrectForm(forms.Form):
    field = forms.ChoiceField(
        label="Value of the reply",
        choices=[
            ("outcome", "Outcome"),
            ("exemptions", "Exemptions"),
            ("referred_to", "Referred to"),
        ],
    )
    value = forms.CharField(label="New value", required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label="Why the reply should be reviewed", widget=forms.Textarea(attrs={"rows": 4})
    )


class TemplatesForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "request_subject",
            "chaser_subject",
            "chaser_body",
            "review_subject",
            "review_body",
        ]
        help_texts = {
            "chaser_body": "Placeholders: {body_name} {reference} {title} {sent} {due} {letter}",
            "review_body": "Placeholders: {body_name} {reference} {title} {sent} {replied} "
            "{outcome} {reasons} {letter}",
        }
