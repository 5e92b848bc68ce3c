"""Capture reading: pcap (µs/ns, both byte orders), pcapng, truncation, corruption, fuzzing."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.egress import CaptureFormatError, analyse
from custodes.egress._capture import CaptureProblem, CaptureReader

from .builders import Frame, write_pcap, write_pcapng


def read_all(path: Path) -> tuple[list, list[CaptureProblem]]:
    problems: list[CaptureProblem] = []
    return list(CaptureReader(path, problems, chunk_size=4096).packets()), problems


@pytest.mark.parametrize("nano", [False, True])
def test_pcap_timestamps_and_frames(
    tmp_path: Path, scenario_frames: list[Frame], nano: bool
) -> None:
    packets, problems = read_all(write_pcap(tmp_path / "a.pcap", scenario_frames, nano=nano))
    assert problems == []
    assert [frame for _ts, _link, _length, frame in packets] == [f for _t, f in scenario_frames]
    assert packets[1][0] == pytest.approx(scenario_frames[1][0], abs=1e-6)
    assert {link for _ts, link, _length, _frame in packets} == {1}


def test_big_endian_pcap(tmp_path: Path, scenario_frames: list[Frame]) -> None:
    path = tmp_path / "be.pcap"
    body = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for timestamp, frame in scenario_frames:
        body += struct.pack(">IIII", int(timestamp), 0, len(frame), len(frame)) + frame
    path.write_bytes(body)
    packets, problems = read_all(path)
    assert problems == [] and len(packets) == len(scenario_frames)


def test_pcapng_frames(tmp_path: Path, scenario_frames: list[Frame]) -> None:
    packets, problems = read_all(write_pcapng(tmp_path / "a.pcapng", scenario_frames))
    assert problems == []
    assert [frame for *_rest, frame in packets] == [f for _t, f in scenario_frames]
    assert packets[0][0] == pytest.approx(scenario_frames[0][0], abs=1e-6)


@pytest.mark.parametrize("writer", [write_pcap, write_pcapng])
def test_truncated_at_every_offset(tmp_path: Path, scenario_frames, writer) -> None:
    whole = writer(tmp_path / "whole.cap", scenario_frames[:4]).read_bytes()
    cut = tmp_path / "cut.cap"
    for length in range(len(whole)):
        cut.write_bytes(whole[:length])
        report = analyse([cut])
        assert report.packets_read <= 4
        for problem in report.problems:
            assert 0 <= problem.offset <= length
            assert problem.path == cut


def test_truncated_record_reports_its_offset(tmp_path: Path, scenario_frames) -> None:
    whole = write_pcap(tmp_path / "w.pcap", scenario_frames[:2]).read_bytes()
    record_two = 24 + 16 + len(scenario_frames[0][1])
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: record_two + 20])
    report = analyse([cut])
    assert report.packets_read == 1
    assert [(p.offset, "truncated packet record" in p.message) for p in report.problems] == [
        (record_two, True)
    ]


def test_corrupt_record_header_resyncs(tmp_path: Path, scenario_frames) -> None:
    data = bytearray(write_pcap(tmp_path / "w.pcap", scenario_frames).read_bytes())
    second = 24 + 16 + len(scenario_frames[0][1])
    data[second + 8 : second + 12] = struct.pack("<I", 0xFFFFFFF0)  # impossible length
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(bytes(data))
    report = analyse([bad])
    assert report.problems[0].offset == second
    assert "resumed at offset" in report.problems[0].message
    assert report.packets_read == len(scenario_frames) - 1


def test_corrupt_pcapng_block_resyncs(tmp_path: Path, scenario_frames) -> None:
    data = bytearray(write_pcapng(tmp_path / "w.pcapng", scenario_frames).read_bytes())
    epb = data.find(struct.pack("<I", 6))
    data[epb + 4 : epb + 8] = struct.pack("<I", 13)  # not a multiple of four
    bad = tmp_path / "bad.pcapng"
    bad.write_bytes(bytes(data))
    report = analyse([bad])
    assert report.problems[0].offset == epb
    assert report.packets_read == len(scenario_frames) - 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"hello world, not a capture", "not a pcap or pcapng file"),
        (gzip.compress(b"x" * 100, mtime=0), "gzip-compressed"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "file header cut short"),
    ],
)
def test_not_a_capture(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(content)
    with pytest.raises(CaptureFormatError, match=message):
        read_all(path)
    report = analyse([path])
    assert report.problems[0].offset == 0 and message in report.problems[0].message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2048),
    magic=st.sampled_from(
        [b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\x0a\x0d\x0d\x0a"]
    ),
)
def test_random_bytes_after_a_magic_never_raise(tmp_path: Path, data: bytes, magic: bytes) -> None:
    path = tmp_path / "fuzz.cap"
    path.write_bytes(magic + data)
    report = analyse([path])
    for problem in report.problems:
        assert 0 <= problem.offset <= len(magic) + len(data)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8))
def test_flipped_bytes_never_raise(tmp_path: Path, scenario_frames, flips) -> None:
    for writer in (write_pcap, write_pcapng):
        data = bytearray(writer(tmp_path / "w.cap", scenario_frames).read_bytes())
        for position, value in flips:
            data[position % len(data)] = value
        path = tmp_path / "flipped.cap"
        path.write_bytes(bytes(data))
        report = analyse([path])
        assert report.packets_read <= len(scenario_frames) + 8
