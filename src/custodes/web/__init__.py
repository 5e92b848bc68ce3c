"""The Django shell around the pure core: persistence, web UI, admin, auth and API."""
