"""One small door from the CLI into Django: configure, migrate on first use, load the roster."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["setup"]

_ready = False


def setup(data_dir: Path | str | None = None) -> None:
    """Configures Django for ``data_dir`` and brings the database up to date.

    Creates the data directory, applies migrations and the cache table on first use, and
    loads (or refreshes) the shipped roster. Safe to call more than once.
    """
    global _ready
    if _ready:
        return
    if data_dir is not None:
        os.environ["CUSTODES_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodes.web.settings")
    import django

    django.setup()
    _ensure_database()
    _ready = True


def _ensure_database() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    _refresh_roster()


def _refresh_roster() -> None:
    """Loads the shipped roster when it is new or has changed since it was last loaded: the
    lists marked ``preload`` and those already stored, with their bodies (``sync_roster``)."""
    from django.core.cache import cache

    from custodes import roster as roster_core
    from custodes.web.bodies.services import sync_roster

    roster = roster_core.shipped_roster()
    # Every field of every body and list (FOI addresses included), so any edit is loaded.
    fingerprint = hashlib.sha256(repr((roster.bodies, roster.lists)).encode()).hexdigest()
    from custodes.web.bodies.models import Body

    if cache.get("custodes:roster") == fingerprint and Body.objects.exists():
        return
    sync_roster(roster)
    cache.set("custodes:roster", fingerprint, timeout=None)
