#!/usr/bin/env python3
"""docs/architecture.md's lock-order table against enum lock_rank.

The ranks in hv/include/proxen/spinlock.h (outermost first, after
LOCK_UNRANKED and before NR_LOCK_RANKS) and the first column of the
table under "## Locking" must name the same ranks in the same order.
Exit status 0 when they agree; otherwise what differs."""
import re
import sys

from tree import read


def code_ranks():
    enum = re.search(r"enum lock_rank \{(.*?)\};", read("hv/include/proxen/spinlock.h"), re.S)
    if not enum:
        sys.exit("spinlock.h: no enum lock_rank")
    names = re.findall(r"^\s*(LOCK_\w+)", enum.group(1), re.M)
    return [n for n in names if n != "LOCK_UNRANKED"]


def doc_ranks():
    doc = read("docs/architecture.md")
    section = re.search(r"^## Locking\n(.*?)^## ", doc, re.S | re.M)
    if not section:
        sys.exit("architecture.md: no Locking section")
    return re.findall(r"^\| `(LOCK_\w+)` \|", section.group(1), re.M)


def main():
    code, doc = code_ranks(), doc_ranks()
    if code == doc:
        return 0
    print("lock ranks in spinlock.h:       " + ", ".join(code))
    print("lock ranks in architecture.md:  " + ", ".join(doc))
    return 1


if __name__ == "__main__":
    sys.exit(main())
