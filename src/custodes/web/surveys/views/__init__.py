"""Views of the surveys app: the respondent form and the watchdog dashboard."""
