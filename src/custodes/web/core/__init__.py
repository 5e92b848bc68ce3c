"""Cross-cutting pieces of the web shell: security headers, log redaction, the activity log."""
