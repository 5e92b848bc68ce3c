"""Register files uploaded from the web, imported by a background job.

The request stores the file in ``$CUSTODES_DATA_DIR/uploads/registers/`` and starts a
``register.import`` job; a worker imports it with ``import_register`` (all or nothing, in one
transaction, so a rerun after a crash starts clean) and reports rows read and written as the
job's progress. The file is deleted once the import has an outcome; a file nothing waits for
any more is removed by the sweep of orphaned uploads.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.services import import_register
from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed
from custodes.web.jobs.runner import JobRun
from custodes.web.jobs.services import latest_job, start_job

__all__ = [
    "IMPORT_JOB",
    "latest_import",
    "remove_orphaned_registers",
    "run_import",
    "start_import",
    "uploads_dir",
]

IMPORT_JOB = "register.import"
SHOWN_PROBLEMS = 200


def uploads_dir() -> Path:
    """Where uploaded registers wait for their import: ``<DATA_DIR>/uploads/registers``."""
    folder = Path(settings.DATA_DIR) / "uploads" / "registers"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def start_import(body: Body, upload: UploadedFile, *, actor: str, reason: str) -> Job:
    """Stores the uploaded register and starts the job that imports it into ``body``."""
    suffix = Path(upload.name or "").suffix.casefold()[:10]
    path = uploads_dir() / f"{secrets.token_hex(16)}{suffix}"
    try:
        with path.open("xb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return start_job(
            IMPORT_JOB,
            {
                "body": body.pk,
                "file": path.name,
                "name": (upload.name or "")[:255],
                "reason": reason,
                "actor": actor,
            },
            actor=actor,
            subject=body,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def latest_import(body: Body) -> Job | None:
    """The body's most recent register import job."""
    return latest_job(body, [IMPORT_JOB])


def run_import(run: JobRun) -> dict[str, Any]:
    """The ``register.import`` handler: imports the stored file, then deletes it."""
    arguments = run.arguments
    body = Body.objects.filter(pk=arguments["body"]).first()
    path = uploads_dir() / arguments["file"]
    if body is None or not path.exists():
        path.unlink(missing_ok=True)
        raise JobFailed("The uploaded file or its organisation is no longer there.")
    run.progress(0, None, "Reading the file", force=True)
    try:
        result = import_register(
            body,
            path,
            actor=arguments["actor"],
            reason=arguments["reason"],
            progress=lambda read: run.progress(read, None, f"{read} rows read"),
            writing=lambda done, total: run.progress(done, total, f"{done} of {total} rows saved"),
        )
    except core.RegisterInvalid as exc:
        path.unlink(missing_ok=True)
        raise JobFailed(
            f"{exc.total} problem(s) in the file: nothing was saved.",
            {
                "problem_count": exc.total,
                "problems": [p.to_dict() for p in exc.problems[:SHOWN_PROBLEMS]],
            },
        ) from exc
    except core.EstateError as exc:
        path.unlink(missing_ok=True)
        raise JobFailed(str(exc)) from exc
    path.unlink(missing_ok=True)
    return result.to_dict()


def remove_orphaned_registers(older_than: timedelta) -> list[Path]:
    """Deletes uploaded registers older than ``older_than`` that no waiting or running import
    needs. Returns the files deleted."""
    cutoff = time.time() - older_than.total_seconds()
    keep = {
        job.arguments.get("file")
        for job in Job.objects.active().filter(kind=IMPORT_JOB).only("arguments")
    }
    removed = []
    for path in uploads_dir().iterdir():
        if path.name in keep or not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
