"""Read-only, unauthenticated probes. Each returns observations and never raises on bad input."""
