"""Who may see what: watchdog staff see everything; respondents only their own return.

Shared by every app with watchdog pages (surveys, estate, reports, the API)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.models import Group, Permission
from django.db import transaction

__all__ = ["WATCHDOG_GROUP", "is_watchdog", "watchdog_group", "watchdog_required"]

WATCHDOG_GROUP = "watchdog"
# In the admin, the watchdog's staff see every Custodes record and manage who receives each
# body's invitations (contacts, edited on the body's page). Submissions, corrections and the
# activity log stay read-only facts; accounts and lock-outs are for superusers.
WATCHDOG_EDITS = {
    ("bodies", "body"): ("change",),
    ("bodies", "contact"): ("add", "change", "delete"),
}


@transaction.atomic
def watchdog_group() -> Group:
    """The watchdog group, with its admin permissions (see ``WATCHDOG_EDITS``) granted."""
    group, _ = Group.objects.get_or_create(name=WATCHDOG_GROUP)
    labels = {
        config.label for config in apps.get_app_configs() if config.name.startswith("custodes.")
    }
    wanted = Permission.objects.filter(
        content_type__app_label__in=labels, codename__startswith="view_"
    )
    edits = Permission.objects.none()
    for (app_label, model), actions in WATCHDOG_EDITS.items():
        edits |= Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*wanted, *edits)
    return group


def is_watchdog(user) -> bool:
    """A logged-in, active member of the watchdog's staff."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.groups.filter(name=WATCHDOG_GROUP).exists())
    )


watchdog_required = user_passes_test(is_watchdog)
