"""Choice sets for the bodies app."""

from django.db.models import TextChoices


class BodyKind(TextChoices):
    TERRITORIAL = "territorial", "Territorial police force"
    SPECIAL = "special", "Special police force"
    AGENCY = "agency", "Law-enforcement agency"
    POLICING_BODY = "policing_body", "Policing body (police authority, commissioner or board)"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PUBLIC_AUTHORITY = "public_authority", "Other public authority"


class ContactRole(TextChoices):
    SRO = "sro", "Senior Responsible Officer"
    CHIEF = "chief", "Chief officer"
    CCTV_LEAD = "cctv", "CCTV lead"
    SECURITY_LEAD = "security", "Information-security lead"
    OTHER = "other", "Other"


class FoiRegime(TextChoices):
    """The access-to-information law a body answers under (custodes.foi.clock)."""

    FOIA = "foia", "Freedom of Information Act 2000"
    FOISA = "foisa", "Freedom of Information (Scotland) Act 2002"
    EIR = "eir", "Environmental Information Regulations 2004"
