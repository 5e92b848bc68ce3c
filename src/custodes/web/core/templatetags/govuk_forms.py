"""GOV.UK form rendering for the watchdog's pages, one set shared by every form.

``{% error_summary form … %}`` puts the error summary (``role="alert"``, focused on load)
at the top of a page, each message linking to its field's first control; ``{% govuk_field
form.name %}`` renders a field with its label (or fieldset and legend for radios and
checkboxes), hint, error message and control, GOV.UK-styled, with ``aria-describedby`` naming
only ids that exist on the page. Both read a Django form's own labels, help texts and errors.

An error found by a view that redirects travels as a message (``core/form_errors.py``):
``{% message_errors messages as e %}`` gives ``e.summary`` for the error summary and
``e.by_field`` for the field's own message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms, template
from django.contrib.messages.storage.base import Message
from django.forms.boundfield import BoundField

from custodes.web.core.form_errors import field_id_of

register = template.Library()

CHOICE_WIDGETS = {"radioselect": "radios", "checkboxselectmultiple": "checkboxes"}
CONTROL_CLASSES = {
    "textarea": "textarea",
    "select": "select",
    "clearablefile": "file-upload",
    "file": "file-upload",
}


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: its message and the control it links to."""

    message: str
    href: str | None


def first_control_id(field: BoundField) -> str:
    """The id of the field's first control: where an error summary link lands."""
    if field.widget_type in CHOICE_WIDGETS:
        subwidgets = field.subwidgets
        if subwidgets:
            return subwidgets[0].data["attrs"]["id"]
    return field.auto_id


def summary_errors(*forms_: forms.BaseForm | None) -> list[SummaryError]:
    """Every error of ``forms_`` in field order, then the forms' own (non-field) errors."""
    errors: list[SummaryError] = []
    for form in forms_:
        if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
            continue
        visible = form.visible_fields()
        first = "#" + first_control_id(visible[0]) if visible else None
        for error in form.non_field_errors():  # about the whole form: link to its start
            errors.append(SummaryError(str(error), first))
        for field in form:
            for error in field.errors:
                errors.append(SummaryError(str(error), "#" + first_control_id(field)))
    return errors


@dataclass
class MessageErrors:
    """Field errors carried by messages: for the summary, and by control id."""

    summary: list[SummaryError] = dataclass_field(default_factory=list)
    by_field: dict[str, str] = dataclass_field(default_factory=dict)


@register.simple_tag
def message_errors(messages: Iterable[Message] | None) -> MessageErrors:
    """The field errors among ``messages`` (see the module)."""
    found = MessageErrors()
    for message in messages or ():
        field_id = field_id_of(message)
        if field_id is not None:
            found.summary.append(SummaryError(str(message), "#" + field_id))
            found.by_field.setdefault(field_id, str(message))
    return found


@register.filter
def is_field_error(message: Message) -> bool:
    """Whether a message is a field's error, shown in the error summary instead."""
    return field_id_of(message) is not None


@register.inclusion_tag("core/forms/_error_summary.html")
def error_summary(*forms_: forms.BaseForm | None) -> dict:
    """The GOV.UK error summary for ``forms_`` (nothing when they have no errors)."""
    return {"errors": summary_errors(*forms_)}


@register.simple_tag
def has_errors(*forms_: forms.BaseForm | None) -> bool:
    """Whether any of ``forms_`` has an error (for the "Error: " prefix of the title)."""
    return bool(summary_errors(*forms_))


@register.inclusion_tag("core/forms/_field.html")
def govuk_field(field: BoundField, label_size: str = "s", width: str = "") -> dict:
    """A field in the GOV.UK pattern. ``label_size`` is ``s``, ``m`` or ``l``; ``width``
    (``3``, ``5``, ``10``, ``20``) narrows a text input to the length expected."""
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described_by = " ".join(i for i in (hint_id, error_id) if i)
    kind = CHOICE_WIDGETS.get(field.widget_type, "control")
    if field.widget_type == "checkbox":
        kind = "checkbox"
    context = {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "label_size": label_size,
    }
    if kind == "control":
        base = CONTROL_CLASSES.get(field.widget_type, "input")
        classes = [base]
        if base == "input" and width:
            classes.append(f"input--width-{width}")
        if field.errors:
            classes.append(f"{base}--error")
        attrs = {"class": " ".join(classes)}
        if described_by:
            attrs["aria-describedby"] = described_by
        context["control"] = field.as_widget(attrs=attrs)
    elif kind == "checkbox":
        context["checked"] = bool(field.value())
    else:
        context["options"] = [
            {
                "id": option.data["attrs"]["id"],
                "name": option.data["name"],
                "value": option.data["value"],
                "label": option.choice_label,
                "checked": option.data["selected"],
            }
            for option in field.subwidgets
        ]
    return context
