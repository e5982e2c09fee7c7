#!/usr/bin/env python3
"""Linux boot to its prompt: Debian 12's cloud kernel (tools/linux-fetch)
with the busybox initramfs (tools/mkinitramfs-busybox), timed from QEMU's
start under Xen 4.17 and, given a command for it, under Proxen.

Xen side: the kernel is Xen's dom0 (`xl create` of a domU needs Xen's
toolstack inside a Linux dom0, which this kernel cannot be: Debian's cloud
flavour is built without CONFIG_XEN_DOM0).  As dom0 without dom0 support
its hvc0 is a dead ring, so its log reaches the serial console only through
earlyprintk=xen, and the end point is the initramfs's marker line as the
kernel log prints it; the shell's prompt itself is not visible there.

Proxen side: --proxen-cmd CMD, a shell command whose standard output is the
machine's serial console (e.g. a QEMU run that boots Proxen and has dom0's
shell create the Linux domain); it is given the kernel and initramfs paths
in $LINUX_KERNEL and $LINUX_INITRAMFS (and Linux's vCPUs in $LINUX_VCPUS) and is ended (its process group) once
the marker and the prompt have been seen.  Without it Proxen's column is n/a.

Every serial line is stamped from outside, on a monotonic clock started just
before the command is spawned.  Metrics, per system (median, min-max):
  qemu_start_to_linux_banner_s   QEMU start -> "Linux version ..." line
  qemu_start_to_marker_s         QEMU start -> the initramfs marker line
  qemu_start_to_prompt_s         QEMU start -> the shell prompt (n/a if unseen)
  linux_printk_at_marker_s       Linux's own timestamp on the marker line
                                 (its share: from its clock's start to init)

Usage: bench/linux_boot.py [--build DIR] [--reps N] [--vcpus N]
                           [--proxen-cmd CMD] [--save-log PREFIX]
Results also go to BUILD/bench/linux-boot.jsonl and logs to
BUILD/bench/linux-logs/.
"""
import argparse
import datetime
import json
import os
import re
import selectors
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The machine of bench/run.py, so that the figures are comparable.
QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-M", "pc", "-cpu", "qemu64",
        "-m", "1024", "-display", "none", "-serial", "stdio",
        "-monitor", "none", "-net", "none", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
XEN_ARGS = "console=com1 com1=115200 dom0_mem=256M dom0_vcpus_pin noreboot"
LINUX_ARGS = "console=hvc0 earlyprintk=xen"

MARKER = "INITRAMFS-UP"
PROMPT = b"linux-initramfs# "
BANNER_RX = re.compile(r"Linux version \d")
PRINTK_RX = re.compile(r"\[\s*(\d+\.\d+)\]\s*" + MARKER + "$")
# How long to wait for the prompt after the marker (it is not shown when
# hvc0 is dead, as under Xen here).
PROMPT_GRACE_S = 5.0
METRICS = ["qemu_start_to_linux_banner_s", "qemu_start_to_marker_s",
           "qemu_start_to_prompt_s", "linux_printk_at_marker_s"]


def run_tool(*argv):
    """A tool's output lines; exits with its message if it fails."""
    r = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if r.returncode:
        sys.exit(f"linux_boot: {' '.join(argv)} failed (status {r.returncode})")
    return r.stdout.split()


def boot(command, timeout, env=None):
    """Run COMMAND (argv, its own process group), read its output until the
    marker and the prompt (or PROMPT_GRACE_S after the marker), then end
    it.  Returns (stamped lines, prompt time or None, why it ended)."""
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            cwd=ROOT, env=env)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    lines, partial, prompt_at, marker_at, why = [], b"", None, None, "timeout"
    try:
        while True:
            now = time.monotonic() - start
            if now > timeout:
                break
            if marker_at is not None and (prompt_at is not None
                                          or now > marker_at + PROMPT_GRACE_S):
                why = "marker and prompt seen" if prompt_at is not None else \
                      "marker seen, no prompt"
                break
            if not sel.select(timeout=0.2):
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            now = time.monotonic() - start
            if not data:
                why = "the command ended"
                break
            partial += data
            *complete, partial = partial.split(b"\n")
            for raw in complete:
                text = raw.decode("utf-8", "replace").rstrip("\r")
                lines.append((now, text))
                if marker_at is None and text.endswith(MARKER):
                    marker_at = now
            if prompt_at is None and marker_at is not None and PROMPT in partial:
                prompt_at = now
    finally:
        sel.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
    if partial:
        lines.append((time.monotonic() - start, partial.decode("utf-8", "replace")))
    return lines, prompt_at, why


def metrics(lines, prompt_at):
    """{metric: value} of one boot; a metric it did not reach is absent.
    The marker comes twice (hvc0 and the kernel log, in either order, each
    perhaps behind a console prefix): the first gives the wall time, the
    one with a printk timestamp Linux's."""
    out = {}
    for t, text in lines:
        if "qemu_start_to_linux_banner_s" not in out and BANNER_RX.search(text):
            out["qemu_start_to_linux_banner_s"] = t
        if text.endswith(MARKER):
            out.setdefault("qemu_start_to_marker_s", t)
            m = PRINTK_RX.search(text)
            if m:
                out["linux_printk_at_marker_s"] = float(m.group(1))
                break
    if prompt_at is not None:
        out["qemu_start_to_prompt_s"] = prompt_at
    return out


def summary(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def cell(s, why):
    if s is None:
        return f"n/a ({why})"
    return f"{s['median']:.3f} ({s['min']:.3f}-{s['max']:.3f}, n={s['n']})"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--vcpus", type=int, default=2, help="Linux's vCPUs (dom0_max_vcpus)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per boot")
    ap.add_argument("--proxen-cmd", help="shell command booting Proxen with Linux")
    ap.add_argument("--no-xen", action="store_true", help="skip the Xen side")
    ap.add_argument("--save-log", help="also write the first Xen boot's log to PREFIX-xen.log")
    args = ap.parse_args()

    build = os.path.abspath(os.path.join(ROOT, args.build))
    kernel, busybox = run_tool("tools/linux-fetch", os.path.join(build, "cache/linux"))
    initramfs = os.path.join(build, "linux/initramfs.cpio")
    os.makedirs(os.path.dirname(initramfs), exist_ok=True)
    run_tool("tools/mkinitramfs-busybox", initramfs, busybox)
    for path in (kernel, initramfs):
        if " " in path or "," in path:
            sys.exit(f"linux_boot: {path}: QEMU's -initrd list cannot hold a space or comma")
    logdir = os.path.join(build, "bench/linux-logs")
    os.makedirs(logdir, exist_ok=True)

    systems = []
    if not args.no_xen:
        xen = run_tool("tools/xen-fetch", os.path.join(build, "cache/xen"))[-1]
        cmd = QEMU + ["-smp", str(args.vcpus), "-kernel", xen,
                      "-append", f"{XEN_ARGS} dom0_max_vcpus={args.vcpus}",
                      "-initrd", f"{kernel} {LINUX_ARGS},{initramfs}"]
        systems.append(("xen", f"Xen 4.17 (Linux as dom0, {args.vcpus} vCPUs)",
                        ["timeout", str(int(args.timeout) + 5)] + cmd, None))
    if args.proxen_cmd:
        env = dict(os.environ, LINUX_KERNEL=kernel, LINUX_INITRAMFS=initramfs,
                   LINUX_VCPUS=str(args.vcpus))
        systems.append(("proxen", "Proxen", ["timeout", str(int(args.timeout) + 5),
                                             "sh", "-c", args.proxen_cmd], env))

    values = {name: {m: [] for m in METRICS} for name, _, _, _ in systems}
    endings = {name: [] for name, _, _, _ in systems}
    for rep in range(args.reps):
        for name, label, cmd, env in systems:   # alternating, as bench/run.py
            lines, prompt_at, why = boot(cmd, args.timeout, env)
            endings[name].append(why)
            log = os.path.join(logdir, f"{name}-{rep}.log")
            with open(log, "w") as f:
                f.writelines(f"{t:9.3f} {text}\n" for t, text in lines)
            if args.save_log and name == "xen" and rep == 0:
                with open(f"{args.save_log}-xen.log", "w") as f:
                    f.writelines(f"{text}\n" for _, text in lines)
            got = metrics(lines, prompt_at)
            for m, v in got.items():
                values[name][m].append(v)
            print(f"  {name} run {rep + 1}: {why}; " +
                  ", ".join(f"{m} {v:.3f}" for m, v in got.items()), file=sys.stderr)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    have = {name for name, _, _, _ in systems}
    print("\nLinux boot to prompt (Debian 12 cloud kernel, busybox initramfs; seconds)\n")
    print("| metric | Xen 4.17 (Linux as dom0) | Proxen |")
    print("|---|---|---|")
    results = []
    for m in METRICS:
        row = []
        for name, absent in (("xen", "--no-xen"),
                             ("proxen", "Proxen cannot boot it yet: no --proxen-cmd")):
            s = summary(values[name][m]) if name in have else None
            why = absent if name not in have else "not reached: " + \
                ", ".join(sorted(set(endings[name])))
            row.append(cell(s, why))
            rec = {"metric": m, "system": name, "unit": "s", "when": when,
                   "vcpus": args.vcpus, "kernel": os.path.basename(kernel)}
            rec.update(s or {"median": None, "note": why})
            results.append(rec)
        print(f"| {m} | {row[0]} | {row[1]} |")
    with open(os.path.join(build, "bench/linux-boot.jsonl"), "w") as f:
        for rec in results:
            f.write(json.dumps(rec) + "\n")
    for rec in results:
        print(json.dumps(rec))


if __name__ == "__main__":
    main()
