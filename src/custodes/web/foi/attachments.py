"""Documents that came with replies: stored once by SHA-256 under the data directory, with a
size cap checked while the file streams; a reply's spreadsheet can go into the body's register.

Files live in ``$CUSTODES_DATA_DIR/foi/attachments/<sha256>``; the row keeps the name, kind,
size and hash. Only PDF, XLSX, CSV, DOCX and EML files are accepted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from custodes.foi.states import local_date
from custodes.web.estate.services import import_register
from custodes.web.foi.models import Attachment, Reply, Request
from custodes.web.foi.services import CampaignError

__all__ = [
    "ATTACHMENT_KINDS",
    "attachment_kind",
    "attachment_max_bytes",
    "attachment_path",
    "attachments_dir",
    "import_into_register",
    "provenance",
    "store_attachment",
]

ATTACHMENT_KINDS = frozenset({"pdf", "xlsx", "csv", "docx", "eml"})
REGISTER_KINDS = frozenset({"xlsx", "csv"})
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def attachment_max_bytes() -> int:
    """The largest attachment accepted (``CUSTODES_FOI_ATTACHMENT_MAX_BYTES``, default 50 MiB)."""
    return int(os.environ.get("CUSTODES_FOI_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def attachments_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "foi" / "attachments"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def attachment_path(attachment: Attachment) -> Path:
    return attachments_dir() / attachment.sha256


def attachment_kind(name: str) -> str:
    """The kind of a document named ``name`` (its extension); raises ``CampaignError`` for a
    kind that is not accepted."""
    kind = Path(name).suffix.casefold().lstrip(".")
    if kind not in ATTACHMENT_KINDS:
        raise CampaignError(
            f"{name!r}: only {', '.join(sorted(ATTACHMENT_KINDS)).upper()} files are accepted"
        )
    return kind


def store_attachment(
    request: Request,
    name: str,
    chunks: Iterable[bytes],
    *,
    actor: str,
    reply: Reply | None = None,
    personal_data: bool = True,
) -> Attachment:
    """Streams ``chunks`` to the store, hashing as it goes and stopping past the size cap;
    an email (EML) always counts as holding personal data."""
    kind = attachment_kind(name)
    if reply is not None and reply.request_id != request.pk:
        raise CampaignError("that reply belongs to another request")
    limit = attachment_max_bytes()
    digest = hashlib.sha256()
    size = 0
    folder = attachments_dir()
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        temporary = Path(handle.name)
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise CampaignError(f"{name!r} is larger than {limit:,} bytes")
                digest.update(chunk)
                handle.write(chunk)
        except BaseException:
            handle.close()
            temporary.unlink(missing_ok=True)
            raise
    sha256 = digest.hexdigest()
    target = folder / sha256
    if target.exists():
        temporary.unlink()
    else:
        temporary.replace(target)
    with transaction.atomic():
        return Attachment.objects.create(
            request=request,
            reply=reply,
            name=Path(name).name[:255],
            kind=kind,
            size=size,
            sha256=sha256,
            personal_data=personal_data or kind == "eml",
            uploaded_by=actor,
        )


def provenance(attachment: Attachment) -> str:
    """The reason every register change imported from this document carries."""
    if attachment.kind not in REGISTER_KINDS:
        raise CampaignError("only a CSV or XLSX attachment can be imported into a register")
    request = attachment.request
    received = attachment.reply.received_at if attachment.reply else attachment.uploaded_at
    return (
        f"FOI reply, received {local_date(received):%d %B %Y} "
        f"({request.campaign.name}, our ref. {request.reference}; {attachment.name}, "
        f"sha256 {attachment.sha256[:12]})"
    )


def import_into_register(attachment: Attachment, *, actor: str):
    """Imports a reply's spreadsheet into the body's equipment register, with its provenance
    ("FOI reply, received …") as every change's reason. All or nothing (the estate
    importer's errors name row and column)."""
    reason = provenance(attachment)
    # The estate reader picks the format by suffix: give it the stored file under its kind.
    with tempfile.TemporaryDirectory(dir=attachments_dir()) as folder:
        copy = Path(folder) / f"reply.{attachment.kind}"
        shutil.copyfile(attachment_path(attachment), copy)
        return import_register(attachment.request.body, copy, actor=actor, reason=reason)
