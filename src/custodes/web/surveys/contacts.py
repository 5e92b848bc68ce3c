"""Who receives each body's invitations: adding, updating and listing contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from custodes.web.bodies.choices import ContactRole
from custodes.web.bodies.models import Body, Contact
from custodes.web.surveys.lifecycle import SurveyError

__all__ = ["list_contacts", "set_contact"]


@transaction.atomic
def set_contact(body: Body, email: str, *, name: str = "", role: str = ContactRole.SRO) -> Contact:
    """Adds the body's contact at ``email``, or updates its name and role if it exists.

    The unique (body, email) constraint makes ``update_or_create`` safe under concurrency: a
    second writer of the same address waits for, then updates, the first one's row.
    """
    try:
        validate_email(email)
    except ValidationError:
        raise SurveyError(f"{email!r} is not an email address") from None
    if role not in ContactRole.values:
        raise SurveyError(f"role must be one of {', '.join(ContactRole.values)}")
    contact, _ = Contact.objects.update_or_create(
        body=body, email=email, defaults={"name": name, "role": role}
    )
    return contact


def list_contacts() -> models.QuerySet[Contact]:
    """Every contact, by body."""
    return Contact.objects.select_related("body")
