"""Uploads capped while they stream, not after: a view decorator and its upload handler.

Django parses a multipart body the first time ``request.POST`` or ``request.FILES`` is read
(the CSRF middleware does so before the view runs), writing files through its default
handlers whatever their size. :func:`upload_limited` installs :class:`LimitedUploadHandler`
before anything reads the body: a declared ``Content-Length`` over the limit is refused without
reading a byte, and a body that turns out larger stops at the limit. CSRF is then checked by
``csrf_protect`` inside the decorator (the same order as capture uploads).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

__all__ = ["FORM_OVERHEAD_BYTES", "LimitedUploadHandler", "declared_length", "upload_limited"]

FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the other fields of a form

View = Callable[..., HttpResponse]


def declared_length(request: HttpRequest) -> int:
    """The request's ``Content-Length`` (0 when absent or not a number)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes every file field to a temporary file (deleted when closed) and stops the upload
    once the request's files pass ``limit`` bytes, setting ``too_large``."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            self.file.close()
            raise StopUpload(connection_reset=True)  # the rest of the body is never read
        return super().receive_data_chunk(raw_data, start)


def upload_limited(limit: Callable[[], int], refuse: View) -> Callable[[View], View]:
    """Decorates a view that accepts file uploads: a POST whose files exceed ``limit()`` bytes
    gets ``refuse(request, *args, **kwargs)`` instead of the view, as early as it shows."""

    def decorate(view: View) -> View:
        @csrf_exempt  # checked by csrf_protect below, once the handler is in place
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            most = limit()
            if declared_length(request) > most + FORM_OVERHEAD_BYTES:
                return refuse(request, *args, **kwargs)
            handler = LimitedUploadHandler(request, limit=most)
            request.upload_handlers = [handler]

            @csrf_protect
            def checked(request: HttpRequest) -> HttpResponse:
                request.FILES  # noqa: B018 - parse now, through the handler
                if handler.too_large:
                    return refuse(request, *args, **kwargs)
                return view(request, *args, **kwargs)

            return checked(request)

        return wrapper

    return decorate
