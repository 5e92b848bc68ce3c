"""The report page of the demo round: computed on every request (the baseline) against served
from the report cache (``custodes.web.reports.cache``).

Builds the synthetic demo round (``custodes demo``'s ``demo-2022``) in a temporary data
directory, signs a watchdog in, and times complete requests for ``/reports/demo-2022/``
through Django's whole middleware stack (the time to the response's first byte, less the
network): first with the cache emptied before each request, as the page was served before the
cache, then from the cache. Charts are drawn once per process in both. Prints the medians and
the ratio.

    .venv/bin/python benchmarks/report_page.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests timed per case")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodes-report-bench-") as data_dir:
        os.environ["CUSTODES_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        from custodes.web.bootstrap import setup

        setup()
        from django.contrib.auth import get_user_model
        from django.core.cache import cache
        from django.test import Client

        from custodes.web.surveys.demo import build_demo_round

        round_ = build_demo_round()
        user = get_user_model().objects.create_user("bench", password="x" * 20, is_staff=True)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        url = f"/reports/{round_.name}/"
        _timed(client, url)  # imports, the questionnaire, the charts: once per process
        uncached = []
        for _ in range(options.repeat):
            cache.clear()
            uncached.append(_timed(client, url))
        cached = [_timed(client, url) for _ in range(options.repeat)]
        base, fast = statistics.median(uncached), statistics.median(cached)
        print(f"report page, demo round, {options.repeat} requests each (median):")
        print(f"  computed on every request (baseline): {base * 1000:8.1f} ms")
        print(f"  from the report cache:                {fast * 1000:8.1f} ms")
        print(f"  ratio: {base / fast:.1f}x faster")


if __name__ == "__main__":
    main()
