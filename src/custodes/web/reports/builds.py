"""Report files built by a background job for download: what ``custodes report`` writes.

A ``report.build`` job runs :func:`write_report` into ``<DATA_DIR>/reports/<round>/<job>/``;
the report page offers the files of the latest build once it has finished (earlier builds'
folders are removed then). ``write_report`` stages every file and renames it into place, so a
build run again after its worker died simply writes them again.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed
from custodes.web.jobs.runner import JobRun
from custodes.web.jobs.services import latest_job, start_job
from custodes.web.reports.build import REPORT_FILES, REPORT_PDF, write_report
from custodes.web.reports.errors import ReportError
from custodes.web.surveys.models import Round

__all__ = ["BUILD_JOB", "build_folder", "latest_build", "run_build", "start_build"]

BUILD_JOB = "report.build"


def build_folder(job: Job) -> Path:
    """Where the job writes its report files."""
    return Path(settings.DATA_DIR) / "reports" / str(job.arguments["round_name"]) / str(job.pk)


def start_build(round_: Round, *, as_of: datetime | None, actor: str) -> Job:
    """Starts a job writing the round's report files, with the figures as of ``as_of``."""
    return start_job(
        BUILD_JOB,
        {
            "round": round_.pk,
            "round_name": round_.name,
            "as_of": as_of.isoformat() if as_of else None,
        },
        actor=actor,
        subject=round_,
    )


def latest_build(round_: Round) -> Job | None:
    return latest_job(round_, [BUILD_JOB])


def run_build(run: JobRun) -> dict[str, Any]:
    """The ``report.build`` handler."""
    round_ = Round.objects.filter(pk=run.arguments["round"]).first()
    if round_ is None:
        raise JobFailed("The round no longer exists.")
    as_of_text = run.arguments.get("as_of")
    run.progress(0, 1, "Building the report", force=True)
    try:
        written = write_report(
            round_,
            build_folder(run.job),
            as_of=datetime.fromisoformat(as_of_text) if as_of_text else None,
            pdf=True,
        )
    except ReportError as exc:
        raise JobFailed(str(exc)) from exc
    for earlier in build_folder(run.job).parent.iterdir():  # only the latest build is offered
        if earlier.name != str(run.job.pk) and earlier.is_dir():
            shutil.rmtree(earlier, ignore_errors=True)
    run.progress(1, 1, f"{len(written)} files written", force=True)
    return {"files": [p.name for p in written if p.name in (*REPORT_FILES, REPORT_PDF)]}
