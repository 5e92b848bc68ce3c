from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "custodes.web.core"
    label = "core"
    verbose_name = "Custodes core"
