from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "custodes.web.surveys"
    label = "surveys"
    verbose_name = "Survey rounds"
