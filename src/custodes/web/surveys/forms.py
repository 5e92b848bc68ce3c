"""Forms of the watchdog dashboard, rendered by ``core/templatetags/govuk_forms``."""

from __future__ import annotations

from typing import Any

from django import forms

from custodes import questionnaire as qcore
from custodes.questionnaire import AnswerType, Question, Questionnaire
from custodes.web.surveys.models import Round
from custodes.web.surveys.views.respond_fields import YES_NO_UNSURE_LABELS

RADIO_TYPES = frozenset({AnswerType.YES_NO_UNSURE, AnswerType.SINGLE_CHOICE})
CHECKBOX_TYPES = frozenset({AnswerType.MULTIPLE_CHOICE, AnswerType.CAPABILITIES})
MAX_REASON_CHARS = 2000


def answer_choices(question: Question) -> list[tuple[str, str]]:
    """The question's own answer choices as (value, label), from the questionnaire."""
    if question.type is AnswerType.YES_NO_UNSURE:
        return list(YES_NO_UNSURE_LABELS.items())
    return [(option.value, option.label) for option in question.options]


def question_choices(definition: Questionnaire) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every question, grouped by its block's title, for a select."""
    return [(block.title, [(q.id, q.text) for q in block.questions]) for block in definition.blocks]


class QuestionPickForm(forms.Form):
    """Step one of a correction: which answer (GET, so the page can be linked to)."""

    question_id = forms.ChoiceField(
        label="Which answer do you want to correct?",
        error_messages={
            "required": "Select the question whose answer you want to correct",
            "invalid_choice": "Select a question from the list",
        },
    )

    def __init__(self, *args: Any, definition: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question_id"].choices = [
            ("", "Select a question"),
            *question_choices(definition),
        ]


class CorrectionForm(forms.Form):
    """Step two: the new answer, with the question's own controls, and the reason.

    ``cleaned_data["answer"]`` is the new answer as the questionnaire stores it (None removes
    the answer), checked against the question by :func:`custodes.questionnaire.validate_answer`.
    """

    remove = forms.BooleanField(
        label="Remove the answer instead (leave the question unanswered)", required=False
    )
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the follow-up enquiry of 1 March found …",
        error_messages={
            "required": "Enter the reason for the correction",
            "max_length": f"Reason must be {MAX_REASON_CHARS:,} characters or fewer",
        },
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields = {"value": self._value_field(question), **self.fields}

    @staticmethod
    def _value_field(question: Question) -> forms.Field:
        label = "New answer"
        invalid = {"invalid_choice": "Select one of the answers shown"}
        if question.type in RADIO_TYPES:
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=answer_choices(question),
                widget=forms.RadioSelect,
                error_messages=invalid,
            )
        if question.type in CHECKBOX_TYPES:
            return forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=answer_choices(question),
                widget=forms.CheckboxSelectMultiple,
                help_text="Select all that apply.",
                error_messages=invalid,
            )
        if question.type is AnswerType.COUNT:
            return forms.CharField(
                label=label,
                required=False,
                help_text="A whole number, for example 120.",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
                ),
            )
        if question.type is AnswerType.MANUFACTURERS:
            return forms.CharField(
                label=label,
                required=False,
                help_text="One manufacturer per line, as the body named them.",
                widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
            )
        return forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    @property
    def selects(self) -> bool:
        """Whether the new answer is chosen (radios, checkboxes) rather than typed."""
        return self.question.type in RADIO_TYPES | CHECKBOX_TYPES

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value = cleaned.get("value")
        blank = value in (None, "", [])
        if cleaned.get("remove"):
            if not blank:
                self.add_error("remove", "Either give a new answer or remove the answer, not both")
            cleaned["answer"] = None
            return cleaned
        if blank:
            if "value" not in self.errors:
                verb = "Select" if self.selects else "Enter"
                self.add_error(
                    "value", f"{verb} the new answer, or choose to remove the answer instead"
                )
            return cleaned
        try:
            if self.question.type is AnswerType.COUNT:
                answer = qcore.parse_answer(self.question, value)
            elif self.question.type is AnswerType.MANUFACTURERS:
                names = [line.strip() for line in value.splitlines() if line.strip()]
                answer = qcore.validate_answer(self.question, names)
            else:
                answer = qcore.validate_answer(self.question, value)
        except qcore.AnswerError as error:
            self.add_error("value", error.message)
        else:
            cleaned["answer"] = answer
        return cleaned


class ReasonForm(forms.Form):
    """Why a return is reopened."""

    reason = forms.CharField(
        label="Reason for reopening",
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the reason for reopening the return",
            "max_length": f"Reason must be {MAX_REASON_CHARS:,} characters or fewer",
        },
    )


class EmailTextForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["invitation_subject", "invitation_body", "reminder_subject", "reminder_body"]
        labels = {
            "invitation_subject": "Invitation subject",
            "invitation_body": "Invitation text",
            "reminder_subject": "Reminder subject",
            "reminder_body": "Reminder text",
        }
        help_texts = {
            "invitation_body": "Placeholders: {round_title} {body_name} {closes} {expires} "
            "{link}. The link must appear in the text.",
            "reminder_body": "The same placeholders. The link must appear in the text.",
        }
        error_messages = {
            "invitation_subject": {"required": "Enter the invitation's subject"},
            "invitation_body": {"required": "Enter the invitation's text"},
            "reminder_subject": {"required": "Enter the reminder's subject"},
            "reminder_body": {"required": "Enter the reminder's text"},
        }

    def clean(self):
        cleaned = super().clean()
        for field in ("invitation_body", "reminder_body"):
            if field in cleaned and "{link}" not in cleaned[field]:
                self.add_error(field, "The text must contain {link}.")
        for field in ("invitation_subject", "reminder_subject"):
            if "{link}" in cleaned.get(field, ""):  # subjects go to the activity log
                self.add_error(field, "The subject must not contain {link}: put it in the text.")
        return cleaned


MAX_REMINDER_DAYS = 365


class ReminderScheduleForm(forms.Form):
    """The round's automatic reminder: days before closing, or empty for none."""

    reminder_days_before_close = forms.IntegerField(
        label="Automatic reminder to bodies that have not responded: days before the round closes",
        required=False,
        error_messages={"invalid": "Enter the number of days as a whole number, like 7"},
    )

    def clean_reminder_days_before_close(self) -> int | None:
        days = self.cleaned_data.get("reminder_days_before_close")
        if days is not None and not 1 <= days <= MAX_REMINDER_DAYS:
            raise forms.ValidationError(f"Enter a number of days from 1 to {MAX_REMINDER_DAYS}")
        return days


class SendForm(forms.Form):
    """Send invitations or reminders. A round whose closing date has passed needs a new
    deadline, which the emails give instead of the closing date."""

    kind = forms.ChoiceField(  # the button pressed; invitations when none is named
        choices=[("invitation", "Invitations"), ("reminder", "Reminders")],
        required=False,
        widget=forms.HiddenInput,
        initial="invitation",
        error_messages={"invalid_choice": "Choose to send invitations or reminders"},
    )
    form_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    deadline = forms.DateField(
        label="New deadline for these bodies",
        required=False,
        help_text="The round has closed, so the emails need a date to answer by instead of "
        "the closing date. For example, 27 3 2027 or 2027-03-27.",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
        error_messages={"invalid": "Enter the new deadline as a real date, like 27 3 2027"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, closed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.closed = closed
        if not closed:
            del self.fields["deadline"]
