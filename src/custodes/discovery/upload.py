"""Send scan results to a Custodes server, where they are reconciled against a register."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from custodes import __version__
from custodes.discovery.errors import UploadError

UPLOAD_TIMEOUT = 30.0
MAX_ERROR_BODY = 2048


def upload_payload(
    devices: list[dict[str, Any]], targets: list[str], started_at: str, finished_at: str
) -> dict[str, Any]:
    """The body the server expects."""
    return {
        "scanner": f"custodes {__version__}",
        "started_at": started_at,
        "finished_at": finished_at,
        "targets": targets,
        "devices": devices,
    }


def upload_results(url: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST the payload as JSON with a bearer token; returns the server's JSON reply."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise UploadError(f"upload URL {url!r} must start with http:// or https://")
    if not token:
        raise UploadError("an upload needs --token")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "User-Agent": f"custodes-discovery/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:
            body = response.read(1 << 20)
    except urllib.error.HTTPError as exc:
        detail = exc.read(MAX_ERROR_BODY).decode("utf-8", "replace")
        raise UploadError(f"server at {url} refused the upload: HTTP {exc.code} {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise UploadError(f"cannot reach {url}: {exc}") from exc
    try:
        reply = json.loads(body.decode("utf-8")) if body else {}
    except (ValueError, UnicodeDecodeError):
        return {"raw": body[:MAX_ERROR_BODY].decode("utf-8", "replace")}
    return reply if isinstance(reply, dict) else {"reply": reply}
