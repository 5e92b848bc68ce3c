"""Capture uploads: a body's packet capture, analysed in the background for vendor-cloud egress
and for the devices it shows.

The upload is streamed to ``$CUSTODES_DATA_DIR/captures/`` chunk by chunk by
:class:`CaptureUploadHandler`, which stops at the size limit (``CAPTURE_MAX_BYTES`` in the
settings, default 2 GiB) and removes a partial file. A ``CaptureAnalysis`` row and its
``capture.analyse`` job are created together; a worker runs :func:`custodes.egress.analyse` with
the body's register as the device directory, storing the bytes read as progress, and in the
same pass identifies each local device from what it sent (``custodes identify --capture``).
The file is kept until the analysis has an outcome (so an interrupted analysis starts again),
then deleted unless ``KEEP_CAPTURES`` is set. The request never waits for the analysis. A file
left by an upload cut off mid-way (the server killed) is removed by the sweep of orphaned
uploads.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.utils import timezone

from custodes import egress
from custodes import estate as core
from custodes.discovery import Scanner
from custodes.discovery.identify import identify_sighting
from custodes.discovery.naming import default_resolver
from custodes.discovery.passive import PassiveObserver
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, CaptureAnalysis
from custodes.web.estate.scans import compare_with_register
from custodes.web.jobs.services import start_job

__all__ = [
    "ANALYSE_JOB",
    "CAPTURE_FIELD",
    "DEFAULT_CAPTURE_MAX_BYTES",
    "CaptureUploadHandler",
    "StoredCapture",
    "analyse_capture",
    "capture_max_bytes",
    "capture_report",
    "captures_dir",
    "fail_analysis",
    "latest_capture",
    "register_directory",
    "remove_orphaned_captures",
    "store_upload",
]

CAPTURE_FIELD = "capture"
DEFAULT_CAPTURE_MAX_BYTES = 2 * 1024**3
PROGRESS_INTERVAL_SECONDS = 0.5
MAX_NAME = 255
ANALYSE_JOB = "capture.analyse"


def capture_max_bytes() -> int:
    """The largest capture accepted (setting ``CAPTURE_MAX_BYTES``)."""
    return int(getattr(settings, "CAPTURE_MAX_BYTES", DEFAULT_CAPTURE_MAX_BYTES))


def captures_dir() -> Path:
    """Where uploaded captures wait for analysis: ``<DATA_DIR>/captures``."""
    folder = Path(settings.DATA_DIR) / "captures"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


class StoredCapture(UploadedFile):
    """An uploaded capture already on disk in :func:`captures_dir`."""

    def __init__(self, path: Path, name: str, size: int) -> None:
        super().__init__(file=None, name=name, size=size)
        self.path = path


class CaptureUploadHandler(FileUploadHandler):
    """Streams the ``capture`` field straight to the captures folder, up to ``limit`` bytes.

    Past the limit the upload stops, the partial file is removed and ``too_large`` is set.
    Other file fields are ignored. ``stored`` is the file written, if any."""

    def __init__(self, request: Any = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = capture_max_bytes() if limit is None else limit
        self.too_large = False
        self.stored: StoredCapture | None = None
        self._path: Path | None = None
        self._handle: Any = None
        self._written = 0

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != CAPTURE_FIELD or self._path is not None:
            return
        suffix = Path(file_name).suffix.casefold()
        self._path = captures_dir() / f"{secrets.token_hex(16)}{suffix[:10]}"
        self._handle = self._path.open("xb")
        self._written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.field_name != CAPTURE_FIELD or self._handle is None:
            return None
        self._written += len(raw_data)
        if self._written > self.limit:
            self.too_large = True
            self._discard()
            raise StopUpload(connection_reset=False)
        self._handle.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> StoredCapture | None:
        if self.field_name != CAPTURE_FIELD or self._handle is None or self._path is None:
            return None
        self._handle.close()
        self._handle = None
        self.stored = StoredCapture(self._path, self.file_name or "capture", self._written)
        return self.stored

    def upload_interrupted(self) -> None:
        self._discard()

    def _discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)


def _safe_name(name: str) -> str:
    cleaned = "".join(ch for ch in Path(name).name if ch.isprintable()).strip()
    return cleaned[:MAX_NAME] or "capture"


@transaction.atomic
def store_upload(body: Body, upload: StoredCapture, *, actor: str) -> CaptureAnalysis:
    """Records a stored capture for ``body`` with the job that analyses it (queued on commit)."""
    analysis = CaptureAnalysis.objects.create(
        body=body,
        uploaded_by=actor[:150],
        file_name=_safe_name(upload.name or ""),
        size=upload.size or 0,
        stored_path=upload.path.name,
    )
    start_job(ANALYSE_JOB, {"analysis": analysis.pk}, actor=actor, subject=analysis)
    return analysis


def register_directory(body: Body) -> egress.DeviceDirectory:
    """The body's in-service assets with an IP address, as an egress device directory."""
    directory = egress.DeviceDirectory()
    rows = (
        Asset.objects.filter(body=body)
        .exclude(status=core.AssetStatus.REMOVED)
        .exclude(ip="")
        .order_by("-asset_id")  # so the first asset id wins for a shared address
        .values_list("asset_id", "site", "ip", "manufacturer", "model")
    )
    for asset_id, site, ip, manufacturer, model in rows.iterator(chunk_size=2_000):
        try:
            ipaddress.ip_address(ip.strip())
        except ValueError:
            continue
        directory.add(
            egress.DeviceRecord(
                address=ip.strip(),
                name=f"{asset_id} ({site})" if site else asset_id,
                manufacturer=manufacturer or None,
                model=model or None,
            )
        )
    return directory


def _problem_dict(problem: egress.CaptureProblem, file_name: str) -> dict[str, Any]:
    return {"file": file_name, "offset": problem.offset, "message": problem.message}


def _discard_file(analysis: CaptureAnalysis) -> None:
    if analysis.stored_path and not getattr(settings, "KEEP_CAPTURES", False):
        (captures_dir() / analysis.stored_path).unlink(missing_ok=True)


def analyse_capture(
    analysis_id: int, progress: Callable[[int], None] | None = None
) -> CaptureAnalysis:
    """Analyses a stored capture and stores the result; removes the file afterwards unless
    ``KEEP_CAPTURES`` is set. ``progress`` gets the bytes read so far.

    An analysis that already has an outcome is returned as it is. An exception leaves the
    analysis running and its file in place, so that it can be run again."""
    analysis = CaptureAnalysis.objects.select_related("body").get(pk=analysis_id)
    if analysis.finished:
        return analysis
    path = captures_dir() / analysis.stored_path
    CaptureAnalysis.objects.filter(pk=analysis_id).update(
        status=CaptureAnalysis.Status.RUNNING, progress_bytes=0
    )
    last = 0.0

    def read_so_far(read: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL_SECONDS:
            last = now
            CaptureAnalysis.objects.filter(pk=analysis_id).update(progress_bytes=read)
        if progress is not None:
            progress(read)

    observer = PassiveObserver()
    report = egress.analyse(
        [path],
        devices=register_directory(analysis.body),
        progress=read_so_far,
        tap=observer.feed,
    )
    scanner = Scanner(resolver=default_resolver())
    analysis.status = CaptureAnalysis.Status.DONE
    analysis.result = report.to_dicts()
    analysis.devices = [identify_sighting(scanner, sighting) for sighting in observer.sightings()]
    analysis.problems = [_problem_dict(p, analysis.file_name) for p in report.problems]
    analysis.progress_bytes = report.bytes_read
    analysis.finished_at = timezone.now()
    analysis.save(
        update_fields=["status", "result", "devices", "problems", "progress_bytes", "finished_at"]
    )
    _discard_file(analysis)
    return analysis


def latest_capture(body: Body) -> CaptureAnalysis | None:
    """The body's most recently uploaded capture whose analysis is done, if any."""
    return (
        CaptureAnalysis.objects.filter(body=body, status=CaptureAnalysis.Status.DONE)
        .select_related("body")
        .first()
    )


def capture_report(analysis: CaptureAnalysis) -> dict[str, Any]:
    """A done analysis as ``custodes estate captures --json`` prints it: the devices seen, set
    against the register as it stands now, and each device's vendor-service traffic."""
    comparison = compare_with_register(analysis.body_id, analysis.devices)
    return {
        "analysis": analysis.pk,
        "body": analysis.body.code,
        "file": analysis.file_name,
        "uploaded_at": analysis.uploaded_at.isoformat(),
        "uploaded_by": analysis.uploaded_by,
        "finished_at": analysis.finished_at.isoformat() if analysis.finished_at else None,
        "devices": analysis.devices,
        "matched": comparison.matched,
        "unregistered": [device.to_dict() for device in comparison.unregistered],
        "mismatches": [mismatch.to_dict() for mismatch in comparison.mismatches],
        "vendor_services": analysis.result,
        "problems": analysis.problems,
    }


def fail_analysis(analysis_id: int, error: str) -> None:
    """Records that the analysis failed for good (its job gave up) and removes its file."""
    analysis = CaptureAnalysis.objects.filter(pk=analysis_id).first()
    if analysis is None or analysis.finished:
        return
    analysis.status = CaptureAnalysis.Status.FAILED
    analysis.error = error[:2_000]
    analysis.finished_at = timezone.now()
    analysis.save(update_fields=["status", "error", "finished_at"])
    _discard_file(analysis)


def remove_orphaned_captures(older_than: timedelta) -> list[Path]:
    """Deletes files in the captures folder older than ``older_than`` that no analysis still
    needs: partial uploads cut off mid-way, refused uploads, files of finished analyses
    (unless ``KEEP_CAPTURES``). Returns the files deleted."""
    cutoff = time.time() - older_than.total_seconds()
    needed = CaptureAnalysis.objects.exclude(stored_path="")
    if not getattr(settings, "KEEP_CAPTURES", False):
        needed = needed.filter(
            status__in=[CaptureAnalysis.Status.PENDING, CaptureAnalysis.Status.RUNNING]
        )
    keep = set(needed.values_list("stored_path", flat=True))
    removed = []
    for path in captures_dir().iterdir():
        if path.name in keep or not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
