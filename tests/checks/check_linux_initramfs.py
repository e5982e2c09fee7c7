#!/usr/bin/env python3
"""tools/mkinitramfs-busybox writes the newc archive Linux expects, and the
strings the Linux boot benchmark waits for (bench/linux_boot.py's MARKER
and PROMPT) are the ones the archive's /init prints.

Builds an archive from a stand-in busybox (any ELF file: the archive's
layout does not depend on what busybox is), reads it back entry by entry
(headers, names, sizes, padding, the trailer) and checks the entries Linux
needs: /init executable, /bin/busybox, /bin/sh a link to it, /dev/console
the character device 5:1, the directories /init mounts on.  Exits 0 when
all hold, printing each failure otherwise."""
import importlib.machinery
import importlib.util
import os
import stat
import subprocess
import sys
import tempfile

from tree import ROOT
FIELDS = ["ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
          "devminor", "rdevmajor", "rdevminor", "namesize", "check"]


def load(path, name):
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(ROOT, path))
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def read_newc(data, errors):
    """{name: (fields, data)} of a newc archive; parse errors to ERRORS."""
    entries, off = {}, 0
    while True:
        if data[off:off + 6] != b"070701":
            errors.append(f"offset {off}: no newc magic")
            return entries
        head = data[off + 6:off + 110]
        f = dict(zip(FIELDS, (int(head[i * 8:i * 8 + 8], 16) for i in range(13))))
        name_end = off + 110 + f["namesize"]
        if data[name_end - 1] != 0:
            errors.append(f"offset {off}: name not NUL-terminated")
            return entries
        name = data[off + 110:name_end - 1].decode()
        start = (name_end + 3) & ~3
        end = start + f["filesize"]
        if end > len(data):
            errors.append(f"{name}: data runs past the archive's end")
            return entries
        entries[name] = (f, data[start:end])
        off = (end + 3) & ~3
        if name == "TRAILER!!!":
            if off != len(data):
                errors.append(f"{len(data) - off} bytes after the trailer")
            return entries


def main():
    errors = []
    tool = load("tools/mkinitramfs-busybox", "mkinitramfs_busybox")
    bench = load("bench/linux_boot.py", "linux_boot")
    if bench.MARKER != tool.MARKER:
        errors.append(f"marker: benchmark waits for {bench.MARKER!r}, /init prints {tool.MARKER!r}")
    if bench.PROMPT.decode() != tool.PROMPT:
        errors.append(f"prompt: benchmark waits for {bench.PROMPT!r}, /init sets {tool.PROMPT!r}")
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, "busybox")
        with open(fake, "wb") as f:
            f.write(b"\x7fELF" + bytes(range(256)) * 3 + b"x")   # an odd size: padding
        out = os.path.join(tmp, "initramfs.cpio")
        r = subprocess.run([os.path.join(ROOT, "tools/mkinitramfs-busybox"), out, fake],
                           capture_output=True, text=True)
        if r.returncode:
            print(f"mkinitramfs-busybox failed: {r.stderr}")
            return 1
        with open(out, "rb") as f:
            entries = read_newc(f.read(), errors)
        with open(fake, "wb") as f:
            f.write(b"#!/bin/sh\n")
        r = subprocess.run([os.path.join(ROOT, "tools/mkinitramfs-busybox"), out + "2", fake],
                           capture_output=True, text=True)
        if r.returncode == 0 or os.path.exists(out + "2"):
            errors.append("a busybox that is not ELF was accepted")

    def want(name, kind, check=None):
        if name not in entries:
            errors.append(f"{name}: missing")
            return
        f, data = entries[name]
        if stat.S_IFMT(f["mode"]) != kind:
            errors.append(f"{name}: mode {f['mode']:o}")
        elif check and not check(f, data):
            errors.append(f"{name}: wrong contents or attributes")

    want("init", stat.S_IFREG, lambda f, d: f["mode"] & 0o111 and d.startswith(b"#!/bin/sh\n")
         and tool.MARKER.encode() in d and tool.PROMPT.encode() in d and b"/dev/hvc0" in d)
    want("bin/busybox", stat.S_IFREG, lambda f, d: f["mode"] & 0o111 and
         d == b"\x7fELF" + bytes(range(256)) * 3 + b"x")
    want("bin/sh", stat.S_IFLNK, lambda f, d: d == b"busybox")
    want("dev/console", stat.S_IFCHR, lambda f, d: (f["rdevmajor"], f["rdevminor"]) == (5, 1))
    for d in ("dev", "proc", "sys", "bin"):
        want(d, stat.S_IFDIR)
    inos = [f["ino"] for name, (f, _) in entries.items() if name != "TRAILER!!!"]
    if len(set(inos)) != len(inos):
        errors.append("two entries share an inode number (the kernel would link them)")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
