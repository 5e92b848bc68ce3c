"""The production HTTP server: gunicorn, embedded, serving Django's WSGI application.

A master process listens (with a real backlog) and keeps ``workers`` processes alive; each
worker runs ``threads`` threads (gunicorn's ``gthread`` worker), so at most workers × threads
requests run at once, and idle keep-alive connections wait in the worker's poller without a
thread or a database connection. SIGTERM and SIGINT (Ctrl-C) stop gracefully: the listening
socket closes, in-flight requests get ``graceful_timeout`` seconds to finish; a second Ctrl-C
stops at once. Access and error logs go through :class:`RedactTokensFilter`.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.glogging import Logger
from gunicorn.sock import TCP6Socket, TCPSocket
from gunicorn.workers.base import Worker

from custodes.web.core.logging import RedactTokensFilter

__all__ = [
    "CannotListen",
    "RedactingLogger",
    "ServerOptions",
    "close_database_connections",
    "run_server",
]

# Seconds an idle keep-alive connection stays open (nginx's default). Longer than a
# respondent's pause between two pages, so a client seldom reuses a connection the server is
# closing at that moment (the request then fails on the client's side). An idle connection
# costs a socket in a worker's poller, never a thread or a database connection.
KEEPALIVE_SECONDS = 75


@dataclass(frozen=True)
class ServerOptions:
    """How ``custodes serve`` listens and how many requests it runs at once."""

    host: str
    port: int
    workers: int
    threads: int
    timeout: int = 30
    graceful_timeout: int = 30
    backlog: int = 2048

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"port {self.port} is not between 1 and 65535")
        for name in ("workers", "threads", "timeout", "graceful_timeout", "backlog"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1")

    def gunicorn_settings(self) -> dict[str, Any]:
        """The gunicorn settings these options stand for."""
        return {
            "bind": [_bind_address(self.host, self.port)],
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": self.threads,
            "timeout": self.timeout,
            "graceful_timeout": self.graceful_timeout,
            "backlog": self.backlog,
            "keepalive": KEEPALIVE_SECONDS,
            # Load Django once in the master: workers share its memory and a broken
            # configuration fails before any worker starts.
            "preload_app": True,
            "proc_name": "custodes",
            # No control socket (gunicornc) in the home directory: signals are enough.
            "control_socket_disable": True,
            "accesslog": "-",
            "errorlog": "-",
            "logger_class": RedactingLogger,
            "post_worker_init": _graceful_on_interrupt,
            "pre_fork": _freeze_loaded_objects,
        }


class CannotListen(Exception):
    """The address is in use, not on this machine, or not allowed."""


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class RedactingLogger(Logger):
    """gunicorn's logger with respondents' links and bearer tokens redacted from every line."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactTokensFilter) for existing in log.filters):
                log.addFilter(RedactTokensFilter())


def _freeze_loaded_objects(_arbiter: Arbiter, _worker: Worker) -> None:
    """Before each fork: what the master loaded (Django, the apps, the questionnaires) is
    moved out of the garbage collector's reach. A worker's full collections then scan only
    the objects it made itself: pauses of all its threads at once stay short, and the pages
    shared with the master are not copied by the collector touching them."""
    gc.collect()
    gc.freeze()


def _graceful_on_interrupt(worker: Worker) -> None:
    """Ctrl-C reaches the workers too (same process group): treat it like SIGTERM, a
    graceful stop, rather than gunicorn's quick exit."""
    signal.signal(signal.SIGINT, worker.handle_exit)


class _GracefulArbiter(Arbiter):
    """gunicorn's master with SIGINT stopping gracefully, as SIGTERM does."""

    def handle_int(self) -> None:
        self.handle_term()


class _Application(BaseApplication):
    def __init__(
        self, options: ServerOptions, load: Callable[[], Any], on_ready: Callable[[], None]
    ) -> None:
        self.options = options
        self._load = load
        self._on_ready = on_ready
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.gunicorn_settings().items():
            self.cfg.set(name, value)
        self.cfg.set("when_ready", lambda _arbiter: self._on_ready())

    def load(self) -> Any:
        return self._load()

    def run(self) -> None:
        arbiter = _GracefulArbiter(self)
        # Bind here rather than in gunicorn's start-up, which retries five times and exits: a
        # port in use or an address not on this machine raises OSError at once.
        address = (self.options.host, self.options.port)
        socket_class = TCP6Socket if ":" in self.options.host else TCPSocket
        try:
            arbiter.LISTENERS = [socket_class(address, self.cfg, arbiter.log)]
        except OSError as exc:
            raise CannotListen(f"cannot listen on {_bind_address(*address)}: {exc}") from exc
        arbiter.run()


def _warmed(application: Any) -> Any:
    """``application`` once the master has loaded what pages need and every worker would
    otherwise load on its first request: the vendor knowledge base (reports, registers,
    scans), the URL configuration with every view module it imports, the translation
    catalogues and the parsed templates. Workers share them from the fork, so none spends its
    first second (measured: about 0.5 s of CPU a worker) loading them while the first
    visitors wait. A knowledge base that fails to load is logged and left to the pages that
    need it, which say so."""
    from custodes import intel

    try:
        intel.load_knowledge()
    except intel.IntelError as exc:
        logging.getLogger(__name__).warning("knowledge base not loaded at start: %s", exc)
    _load_pages()
    return application


def _load_pages() -> None:
    """Imports the URL configuration (every view module), builds its reverse look-up and
    loads the catalogues in each language, imports the context processors and parses every
    template Custodes ships, in each engine. A template that does not parse is logged and
    left to its page."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - built per language on first use
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            engine.engine.template_context_processors  # noqa: B018 - imported on first use
        for directory in _own_template_directories(engine):
            for path in sorted(directory.rglob("*.html")):
                name = path.relative_to(directory).as_posix()
                try:
                    engine.get_template(name)
                except TemplateSyntaxError as exc:
                    logging.getLogger(__name__).warning("template %s not loaded: %s", name, exc)


def _own_template_directories(engine: Any) -> list[Path]:
    """The directories ``engine`` reads (``template_dirs``: its own and, with APP_DIRS, each
    app's) that hold Custodes's own templates; other packages' load when first used."""
    import custodes

    package = Path(custodes.__file__).resolve().parent
    return [
        Path(directory)
        for directory in engine.template_dirs
        if Path(directory).is_dir() and Path(directory).resolve().is_relative_to(package)
    ]


def close_database_connections() -> None:
    """Closes this process's database connections and connection pools, so that forked
    workers never share a socket or a pool's threads with the master."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if close_pool := getattr(connection, "close_pool", None):
            close_pool()


def run_server(options: ServerOptions, on_ready: Callable[[], None] = lambda: None) -> None:
    """Serves Django's WSGI application until SIGTERM or SIGINT; returns once stopped.

    ``on_ready`` runs in the master once it listens. Raises :class:`CannotListen` when it
    cannot listen on the address."""
    from django.core.wsgi import get_wsgi_application

    close_database_connections()
    master = os.getpid()
    try:
        _Application(options, lambda: _warmed(get_wsgi_application()), on_ready).run()
    except SystemExit as stopped:
        # gunicorn ends the master, and each worker it forked from here, with sys.exit: a
        # worker's exit unwinds as it is; the master's clean exit returns.
        if os.getpid() != master or stopped.code not in (None, 0):
            raise
