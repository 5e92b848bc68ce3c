"""Capture uploads: a body's packet capture, analysed for vendor-cloud egress in the background.

The upload is streamed to ``$CUSTODES_DATA_DIR/captures/`` chunk by chunk by
:class:`CaptureUploadHandler`, which stops at the size limit (``CAPTURE_MAX_BYTES`` in the
settings, default 2 GiB) and removes a partial file. A ``CaptureAnalysis`` row is created and,
once the transaction commits, a background thread runs :func:`custodes.egress.analyse` with the
body's register as the device directory, storing the bytes read as progress. The file is
deleted afterwards unless ``KEEP_CAPTURES`` is set. The request never waits for the analysis.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from custodes import egress
from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, CaptureAnalysis

__all__ = [
    "CAPTURE_FIELD",
    "DEFAULT_CAPTURE_MAX_BYTES",
    "CaptureUploadHandler",
    "StoredCapture",
    "analyse_capture",
    "capture_max_bytes",
    "captures_dir",
    "fail_interrupted_analyses",
    "register_directory",
    "start_analysis",
    "store_upload",
]

CAPTURE_FIELD = "capture"
DEFAULT_CAPTURE_MAX_BYTES = 2 * 1024**3
PROGRESS_INTERVAL_SECONDS = 0.5
MAX_NAME = 255


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


def store_upload(body: Body, upload: StoredCapture, *, actor: str) -> CaptureAnalysis:
    """Records a stored capture for ``body`` and starts its analysis after commit."""
    analysis = CaptureAnalysis.objects.create(
        body=body,
        uploaded_by=actor[:150],
        file_name=_safe_name(upload.name or ""),
        size=upload.size or 0,
        stored_path=upload.path.name,
    )
    transaction.on_commit(lambda: start_analysis(analysis.pk))
    return analysis


# At most this many captures are analysed at once; later uploads wait, shown as pending.
ANALYSIS_SLOTS = threading.BoundedSemaphore(2)


def start_analysis(analysis_id: int) -> threading.Thread:
    """Runs :func:`analyse_capture` in a daemon thread (waiting for a free slot), which closes
    its DB connection."""

    def run() -> None:
        with ANALYSIS_SLOTS:
            try:
                analyse_capture(analysis_id)
            finally:
                connection.close()

    thread = threading.Thread(target=run, name=f"capture-{analysis_id}", daemon=True)
    thread.start()
    return thread


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


def analyse_capture(analysis_id: int) -> CaptureAnalysis:
    """Analyses a pending capture and stores the result (or the error); removes the file
    afterwards unless ``KEEP_CAPTURES`` is set."""
    close_old_connections()
    analysis = CaptureAnalysis.objects.select_related("body").get(pk=analysis_id)
    path = captures_dir() / analysis.stored_path
    CaptureAnalysis.objects.filter(pk=analysis_id).update(status=CaptureAnalysis.Status.RUNNING)
    last = 0.0

    def progress(read: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL_SECONDS:
            last = now
            CaptureAnalysis.objects.filter(pk=analysis_id).update(progress_bytes=read)

    try:
        report = egress.analyse(
            [path], devices=register_directory(analysis.body), progress=progress
        )
    except Exception as exc:  # the row must say why; nothing else may see the failure
        analysis.status = CaptureAnalysis.Status.FAILED
        analysis.error = f"{type(exc).__name__}: {exc}"[:2_000]
    else:
        analysis.status = CaptureAnalysis.Status.DONE
        analysis.result = report.to_dicts()
        analysis.problems = [_problem_dict(p, analysis.file_name) for p in report.problems]
        analysis.progress_bytes = report.bytes_read
    finally:
        if not getattr(settings, "KEEP_CAPTURES", False):
            path.unlink(missing_ok=True)
    analysis.finished_at = timezone.now()
    analysis.save(
        update_fields=["status", "error", "result", "problems", "progress_bytes", "finished_at"]
    )
    return analysis


def fail_interrupted_analyses() -> int:
    """Marks analyses left pending or running by a server that stopped as failed (their
    threads died with it); returns how many. Call once when a single server process starts."""
    interrupted = CaptureAnalysis.objects.filter(
        status__in=[CaptureAnalysis.Status.PENDING, CaptureAnalysis.Status.RUNNING]
    )
    for analysis in interrupted:
        if not getattr(settings, "KEEP_CAPTURES", False):
            (captures_dir() / analysis.stored_path).unlink(missing_ok=True)
    return interrupted.update(
        status=CaptureAnalysis.Status.FAILED,
        error="The server stopped during the analysis. Upload the capture again.",
        finished_at=timezone.now(),
    )
