#!/usr/bin/env python3
"""The benchmark metrics are documented and checked.

Every metric of the benchmark guest's table (`.metric = "..."` in
guest/apps/bench/ops.c) must be in the guest-bench system case's
BENCH_METRICS (tests/system/cases.py), so that `make test` sees it
printed; and every metric of BENCH_METRICS must have a row in
docs/benchmarks.md's table of metrics (a row naming it, or naming a
pattern such as `density_create_ns_<n>` that it fits).  Exit status 0
when that holds; otherwise one line per mismatch."""
import ast
import re
import sys

from tree import read, report


def bench_metrics():
    tree = ast.parse(read("tests/system/cases.py"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "BENCH_METRICS" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def documented():
    """Regexes for the names in the first column of the metrics table."""
    docs = read("docs/benchmarks.md")
    section = docs.split("## The metrics", 1)[-1].split("\n## ", 1)[0]
    out = []
    for row in re.findall(r"^\|([^|]*)\|", section, re.M):
        for name in re.findall(r"`([a-z0-9_<>]+)`", row):
            out.append(re.compile(re.sub(r"<[a-z]+>", r"[a-z0-9]+", name) + r"\Z"))
    return out


def main():
    table = re.findall(r'\.metric = "([a-z0-9_]+)"', read("guest/apps/bench/ops.c"))
    listed = bench_metrics()
    rows = documented()
    bad = []
    if not table or not listed or not rows:
        bad.append("could not find the guest's table, BENCH_METRICS or the docs table")
    for metric in table:
        if metric not in listed:
            bad.append(f"tests/system/cases.py: BENCH_METRICS lacks {metric} (guest/apps/bench/ops.c)")
    for metric in listed:
        if not any(rx.match(metric) for rx in rows):
            bad.append(f"docs/benchmarks.md: no row for {metric}")
    return report(bad)


if __name__ == "__main__":
    sys.exit(main())
