"""Choice sets for the bodies app."""

from django.db.models import TextChoices


class BodyKind(TextChoices):
    TERRITORIAL = "territorial", "Territorial police force"
    SPECIAL = "special", "Special police force"
    AGENCY = "agency", "Law-enforcement agency"


class ContactRole(TextChoices):
    SRO = "sro", "Senior Responsible Officer"
    CHIEF = "chief", "Chief officer"
    CCTV_LEAD = "cctv", "CCTV lead"
    SECURITY_LEAD = "security", "Information-security lead"
    OTHER = "other", "Other"
