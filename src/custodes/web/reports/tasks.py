"""The reports' background work: building the report files for download."""

from __future__ import annotations

from custodes.web.jobs.registry import job_kind
from custodes.web.reports.builds import BUILD_JOB, run_build

job_kind(BUILD_JOB, "Report files")(run_build)
