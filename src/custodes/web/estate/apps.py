from django.apps import AppConfig


class EstateConfig(AppConfig):
    name = "custodes.web.estate"
    label = "estate"
    verbose_name = "Equipment registers"
