from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "custodes.web.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Every app's ``tasks`` module registers its job kinds and periodic tasks with Huey.
        autodiscover_modules("tasks")
