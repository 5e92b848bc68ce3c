"""What the browser tests share besides fixtures: the demo's data and site, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEMO_ROUND = "demo-2022"


@dataclass(frozen=True)
class Demo:
    """A prepared demo data directory (and PostgreSQL database, on PostgreSQL): the watchdog's
    password, a respondent's link token, the path of the published self-assessment."""

    data_dir: Path
    password: str
    token: str
    database: str | None = None
    published_assessment: str = ""


@dataclass(frozen=True)
class DemoSite:
    """A running copy of the demo."""

    url: str
    data_dir: Path
    password: str
    token: str
    round: str = DEMO_ROUND
    published_assessment: str = ""


def sign_in(page, site: DemoSite) -> None:
    """Signs the demo watchdog in on ``page`` (from the login form, as a person would)."""
    page.goto(f"{site.url}/rounds/")
    page.get_by_label("Username").fill("watchdog")
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_url(re.compile(r"/rounds/"))
