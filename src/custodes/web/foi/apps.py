from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "custodes.web.foi"
    label = "foi"
    verbose_name = "FOI campaigns"
