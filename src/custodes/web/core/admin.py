"""What every app's admin shares."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.db import models

HTTPS_URL_FIELDS = {
    models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"},
}
"""``formfield_overrides`` of an admin with URL fields: an address typed without a scheme is
read as https:// (Django 6's default)."""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Facts on record: viewable, never changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
