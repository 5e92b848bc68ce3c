from django.apps import AppConfig


class BodiesConfig(AppConfig):
    name = "custodes.web.bodies"
    label = "bodies"
    verbose_name = "Bodies"
