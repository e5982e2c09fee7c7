#!/usr/bin/env python3
"""docs/xenstore.md's quota table says what the code does.

Each row's CONTROL name must be one of lib/xenstore/control.c's quota
names, the field it names must have that default in XS_QUOTA_DEFAULTS
(lib/include/lib/xenstore.h), and every quota name in the code must have
a row.  Exit status 0 when that holds; otherwise one line per mismatch."""
import re
import sys

from tree import read, report


def main():
    header = read("lib/include/lib/xenstore.h")
    control = read("lib/xenstore/control.c")
    docs = read("docs/xenstore.md")
    m = re.search(r"#define XS_QUOTA_DEFAULTS \{(.*?)\}", header, re.S)
    defaults = {}
    for field, value in re.findall(r"\.(\w+)\s*=\s*(\w+)", m.group(1) if m else ""):
        defaults[field] = int(value) if value.isdigit() else {"XENSTORE_REL_PATH_MAX": 2048}.get(value)
    names = dict(re.findall(r'QUOTA\("([\w-]+)",\s*(\w+)\)', control))
    section = docs.split("## Quotas", 1)[-1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|[^|]*\|\s*`([\w-]+)`\s*\|\s*(\d+)\s*\|", section, re.M)
    bad = []
    if not defaults or not names or not rows:
        bad.append("could not find the defaults, the quota names or the docs table")
    for name, value in rows:
        if name not in names:
            bad.append(f"docs/xenstore.md: quota {name}: no such CONTROL name")
        elif defaults.get(names[name]) != int(value):
            bad.append(f"docs/xenstore.md: quota {name}: {value}, the code says {defaults.get(names[name])}")
    for name in set(names) - {n for n, _ in rows}:
        bad.append(f"docs/xenstore.md: quota {name} has no row")
    return report(bad)


if __name__ == "__main__":
    sys.exit(main())
