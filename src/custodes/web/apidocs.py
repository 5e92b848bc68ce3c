"""``/api/docs``: the API's documentation as an accessible page of the site.

It lists every operation of the OpenAPI schema in plain HTML: no script, no CDN, nothing
outside the site's Content-Security-Policy, and it passes the accessibility checks every page
must pass. Swagger UI is not offered: it fails them (nested controls, small targets, heading
order, contrast); ``/api/openapi.json`` loads into any OpenAPI tool instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = ["AccessibleSwagger", "Operation", "operations"]

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
