"""Custodes: oversight of public bodies' surveillance-camera estates."""

__version__ = "0.1.0"
