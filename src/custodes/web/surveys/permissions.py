"""The watchdog gate, re-exported from ``custodes.web.core.permissions`` where it now lives."""

from custodes.web.core.permissions import WATCHDOG_GROUP, is_watchdog, watchdog_required

__all__ = ["WATCHDOG_GROUP", "is_watchdog", "watchdog_required"]
