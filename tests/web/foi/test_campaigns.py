"""FOI campaigns end to end: create, send, record events, import replies, correct, status,
findings, chasers, reviews, attachments and the report (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from typer.testing import CliRunner

from custodes.cli import app

pytestmark = pytest.mark.django_db
runner = CliRunner()
UK = ZoneInfo("Europe/London")
FINDING_KEYS = {
    "id",
    "title",
    "at_least",
    "at_most",
    "denominator",
    "denominator_label",
    "bodies_reporting",
    "bodies_withheld",
    "bodies_not_replied",
}
TOP_KEYS = {
    "campaign",
    "as_of",
    "asked",
    "replied",
    "outstanding",
    "overdue",
    "outcomes",
    "exemptions",
    "findings",
    "coordinated",
}
REPLIES = (
    "body,received_at,outcome,exemptions,summary,referred_to,drones.count,"
    "drones.by_manufacturer,drones.by_manufacturer.outcome,drones.by_manufacturer.exemptions,"
    "drones.security_assessed\n"
    "kent,2023-02-01,answered,,,,5,DJI Mavic 3=4; Parrot Anafi USA=1,,,yes\n"
    "Essex Police,2023-02-03,partial,s.24(1); s.31(1)(a),"
    "We will not name the makers: national security.,NPCC Central Referral Unit,10,,withheld,"
    "s.24(1),\n"
    "Surrey,2023-02-06,refused,s.24(1),We will not name the makers: national security.,"
    "NPCC Central Referral Unit,,,,,\n"
    "sussex,2023-02-06,not held,,,,,,,,\n"
)


def invoke(*args: str):
    return runner.invoke(app, list(args))


def ok(*args: str):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def campaign(roster):
    ok(
        "foi",
        "campaign",
        "create",
        "drones",
        "--request",
        "police-drones-2023",
        "--recipients",
        "police-ew",
        "--sent",
        "2023-01-09",
    )
    return "drones"


@pytest.fixture
def replies(campaign, tmp_path: Path) -> Path:
    path = tmp_path / "replies.csv"
    path.write_text(REPLIES)
    ok("foi", "replies", "import", "--campaign", campaign, str(path))
    return path


def findings(campaign: str, *extra: str) -> dict:
    return json.loads(ok("foi", "findings", "--campaign", campaign, "--json", *extra).stdout)


def test_create_pins_request_and_list_with_references(campaign) -> None:
    from custodes.web.foi.models import Campaign

    created = Campaign.objects.get(name=campaign)
    assert created.requests.count() == 47
    references = set(created.requests.values_list("reference", flat=True))
    assert len(references) == 47
    assert str(created.recipient_list) == "police-ew v1"
    again = invoke(
        "foi",
        "campaign",
        "create",
        "drones",
        "--request",
        "police-drones-2023",
        "--recipients",
        "police-ew",
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_findings_json_shape_and_honest_bounds(replies, campaign) -> None:
    result = findings(campaign, "--as-of", "2023-03-31")
    assert set(result) == TOP_KEYS
    assert all(set(f) == FINDING_KEYS for f in result["findings"])
    assert (result["asked"], result["replied"], result["outstanding"], result["overdue"]) == (
        47,
        4,
        43,
        43,
    )
    assert result["outcomes"] == {"answered": 1, "not_held": 1, "partial": 1, "refused": 1}
    assert result["exemptions"] == {"s.24(1)": 2, "s.31(1)(a)": 1}
    dji = {f["id"]: f for f in result["findings"]}["drones-dji"]
    assert (dji["at_least"], dji["at_most"], dji["denominator"]) == (4, 14, 15)
    assert (dji["bodies_reporting"], dji["bodies_withheld"], dji["bodies_not_replied"]) == (
        2,
        1,
        43,
    )
    assert [g["kind"] for g in result["coordinated"]] == ["referral", "wording"]
    assert result["coordinated"][0]["bodies"] == ["Essex Police", "Surrey Police"]
    # As of before any reply: everything awaiting, nothing replied.
    early = findings(campaign, "--as-of", "2023-01-20")
    assert (early["replied"], early["overdue"], early["outcomes"]) == (0, 0, {})


def test_status_json_states_and_due_dates(replies, campaign) -> None:
    result = json.loads(
        ok("foi", "status", "--campaign", campaign, "--as-of", "2023-02-10", "--json").stdout
    )
    states = {r["code"]: r for r in result["requests"]}
    assert states["kent"]["state"] == "answered"
    assert states["essex"]["state"] == "partial"
    assert states["surrey"]["state"] == "refused"
    assert states["sussex"]["state"] == "not_held"
    assert states["dorset"]["state"] == "overdue" and states["dorset"]["due"] == "2023-02-06"
    assert states["dorset"]["sent"] == "2023-01-09"


def test_a_campaign_to_another_list_runs_each_body_on_its_own_regime(roster) -> None:
    """police-uk-other is loaded when first named; Police Scotland and the Scottish Police
    Authority answer under FOISA, whose calendar keeps Easter Monday (10 April 2023) as a
    working day, while FOIA skips it and St Patrick's Day (17 March, a bank holiday in
    Northern Ireland)."""
    ok(
        "foi",
        "campaign",
        "create",
        "uk-other",
        "--request",
        "police-drones-2023",
        "--recipients",
        "police-uk-other",
        "--sent",
        "2023-03-16",
    )
    result = json.loads(
        ok("foi", "status", "--campaign", "uk-other", "--as-of", "2023-04-17", "--json").stdout
    )
    states = {r["code"]: r for r in result["requests"]}
    assert set(states) == {"police-scotland", "spa", "psni", "nipb"}
    for code in ("police-scotland", "spa"):
        assert (states[code]["due"], states[code]["state"]) == ("2023-04-14", "overdue")
    for code in ("psni", "nipb"):
        assert (states[code]["due"], states[code]["state"]) == ("2023-04-18", "awaiting")
    for regime in ("foia", "foisa"):
        assert json.loads(
            ok("foi", "due", "--received", "2023-03-16", "--regime", regime, "--json").stdout
        )["due"] == ("2023-04-18" if regime == "foia" else "2023-04-14")


def test_events_move_the_clock(campaign) -> None:
    ok(
        "foi",
        "event",
        "--campaign",
        campaign,
        "--body",
        "dorset",
        "--kind",
        "clarification_requested",
        "--date",
        "2023-01-12",
    )
    ok(
        "foi",
        "event",
        "--campaign",
        campaign,
        "--body",
        "dorset",
        "--kind",
        "clarification_answered",
        "--date",
        "2023-01-16",
    )
    ok(
        "foi",
        "event",
        "--campaign",
        campaign,
        "--body",
        "devon-and-cornwall",
        "--kind",
        "extension",
        "--date",
        "2023-02-01",
        "--extra-days",
        "20",
    )
    result = json.loads(
        ok("foi", "status", "--campaign", campaign, "--as-of", "2023-02-08", "--json").stdout
    )
    states = {r["code"]: r for r in result["requests"]}
    assert (states["dorset"]["state"], states["dorset"]["due"]) == ("awaiting", "2023-02-13")
    assert (states["devon-and-cornwall"]["state"], states["devon-and-cornwall"]["due"]) == (
        "awaiting",
        "2023-03-06",
    )
    bad = invoke(
        "foi",
        "event",
        "--campaign",
        campaign,
        "--body",
        "dorset",
        "--kind",
        "acknowledged",
        "--date",
        "2022-12-01",
    )
    assert bad.exit_code == 1 and "before the request was sent" in bad.output
    unknown = invoke(
        "foi",
        "event",
        "--campaign",
        campaign,
        "--body",
        "dorset",
        "--kind",
        "reply",
        "--date",
        "2023-02-01",
    )
    assert unknown.exit_code == 1 and "unknown event" in unknown.output


def test_import_errors_name_row_and_column_and_nothing_is_written(campaign, tmp_path) -> None:
    from custodes.web.foi.models import Reply

    path = tmp_path / "bad.csv"
    path.write_text(
        "body,received_at,outcome,exemptions,drones.count,drones.by_manufacturer.outcome\n"
        "kent,2023-02-01,answered,,5,\n"
        "Kentt Police,2023-02-01,answered,,1,\n"
        "essex,2023-02-30,maybe,national security,many,sometimes\n"
        "kent,2023-02-02,answered,,2,\n"
        "surrey,2022-12-01,answered,,1,\n"
    )
    result = invoke("foi", "replies", "import", "--campaign", campaign, str(path))
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    for expected in (
        "row 3, column 'body': ",
        "row 4, column 'received_at'",
        "row 4, column 'outcome': 'maybe' is not an outcome",
        "row 4, column 'exemptions': 'national security' is not an exemption citation",
        "row 4, column 'drones.count': 'many' is not a whole number",
        "row 4, column 'drones.by_manufacturer.outcome'",
        "row 5, column 'body': 'kent' appears twice (first on row 2)",
        "row 6, column 'received_at': '2022-12-01' is before the request was sent",
        "nothing imported",
    ):
        assert expected in output, expected
    assert Reply.objects.count() == 0
    header = tmp_path / "header.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["body", "outcome", "drones.colour"])
    book.save(header)
    result = invoke("foi", "replies", "import", "--campaign", campaign, str(header))
    output = " ".join(result.output.split())
    assert "row 1: no 'received_at' column" in output
    assert "row 1, column 'drones.colour': not a column" in output


def test_reimporting_the_same_file_is_refused(replies, campaign) -> None:
    result = invoke("foi", "replies", "import", "--campaign", campaign, str(replies))
    assert result.exit_code == 1 and "already recorded" in result.output


def test_corrections_are_audited_and_reproducible(replies, campaign) -> None:
    from custodes.web.foi.models import Event

    before = findings(campaign)
    ok(
        "foi",
        "replies",
        "correct",
        "--campaign",
        campaign,
        "--body",
        "essex",
        "--question",
        "drones.by_manufacturer",
        "--field",
        "outcome",
        "--value",
        "",
        "--reason",
        "withheld by mistake",
    )
    ok(
        "foi",
        "replies",
        "correct",
        "--campaign",
        campaign,
        "--body",
        "essex",
        "--question",
        "drones.by_manufacturer",
        "--field",
        "value",
        "--value",
        "DJI M30=10",
        "--reason",
        "Follow-up letter of 1 March gives the makers",
    )
    event = Event.objects.filter(kind="correction").last()
    assert event.data == {
        "question": "drones.by_manufacturer",
        "field": "value",
        "old": None,
        "new": [["DJI M30", 10]],
    }
    assert event.note == "Follow-up letter of 1 March gives the makers" and event.by
    after = {f["id"]: f for f in findings(campaign)["findings"]}["drones-dji"]
    assert (after["at_least"], after["at_most"], after["bodies_withheld"]) == (14, 14, 0)
    # As of a moment before the corrections, the old figures come back exactly.
    moment = event.recorded_at.replace(year=event.recorded_at.year - 1)
    assert findings(campaign, "--as-of", moment.date().isoformat())["findings"][1]["at_least"] == 4
    assert before["findings"][1]["at_least"] == 4
    same = invoke(
        "foi",
        "replies",
        "correct",
        "--campaign",
        campaign,
        "--body",
        "essex",
        "--question",
        "drones.by_manufacturer",
        "--field",
        "value",
        "--value",
        "DJI M30=10",
        "--reason",
        "again",
    )
    assert same.exit_code == 1 and "already the value" in same.output
    timeline = json.loads(
        ok("foi", "timeline", "--campaign", campaign, "--body", "essex", "--json").stdout
    )
    assert [e["kind"] for e in timeline["events"]] == ["sent", "reply", "correction", "correction"]


def test_sending_is_throttled_referenced_and_logged(roster, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from custodes.web.bodies.models import Body
    from custodes.web.foi.models import Event
    from custodes.web.foi.services import campaign_named, create_campaign, send_requests

    create_campaign("c", request="police-drones-2023", recipients="police-ew", actor="t")
    campaign = campaign_named("c")
    Body.objects.filter(code="essex").update(foi_email="")
    waits: list[float] = []
    chosen = list(Body.objects.filter(code__in=["kent", "essex", "surrey"]))
    outcomes = send_requests(campaign, chosen, actor="t", throttle=30, sleep=waits.append)
    assert waits == [30, 30]
    assert [o.error is None for o in outcomes] == [False, True, True]  # Essex has no address
    assert len(mail.outbox) == 2
    kent = campaign.requests.get(body__code="kent")
    message = next(m for m in mail.outbox if m.to == [Body.objects.get(code="kent").foi_email])
    assert kent.reference in message.subject and kent.reference in message.body
    assert "1. How many drones" in message.body
    assert Event.objects.filter(kind="sent").count() == 2
    assert Event.objects.filter(kind="send_failed", request__body__code="essex").exists()
    # Sent ones are not sent again.
    assert send_requests(campaign, chosen, actor="t", throttle=0) != []
    assert len(mail.outbox) == 2


def test_chasers_and_review_requests(replies, campaign, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from custodes.web.foi.models import Event

    draft = ok("foi", "chase", "--campaign", campaign, "--body", "dorset")
    assert "Overdue FOI request" in draft.output and "6 February 2023" in " ".join(
        draft.output.split()
    )
    assert not Event.objects.filter(kind="chaser").exists()
    ok("foi", "chase", "--campaign", campaign, "--body", "dorset", "--send")
    assert len(mail.outbox) == 1 and Event.objects.filter(kind="chaser").count() == 1
    not_overdue = invoke("foi", "chase", "--campaign", campaign, "--body", "kent")
    assert not_overdue.exit_code == 1 and "answered, not overdue" in not_overdue.output
    ok(
        "foi",
        "review-request",
        "--campaign",
        campaign,
        "--body",
        "surrey",
        "--reasons",
        "s.24 is cited without a harm test.",
        "--log",
    )
    event = Event.objects.get(kind="review_requested")
    assert "s.24 is cited without a harm test." in event.data["text"]
    status = json.loads(ok("foi", "status", "--campaign", campaign, "--json").stdout)
    surrey = next(r for r in status["requests"] if r["code"] == "surrey")
    assert surrey["state"] == "internal_review" and surrey["review_due"]


def test_attachment_stored_by_hash_and_imported_into_register(
    replies, campaign, tmp_path, settings
) -> None:
    import hashlib

    from custodes.web.estate.models import Asset, AssetChange

    sheet = tmp_path / "kent-drones.csv"
    sheet.write_text("Make,Model,Qty,Type\nDJI,Mavic 3,4,drone\nParrot,Anafi USA,1,drone\n")
    result = ok("foi", "attach", "--campaign", campaign, "--body", "kent", str(sheet), "--public")
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    assert digest in result.output
    from custodes.web.foi.models import Attachment

    attachment = Attachment.objects.get()
    assert (attachment.sha256, attachment.size, attachment.personal_data) == (
        digest,
        sheet.stat().st_size,
        False,
    )
    assert attachment.reply is not None and attachment.reply.outcome == "answered"
    ok(
        "foi",
        "register-import",
        "--campaign",
        campaign,
        "--body",
        "kent",
        "--attachment",
        str(attachment.pk),
    )
    assert Asset.objects.filter(body__code="kent").count() == 2
    reason = AssetChange.objects.filter(asset__body__code="kent").first().reason
    assert reason.startswith("FOI reply, received 01 February 2023 (drones, our ref. FOI-")
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    refused = invoke("foi", "attach", "--campaign", campaign, "--body", "kent", str(bad))
    assert refused.exit_code == 1 and "only" in refused.output


def test_attachment_size_cap(campaign, monkeypatch) -> None:
    from custodes.web.foi.attachments import attachments_dir, store_attachment
    from custodes.web.foi.services import CampaignError, campaign_named

    monkeypatch.setenv("CUSTODES_FOI_ATTACHMENT_MAX_BYTES", "10")
    request = campaign_named(campaign).requests.first()
    before = set(attachments_dir().iterdir())
    with pytest.raises(CampaignError, match="larger than 10 bytes"):
        store_attachment(request, "big.pdf", iter([b"12345", b"67890", b"1"]), actor="t")
    assert set(attachments_dir().iterdir()) == before  # nothing left behind


def test_report_files(replies, campaign, tmp_path) -> None:
    out = tmp_path / "report"
    ok("foi", "report", "--campaign", campaign, "--out", str(out), "--as-of", "2023-03-31")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["findings.json", "index.html", "replies.csv", "requests.csv", "requests.json"]
    html = (out / "index.html").read_text()
    assert "at least 4 of 15 drones reported" in html
    assert "<script" not in html and "style=" not in html
    assert "Content-Security-Policy" in html
    assert "cli:" not in html  # who recorded events is not published
    assert json.loads((out / "findings.json").read_text())["asked"] == 47
    rows = (out / "requests.csv").read_text().splitlines()
    assert len(rows) == 48 and rows[0].startswith("body,code,reference,regime,state")
    # The open replies file is in the importer's own format.
    from custodes.web.foi.models import Reply

    Reply.objects.all().delete()
    ok("foi", "replies", "import", "--campaign", campaign, str(out / "replies.csv"))
    again = findings(campaign, "--as-of", "2023-03-31")
    assert again["findings"][1]["at_least"] == 4 and again["replied"] == 4


def test_received_on_a_naive_date_is_uk_time(replies, campaign) -> None:
    from custodes.web.foi.models import Reply

    kent = Reply.objects.get(request__body__code="kent")
    assert kent.received_at == datetime(2023, 2, 1, tzinfo=UK)


def test_report_publishes_only_documents_without_personal_data(replies, campaign, tmp_path) -> None:
    import hashlib

    public = tmp_path / "kent-reply.pdf"
    public.write_bytes(b"%PDF-1.4 the reply")
    private = tmp_path / "kent-email.eml"
    private.write_bytes(b"From: officer@kent.example\n\nsigned, A. Officer")
    ok("foi", "attach", "--campaign", campaign, "--body", "kent", str(public), "--public")
    ok("foi", "attach", "--campaign", campaign, "--body", "kent", str(private), "--public")
    out = tmp_path / "report"
    ok("foi", "report", "--campaign", campaign, "--out", str(out))
    digest = hashlib.sha256(public.read_bytes()).hexdigest()
    assert sorted(p.name for p in (out / "documents").iterdir()) == [f"{digest}.pdf"]
    html = (out / "index.html").read_text()
    assert f'href="documents/{digest}.pdf"' in html and "kent-email.eml" not in html
    assert "officer@kent.example" not in "".join(p.read_text() for p in out.glob("*.*"))


def test_overlapping_requests_are_warned_about(campaign, roster) -> None:
    from custodes.web.foi.services import campaign_named, overlapping_requests

    result = invoke(
        "foi",
        "campaign",
        "create",
        "cameras",
        "--request",
        "police-drones-2023",
        "--recipients",
        "police-ew",
        "--sent",
        "2023-02-20",
    )
    assert result.exit_code == 0
    output = " ".join(result.output.split())
    assert "Avon and Somerset Constabulary was sent drones on 2023-01-09, 30 working days" in output
    assert "and 27 more overlaps" in output
    assert len(overlapping_requests(campaign_named("cameras"))) == 47
    far = invoke(
        "foi",
        "campaign",
        "create",
        "later",
        "--request",
        "police-drones-2023",
        "--recipients",
        "police-ew",
        "--sent",
        "2023-06-01",
    )
    assert "Warning" not in far.output


def test_evidence_bundle(replies, campaign, tmp_path) -> None:
    import zipfile

    document = tmp_path / "reply.pdf"
    document.write_bytes(b"%PDF-1.4 essex")
    ok("foi", "attach", "--campaign", campaign, "--body", "essex", str(document))
    ok(
        "foi",
        "replies",
        "correct",
        "--campaign",
        campaign,
        "--body",
        "essex",
        "--field",
        "referred_to",
        "--value",
        "NPCC CRU",
        "--reason",
        "shorter",
    )
    out = tmp_path / "essex.zip"
    ok("foi", "evidence", "--campaign", campaign, "--body", "essex", "--out", str(out))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        replies_json = json.loads(archive.read("replies.json"))
        letter = archive.read("letter.txt").decode()
        pdf = next(n for n in names if n.startswith("documents/"))
        assert archive.read(pdf) == b"%PDF-1.4 essex"
    assert {"README.txt", "letter.txt", "timeline.json", "replies.json", "documents.json"} <= set(
        names
    )
    assert replies_json[0]["as_received"]["referred_to"] == "NPCC Central Referral Unit"
    assert replies_json[0]["as_corrected"]["referred_to"] == "NPCC CRU"
    assert letter.startswith("Dear Essex Police,")


def test_report_as_of_leaves_out_later_events(replies, campaign, tmp_path) -> None:
    early, late = tmp_path / "early", tmp_path / "late"
    ok("foi", "report", "--campaign", campaign, "--out", str(early), "--as-of", "2023-01-31")
    ok("foi", "report", "--campaign", campaign, "--out", str(late), "--as-of", "2023-03-31")
    assert "Reply received" not in (early / "index.html").read_text()
    assert (late / "index.html").read_text().count("Reply received") == 4
    assert json.loads((early / "findings.json").read_text())["replied"] == 0
