#!/usr/bin/env python3
"""docs/pv-abi.md's hypercall table against the code's hypercall table.

Every hypercall the hypervisor dispatches (hv/common/hypercall_table.c,
plus iret, which the arch entry code dispatches) has a row in the
document under its number and name, and every row names a hypercall the
code dispatches.  Exit status 0 when they agree; otherwise one line per
disagreement."""
import re
import sys

from tree import read


def numbers_by_name():
    """__HYPERVISOR_<name> -> number, from the public header."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^#define __HYPERVISOR_(\w+)\s+(\d+)", read("include/public/xen.h"), re.M)}


def code_table(numbers):
    """number -> name of every hypercall the code dispatches."""
    src = read("hv/common/hypercall_table.c")
    body = re.search(r"table\[NR_HYPERCALLS\]\s*=\s*\{(.*?)\};", src, re.S)
    if not body:
        sys.exit("hypercall_table.c: no table found")
    names = re.findall(r"\[__HYPERVISOR_(\w+)\]\s*=\s*do_\w+", body.group(1))
    names.append("iret")            # dispatched by the arch entry code
    return {numbers[n]: n for n in names}


def doc_table():
    """number -> set of names a row allows (`set/get_x` allows set_x and get_x)."""
    doc = read("docs/pv-abi.md")
    section = doc.split("## Hypercalls", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*([\d, ]+)\s*\|\s*([\w/]+)\s*\|", line)
        if not m:
            continue
        nums = [int(x) for x in m.group(1).replace(" ", "").split(",") if x]
        name = m.group(2)
        alts = {name}
        s = re.match(r"(\w+)/(\w+?)_(\w+)$", name)
        if s:
            alts = {f"{s.group(1)}_{s.group(3)}", f"{s.group(2)}_{s.group(3)}"}
        for n in nums:
            if n in rows:
                print(f"docs/pv-abi.md: hypercall {n} has two rows")
            rows[n] = alts
    return rows


def main():
    numbers = numbers_by_name()
    code, doc = code_table(numbers), doc_table()
    errors = 0
    for n, name in sorted(code.items()):
        if n not in doc:
            print(f"docs/pv-abi.md lacks hypercall {n} ({name}), which the code dispatches")
            errors += 1
        elif name not in doc[n]:
            print(f"docs/pv-abi.md calls hypercall {n} {'/'.join(sorted(doc[n]))}; the code: {name}")
            errors += 1
    for n in sorted(set(doc) - set(code)):
        print(f"docs/pv-abi.md lists hypercall {n} ({'/'.join(sorted(doc[n]))}), which the code does not dispatch")
        errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
