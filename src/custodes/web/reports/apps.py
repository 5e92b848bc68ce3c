from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "custodes.web.reports"
    label = "reports"
    verbose_name = "Reports"
