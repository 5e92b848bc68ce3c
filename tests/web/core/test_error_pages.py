"""Error pages (404, 403, 400, 500, a refused CSRF check) are the site's own, in its layout."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.views import defaults
from django.views.csrf import csrf_failure


def test_unknown_address_gets_the_sites_404_page(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<title>Page not found – Custodes</title>" in text
    assert 'lang="en-GB"' in text and '<main class="main-wrapper" id="main-content"' in text


@pytest.mark.parametrize(
    ("view", "argument", "status", "title"),
    [
        (defaults.permission_denied, PermissionDenied(), 403, "You cannot see this page"),
        (
            defaults.bad_request,
            SuspiciousOperation(),
            400,
            "Sorry, there is a problem with this request",
        ),
        (defaults.server_error, None, 500, "Sorry, there is a problem with the service"),
        (csrf_failure, "no token", 403, "This form has expired"),
    ],
)
def test_error_pages_use_the_layout(db, view, argument, status, title):
    request = RequestFactory().get("/")
    response = view(request) if argument is None else view(request, argument)
    assert response.status_code == status
    text = response.content.decode()
    assert f"<title>{title} – Custodes</title>" in text
    assert f'<h1 class="heading-xl">{title}</h1>' in text
