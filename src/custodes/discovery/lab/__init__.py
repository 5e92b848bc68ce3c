"""The Custodes test lab: emulated cameras, recorders and ordinary hosts on loopback."""

from custodes.discovery.lab.emulator import DEFAULT_BASE, Lab, LabDevice, LabThread, RecordedRequest
from custodes.discovery.lab.profiles import DeviceProfile, load_profiles

__all__ = [
    "DEFAULT_BASE",
    "DeviceProfile",
    "Lab",
    "LabDevice",
    "LabThread",
    "RecordedRequest",
    "load_profiles",
]
