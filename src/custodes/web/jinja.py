"""The Jinja2 environment of the few templates rendered with Jinja2 (``web/jinja2/``).

The respondent's form fields are rendered with Jinja2: a page carries a dozen or more fields,
each with its choices and follow-up panels, and Django's template engine spent about 70 % of
such a page's rendering on them (3.5 of 5 ms on the load benchmark's machine), on the pages
that take the most traffic. The templates get Django's ``gettext`` (the active language, so
Welsh too) and fail on an undefined name rather than render it empty.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from jinja2 import Environment, StrictUndefined

__all__ = ["environment"]


def environment(**options: Any) -> Environment:
    """Django's Jinja2 backend calls this with its options (loader, autoescape …)."""
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    env.globals["gettext"] = gettext
    return env
