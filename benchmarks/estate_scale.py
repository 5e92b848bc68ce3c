"""Equipment registers at national scale: import throughput and the national exposure summary.

Generates a synthetic estate (default 5,000 bodies and 5,000,000 assets, inserted in bulk with
``executemany`` on SQLite and ``COPY`` on PostgreSQL), builds the exposure tally, then times the
national summary (``custodes.web.estate.services.exposure``) on SQLite and on PostgreSQL, and a
straightforward pandas group-by of the same summary over the same rows in memory. Import
throughput is measured through the real import path (``import_register``) on a generated CSV,
into the same large database: a first import (every row new), then a re-import of the file
with every tenth quantity changed (updates, change records and unchanged rows).

    .venv/bin/python benchmarks/estate_scale.py [--assets N] [--bodies N] [--import-rows N]
                                                [--no-postgres]

Each step runs in its own child process (Django reads its database once per process), so that
each reports its own peak resident memory (``resource.getrusage``): the import's shows that it
does not grow with the file. The PostgreSQL run creates and drops its own database on
postgres://postgres@127.0.0.1:5432; the SQLite run uses a temporary directory, removed after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Synthetic brand/model strings: what a register might hold (names live in this benchmark's
# generated data only; the code under test resolves them through custodes.intel).
EQUIPMENT = [
    ("Hikvision", "DS-2CD2143G0-I"),
    ("Dahua", "IPC-HFW2431S"),
    ("Axis", "P3245"),
    ("Hanwha", "XNO-6080R"),
    ("Avigilon", "H5A"),
    ("Bosch", "FLEXIDOME"),
    ("Motorola Solutions", "VB400"),
    ("Axon", "Body 3"),
    ("DJI", "Matrice 300"),
    ("Genetec", "Security Center"),
    ("Milestone", "XProtect"),
    ("Uniview", "IPC2122"),
]
KINDS = [
    "external_cctv_camera",
    "internal_cctv_camera",
    "anpr_camera",
    "body_worn_camera",
    "drone",
    "recorder",
]
REPEATS = 5


def _setup_django(data_dir: Path) -> None:
    os.environ["CUSTODES_DATA_DIR"] = str(data_dir)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from custodes.web.bootstrap import setup

    setup()


def _makers() -> list[tuple[str, str, str, str | None, str | None]]:
    """(brand, model, manufacturer, concern_since, kev_since) for each equipment line."""
    from custodes.estate import MakerResolver

    resolver = MakerResolver()
    rows = []
    for brand, model in EQUIPMENT:
        maker = resolver.resolve(brand, model)
        rows.append(
            (
                brand,
                model,
                maker.manufacturer,
                maker.concern_since.isoformat() if maker.concern_since else None,
                maker.kev_since.isoformat() if maker.kev_since else None,
            )
        )
    return rows


def _asset_rows(bodies: list[int], assets: int, seed: int = 7):
    """Yields synthetic asset tuples in insertion-column order."""
    rng = random.Random(seed)
    makers = _makers()
    for i in range(assets):
        brand, model, manufacturer, concern, kev = makers[rng.randrange(len(makers))]
        removed = rng.random() < 0.05
        yield (
            bodies[i % len(bodies)],
            f"b{i}",
            KINDS[rng.randrange(len(KINDS))],
            brand,
            model,
            manufacturer,
            0.9,
            "[]",
            "",
            "",
            concern,
            kev,
            rng.randint(1, 4),
            "",
            "",
            "",
            "",
            f"site {rng.randrange(40)}",
            rng.random() < 0.1,
            "",
            "",
            None,
            "removed" if removed else "in_service",
            f"20{rng.randint(19, 25)}-06-30" if removed else None,
            "",
            "2026-01-01T00:00:00+00:00",
            "2026-01-01T00:00:00+00:00",
        )


COLUMNS = (
    "body_id, asset_id, kind, brand, model, manufacturer, manufacturer_confidence, "
    "manufacturer_evidence, manufacturer_override, override_reason, concern_since, kev_since, "
    "quantity, firmware, serial, mac, ip, site, sensitive_site, connectivity, supplier, "
    "procured_on, status, status_date, notes, created_at, updated_at"
)


def _generate(bodies: int, assets: int) -> dict[str, float]:
    from django.db import connection, transaction

    from custodes.web.bodies.models import Body

    started = time.perf_counter()
    Body.objects.bulk_create(
        [
            Body(code=f"bench-{i}", name=f"Bench body {i}", kind="police", country="England")
            for i in range(bodies)
        ],
        batch_size=2000,
    )
    ids = list(Body.objects.filter(code__startswith="bench-").values_list("id", flat=True))
    rows = _asset_rows(ids, assets)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY estate_asset ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS.split(",")))
            sql = f"INSERT INTO estate_asset ({COLUMNS}) VALUES ({marks})"
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            cursor.executemany(sql, batch)
    generated = time.perf_counter() - started
    from custodes.web.estate.services import refresh_tally

    started = time.perf_counter()
    with transaction.atomic():
        refresh_tally(ids)
    return {"generate_s": generated, "tally_s": time.perf_counter() - started}


def _best(function) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_register(path: Path, rows: int, changed_every: int = 0) -> None:
    """A generated register CSV; with ``changed_every`` = n, every n-th quantity differs."""
    rng = random.Random(11)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Register of equipment"])
        writer.writerow(["Asset ID", "Site", "Type", "Make", "Model", "Qty", "Installed"])
        for i in range(rows):
            brand, model = EQUIPMENT[rng.randrange(len(EQUIPMENT))]
            quantity = rng.randint(1, 3)
            if changed_every and i % changed_every == 0:
                quantity += 1
            writer.writerow(
                [f"r{i}", f"site {i % 50}", "dome", brand, model, quantity, "2021-04-01"]
            )


def _import_throughput(rows: int, work: Path) -> dict[str, float]:
    """Imports ``rows`` new assets into a new body, then re-imports with 10% changed."""
    from custodes.web.bodies.models import Body
    from custodes.web.estate.services import exposure, import_register

    path = work / "register.csv"
    _write_register(path, rows)
    body = Body.objects.create(
        code="bench-import", name="Import body", kind="police", country="England"
    )
    started = time.perf_counter()
    first = import_register(body, path, actor="benchmark")
    elapsed = time.perf_counter() - started
    figures = {
        "import_rows": first.rows,
        "import_s": elapsed,
        "import_rows_per_s": rows / elapsed,
    }
    _write_register(path, rows, changed_every=10)
    started = time.perf_counter()
    again = import_register(body, path, actor="benchmark", reason="re-import")
    elapsed = time.perf_counter() - started
    path.unlink()
    figures.update(
        reimport_s=elapsed,
        reimport_rows_per_s=rows / elapsed,
        reimport_updated=again.updated,
        reimport_unchanged=again.unchanged,
        import_peak_rss_mb=_peak_rss_mb(),
        summary_after_import_s=_best(lambda: exposure(None)),
    )
    return figures


def child(step: str, bodies: int, assets: int, import_rows: int, work: Path) -> None:
    """Runs one step in a child process with the database chosen by the environment: "estate"
    generates the estate and times the summaries, "import" times the import into it."""
    _setup_django(work)
    if step == "import":
        figures = _import_throughput(import_rows, work)
    else:
        from custodes.web.estate.services import exposure

        figures = _generate(bodies, assets)
        summary = exposure(None)
        figures["summary_s"] = _best(lambda: exposure(None))
        figures["summary_as_of_s"] = _best(lambda: exposure(None, date(2024, 1, 1)))
        figures["devices"] = summary.devices
        figures["devices_of_concern"] = summary.devices_of_concern
        figures["estate_peak_rss_mb"] = _peak_rss_mb()
    sys.stdout.write(json.dumps(figures) + "\n")


def pandas_baseline(bodies: int, assets: int) -> dict[str, float] | None:
    """The same national summary as a straightforward pandas group-by over the assets."""
    try:
        import pandas as pd
    except ImportError:
        print("pandas not installed: skipping the pandas baseline (pip install pandas)")
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    names = [c.strip() for c in COLUMNS.split(",")]
    used = [
        "kind",
        "manufacturer",
        "concern_since",
        "kev_since",
        "quantity",
        "sensitive_site",
        "status",
        "status_date",
    ]
    positions = [names.index(name) for name in used]
    frame = pd.DataFrame.from_records(
        (tuple(row[i] for i in positions) for row in _asset_rows(list(range(bodies)), assets)),
        columns=used,
    )
    today = date.today().isoformat()

    def summary() -> tuple[int, int]:
        live = frame[~((frame.status == "removed") & (frame.status_date <= today))]
        concern = live.concern_since.notna() & (live.concern_since <= today)
        kev = live.kev_since.notna() & (live.kev_since <= today)
        devices = int(live.quantity.sum())
        of_concern = int(live.quantity[concern].sum())
        live.quantity[concern & live.sensitive_site].sum()
        live.quantity[kev].sum()
        live.assign(concern=concern).groupby("manufacturer").agg(
            devices=("quantity", "sum"), concern=("concern", "max")
        )
        live.assign(cq=live.quantity.where(concern, 0)).groupby("kind").agg(
            devices=("quantity", "sum"), devices_of_concern=("cq", "sum")
        )
        return devices, of_concern

    devices, of_concern = summary()
    return {"pandas_s": _best(summary), "devices": devices, "devices_of_concern": of_concern}


def _run_child(
    backend: str, step: str, args: argparse.Namespace, env: dict[str, str], work: Path
) -> dict | None:
    command = [
        sys.executable,
        __file__,
        "--child",
        step,
        "--work",
        str(work),
        "--assets",
        str(args.assets),
        "--bodies",
        str(args.bodies),
        "--import-rows",
        str(args.import_rows),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"{backend} {step} run failed:\n{done.stderr[-3000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_backend(backend: str, args: argparse.Namespace, env: dict[str, str]) -> dict | None:
    """The estate step, then (when asked) the import step on the same database."""
    work = Path(tempfile.mkdtemp(prefix="custodes-bench-"))
    try:
        figures = _run_child(backend, "estate", args, env, work)
        if figures is not None and args.import_rows:
            imported = _run_child(backend, "import", args, env, work)
            figures.update(imported or {})
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _postgres_env(name: str) -> dict[str, str] | None:
    try:
        import psycopg
    except ImportError:
        print("psycopg not installed: skipping PostgreSQL")
        return None
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable ({exc}); skipping it")
        return None
    return {**os.environ, "DATABASE_URL": f"{PG_SERVER}/{name}"}


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=5_000_000)
    parser.add_argument("--bodies", type=int, default=5_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", choices=["estate", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.bodies, args.assets, args.import_rows, args.work)
        return
    print(
        f"Synthetic estate: {args.bodies:,} bodies, {args.assets:,} assets; "
        f"import of a {args.import_rows:,}-row CSV"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results = {"SQLite": _run_backend("SQLite", args, env)}
    if not args.no_postgres:
        name = f"custodes_bench_{os.getpid()}"
        pg_env = _postgres_env(name)
        if pg_env is not None:
            try:
                results["PostgreSQL"] = _run_backend("PostgreSQL", args, pg_env)
            finally:
                _drop_postgres(name)
    baseline = pandas_baseline(args.bodies, args.assets)
    for backend, figures in results.items():
        if figures is None:
            continue
        print(f"\n{backend}")
        if "import_s" in figures:
            print(
                f"  import: {figures['import_rows']:,.0f} rows in {figures['import_s']:.1f} s "
                f"= {figures['import_rows_per_s']:,.0f} rows/s"
            )
            print(
                f"  re-import: {figures['reimport_s']:.1f} s "
                f"= {figures['reimport_rows_per_s']:,.0f} rows/s "
                f"({figures['reimport_updated']:,.0f} updated, "
                f"{figures['reimport_unchanged']:,.0f} unchanged)"
            )
            print(
                f"  import peak RSS: {figures['import_peak_rss_mb']:,.0f} MiB; national summary "
                f"after the import: {figures['summary_after_import_s'] * 1000:.1f} ms"
            )
        print(
            f"  bulk generation: {figures['generate_s']:.1f} s; tally build: "
            f"{figures['tally_s']:.1f} s; peak RSS {figures['estate_peak_rss_mb']:,.0f} MiB"
        )
        print(
            f"  national summary (tally): {figures['summary_s'] * 1000:.1f} ms "
            f"({'meets' if figures['summary_s'] < 2 else 'misses'} the 2 s target); "
            f"devices {figures['devices']:,.0f}, of concern {figures['devices_of_concern']:,.0f}"
        )
        print(
            f"  national summary as of 2024-01-01 (asset scan): {figures['summary_as_of_s']:.2f} s"
        )
        if baseline is not None:
            same = (baseline["devices"], baseline["devices_of_concern"]) == (
                figures["devices"],
                figures["devices_of_concern"],
            )
            print(
                f"  pandas group-by of the same summary: {baseline['pandas_s']:.2f} s; "
                f"ratio pandas / custodes = {baseline['pandas_s'] / figures['summary_s']:.1f}x"
                f" (same totals: {'yes' if same else 'NO'})"
            )


if __name__ == "__main__":
    main()
