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


def _date_messages(what: str) -> dict[str, str]:
    return {
        "required": f"Enter the date {what}",
        "invalid": f"Enter the date {what} as a date, like 2023-02-01",
    }


def _accepted_document(upload: UploadedFile | None) -> UploadedFile | None:
    """Refuse a document of a kind the store does not accept, as the field's error."""
    if upload is not None:
        try:
            attachment_kind(upload.name or "document")
        except CampaignError as exc:
            raise forms.ValidationError(str(exc)) from None
    return upload


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened", error_messages={"required": "Choose what happened"}
    )
    on = forms.DateField(
        label="Date", widget=DateInput, error_messages=_date_messages("it happened")
    )
    note = forms.CharField(label="Note", required=False, max_length=2000)
    extra_days = forms.IntegerField(
        label="Further working days (extension only)",
        required=False,
        min_value=1,
        max_value=60,
        help_text="The ICO expects at most 20 further working days.",
        error_messages={
            "invalid": "Enter the further working days as a whole number, like 20",
            "min_value": "Enter at least 1 further working day",
            "max_value": "Enter at most 60 further working days",
        },
    )

    def __init__(self, *args, labels: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, labels[k]) for k in MANUAL_EVENTS]


class SentForm(forms.Form):
    on = forms.DateField(
        label="Date sent", widget=DateInput, error_messages=_date_messages("the requests were sent")
    )
    via = forms.CharField(
        label="Sent how",
        required=False,
        max_length=200,
        help_text="For example: each force's FOI portal, or WhatDoTheyKnow.",
    )


class ReplyForm(forms.Form):
    received = forms.DateField(
        label="Date received",
        widget=DateInput,
        error_messages=_date_messages("the reply was received"),
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=list(OUTCOME_LABELS.items()),
        error_messages={"required": "Choose the reply's outcome"},
    )
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
    document = forms.FileField(
        label="Document",
        help_text="PDF, XLSX, CSV, DOCX or EML.",
        error_messages={"required": "Choose the document to add"},
    )
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
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the correction"},
    )


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label="Why the reply should be reviewed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the reply should be reviewed"},
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
        error_messages = {
            name: {"required": f"Enter the {label}"}
            for name, label in {
                "request_subject": "request's subject",
                "chaser_subject": "chaser's subject",
                "chaser_body": "chaser's text",
                "review_subject": "review request's subject",
                "review_body": "review request's text",
            }.items()
        }
        help_texts = {
            "chaser_body": "Placeholders: {body_name} {reference} {title} {sent} {due} {letter}",
            "review_body": "Placeholders: {body_name} {reference} {title} {sent} {replied} "
            "{outcome} {reasons} {letter}",
        }
