"""Shared fixtures: the emulated lab on loopback, run in a background thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from custodes.discovery import Device, Scanner, ScanOptions, default_rules
from custodes.discovery.datafiles import load_records
from custodes.discovery.errors import LabError, RuleDataError
from custodes.discovery.lab import Lab, LabThread
from custodes.discovery.lab.profiles import DeviceProfile
from custodes.discovery.naming import default_resolver
from custodes.discovery.rules import Derivation, Observation, Rule, default_rule_directory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def identify(field: str, value: str) -> dict[str, str]:
    """The attributes the shipped rules give one reply (``field`` and its ``value``)."""
    return default_rules().identify([Observation("test", None, field, value)]).attributes


def shipped_rules(name: str) -> list[Rule]:
    """The rules of one shipped rule file (``name`` without ``.yaml``)."""
    return load_records(default_rule_directory() / f"{name}.yaml", "rules", Rule, RuleDataError)


def rule_ids(name: str) -> set[str]:
    """The ids of the rules of one shipped rule file."""
    return {rule.id for rule in shipped_rules(name)}


def cited_rules(name: str, database: str, commit: str) -> list[tuple[Rule, Derivation]]:
    """The rules of one shipped rule file with their origins, each checked to cite one entry
    of ``database`` at ``commit`` (named in its source) and to name a maker the knowledge base
    knows; each file's tests add their own checks of the origin."""
    resolver = default_resolver()
    found = []
    for rule in shipped_rules(name):
        (origin,) = rule.derived_from
        assert origin.database == database and origin.commit == commit, rule.id
        assert f"{commit}/{origin.file}" in rule.source, rule.id
        assert rule.sets.manufacturer, rule.id
        assert resolver.resolve(rule.sets.manufacturer).manufacturer, rule.id
        found.append((rule, origin))
    return found


def cited_rules_of_repositories(
    name: str, database: str, commits: dict[str, str]
) -> list[tuple[Rule, Derivation, str]]:
    """``cited_rules`` for a rule file drawn from several repositories (``owner/name`` -> the
    commit read): each rule cites one file of one of them at that commit and names a maker the
    knowledge base knows. Yields each rule with its origin and repository."""
    resolver = default_resolver()
    found = []
    for rule in shipped_rules(name):
        (origin,) = rule.derived_from
        assert origin.database == database, rule.id
        (repository,) = [repo for repo in commits if f"github.com/{repo}/blob/" in rule.source]
        assert origin.commit == commits[repository], rule.id
        address = rule.source.partition("#")[0]  # a line anchor may follow the file
        assert address.endswith(f"/{repository}/blob/{origin.commit}/{origin.file}"), rule.id
        assert origin.pattern and origin.fingerprint, rule.id
        assert rule.sets.manufacturer, rule.id
        assert resolver.resolve(rule.sets.manufacturer).manufacturer, rule.id
        found.append((rule, origin, repository))
    return found


def fired_rules(field: str, value: str) -> set[str]:
    """The ids of the shipped rules that match one reply."""
    found = default_rules().identify([Observation("test", None, field, value)])
    return {evidence.rule for evidence in found.evidence}


def assert_rule_names(field: str, value: str, rule: str, **expected: str | None) -> None:
    """``rule`` fires on one reply, which is named as ``expected`` says (``manufacturer=``,
    ``model=``, ``firmware=``, ``device_kind=``; a None is not checked)."""
    attributes, fired = identify(field, value), fired_rules(field, value)
    assert rule in fired, (fired, attributes)
    for key, wanted in expected.items():
        if wanted is not None:
            assert attributes.get(key) == wanted, (key, attributes)


# One example of a rule file: (field, value, manufacturer, [model,] device kind, rule id).
RuleExample = tuple[str | None, ...]


def rule_file_tests(
    name: str, examples: list[RuleExample], look_alikes: list[tuple[str, str]]
) -> tuple[Callable[..., None], Callable[..., None], Callable[[], None]]:
    """The three tests every rule file drawn from one source shares, for its test module to
    bind to ``test_*`` names: each example fires its rule and is named as it says (a None is
    not checked); no look-alike fires a rule of the file; every rule of the file has an
    example."""
    full = [
        example if len(example) == 6 else (*example[:3], None, *example[3:]) for example in examples
    ]

    @pytest.mark.parametrize(("field", "value", "maker", "model", "kind", "rule"), full)
    def examples_name_the_maker(
        field: str, value: str, maker: str, model: str | None, kind: str | None, rule: str
    ) -> None:
        assert_rule_names(field, value, rule, manufacturer=maker, model=model, device_kind=kind)

    @pytest.mark.parametrize(("field", "value"), look_alikes)
    def look_alikes_fire_no_rule(field: str, value: str) -> None:
        assert not rule_ids(name) & fired_rules(field, value)

    def every_rule_has_an_example() -> None:
        assert rule_ids(name) == {example[-1] for example in examples}

    return examples_name_the_maker, look_alikes_fire_no_rule, every_rule_has_an_example


# The keys of one device in `custodes scan --json` (a public interface).
DEVICE_KEYS = {
    "address",
    "open_ports",
    "manufacturer",
    "brand",
    "model",
    "firmware",
    "serial",
    "mac",
    "device_kind",
    "confidence",
    "evidence",
    "concerns",
    "owner",
    "components",
}
UNPRIVILEGED_OFFSET = 20000
FAST_TIMEOUT = 0.6


def start_lab_thread(base: str, profiles: list[DeviceProfile] | None = None) -> LabThread:
    """A lab on real ports when we may bind them, else on ports shifted by an offset."""
    offsets = [0, UNPRIVILEGED_OFFSET] if os.geteuid() == 0 else [UNPRIVILEGED_OFFSET]
    last_error: LabError | None = None
    for offset in offsets:
        runner = LabThread(base=base, port_offset=offset, profiles=profiles)
        try:
            runner.__enter__()
        except LabError as exc:
            last_error = exc
            continue
        return runner
    raise pytest.skip.Exception(f"cannot start the lab on {base}: {last_error}")


@pytest.fixture(scope="module")
def lab(loopback_base) -> Iterator[Lab]:
    """The shipped lab on 127.0.20.0/24 (shifted per test worker), for the whole module."""
    runner = start_lab_thread(loopback_base("127.0.20.0"))
    try:
        yield runner.lab
    finally:
        runner.__exit__(None, None, None)


def scan_lab(
    lab: Lab, targets: list[str] | None = None, community: str | None = None
) -> list[Device]:
    """Scan lab addresses with short timeouts, using the lab's port offset."""
    options = ScanOptions(timeout=FAST_TIMEOUT, port_offset=lab.port_offset, community=community)
    scanner = Scanner(options=options)

    async def run() -> list[Device]:
        return [device async for device in scanner.scan(targets or lab.addresses)]

    return asyncio.run(run())
