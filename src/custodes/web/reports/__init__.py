"""Publishable reports: self-contained HTML, CSV and JSON, and the same report in the web UI."""
