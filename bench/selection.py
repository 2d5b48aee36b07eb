"""Benchmark of the selection engine (not part of the test suite).

    python bench/selection.py [--sizes 500/50,2000/200,1727/110:7,1999/200] [--budget 600]

Pools are generated with a fixed seed from skewed, partly multi-valued
category distributions (8 categories, some "prefer not to say"; a size
written ``n/k:7`` uses only the first 7; ``+cap`` caps the "tribal: yes"
quota at a third of its maximum, so that group cannot have k/n and LEXIMIN
needs column generation over two levels); every value
gets a quota min = floor(0.7*share*k), max = ceil(1.3*share*k)+1 where share
is the value's share of the pool.  For each size it prints the best-cohort
time, the LEXIMIN time, how it was proven (uniform cover or column
generation), pricing rounds, LP solves, panels in the support, number of
applicant types, the final certified gap and the lowest probability against
k/n.  ``--budget`` caps the LEXIMIN time per size (status "time_limit" if
hit: the distribution found so far is valid, within the printed gap).

Reference: the published LEXIMIN runs (Gurobi, stopping tolerance 5e-4) took
about 1,160 s for 200 of 2,000 and 4,012 s for 110 of 1,727 (7 categories).
Figures are wall-clock on whatever else the machine is doing: noisy.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from applications.selection import (Applicant, Quota, SelectionProblem, leximin,  # noqa: E402
                                    select_best, solver_version)

# category -> (value weights, chance of "prefer not to say", chance of a second value)
CATEGORIES: dict[str, tuple[dict[str, float], float, float]] = {
    "gender": ({"woman": 48, "man": 44, "nonbinary": 6, "two-spirit": 2}, 0.02, 0.0),
    "race": ({"White": 40, "Black": 22, "Latinx": 16, "Asian": 10, "Indigenous": 6,
              "MENA": 6}, 0.03, 0.08),
    "age": ({"18-29": 22, "30-44": 36, "45-64": 32, "65+": 10}, 0.01, 0.0),
    "region": ({"north": 40, "south": 30, "east": 20, "west": 10}, 0.0, 0.0),
    "role": ({"staff": 50, "volunteer": 35, "rightsholder": 15}, 0.0, 0.0),
    "education": ({"secondary": 30, "college": 45, "graduate": 25}, 0.05, 0.0),
    "disability": ({"yes": 14, "no": 86}, 0.08, 0.0),
    "tribal": ({"yes": 7, "no": 93}, 0.04, 0.0),
}


def generate(n: int, k: int, *, seed: int = 2024, categories: int | None = None,
             cap: bool = False) -> SelectionProblem:
    rng = random.Random(seed * 100_003 + n)
    chosen = dict(list(CATEGORIES.items())[:categories])
    people = []
    for i in range(n):
        features = {}
        for cat, (weights, missing, second) in chosen.items():
            if rng.random() < missing:
                continue
            values = list(weights)
            picks = {rng.choices(values, weights=list(weights.values()))[0]}
            if rng.random() < second:
                picks.add(rng.choice(values))
            features[cat] = picks
        people.append(Applicant(id=f"a{i:05d}", features=features,
                                score=round(rng.uniform(1, 5), 1)))
    quotas = []
    for cat, (weights, _, _) in chosen.items():
        for value in weights:
            share = sum(1 for p in people if p.has(cat, value)) / n
            lo, hi = math.floor(0.7 * share * k), math.ceil(1.3 * share * k) + 1
            if cap and (cat, value) == ("tribal", "yes"):
                lo, hi = 0, max(1, hi // 3)
            quotas.append(Quota(category=cat, value=value, min=lo, max=hi))
    return SelectionProblem(applicants=tuple(people), seats=k, quotas=tuple(quotas), seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes",
                        default="500/50,2000/200,1727/110:7,1999/200,500/50+cap,2000/200+cap")
    parser.add_argument("--budget", type=float, default=600.0,
                        help="LEXIMIN time budget per size in seconds")
    parser.add_argument("--tolerance", type=float, default=1e-6)
    args = parser.parse_args()
    print(f"HiGHS {solver_version()}; up to {len(CATEGORIES)} categories; "
          f"tolerance {args.tolerance:g}; budget {args.budget:g} s")
    header = (f"{'pool':>14} {'types':>6} {'best s':>7} {'leximin s':>10} {'method':>8} "
              f"{'status':>10} {'rounds':>7} {'LPs':>5} {'panels':>7} {'gap':>9} "
              f"{'min p':>9} {'k/n':>9}  (load average after the row, {os.cpu_count()} CPUs)")
    print(header)
    print("-" * len(header))
    for size in args.sizes.split(","):
        spec, _, variant = size.partition("+")
        shape, _, cats = spec.partition(":")
        n, k = (int(x) for x in shape.split("/"))
        problem = generate(n, k, categories=int(cats) if cats else None, cap=variant == "cap")
        t0 = time.perf_counter()
        best = select_best(problem)
        t_best = time.perf_counter() - t0
        if not best.feasible:
            print(f"{size:>14} infeasible: {best.conflicts.messages}")
            continue
        t0 = time.perf_counter()
        lex = leximin(problem, time_limit=args.budget, tolerance=args.tolerance)
        t_lex = time.perf_counter() - t0
        method = {"uniform cover": "cover", "column generation": "colgen"}.get(lex.method,
                                                                              lex.method)
        print(f"{size:>14} {lex.n_types:6d} {t_best:7.2f} {t_lex:10.2f} {method:>8} "
              f"{lex.status:>10} {lex.rounds:7d} {lex.lp_solves:5d} {len(lex.panels):7d} "
              f"{lex.gap:9.2e} {lex.min_probability:9.6f} {lex.k_over_n:9.6f}  load {os.getloadavg()[0]:.1f}",
              flush=True)


if __name__ == "__main__":
    main()
