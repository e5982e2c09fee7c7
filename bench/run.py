#!/usr/bin/env python3
"""Boot the same PV benchmark guest as dom0 under Proxen and under real
Xen 4.17, in identical QEMU machines, and compare what comes out.

Runs alternate (Proxen, Xen, Proxen, Xen, ...) because the machines this
runs on change speed by about 2x every few seconds: interleaving puts both
systems through the same mix of fast and slow periods, and the medians and
minima of several runs are compared, never single runs.

Every serial line is timestamped from outside, on a monotonic clock started
just before QEMU is spawned; the guest's own measurements arrive as
`BENCH <metric> <value> <unit>` lines (the contract is in bench/README.md).

Usage: bench/run.py [--guest PATH] [--reps N] [--bare-kernel PATH] ...
Prints a table and one JSON line per metric and system, which also go to
build/bench/results.jsonl (and the table to build/bench/table.md); the
timestamped serial log of every run is kept in build/bench/logs/.
"""
import argparse
import datetime
import json
import os
import re
import selectors
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One machine for every system, so that only the software differs.  The
# debug-exit device lets Proxen (and a bare kernel) end QEMU with a status;
# Xen never touches its port, so it is present in Xen's runs too.
QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-M", "pc", "-cpu", "qemu64",
        "-m", "1024", "-smp", "2", "-display", "none", "-serial", "stdio",
        "-monitor", "none", "-net", "none", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# Xen's console on the first UART; dom0 as big as Proxen's default dom0 and
# with two vCPUs, vCPU n on CPU n as on Proxen (for the IPI round trip
# between them); `noreboot` keeps a crashed dom0's log on screen instead of
# rebooting.  Other options tried here (bootscrub=0, clocksource=pit|acpi,
# tsc=unstable, spec-ctrl=no, sched=null, cpuidle=0) changed boot time by
# less than the noise, so Xen runs with its defaults otherwise.
XEN_ARGS = ("console=com1 com1=115200 dom0_mem=256M dom0_max_vcpus=2 dom0_vcpus_pin "
            "noreboot")
PROXEN_ARGS = "dom0_mem=256M dom0_max_vcpus=2"

BENCH_RX = re.compile(r"^BENCH\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$")

# Proxen's report, when dom0 ends, of the longest stretch each hypercall ran
# without reaching a preemption point (hv/common/preempt.c); the long ones
# are those the benchmark guest's hostile phase drives to their limits.
STRETCH_RX = re.compile(r"^\(PRX\) CPU(\d+) hypercall (\d+): (\d+) calls, longest stretch "
                        r"without a preemption point (\d+) ns, (\d+) over 100 us")
LONG_HYPERCALLS = {1: "mmu_update", 13: "multicall", 18: "console_io", 26: "mmuext_op",
                   36: "domctl"}
# The same report from two boots: one on the host's clock ("ns": what a
# CPU of this QEMU really spent, QEMU's translation of fresh code and the
# host's scheduling included) and one under QEMU's -icount shift=0, where
# every clock counts executed instructions, one a nanosecond ("instr": the
# hypervisor's own work between preemption points, nothing else).
STRETCH_KINDS = {
    "ns": dict(unit="ns", over="stretches_over_100us_count", qemu=[], args="stretch_stats"),
    "instr": dict(unit="instr", over="stretches_over_100k_instr_count",
                  qemu=["-icount", "shift=0"], args="stretch_stats"),
}


def stretch_metrics(kind):
    return ([f"longest_stretch_{kind}"] +
            [f"longest_stretch_{kind}_{n}" for n in LONG_HYPERCALLS.values()] +
            [STRETCH_KINDS[kind]["over"]])


STRETCH_METRICS = [m for kind in STRETCH_KINDS for m in stretch_metrics(kind)]
GUEST_PREFIX_RX = re.compile(r"^\(d\d+\) ")

# Metrics the harness measures itself, in table order, with their units.
WALL_METRICS = [
    ("qemu_start_to_first_hv_line_s", "s"),
    ("qemu_start_to_dom0_handoff_s", "s"),
    ("qemu_start_to_first_guest_line_s", "s"),
    ("qemu_start_to_guest_done_s", "s"),
    ("hv_mem_used_boot_mib", "MiB"),
]


class System:
    """How to boot one system and how to read its serial console."""

    def __init__(self, name, label, command, is_hv_line, guest_text,
                 handoff_rx, end_rx, ok_rx, stops_itself):
        self.name = name
        self.label = label
        self.command = command          # list of QEMU arguments
        self.is_hv_line = is_hv_line    # line -> bool
        self.guest_text = guest_text    # line -> the guest's text or None
        self.handoff_rx = handoff_rx    # the hypervisor's last line before dom0 runs
        self.end_rx = end_rx            # the hypervisor reports dom0's end
        self.ok_rx = ok_rx              # ... and that end was a clean poweroff
        self.stops_itself = stops_itself  # QEMU exits without being killed

    def memory(self, lines):
        """(MiB the hypervisor uses after its boot, or None, and why not)."""
        return None, "not measured"

    def stretches(self, lines, kind):
        """({metric: (value, unit)}, {metric: why}) for stretch_metrics(kind)."""
        return {}, {m: "not measured" for m in stretch_metrics(kind)}


class Proxen(System):
    def __init__(self, image, guest_module, args, stretch_kind=None):
        kind = STRETCH_KINDS.get(stretch_kind, dict(qemu=[]))
        super().__init__(
            {None: "proxen", "ns": "proxen-stretch"}.get(stretch_kind,
                                                         f"proxen-stretch-{stretch_kind}"),
            "Proxen",
            QEMU + kind["qemu"] + ["-kernel", image, "-append", args, "-initrd", guest_module],
            is_hv_line=lambda l: l.startswith("(PRX) "),
            # Proxen shows a guest's console_io output as "(dN) text".
            guest_text=lambda l: l[5:] if l.startswith("(d0) ") else None,
            handoff_rx=re.compile(r"^\(PRX\) dom0: starting"),
            end_rx=re.compile(r"^\(PRX\) (Domain 0 \(.*\) (shut down|crashed)"
                              r"|dom0: kernel image refused)"),
            ok_rx=re.compile(r"shut down: poweroff"),
            stops_itself=True)
        # The stretch metrics come from boots of their own with the
        # measuring on (boot option stretch_stats): its clock reads would
        # slow every hypercall of the timed run.
        self.stretch_systems = ({} if stretch_kind else
                                {k: Proxen(image, guest_module, f"{args} {v['args']}".strip(), k)
                                 for k, v in STRETCH_KINDS.items()})

    def memory(self, lines):
        # "... 1023 MiB RAM (1048063 KiB), 1008 MiB free", printed once the
        # hypervisor has set itself up and before dom0 is built.  Free is
        # rounded down to whole MiB, so the figure may be up to 1 MiB high.
        for _, line in lines:
            m = re.search(r"MiB RAM \((\d+) KiB\), (\d+) MiB free", line)
            if m:
                return int(m.group(1)) / 1024 - int(m.group(2)), None
        return None, "no 'MiB free' line in the boot log"

    def stretches(self, lines, kind):
        unit = STRETCH_KINDS[kind]["unit"]
        longest, over, per_op = 0, 0, {}
        for _, line in lines:
            m = STRETCH_RX.match(line)
            if m:
                op, ns = int(m.group(2)), int(m.group(4))
                longest = max(longest, ns)
                over += int(m.group(5))
                if op in LONG_HYPERCALLS:
                    per_op[op] = max(per_op.get(op, 0), ns)
        if not longest:
            return {}, {m: "no stretch report in the log" for m in stretch_metrics(kind)}
        values = {f"longest_stretch_{kind}": (longest, unit),
                  STRETCH_KINDS[kind]["over"]: (over, "count")}
        missing = {}
        for op, name in LONG_HYPERCALLS.items():
            if op in per_op:
                values[f"longest_stretch_{kind}_{name}"] = (per_op[op], unit)
            else:
                missing[f"longest_stretch_{kind}_{name}"] = f"dom0 made no {name} call"
        return values, missing


class Xen(System):
    def __init__(self, image, guest_module, args):
        super().__init__(
            "xen", "Xen 4.17",
            QEMU + ["-kernel", image, "-append", args, "-initrd", guest_module],
            is_hv_line=lambda l: l.startswith("(XEN) "),
            guest_text=self._guest_text,
            # init_done() prints this, then the idle loop schedules dom0.
            handoff_rx=re.compile(r"^\(XEN\) Freed \d+kB init memory"),
            # Xen 4.17 reports dom0's end and then halts (poweroff) or, with
            # noreboot, halts after a crash: QEMU never exits by itself.
            end_rx=re.compile(r"^\(XEN\) (Hardware Dom0 (halted|crashed|shutdown)"
                              r"|Manual reset required|Reboot in five seconds)"),
            ok_rx=re.compile(r"Hardware Dom0 halted"),
            stops_itself=False)

    @staticmethod
    def _guest_text(line):
        # Xen 4.17 writes the hardware domain's console_io output raw, with
        # no prefix (other domains get "(dN) "): every line that is not
        # Xen's own is dom0's.
        if line.startswith("(XEN)"):
            return None
        m = GUEST_PREFIX_RX.match(line)
        return line[m.end():] if m else line

    def memory(self, lines):
        # Its 'm' debug key would print heap figures, but keys typed during
        # boot got no answer here, and after dom0's poweroff Xen has halted.
        return None, "Xen 4.17 prints no free-memory figure during boot"

    def stretches(self, lines, kind):
        return {}, {m: "Xen 4.17 does not measure it" for m in stretch_metrics(kind)}


class Bare(System):
    """A multiboot kernel booted by QEMU with no hypervisor: the floor.

    By default this is Proxen's own `test=bench-loop` self test, which runs
    the guest's CPU loop (bench/cpu_loop.h) in ring 0 with no guest and
    prints `(PRX) BENCH cpu_loop_ns_per_iter ...` before powering off."""

    def __init__(self, image, args):
        super().__init__(
            "bare", "the bare kernel",
            QEMU + ["-kernel", image, "-append", args],
            is_hv_line=lambda l: False,
            # Every line is the kernel's; drop a log prefix such as "(PRX) ".
            guest_text=lambda l: re.sub(r"^\([A-Za-z0-9]+\) ", "", l),
            handoff_rx=None,
            end_rx=re.compile(r"^(\([A-Za-z0-9]+\) )?BENCH\s+done\b"),
            ok_rx=re.compile(r"."),
            stops_itself=True)


class Run:
    def __init__(self, system, lines, exit_code, problem):
        self.system = system
        self.lines = lines            # [(seconds since spawn, text)]
        self.exit_code = exit_code
        self.problem = problem        # None for a usable run
        self.stretch_runs = {}        # the instrumented boots, for the stretch metrics

    def metrics(self):
        """{metric: (value, unit)}, and {metric: why} for those without one."""
        sysm = self.system
        values, missing = {}, {}

        def first(lines, pred):
            return next((t for t, l in lines if pred(l)), None)

        t = first(self.lines, sysm.is_hv_line)
        if t is not None:
            values["qemu_start_to_first_hv_line_s"] = (t, "s")
        # Only what follows the handoff can be dom0's: this keeps stray
        # unprefixed output from before it out of the guest's metrics.
        guest_lines = self.lines
        if sysm.handoff_rx:
            i = next((i for i, (_, l) in enumerate(self.lines)
                      if sysm.handoff_rx.search(l)), None)
            if i is None:
                missing["qemu_start_to_dom0_handoff_s"] = "no handoff line in the log"
                guest_lines = []
            else:
                values["qemu_start_to_dom0_handoff_s"] = (self.lines[i][0], "s")
                guest_lines = self.lines[i + 1:]
        t = first(guest_lines, lambda l: (sysm.guest_text(l) or "").strip())
        if t is not None:
            values["qemu_start_to_first_guest_line_s"] = (t, "s")
        t = first(self.lines, sysm.end_rx.search)
        if t is not None and sysm.name != "bare":
            values["qemu_start_to_guest_done_s"] = (t, "s")
        if sysm.name == "bare":
            for metric in ["qemu_start_to_first_hv_line_s", "qemu_start_to_dom0_handoff_s",
                           "hv_mem_used_boot_mib"] + STRETCH_METRICS:
                missing[metric] = "no hypervisor"
            missing["qemu_start_to_guest_done_s"] = "the bare kernel runs other work"
        else:
            mib, why = sysm.memory(self.lines)
            if mib is not None:
                values["hv_mem_used_boot_mib"] = (mib, "MiB")
            else:
                missing["hv_mem_used_boot_mib"] = why
            for kind in STRETCH_KINDS:
                if getattr(sysm, "stretch_systems", None):
                    run = self.stretch_runs.get(kind)
                    if run and not run.problem:
                        got, why = sysm.stretches(run.lines, kind)
                    else:
                        got, why = {}, {m: "the instrumented boot failed"
                                        for m in stretch_metrics(kind)}
                else:
                    got, why = sysm.stretches(self.lines, kind)
                values.update(got)
                missing.update(why)
        for _, line in guest_lines:
            text = sysm.guest_text(line)
            m = BENCH_RX.match(text or "")
            if not m or m.group(1) == "done":
                continue
            name, value, rest = m.group(1), m.group(2), m.group(3) or ""
            if value == "n/a":
                missing[name] = rest or "n/a"
                continue
            try:                    # a metric printed twice: the last one counts
                values[name] = (float(value), rest.split()[0] if rest else "")
            except ValueError:
                missing[name] = f"unparsable value {value!r}"
        return values, missing


def boot(system, timeout):
    """Run QEMU once, timestamping each serial line; return a Run."""
    t0 = time.monotonic()
    proc = subprocess.Popen(system.command, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    lines, partial = [], b""
    ended_at = None       # when the end line arrived
    problem = None
    while True:
        now = time.monotonic()
        if now - t0 > timeout:
            problem = f"timed out after {timeout} s"
            break
        # A system that powers QEMU off gets a moment to do so; Xen halts
        # the machine, so its run ends as soon as it reports dom0's end.
        if ended_at is not None and (not system.stops_itself or problem
                                     or now - ended_at > 5):
            break
        if not sel.select(timeout=0.1):
            continue
        data = os.read(fd, 65536)
        stamp = time.monotonic() - t0
        if not data:
            break                                   # QEMU has exited
        partial += data
        *complete, partial = partial.split(b"\n")
        for raw in complete:
            line = raw.decode(errors="replace").rstrip("\r")
            lines.append((stamp, line))
            if ended_at is None and system.end_rx.search(line):
                ended_at = time.monotonic()
                if not system.ok_rx.search(line):
                    problem = f"dom0 did not power off: {line}"
    if partial:
        lines.append((time.monotonic() - t0, partial.decode(errors="replace")))
    sel.close()
    # Stop only the QEMU started here, by its own pid.
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.stdin.close()
    proc.stdout.close()
    if problem is None and ended_at is None and system.name != "bare":
        problem = f"QEMU exited ({proc.returncode}) without the end of dom0 in the log"
    return Run(system, lines, proc.returncode, problem)


def save_log(run, path):
    with open(path, "w") as f:
        for stamp, line in run.lines:
            f.write(f"{stamp:9.4f} {line}\n")
        f.write(f"# exit code {run.exit_code}; {run.problem or 'ok'}\n")


def fmt(v):
    if v is None:
        return "—"
    if abs(v) < 10:
        return f"{v:.3f}"
    return f"{v:.1f}" if abs(v) < 1000 else f"{v:,.0f}"


def summarize(systems, runs):
    """{system: {metric: dict(values, unit, why)}} and the metric order."""
    order = [m for m, _ in WALL_METRICS]
    summary = {s.name: {} for s in systems}
    for run in runs:
        if run.problem:
            continue
        values, missing = run.metrics()
        for metric, (value, unit) in values.items():
            entry = summary[run.system.name].setdefault(
                metric, dict(values=[], unit=unit, why=None))
            entry["values"].append(value)
            if metric not in order:
                order.append(metric)
        for metric, why in missing.items():
            entry = summary[run.system.name].setdefault(
                metric, dict(values=[], unit="", why=None))
            entry["why"] = why
            if metric not in order:
                order.append(metric)
    return summary, order


def stats(entry):
    v = entry["values"]
    return statistics.median(v), min(v), max(v), len(v)


def cell(summary, system, metric):
    """(median, spread, why there is no number or None) for one system."""
    entry = summary.get(system, {}).get(metric)
    if entry and entry["values"]:
        med, lo, hi, _ = stats(entry)
        return fmt(med), f"{fmt(lo)}–{fmt(hi)}", None
    if entry and entry["why"]:
        return "—", "", entry["why"]
    if metric not in dict(WALL_METRICS):
        label = {"proxen": "Proxen", "xen": "Xen", "bare": "the bare kernel"}[system]
        return "—", "", f"not reported under {label}"
    return "—", "", "no usable run"


def ratio(summary, a, b, metric):
    ea, eb = summary.get(a, {}).get(metric), summary.get(b, {}).get(metric)
    if not (ea and eb and ea["values"] and eb["values"]):
        return "—"
    mb = statistics.median(eb["values"])
    return f"{statistics.median(ea['values']) / mb:.2f}" if mb else "—"


def table(systems, summary, order, reps):
    """A Markdown table (readable as text too), with footnotes saying why
    a cell has no number."""
    names = [s.name for s in systems]
    has_bare = "bare" in names
    head = ["metric", "unit", "Proxen median", "Xen median", "Proxen/Xen",
            "Proxen min–max", "Xen min–max", "runs P/X"]
    if has_bare:
        head += ["bare median", "Proxen/bare"]
    notes = []

    def noted(text, why):
        if why is None:
            return text
        if why not in notes:
            notes.append(why)
        return f"{text} [{notes.index(why) + 1}]"

    rows = []
    for metric in order:
        unit = next((summary[n][metric]["unit"] for n in names
                     if metric in summary[n] and summary[n][metric]["unit"]), "")
        pm, ps, pwhy = cell(summary, "proxen", metric)
        xm, xs, xwhy = cell(summary, "xen", metric)
        n = [len(summary.get(s, {}).get(metric, {}).get("values", []))
             for s in ("proxen", "xen")]
        row = [metric, unit,
               noted(pm, pwhy if "proxen" in names else "Proxen not run"),
               noted(xm, xwhy if "xen" in names else "Xen not run"),
               ratio(summary, "proxen", "xen", metric),
               ps, xs, f"{n[0]}/{n[1]} of {reps}"]
        if has_bare:
            bm, _, bwhy = cell(summary, "bare", metric)
            row += [noted(bm, bwhy), ratio(summary, "proxen", "bare", metric)]
        rows.append(row)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    if notes:
        out.append("")
        out += [f"[{i + 1}] {why}" for i, why in enumerate(notes)]
    return "\n".join(out)


# Operations between two domains, which only Proxen's runs give (the
# domU is built through Proxen's control interface), each set beside the
# same operation within dom0: Proxen's figure of the same boots and Xen
# 4.17's.
BESIDE = [("grant_copy_from_domu_mbps", "grant_copy_mbps"),
          ("grant_copy_to_domu_mbps", "grant_copy_mbps"),
          ("grant_map_unmap_domu_ns", "grant_map_unmap_ns")]


def beside_table(runs):
    """A Markdown table of BESIDE: the two-domain metric (Proxen), dom0
    to itself in the same boots (Proxen) and the median of the per-boot
    ratios, dom0 to itself under Xen, and Proxen's two-domain median over
    Xen's dom0-to-itself median; None if no Proxen run gave any."""
    per = {"proxen": [], "xen": []}
    for run in runs:
        if not run.problem and run.system.name in per:
            per[run.system.name].append(run.metrics()[0])
    head = ["metric", "unit", "Proxen median", "dom0 to itself", "same-boot ratio",
            "Xen dom0 to itself", "Proxen/Xen dom0 to itself"]
    rows = []
    for metric, own in BESIDE:
        pairs = [(v[metric][0], v[own][0]) for v in per["proxen"] if metric in v and own in v]
        if not pairs:
            continue
        unit = next(v[metric][1] for v in per["proxen"] if metric in v)
        xen = [v[own][0] for v in per["xen"] if own in v]
        two = statistics.median(a for a, _ in pairs)
        xm = statistics.median(xen) if xen else None
        rows.append([metric, unit, fmt(two), fmt(statistics.median(b for _, b in pairs)),
                     f"{statistics.median(a / b for a, b in pairs if b):.2f}",
                     fmt(xm), f"{two / xm:.2f}" if xm else "—"])
    if not rows:
        return None
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(out)


def round6(v):
    return float(f"{v:.6g}")   # what the clocks can tell apart, no more


def json_lines(systems, summary, order, guest, when):
    for s in systems:
        for metric in order:
            entry = summary[s.name].get(metric)
            rec = dict(metric=metric, system=s.name)
            if entry and entry["values"]:
                med, lo, hi, n = stats(entry)
                rec.update(median=round6(med), min=round6(lo), max=round6(hi), n=n,
                           unit=entry["unit"])
            else:
                rec.update(median=None, min=None, max=None, n=0,
                           unit=entry["unit"] if entry else "",
                           note=(entry or {}).get("why") or f"not reported under {s.label}")
            rec.update(guest=guest, when=when)
            yield json.dumps(rec)


def machine_facts():
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return qemu, cpu, os.cpu_count()


def proxen_version():
    """The commit the numbers belong to, marked when the tree has changes."""
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        rev = ""
    return rev or "unknown"


def fetch_xen(build):
    """Path of the Xen 4.17 image, fetching it once into the build cache."""
    cache = os.path.join(build, "cache", "xen")
    proc = subprocess.run([os.path.join(ROOT, "tools", "xen-fetch"), cache],
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        sys.exit("bench: could not get Xen 4.17 (see above); "
                 "pass --xen IMAGE or --systems proxen")
    return proc.stdout.strip().splitlines()[-1]


def module_arg(path, args):
    # QEMU splits -initrd at commas and a module's file name ends at the
    # first space, so neither may appear in the path.
    if "," in path or " " in path:
        sys.exit(f"bench: the guest path may not contain ',' or ' ': {path}")
    return f"{path} {args}".strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--guest", help="PV ELF kernel run as dom0 "
                    "(default BUILD/guest/proxen-bench)")
    ap.add_argument("--guest-args", default="", help="the guest's command line")
    ap.add_argument("--reps", type=int, default=5, help="runs per system (default 5)")
    ap.add_argument("--warmup", type=int, default=1,
                    help="discarded runs per system first (default 1)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per QEMU run")
    ap.add_argument("--systems", default="proxen,xen", help="comma-separated: proxen,xen")
    ap.add_argument("--xen", help="Xen image (default: fetched by tools/xen-fetch)")
    ap.add_argument("--xen-args", default=XEN_ARGS, help=f"Xen command line ({XEN_ARGS})")
    ap.add_argument("--proxen-args", default=PROXEN_ARGS,
                    help=f"Proxen command line ({PROXEN_ARGS})")
    ap.add_argument("--bare-kernel", metavar="PATH",
                    help="multiboot kernel that runs the guest's CPU loop with no "
                    "hypervisor and prints BENCH lines, for the floor column "
                    "(default: BUILD/proxen with test=bench-loop)")
    ap.add_argument("--bare-args", help="the bare kernel's command line")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare-kernel runs")
    ap.add_argument("--no-domu", action="store_true",
                    help="give dom0 no demo image (the domU metrics are then n/a)")
    args = ap.parse_args()

    build = args.build if os.path.isabs(args.build) else os.path.join(ROOT, args.build)
    guest = os.path.abspath(args.guest or os.path.join(build, "guest", "proxen-bench"))
    if not os.path.isfile(guest):
        sys.exit(f"bench: no benchmark guest at {guest}\n"
                 "It is built from guest/ by `make`; until then pass --guest PATH "
                 "(any Xen PV ELF kernel that runs as dom0).")
    module = module_arg(guest, args.guest_args)
    # The demo domain, dom0's second module (its initial ramdisk), which the
    # benchmark guest builds and runs beside itself under Proxen (domain
    # creation, interdomain ping-pong); Xen's dom0 gets it too, unused.
    demo = os.path.join(build, "guest", "proxen-demo")
    if not args.no_domu and os.path.isfile(demo):
        module += "," + module_arg(demo, "")

    systems = []
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    for name in wanted:
        if name == "proxen":
            image = os.path.join(build, "proxen")
            if not os.path.isfile(image):
                sys.exit(f"bench: {image} not built (run make)")
            systems.append(Proxen(image, module, args.proxen_args))
        elif name == "xen":
            systems.append(Xen(args.xen or fetch_xen(build), module, args.xen_args))
        else:
            sys.exit(f"bench: unknown system {name!r}")
    if not args.no_bare:
        if args.bare_kernel:
            bare, bare_args = os.path.abspath(args.bare_kernel), args.bare_args or ""
        else:
            bare, bare_args = os.path.join(build, "proxen"), args.bare_args or "test=bench-loop"
        if not os.path.isfile(bare):
            sys.exit(f"bench: no bare kernel at {bare} (run make, or pass --no-bare)")
        systems.append(Bare(bare, bare_args))

    logdir = os.path.join(build, "bench", "logs")
    os.makedirs(logdir, exist_ok=True)
    runs = []
    for rep in range(-args.warmup, args.reps):
        for s in systems:           # interleaved: A B A B ...
            run = boot(s, args.timeout)
            tag = f"warmup{rep + args.warmup + 1}" if rep < 0 else f"{rep + 1}"
            path = os.path.join(logdir, f"{s.name}-{tag}.log")
            save_log(run, path)
            for kind, stretch_system in (getattr(s, "stretch_systems", None) or {}).items():
                if rep < 0:
                    break
                # Counting instructions makes QEMU several times slower.
                run.stretch_runs[kind] = boot(stretch_system,
                                              args.timeout * (4 if kind == "instr" else 1))
                save_log(run.stretch_runs[kind],
                         os.path.join(logdir, f"{stretch_system.name}-{tag}.log"))
            values, _ = run.metrics()
            first = values.get("qemu_start_to_first_guest_line_s", (None,))[0]
            done = values.get("qemu_start_to_guest_done_s", (None,))[0]
            status = run.problem or "ok"
            print(f"bench: {s.name:6} run {tag:8} first guest line {fmt(first)} s"
                  + (f", done {fmt(done)} s" if done is not None else "")
                  + f": {status}" + (f" (log: {path})" if run.problem else ""),
                  file=sys.stderr, flush=True)
            if rep >= 0:
                runs.append(run)

    summary, order = summarize(systems, runs)
    qemu, cpu, ncpu = machine_facts()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    xen_banner = next((l[6:] for r in runs if r.system.name == "xen"
                       for _, l in r.lines if l.startswith("(XEN) Xen version")), None)
    header = [f"Guest: {os.path.relpath(guest, ROOT)}; {args.reps} interleaved runs per "
              f"system after {args.warmup} warm-up; {when}",
              f"Machine: {cpu} ({ncpu} CPUs); {qemu}",
              f"Proxen: commit {proxen_version()}; command line: {args.proxen_args}",
              "QEMU: " + " ".join(QEMU[1:])]
    if xen_banner:
        header.append(f"Xen: {xen_banner.split(' (pkg')[0]}; command line: {args.xen_args}")
    text = "\n".join(header) + "\n\n" + table(systems, summary, order, args.reps) + "\n"
    beside = beside_table(runs)
    if beside:
        text += ("\nBetween two domains (Proxen only), beside the same operation within "
                 "dom0:\n\n" + beside + "\n")
    print(text)
    outdir = os.path.join(build, "bench")
    with open(os.path.join(outdir, "table.md"), "w") as f:
        f.write(text)
    lines = list(json_lines(systems, summary, order, os.path.relpath(guest, ROOT), when))
    with open(os.path.join(outdir, "results.jsonl"), "w") as f:
        for line in lines:
            print(line)
            f.write(line + "\n")
    failed = [r for r in runs if r.problem]
    if failed:
        print(f"bench: {len(failed)} run(s) failed and were left out; logs in {logdir}",
              file=sys.stderr)
    # A system with no usable run at all means the comparison did not happen.
    return 1 if any(all(r.problem for r in runs if r.system is s) for s in systems) else 0


if __name__ == "__main__":
    sys.exit(main())
