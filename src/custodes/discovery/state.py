"""Resume state: which hosts a scan has finished and what it found there."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodes.discovery.errors import StateFileError

STATE_VERSION = 1


@dataclass(slots=True)
class ScanState:
    """Completed hosts and their device records, kept in a JSON file."""

    path: Path
    completed: set[str] = field(default_factory=set)
    devices: list[dict[str, Any]] = field(default_factory=list)
    started_at: str | None = None

    @classmethod
    def load(cls, path: Path) -> ScanState:
        """Read a state file, or start an empty state when it does not exist yet."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateFileError(f"cannot read scan state {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateFileError(f"{path} is not a custodes scan state (version {STATE_VERSION})")
        completed = data.get("completed", [])
        devices = data.get("devices", [])
        if not isinstance(completed, list) or not isinstance(devices, list):
            raise StateFileError(f"{path}: 'completed' and 'devices' must be lists")
        return cls(path, {str(item) for item in completed}, list(devices), data.get("started_at"))

    def record(self, address: str, device: dict[str, Any] | None) -> None:
        """Mark a host done, with the device found there if any."""
        self.completed.add(address)
        if device is not None:
            self.devices.append(device)

    def save(self) -> None:
        """Write the state atomically (temporary file, then rename)."""
        payload = {
            "version": STATE_VERSION,
            "started_at": self.started_at,
            "completed": sorted(self.completed),
            "devices": self.devices,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            raise StateFileError(f"cannot write scan state {self.path}: {exc}") from exc
