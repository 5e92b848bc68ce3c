from django.contrib import admin

from custodes.web.bodies.models import Body, Contact, RecipientList
from custodes.web.core.admin import HTTPS_URL_FIELDS


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "code", "kind", "country", "foi_regime", "foi_email"]
    list_filter = ["kind", "country", "foi_regime"]
    search_fields = ["name", "code", "aliases"]
    inlines = [ContactInline]


@admin.register(RecipientList)
class RecipientListAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "version", "title", "date"]
    filter_horizontal = ["bodies"]
