"""Register uploads are refused as soon as they pass the limit, not after being read whole."""

from __future__ import annotations

import io
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset
from custodes.web.surveys.tokens import issue_invitation

LIMIT = 10_000


def _respondent(round_, code: str = "kent") -> Client:
    _, token = issue_invitation(round_, Body.objects.get(code=code), actor="test")
    client = Client()
    assert client.get(f"/r/{token}/").status_code == 302
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.mark.django_db
@override_settings(REGISTER_UPLOAD_MAX_BYTES=LIMIT)
def test_a_file_over_the_limit_is_stopped_while_it_streams(
    survey_round, tmp_path, settings, immediate_jobs, django_capture_on_commit_callbacks
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client = _respondent(survey_round)
    big = io.BytesIO(b"Asset ID,Type,Make,Qty\n" + b"E1,drone,Autel,2\n" * 3_000)
    big.name = "register.csv"
    response = client.post(reverse("estate:own-register"), {"register": big})
    assert response.status_code == 302
    assert any("larger than the limit of 9.8" in m for m in _messages(response))
    assert not Asset.objects.exists()
    assert list(tmp_path.iterdir()) == []  # the partial temporary file is gone
    small = io.BytesIO(b"Asset ID,Type,Make,Qty\nE1,drone,Autel,2\n")
    small.name = "register.csv"
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs at commit
        assert client.post(reverse("estate:own-register"), {"register": small}).status_code == 302
    assert Asset.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_declared_gigabyte_is_refused_before_it_is_sent(live_server, survey_round):
    _, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="test")
    with httpx.Client(base_url=live_server.url) as http:
        assert http.get(f"/r/{token}/").status_code == 302
        session = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    where = urlsplit(live_server.url)
    request = (
        f"POST {reverse('estate:own-register')} HTTP/1.1\r\nHost: {where.hostname}\r\n"
        f"Cookie: {session}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {10**9}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(request + b"--xyz\r\n" + b"x" * 1_000)  # and not a byte more
        reply = b""
        while b"\r\n\r\n" not in reply and (chunk := conn.recv(4096)):
            reply += chunk
    assert time.monotonic() - started < 5
    assert reply.startswith(b"HTTP/1.1 302"), reply[:200]
    assert b"/estate/my-register/" in reply
