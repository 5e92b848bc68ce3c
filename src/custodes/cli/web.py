"""Commands that run or prepare the web server: demo, serve, user."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING, Annotated

import typer

from custodes.cli._common import console, django_ready, fail

if TYPE_CHECKING:
    from custodes.web.server import ServerOptions

user_app = typer.Typer(help="Watchdog accounts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")


PortOption = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
HostOption = Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        envvar="CUSTODES_WORKERS",
        help="Worker processes. Default: 2 × CPUs + 1, at most 8.",
        show_default=False,
    ),
]
ThreadsOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        envvar="CUSTODES_THREADS",
        help="Threads per worker (requests each worker runs at once). Default: 4.",
        show_default=False,
    ),
]
TimeoutOption = Annotated[
    int, typer.Option(min=1, help="Seconds before a worker that stopped responding is replaced.")
]
GracefulTimeoutOption = Annotated[
    int, typer.Option(min=1, help="Seconds in-flight requests get to finish when stopping.")
]
BacklogOption = Annotated[
    int, typer.Option(min=1, help="Connections the system queues while every worker is busy.")
]
NoWorkerOption = Annotated[
    bool,
    typer.Option(
        "--no-worker", help="Do not start a background-job worker (run `custodes worker`)."
    ),
]


def server_sizes(workers: int | None, threads: int | None) -> None:
    """Hands --workers and --threads to the settings (which size the database pool from
    them) through their environment variables; call before Django starts."""
    if workers is not None:
        os.environ["CUSTODES_WORKERS"] = str(workers)
    if threads is not None:
        os.environ["CUSTODES_THREADS"] = str(threads)


def _server_options(
    host: str, port: int, timeout: int, graceful_timeout: int, backlog: int
) -> ServerOptions:
    """The server's options; workers and threads come from the settings (after Django starts)."""
    from django.conf import settings

    from custodes.web.server import ServerOptions

    try:
        return ServerOptions(
            host=host,
            port=port,
            workers=settings.SERVER_WORKERS,
            threads=settings.SERVER_THREADS,
            timeout=timeout,
            graceful_timeout=graceful_timeout,
            backlog=backlog,
        )
    except ValueError as exc:
        fail(str(exc))


def _serve(options: ServerOptions, worker: bool = True) -> None:
    """Serves until stopped: the production server, with a background-job worker beside it
    unless ``worker`` is false."""
    from custodes.web.jobs.worker import background_worker
    from custodes.web.server import CannotListen, run_server

    def ready() -> None:
        console.print(
            f"Serving on http://{options.host}:{options.port}/ with {options.workers} workers × "
            f"{options.threads} threads — press Ctrl-C to stop.",
            highlight=False,
        )

    try:
        with background_worker(worker):
            run_server(options, on_ready=ready)
    except CannotListen as exc:
        fail(f"{exc}. Try --port.")
    console.print("Stopped.")


def _set_base_url(host: str, port: int) -> None:
    from django.conf import settings

    if "CUSTODES_BASE_URL" not in os.environ:
        settings.BASE_URL = f"http://{host}:{port}"


def demo(
    port: PortOption = 8000,
    host: HostOption = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare only.")] = False,
    workers: WorkersOption = None,
    threads: ThreadsOption = None,
    timeout: TimeoutOption = 30,
    graceful_timeout: GracefulTimeoutOption = 30,
    backlog: BacklogOption = 2048,
    no_worker: NoWorkerOption = False,
) -> None:
    """Prepare the data dir with the synthetic demo (a 2022-style round, registers, a scan, a
    capture, an FOI campaign and self-assessments) and serve it."""
    server_sizes(workers, threads)
    django_ready()
    _set_base_url(host, port)
    from django.conf import settings

    from custodes.web.assessments.demo import build_demo_assessments
    from custodes.web.estate.demo import build_demo_estate
    from custodes.web.foi.demo import build_demo_campaign
    from custodes.web.reports.cache import cached_report_data
    from custodes.web.surveys.demo import NON_RESPONDENTS, build_demo_round
    from custodes.web.surveys.notifications import respondent_link
    from custodes.web.surveys.tokens import issue_invitation

    with console.status("Preparing the synthetic demo round, estate, FOI and assessments…"):
        round_ = build_demo_round()
        estate = build_demo_estate(round_)
        campaign = build_demo_campaign(round_)
        assessments = build_demo_assessments(round_, estate)
        password = _watchdog_account("watchdog")
        body = round_.recipient_list.bodies.get(code=NON_RESPONDENTS[3])
        _, token = issue_invitation(round_, body, actor="demo:synthetic")
        cached_report_data(round_)  # the report as it stands now, ready for its first reader
    base = settings.BASE_URL
    where = "PostgreSQL" if "DATABASE_URL" in os.environ else str(settings.DATA_DIR)
    console.print(f"\n[bold]Custodes demo[/] — data in {where}")
    console.print(
        "[yellow]All returns, registers, scans, captures, FOI replies and self-assessments here "
        "are SYNTHETIC demo data.[/]\n"
    )
    console.print(f"  Dashboard:        {base}/rounds/{round_.name}/")
    console.print(f"  Sign in as:       watchdog / {password}", highlight=False)
    console.print(
        f"  Respondent link:  {respondent_link(token)}  ({body.name})",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"  Report:           {base}/reports/{round_.name}/")
    console.print(
        f"  Estate:           {base}/estate/  "
        f"(synthetic registers of {len(estate.registers)} bodies)",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"  Discrepancies:    {base}/estate/rounds/{round_.name}/discrepancies/")
    console.print(f"  Scan and capture: {base}/estate/bodies/{estate.scan}/", highlight=False)
    console.print(f"  FOI campaign:     {base}/foi/{campaign.name}/", highlight=False)
    console.print(f"  FOI report:       {base}/foi/{campaign.name}/report/", highlight=False)
    console.print(f"  Assessments:      {base}/assessments/", highlight=False)
    console.print(f"  Assessments report: {base}/assessments/report/", highlight=False)
    console.print(
        f"  Published assessment: {base}/sat/{assessments.public_slug}/  (public page)",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"  Findings (CLI):   custodes findings --round {round_.name}")
    console.print(f"  FOI findings (CLI): custodes foi findings --campaign {campaign.name}\n")
    if not no_serve:
        _serve(_server_options(host, port, timeout, graceful_timeout, backlog), not no_worker)


def _watchdog_account(username: str, password: str | None = None) -> str:
    """Creates or resets a watchdog (staff) account; returns its password."""
    from django.contrib.auth import get_user_model

    from custodes.web.core.permissions import watchdog_group

    password = password or secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.add(watchdog_group())  # with the admin permissions the README promises
    return password


def serve(
    port: PortOption = 8000,
    host: HostOption = "127.0.0.1",
    workers: WorkersOption = None,
    threads: ThreadsOption = None,
    timeout: TimeoutOption = 30,
    graceful_timeout: GracefulTimeoutOption = 30,
    backlog: BacklogOption = 2048,
    no_worker: NoWorkerOption = False,
) -> None:
    """Serve the web UI, respondent forms and API (gunicorn: workers × threads), and run
    background jobs."""
    server_sizes(workers, threads)
    django_ready()
    _set_base_url(host, port)
    _serve(_server_options(host, port, timeout, graceful_timeout, backlog), not no_worker)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    email: Annotated[str, typer.Option(help="Email address.")] = "",
    superuser: Annotated[bool, typer.Option(help="Also grant the admin site.")] = False,
) -> None:
    """Create a watchdog account (asks for the password twice)."""
    django_ready()
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError

    model = get_user_model()
    if model.objects.filter(username=username).exists():
        fail(f"user {username!r} already exists")
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        password_validation.validate_password(password, model(username=username, email=email))
    except ValidationError as exc:
        fail(" ".join(exc.messages))
    _watchdog_account(username, password)
    user = model.objects.get(username=username)
    user.email = email
    user.is_superuser = superuser
    user.save()
    console.print(f"Created watchdog account {username!r}.")
