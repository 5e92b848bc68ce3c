"""Resolver throughput on 1,000,000 realistic vendor strings, against a naive fuzzy baseline.

Run: .venv/bin/python benchmarks/resolver.py [--strings N]
The baseline is rapidfuzz's extractOne over every alias (no index, no cache), measured on a
sample in the same run; the ratio compares strings per second.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from custodes.intel import Resolver, load_knowledge
from custodes.intel._normalize import fold

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "intel" / "eval_set.csv"
DECORATIONS = ("{}", "{} camera", "{} dome", "{} NVR", "CCTV - {}", "{} (installed 2019)", "{}")
TYPO_SEED = 7


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 5:
        return text
    index = rng.randrange(1, len(text) - 1)
    return text[:index] + text[index + 1] + text[index] + text[index + 2 :]


def build_corpus(size: int, seed: int = TYPO_SEED) -> tuple[list[str], int]:
    """A mix of real evaluation strings, aliases, models, typos and noise, with Zipf repeats."""
    rng = random.Random(seed)
    knowledge = load_knowledge()
    base: list[str] = []
    with EVAL_SET.open(encoding="utf-8", newline="") as handle:
        base += [row["input"] for row in csv.DictReader(handle)]
    for maker in knowledge.manufacturers:
        base += list(maker.all_names())
        base += [brand.name for brand in maker.brands]
    unique: list[str] = []
    for text in base:
        for template in DECORATIONS:
            unique.append(template.format(text))
        unique.append(_typo(text, rng))
        unique.append(text.upper())
        unique.append(f"{text} {rng.randrange(100, 9999)}")  # model-like numbers: many uniques
    rng.shuffle(unique)
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(unique))]
    return rng.choices(unique, weights=weights, k=size), len(set(unique))


def naive_baseline(strings: list[str], aliases: list[str]) -> float:
    """Strings per second for rapidfuzz over every alias, no index, no cache."""
    started = time.perf_counter()
    for text in strings:
        process.extractOne(fold(text), aliases, scorer=fuzz.WRatio, score_cutoff=85)
    return len(strings) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strings", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=5_000)
    args = parser.parse_args()

    corpus, unique = build_corpus(args.strings)
    knowledge = load_knowledge()
    print(f"knowledge {knowledge.version} ({len(knowledge.manufacturers)} manufacturers)")
    print(f"corpus: {len(corpus):,} strings, {unique:,} distinct")

    started = time.perf_counter()
    resolver = Resolver(knowledge)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    identified = 0
    for text in corpus:
        if resolver.resolve(text).manufacturer is not None:
            identified += 1
    seconds = time.perf_counter() - started
    rate = len(corpus) / seconds
    print(f"index build: {build_seconds * 1000:.1f} ms")
    print(f"resolver: {len(corpus):,} strings in {seconds:.2f} s = {rate:,.0f} strings/s")
    print(f"identified: {identified / len(corpus):.1%}")

    aliases = sorted({fold(name) for m in knowledge.manufacturers for name in m.all_names()})
    sample = corpus[: args.baseline_sample]
    baseline = naive_baseline(sample, aliases)
    print(
        f"naive baseline (rapidfuzz WRatio over {len(aliases)} aliases, {len(sample):,} strings):"
        f" {baseline:,.0f} strings/s"
    )
    print(f"ratio resolver/baseline: {rate / baseline:.1f}x")
    print(f"target 50,000 strings/s: {'met' if rate >= 50_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
