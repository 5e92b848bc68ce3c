"""``/api/docs``: the API's documentation as an accessible page of the site; Swagger UI apart.

``/api/docs`` lists every operation of the OpenAPI schema in plain HTML (it works without
JavaScript and passes the accessibility checks). ``/api/docs/try/`` runs Swagger UI for
trying calls: a third-party tool with known accessibility faults of its own, so it is a page
of its own, linked from the documentation, which shows everything it does. Swagger UI comes
from django-ninja's bundled copy (``ninja/swagger-ui-bundle.js`` and ``.css``, Apache-2.0,
served from this site's own static files) and is started by ``custodes/api-docs.js``, which
reads its settings from a JSON data block: no CDN and no inline script, so the site's
Content-Security-Policy holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from custodes.web.core.permissions import watchdog_required

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = ["AccessibleSwagger", "Operation", "operations", "swagger_ui"]

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    """One documented call, as the page lists it."""

    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[tuple[str, str, bool, str], ...]  # name, where, required, description
    responses: tuple[tuple[str, str], ...]  # status code, description


def operations(schema: dict[str, Any]) -> list[Operation]:
    """The operations of an OpenAPI schema, in its order."""
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = tuple(
                (
                    p.get("name", ""),
                    p.get("in", ""),
                    bool(p.get("required")),
                    p.get("description") or p.get("schema", {}).get("title", ""),
                )
                for p in operation.get("parameters", [])
            )
            responses = tuple(
                (str(code), answer.get("description", ""))
                for code, answer in operation.get("responses", {}).items()
            )
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    responses=responses,
                )
            )
    return found


class AccessibleSwagger(DocsBase):
    """django-ninja's docs renderer, replaced by a page of the site (see the module)."""

    template = "api_docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {
            "api": api,
            "operations": operations(api.get_openapi_schema(path_params=kwargs)),
        }
        return render(request, self.template, context)


@watchdog_required
def swagger_ui(request: HttpRequest) -> HttpResponse:
    """Swagger UI on the API's OpenAPI description, for trying calls as the signed-in account."""
    settings = {
        "url": reverse("api:openapi-json"),
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # no badge from validator.swagger.io: nothing off-site
    }
    return render(
        request, "api_try.html", {"swagger_settings": settings, "csrf": get_token(request)}
    )
