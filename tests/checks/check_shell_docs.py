#!/usr/bin/env python3
"""docs/shell.md's table of commands against the shell's command table.

Every command of guest/apps/shell/commands.c (its name and its argument
synopsis) has a row in the document's Commands table, written as
`name ARGS`, and every row names a command the shell has.  Exit status 0
when they agree; otherwise one line per disagreement."""
import re
import sys

from tree import read


def code_commands():
    """name -> argument synopsis, from the shell's table."""
    src = read("guest/apps/shell/commands.c")
    body = re.search(r"commands\[\]\s*=\s*\{(.*?)\n\};", src, re.S).group(1)
    return {m.group(1): m.group(2)
            for m in re.finditer(r'\{\s*"([\w-]+)",\s*"([^"]*)"', body)}


def doc_commands():
    """name -> argument synopsis, from the first column of the table."""
    doc = read("docs/shell.md")
    section = doc.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for m in re.finditer(r"^\| `([^`]+)` \|", section, re.M):
        name, _, args = m.group(1).partition(" ")
        rows[name] = args
    return rows


def main():
    code, doc = code_commands(), doc_commands()
    problems = []
    for name, args in sorted(code.items()):
        if name not in doc:
            problems.append(f"command '{name}' has no row in docs/shell.md")
        elif doc[name] != args:
            problems.append(f"command '{name}': docs/shell.md says '{doc[name]}', the code '{args}'")
    for name in sorted(set(doc) - set(code)):
        problems.append(f"docs/shell.md lists '{name}', which the shell does not have")
    if not code:
        problems.append("no commands found in guest/apps/shell/commands.c")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
