"""App configuration: registers the assessments' enquiries with the survey rounds."""

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "custodes.web.assessments"
    label = "assessments"
    verbose_name = "Code of Practice assessments"

    def ready(self) -> None:
        from custodes.web.assessments.crosschecks import sat_data_version, sat_enquiries
        from custodes.web.surveys.enquiries import register_enquiry_source

        register_enquiry_source(sat_enquiries, version=sat_data_version)
