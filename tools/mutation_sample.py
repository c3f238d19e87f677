"""A fixed random sample of each money module's mutants, and its kill rate with a 95 % interval.

Running every mutant of the money modules (about 7,000) takes many hours on a 2-core
machine, so docs/mutation-testing.md reports samples: the same seed always draws the same
mutants, and the figure printed is the share killed in the sample with its 95 % Wilson
interval (what the whole module's rate can be, given the sample).

    .venv/bin/python tools/mutation_sample.py names variance   # the sample's mutant names
    .venv/bin/mutmut run --max-children 1 $(.venv/bin/python tools/mutation_sample.py names variance)
    .venv/bin/python tools/mutation_sample.py report           # mutmut's verdicts on the samples

Reads mutmut's own results (mutants/**/*.meta, written by `mutmut run`); run it from the
project's root after `mutmut run` has generated the mutants once.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from pathlib import Path

SEED = 21  # issue 21
MUTANTS = Path("mutants")

# module label -> (mutant name prefix, names left out, sample size)
MODULES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "variance": ("costmodel.reconcile.variance.", (), 60),
    "budget": ("costmodel.budget.", (), 40),
    "commitments": ("costmodel.commitments.", (), 60),
    "catalog": ("costmodel.pricing.catalog.", (), 40),
    "services": ("costmodel.services.", ("costmodel.services.rds.",), 40),
    "forecast": ("costmodel.forecast.", (), 40),
}

# mutmut's exit codes (mutmut/stats.py); a timeout is a mutant the tests did not let pass
KILLED = {1: "killed", 3: "killed"} | dict.fromkeys((36, -24, 24, 152, 255), "timeout")
SURVIVED = {0: "survived"}
NO_TESTS = {33: "no tests", 5: "no tests"}


def exit_codes() -> dict[str, int | None]:
    """Every mutant's last result, by name (None: not run yet)."""
    codes: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def population(label: str, codes: dict[str, int | None]) -> list[str]:
    """Every mutant name of the module."""
    prefix, left_out, _ = MODULES[label]
    return sorted(n for n in codes if n.startswith(prefix) and not n.startswith(left_out))


def sample(label: str, codes: dict[str, int | None]) -> list[str]:
    """The module's sampled mutant names: the same for the same mutants, whatever was run."""
    names = population(label, codes)
    size = MODULES[label][2]
    return sorted(random.Random(f"{SEED}:{label}").sample(names, min(size, len(names))))


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (fractions, 0 to 1)."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def outcome(code: int | None) -> str:
    if code is None:
        return "not run"
    return KILLED.get(code) or SURVIVED.get(code) or NO_TESTS.get(code) or f"exit {code}"


def report(labels: list[str]) -> None:
    codes = exit_codes()
    for label in labels:
        names = sample(label, codes)
        outcomes = Counter(outcome(codes[n]) for n in names)
        killed = outcomes["killed"] + outcomes["timeout"]
        checked = sum(outcomes.values()) - outcomes["not run"]
        low, high = wilson(killed, checked)
        rate = f"{killed / checked:.0%}" if checked else "n/a"
        print(
            f"{label}: {len(names)} sampled of {len(population(label, codes))}, "
            f"{checked} checked: {dict(outcomes)}; killed {killed}/{checked} = {rate} "
            f"(95 % Wilson {low:.0%}-{high:.0%})"
        )
        for name in names:
            if outcome(codes[name]) not in ("killed", "timeout"):
                print(f"    {outcome(codes[name])}: {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["names", "report"])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)} (default: all)")
    args = parser.parse_args()
    labels = args.modules or list(MODULES)
    unknown = sorted(set(labels) - set(MODULES))
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; expected some of {', '.join(MODULES)}")
    if args.command == "names":
        codes = exit_codes()
        print(" ".join(name for label in labels for name in sample(label, codes)))
    else:
        report(labels)


if __name__ == "__main__":
    main()
