#!/usr/bin/env python3
"""The shared library (lib/) stays freestanding and belongs to no kernel.

Every #include in lib/ (sources and headers) names one of the library's
own headers (<lib/...> or a quoted file beside it), the guest ABI
(<public/...>), or a header the compiler provides without a C library
(stdarg.h, stdbool.h, stddef.h, stdint.h).  The C library's string.h and
stdio.h are allowed only inside an `#if __STDC_HOSTED__` block, where the
host build of the library meets the C library's names.  So the hypervisor
(hv/), the guest (guest/) and host programs can all build it.  Exit
status 0 when that holds; otherwise one line per offending include."""
import glob
import os
import re
import sys

from tree import ROOT

FREESTANDING = {"stdarg.h", "stdbool.h", "stddef.h", "stdint.h"}
HOSTED_ONLY = {"string.h", "stdio.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
IF = re.compile(r"^\s*#\s*if")
ENDIF = re.compile(r"^\s*#\s*endif")
ELSE = re.compile(r"^\s*#\s*el")


def problems(path):
    """(line number, text, why) for each include that does not belong."""
    rel = os.path.relpath(path, ROOT)
    found = []
    stack = []              # per open #if: is its current branch the hosted one?
    for n, line in enumerate(open(path), 1):
        if IF.match(line):
            stack.append(bool(re.search(r"#\s*if\s+__STDC_HOSTED__\s*$", line.rstrip())))
        elif ELSE.match(line) and stack:
            stack[-1] = False
        elif ENDIF.match(line) and stack:
            stack.pop()
        m = INCLUDE.match(line)
        if not m:
            continue
        quote, name = m.groups()
        if quote == '"':
            ok = os.path.exists(os.path.join(os.path.dirname(path), name))
        elif name.startswith(("lib/", "public/")) or name in FREESTANDING:
            ok = True
        else:
            ok = name in HOSTED_ONLY and any(stack)
        if not ok:
            found.append((rel, n, line.strip()))
    return found


def main():
    files = sorted(glob.glob(os.path.join(ROOT, "lib", "**", "*.[ch]"), recursive=True))
    if not files:
        print("no files under lib/")
        return 1
    bad = [p for f in files for p in problems(f)]
    for rel, n, text in bad:
        print(f"{rel}:{n}: {text}: lib/ may include only its own headers, public/ "
              "and the compiler's freestanding ones")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
