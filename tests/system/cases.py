"""System test cases: each boots Proxen once under QEMU (TCG) and checks
the exit status and the console log.

Fields of a case:
  name      unique name
  cmdline   hypervisor command line (test=... selects a self test)
  smp, mem  QEMU -smp and -m
  machine   QEMU -M value
  accel     QEMU -accel value (default tcg,thread=single; multi-threaded TCG
            for the cases that need CPUs really running at the same time)
  icount    QEMU -icount shift=0: the guest's clocks count executed
            instructions (one a nanosecond), not the host's time
  modules   list of "path args" strings for -initrd (paths relative to the
            repository root)
  status    expected hypervisor exit status (QEMU exits with 2*status+1)
  expect    regexes that must all match the log (searched, multiline)
  reject    regexes that must not match
  keys      (wait_for, text), or a list of them in order: once wait_for
            appears (after the previous text was typed), type text on the
            serial line
  check     optional function(log) -> error string or None
  cdrom     boot this image (relative to the build directory) from a CD
            through the firmware instead of -kernel (cmdline and modules
            are then the image's)
  command   instead of booting QEMU directly, run this shell command (from
            the repository root, its output the log), which must exit with
            `exit`
"""
import random
import re

MIB = 1 << 20


def ram_between(lo_mib, hi_mib):
    """Check the RAM total the hypervisor found against what QEMU gave."""
    def check(log):
        m = re.search(r"CPUs? online, (\d+) MiB RAM \((\d+) KiB\)", log)
        if not m:
            return "no memory summary line"
        kib = int(m.group(2))
        if not lo_mib * 1024 <= kib <= hi_mib * 1024:
            return f"RAM {kib} KiB not within {lo_mib}-{hi_mib} MiB"
        return None
    return check


SUCCESS = r"Test result: SUCCESS"
GUEST = "build/guest/proxen-guest"
BENCH_GUEST = "build/guest/proxen-bench"
DOM0 = "build/guest/proxen-dom0"
DEMO = "build/guest/proxen-demo"
IMAGES = "build/guest/images.cpio"
SHELL_READY = "'help' lists the commands"
EOT = "\x04"


def shell_script(name, lines, status=0, expect=(), reject=(), modules=None, **kw):
    """A case that pipes lines into dom0's shell as a script (the
    command-line word "script"; EOT ends the input), as `make run` does
    with piped input.  A script with a failed command ends with status 3
    (dom0's shutdown reason crash)."""
    return dict(name=name, smp=2, mem="512M",
                modules=modules or [DOM0 + " script", IMAGES],
                keys=(SHELL_READY, "".join(l + "\n" for l in lines) + EOT),
                status=status, expect=list(expect),
                reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed"] + list(reject),
                **kw)


def garbage(seed, n):
    """n bytes for the shell to survive: words of the commands and random
    bytes (controls, escape sequences, high bytes) mixed, never the switch
    (Ctrl-A) or the end of input (EOT)."""
    rng = random.Random(seed)
    words = ["list", "info", "create", "destroy", "images", "rename", "mem-max", "vcpu-list",
             "demo", "name=", "memory=", "vcpus=", "\x1b[A", "\x1b[B", "\x1b[", "\x7f", "\x15",
             "\x17", "\x03", "\r", "\n", "\t", " ", "Domain-0", "0", "99999999999999999999G"]
    out = []
    while sum(map(len, out)) < n:
        out.append(rng.choice(words) if rng.random() < 0.6 else
                   chr(rng.choice([b for b in range(256) if b not in (1, 4)])))
    return "".join(out)


def failed_count(n, of):
    return rf"^\(d0\) Script done: {n} of {of} commands? failed; powering off with an error$"

# Every metric the benchmark guest prints (bench/README.md), and those that
# may be "n/a" under Proxen today (none).
BENCH_METRICS = ["null_hypercall_ns", "mmu_update_ns_per_entry_64", "multicall_ns_per_noop_64",
                 "evtchn_send_self_ns", "int3_bounce_ns", "pf_bounce_ns",
                 "grant_copy_mbps", "grant_copy_from_domu_mbps", "grant_copy_to_domu_mbps",
                 "grant_map_unmap_ns", "grant_map_unmap_domu_ns", "time_read_ns",
                 "gettimeofday_ns", "ipi_round_trip_ns",
                 "timer_lateness_median_ns", "timer_lateness_p99_ns", "timer_lateness_max_ns",
                 "cpu_loop_ns_per_iter", "density_create_ns_100", "density_create_ns_1000",
                 "domain_destroy_ns", "domain_create_to_console_ns", "interdomain_ping_pong_ns",
                 "interdomain_ping_pong_one_cpu_ns", "xenstore_read_local_ns",
                 "xenstore_write_local_ns", "xenstore_read_ring_ns", "xenstore_write_ring_ns",
                 "xenstore_read_ring_one_cpu_ns", "xenstore_write_ring_one_cpu_ns",
                 "domain_create_ns_1", "domain_create_xenstore_ns_1", "domain_create_ns_100",
                 "domain_create_xenstore_ns_100", "domain_create_console_ns_1",
                 "domain_create_console_ns_8"]
BENCH_MAY_BE_NA = set()


STRETCH_LIMIT_NS = 100_000


def stretches_within(limit_ns):
    """The hypervisor's stretch report (boot option stretch_stats): every
    hypercall's longest stretch without a preemption point is below
    limit_ns, dom0's control operations (domctl) included."""
    def check(log):
        found = re.findall(r"CPU\d+ hypercall (\d+): \d+ calls, longest stretch without a "
                           r"preemption point (\d+) ns", log)
        if not found:
            return "no stretch report"
        over = [f"hypercall {op}: {ns} ns" for op, ns in found
                if int(ns) >= limit_ns]
        return f"stretches of {limit_ns} ns or more: " + ", ".join(over) if over else None
    return check


# Instructions one unmap_and_replace of a moved grant mapping may take
# with up to 262,140 other host mappings in use (about 10,500 with the
# index of records; a scan of every handle took 3.9 M).
REPLACE_LIMIT_INSTR = 20_000


def replace_within(limit, levels):
    """gntmap_replace_scale's figures (guest/tests/gntmap_replace_scale.c),
    one for each of levels, each below limit (instructions under
    -icount shift=0)."""
    def check(log):
        found = dict(re.findall(r"gntmap_replace_scale: (\d+) handles in use: "
                                r"unmap_and_replace (\d+) ns", log))
        missing = [n for n in levels if str(n) not in found]
        if missing:
            return f"no figure for {missing} handles in use"
        over = [f"{n} handles: {found[str(n)]}" for n in levels if int(found[str(n)]) >= limit]
        return f"unmap_and_replace at {limit} instructions or more: " + ", ".join(over) \
            if over else None
    return check


def all_of(*checks):
    def check(log):
        for c in checks:
            err = c(log)
            if err:
                return err
        return None
    return check


def guest_tests_passed(log):
    """Every in-guest test reported SUCCESS or SKIP, one TEST line for each
    test the runner says it ran, and the runner's verdict is SUCCESS."""
    bad = re.findall(r"^\(d0\) TEST (\S+: (?:FAILURE|ERROR).*)$", log, re.M)
    if bad:
        return f"{len(bad)} guest test(s) failed: " + "; ".join(bad)
    m = re.search(r"^\(d0\) Ran (\d+) tests:", log, re.M)
    if not m:
        return "no 'Ran N tests' line from the guest"
    lines = re.findall(r"^\(d0\) TEST \S+: (?:SUCCESS|SKIP)", log, re.M)
    if len(lines) != int(m.group(1)):
        return f"{len(lines)} TEST lines for {m.group(1)} tests"
    if not re.search(r"^\(d0\) Test result: SUCCESS", log, re.M):
        return "the guest's verdict is not SUCCESS"
    return None


def linux_date_check(log):
    """Linux's date is dom0's: the day the hypervisor read from the RTC."""
    hv = re.search(r"Wall clock: (\d{4}-\d\d-\d\d)", log)
    lx = re.search(r"^\(d0\) DATE=(\S+)", log, re.M)
    if not hv or not lx:
        return "no wall clock line or no DATE= line"
    return None if hv.group(1) == lx.group(1) else f"Linux's date {lx.group(1)}, dom0's {hv.group(1)}"


def linux_clean_before(log, mark):
    """No sign of Linux's own failures before mark."""
    head = log.split(mark)[0]
    for rx in LINUX_REJECT:
        if re.search(rx, head, re.M):
            return f"log has /{rx}/ before {mark!r}"
    return None if mark in log else f"log lacks {mark!r}"


def free_memory_back(log):
    """dom0's free memory after the Linux domain went is what it was
    before any domain was made."""
    free = re.findall(r"^\(d0\) free_memory +: (\d+) MiB", log, re.M)
    if len(free) < 2:
        return "fewer than two info lines"
    before, after = int(free[0]), int(free[-1])
    # the two demo domains (16 MiB each, and their tables) still run
    return None if before - 40 <= after <= before - 32 else f"free memory {before} MiB before, {after} after"


def bench_lines_complete(log):
    """The benchmark guest printed a line for every metric, with a number
    (or n/a where that is allowed), then BENCH done.  The values are not
    judged: timing is for `make bench`, never a pass/fail test."""
    for metric in BENCH_METRICS:
        m = re.search(rf"^\(d0\) BENCH {metric} (\S+)(?: (.*))?$", log, re.M)
        if not m:
            return f"no BENCH {metric} line"
        value, rest = m.group(1), m.group(2) or ""
        if value == "n/a":
            if metric not in BENCH_MAY_BE_NA:
                return f"BENCH {metric} is n/a: {rest}"
        unit = "MB/s" if metric.endswith("_mbps") else "ns"
        if value != "n/a" and (not re.fullmatch(r"\d+(?:\.\d+)?", value) or
                               not rest.startswith(unit)):
            return f"BENCH {metric} has no value in {unit}: {m.group(0)}"
    done = re.search(r"^\(d0\) BENCH done$", log, re.M)
    if not done:
        return "no 'BENCH done' line"
    if re.search(r"^\(d0\) BENCH ", log[done.end():], re.M):
        return "BENCH lines after 'BENCH done'"
    return None


# Debian's Linux as a domU (docs/linux.md): its vmlinuz as Debian ships
# it, the busybox initramfs and the demo image, in the archive `make test`
# builds with tools/linux-fetch (the one download: Debian's packages).
LINUX_IMAGES = "build/linux/linux.cpio"
LINUX_PROMPT = "linux-initramfs# "
# Linux's own failures: any of these in its log fails the case.
LINUX_REJECT = [r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed", r"WARNING:",
                r"BUG:", r"Oops", r"Call Trace", r"did not shut down by itself"]


def linux_free_total(n):
    """A command echoing `free`'s total memory (KiB) as TOTAL<n>=."""
    return f"echo TO\"\"TAL{n}=$(free | awk 'NR==2 {{print $2}}')"


def linux_free_follows(log):
    """`free` inside Linux loses exactly the 128 MiB dom0's `list` shows
    taken by the balloon, and has them again after."""
    # (a console attached again shows what came before: the same lines)
    t = [re.search(rf"^\(d0\) TOTAL{n}=(\d+)$", log, re.M) for n in range(3)]
    if not all(t):
        return "a TOTAL<n>= line is missing"
    t = [int(m.group(1)) for m in t]
    return None if t[0] - t[1] == 131072 and t[2] == t[0] else f"free's totals {t} KiB"


# How a Linux case ends: the debug keys' 'i' (the hypervisor's count of
# errors and warnings logged, which must both be 0), then power-off.
LINUX_END = [("Serial input to the debug keys", "i"), ("Logged since boot", "o")]
HV_LOG_CLEAN = r"^\(PRX\) Logged since boot: 0 errors, 0 warnings$"


def linux_case(name, keys, expect, reject=LINUX_REJECT, **kw):
    """dom0's shell on a terminal with Linux's archive; each Linux boot
    under TCG takes 5-30 s of the case's time.  Ends with LINUX_END."""
    return dict(name=name, smp=2, mem="1024M", modules=[DOM0, LINUX_IMAGES], timeout=300,
                keys=keys, expect=expect + [HV_LOG_CLEAN], reject=list(reject), **kw)


def linux_sleeps_check(log):
    """Linux's timed waits take what they ask of the shared clock (its
    uptime runs on the xen clocksource: the hypervisor's system time,
    which dom0 reads too), in 10 ms steps.  A 1 s wait in the shell
    itself (`read -t 1`): never less, the best of five within 5 %.
    `sleep 1`: never less, and the best of five under 1.25 s, the rest
    being the start of a process, which under TCG on a loaded host can
    take 200 ms (docs/linux.md)."""
    runs = re.findall(r"^\(d0\) SLEPT ([\d.]+) ([\d.]+) ([\d.]+)$", log, re.M)
    if len(runs) != 5:
        return f"{len(runs)} SLEPT lines, not 5"
    sleeps = [round((float(b) - float(a)) * 1000) for a, b, _ in runs]
    waits = [round((float(c) - float(b)) * 1000) for _, b, c in runs]
    if min(waits) < 990 or min(waits) > 1050:
        return f"read -t 1 took {waits} ms"
    if min(sleeps) < 990 or min(sleeps) > 1250:
        return f"sleep 1 took {sleeps} ms"
    return None


CASES = [
    dict(name="boot-1cpu", smp=1, cmdline="test=boot",
         expect=[r"\b1 CPU online", SUCCESS]),
    dict(name="boot-2cpus", smp=2, cmdline="test=boot",
         expect=[r"\b2 CPUs online", SUCCESS]),
    dict(name="boot-4cpus", smp=4, cmdline="test=boot loglvl=debug",
         expect=[r"\b4 CPUs online", r"CPU3 \(APIC id 3\) online", SUCCESS]),
    dict(name="ipi-spinlock-4cpus", smp=4, cmdline="test=smp", accel="tcg,thread=multi",
         expect=[r"call ran on 3 others, counter 8000 \(want 8000\)", SUCCESS]),
    dict(name="maxcpus", smp=4, cmdline="test=boot maxcpus=2",
         expect=[r"\b2 CPUs online", r"not started \(maxcpus=2\)"]),
    dict(name="memory-256m", mem="256M", cmdline="test=boot",
         check=ram_between(250, 256)),
    dict(name="memory-1g", mem="1024M", cmdline="test=boot",
         check=ram_between(1018, 1024)),
    dict(name="memory-4g", mem="4096M", smp=2, cmdline="test=timer",
         check=ram_between(4090, 4096), expect=[SUCCESS]),
    dict(name="modules-and-cmdline", cmdline="test=boot bogus=1 loglvl=info",
         modules=["tests/system/cases.py arg1 arg2", "README.md"],
         expect=[r"Boot modules: 2",
                 r'module 0: .*\(\d+ bytes\) "tests/system/cases.py arg1 arg2"',
                 r'module 1: .*"README.md"',
                 r"unknown option 'bogus=1' \(ignored\)"]),
    dict(name="pagefault-dump", cmdline="test=pagefault", status=1,
         expect=[r"FATAL TRAP on CPU0: vector 14 \(#PF page fault\)",
                 r"Page fault at address 0000000000000010",
                 r"RIP: +ffff82d0[0-9a-f]{8} <(test_pagefault|selftest_run)\+0x[0-9a-f]+>",
                 r"Code at RIP: ([0-9a-f]{2} ){16}",
                 r"Call trace:\n(.*\n)*.*<start_hypervisor\+",
                 r"PANIC on CPU0"],
         reject=[SUCCESS]),
    dict(name="assert-fails", cmdline="test=assert", status=1,
         expect=[r"Assertion 'one == 2' failed at hv/common/selftest.c"]),
    dict(name="timer-hpet", smp=2, cmdline="test=timer",
         expect=[r"calibrated against HPET", SUCCESS]),
    dict(name="timer-pmtimer", smp=1, machine="pc,hpet=off", cmdline="test=timer",
         expect=[r"calibrated against ACPI PM timer", SUCCESS]),
    dict(name="timer-pit", smp=1, machine="pc,hpet=off,acpi=off", cmdline="test=timer",
         expect=[r"calibrated against PIT", SUCCESS]),
    dict(name="debug-keys", smp=2, cmdline="test=keys",
         expect=[r"Debug keys:", r"'d'  dump registers", r"Ctrl-A three times: serial input to dom0", r"Memory: \d+ of \d+ frames free",
                 r"Timer queues at", r"Uptime", r"Domains:", r"No debug key '\?'",
                 r"Scheduler: round-robin \(sched=rr, id \d+\)", r"CPU1: idle",
                 r"Registers of CPU1 \(interrupted\)", r"RIP: .*<idle_loop", SUCCESS]),
    dict(name="serial-input", smp=1, cmdline="",
         keys=("Debug keys: press 'h'", "mo"),
         expect=[r"Memory: \d+ of \d+ frames free", r"Powering off \(status 0\)"]),
    dict(name="exit-status", cmdline="test=exit:5", status=5,
         expect=[r"powering off with status 5"]),
    dict(name="bench-loop-runs", cmdline="test=bench-loop",
         expect=[r"BENCH cpu_loop_ns_per_iter \d+\.\d{3} ns", SUCCESS]),
    dict(name="dom0-not-elf-refused", cmdline="", modules=["README.md"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: .*\(-\d+\)", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP"]),
    dict(name="dom0-truncated-elf-refused", cmdline="", modules=["build/proxen.head"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: ", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP"]),
    dict(name="dom0-too-little-memory", cmdline="dom0_mem=1M",
         modules=["build/guest/proxen-guest"], keys=("is too little for this kernel", "o"),
         expect=[r"dom0: 1 MiB of memory is too little for this kernel",
                 r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP"]),
    # Kernels whose virtual range or boot layout cannot work: refused with
    # the range and the reason named, the hypervisor stays up.
    dict(name="dom0-in-hypervisor-range-refused", modules=["build/guest/shifted/hv-range"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: its virtual range 0xffff830000000000-\S+ "
                 r"overlaps the hypervisor's range", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP"]),
    dict(name="dom0-across-hypervisor-end-refused", modules=["build/guest/shifted/hv-end"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: its virtual range 0xffff87ffffff0000-\S+ "
                 r"overlaps the hypervisor's range", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP"]),
    dict(name="dom0-layout-noncanonical-refused", modules=["build/guest/shifted/noncanonical"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: its boot layout 0x7ffffff00000-0x800000400000 .* "
                 r"crosses or lies in the non-canonical hole", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP", r"too little"]),
    dict(name="dom0-layout-wraps-refused", modules=["build/guest/shifted/wrap"],
         keys=("kernel image refused", "o"),
         expect=[r"dom0: kernel image refused: its boot layout from 0xfffffffffff00000 .* "
                 r"wraps around the top", r"Powering off \(status 0\)"],
         reject=[r"dom0: starting", r"FATAL TRAP", r"too little"]),
    dict(name="loglvl-err-quiet", cmdline="test=boot loglvl=err",
         reject=[r"Firmware memory map", r"Test result"]),
    # The Proxen guest (guest/) as dom0, running its in-guest tests: every
    # TEST line must be SUCCESS or SKIP, then it powers off.
    # The guest test console_control_chars wrote the console line below
    # with ESC, BEL, CR and DEL in it: the log has them replaced.
    dict(name="guest-tests", modules=[GUEST],
         expect=[r"Domain 0 \(Domain-0\) shut down: poweroff",
                 r"^\(d0\) console control characters: A\?\[2JB\?CD\?E$"],
         check=guest_tests_passed),
    # The continuation tests with the clocks counting instructions (one a
    # nanosecond): the stretch between preemption points is then the
    # hypervisor's own work, without QEMU's translation of fresh code or
    # the host's scheduling, so its bound can be asserted (the refused
    # tree's rollback, continuation_failed_tree, and the 100 us target
    # over every hypercall the tests make, hostile batches included: a
    # pin of a built domain's 8192-entry tree, lists of TLB flushes that
    # wait for the other CPU, and dom0's control operations building and
    # destroying a 256 MiB domain with a pinned 16384-entry tree, its
    # grant table grown to 1,024 frames and hundreds of its grants mapped,
    # which needs the memory; and dom0 growing its own grant table to
    # 1,024 frames in one setup_table and switching it to version 2 and
    # back, which clears all of it).
    dict(name="guest-preempt-icount", smp=2, icount=True, cmdline="stretch_stats gnttab_max_frames=1024", mem="768M",
         modules=[GUEST + " only=continuation instr_clock"],
         expect=[r"TEST continuation_failed_tree: SUCCESS",
                 r"TEST continuation_foreign_pin: SUCCESS",
                 r"TEST continuation_flush_all: SUCCESS",
                 r"destroyed a domain of 65536 frames, a 16384-entry tree pinned",
                 r"TEST continuation_destroy_big: SUCCESS",
                 r"TEST continuation_evtchn_reset: SUCCESS",
                 r"TEST continuation_grant_grow: SUCCESS"],
         check=all_of(guest_tests_passed, stretches_within(STRETCH_LIMIT_NS))),
    # unmap_and_replace of a moved grant mapping among 65,536 and 262,140
    # other host mappings, instructions counted: its handle is found
    # through the index of records (docs/grant-tables.md), not a scan.
    dict(name="guest-gntmap-replace-icount", smp=2, icount=True,
         modules=[GUEST + " only=gntmap_replace_scale gntmap_scale=0:65536:262140"],
         expect=[r"TEST gntmap_replace_scale: SUCCESS"],
         check=all_of(guest_tests_passed,
                      replace_within(REPLACE_LIMIT_INSTR, (0, 65536, 262140)))),
    # The hypercall fuzzer with other seeds than the guest-tests run (seed
    # 1), one of them with four vCPUs (the fuzzed hypercalls include the
    # vCPU operations); `make fuzz` runs longer ones.
    # dom0's domain builder (guest/kernel/domain_build.c) builds the demo
    # guest, given as dom0's boot module, and starts it: it boots as an
    # unprivileged domain and counts on its console.
    dict(name="domain-build-demo", mem="512M",
         modules=[GUEST + " only=domain_build_module", "build/guest/proxen-demo"],
         expect=[r"^\(d1\) Proxen guest 0\.1 starting: domain",
                 r"TEST domain_build_module: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # The same demo guest as a distribution ships a kernel: a bzImage with
    # an LZ4 legacy payload (tools/mkbzimage), which the builder unpacks
    # into dom0 pages before it loads the ELF image inside.
    dict(name="domain-build-bzimage", mem="512M",
         modules=[GUEST + " only=domain_build_module", "build/guest/proxen-demo.bz"],
         expect=[r"^\(d1\) Proxen guest 0\.1 starting: domain",
                 r"TEST domain_build_module: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # The same with an XZ payload, as Debian's generic kernels have it
    # (CRC32, x86 filter, LZMA2: lib/xz.c).
    dict(name="domain-build-bzimage-xz", mem="512M",
         modules=[GUEST + " only=domain_build_module", "build/guest/proxen-demo-xz.bz"],
         expect=[r"^\(d1\) Proxen guest 0\.1 starting: domain",
                 r"TEST domain_build_module: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # dom0's unpacking of kernel images alone (guest/tests/domain_image.c):
    # the mutation list's cases for it (tests/mutants/unpack.mutants).
    dict(name="domain-image", modules=[GUEST + " only=domain_image"],
         expect=[r"TEST domain_image_refused: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-fuzz-seed2",
         modules=[GUEST + " only=hypercall_fuzz fuzz_seed=2 fuzz_iters=20000"],
         expect=[r"fuzz: seed 2, 20000 iterations", r"TEST hypercall_fuzz: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-fuzz-seed3-4cpus", smp=4,
         modules=[GUEST + " only=hypercall_fuzz fuzz_seed=3 fuzz_iters=20000"],
         expect=[r"fuzz: seed 3, 20000 iterations", r"TEST hypercall_fuzz: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # dom0 with a vCPU per CPU: its other vCPUs brought up and down, and all
    # of them changing one page table at once, under single- and
    # multi-threaded TCG.  Here the SMP tests must run, not skip.
    dict(name="guest-smp-4cpus", smp=4, modules=[GUEST + " only=smp"],
         expect=[r"dom0: 4 vCPUs", r"TEST smp_bringup: SUCCESS", r"TEST smp_stress: SUCCESS",
                 r"TEST smp_ipi: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # (Fewer rounds: four vCPU threads on two host cores, next to another
    # case, run slowly.)
    dict(name="guest-smp-4cpus-mttcg", smp=4, accel="tcg,thread=multi",
         modules=[GUEST + " only=smp smp_stress_iters=100"],
         expect=[r"dom0: 4 vCPUs", r"TEST smp_bringup: SUCCESS", r"TEST smp_stress: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-smp-dom0-max-vcpus", smp=4, cmdline="dom0_max_vcpus=2",
         modules=[GUEST + " only=smp"],
         expect=[r"dom0: 2 vCPUs", r"TEST smp_bringup: SUCCESS", r"TEST smp_stress: SUCCESS"],
         check=guest_tests_passed),
    # More vCPUs than CPUs: four vCPUs share two CPUs, switched at the
    # slice's end and whenever one blocks, so every SMP test (IPIs, page
    # tables changed by all at once, per-vCPU timers and runstate) also
    # runs with vCPUs switched in and out under it; and on one CPU alone.
    dict(name="guest-smp-oversubscribed", smp=2, cmdline="dom0_max_vcpus=4",
         modules=[GUEST + " only=smp smp_stress_iters=100"],
         expect=[r"dom0: 4 vCPUs", r"TEST smp_bringup: SUCCESS", r"TEST smp_stress: SUCCESS",
                 r"TEST smp_ipi: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-smp-one-cpu", smp=1, cmdline="dom0_max_vcpus=3",
         modules=[GUEST + " only=smp smp_stress_iters=100"],
         expect=[r"dom0: 3 vCPUs", r"TEST smp_bringup: SUCCESS", r"TEST smp_stress: SUCCESS",
                 r"TEST smp_ipi: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # Domains built by dom0 from the demo image (its second module) run
    # beside it: their consoles served by dom0's daemon, two spinners
    # sharing one CPU, destroyed running, blocked, paused and crashed; on
    # two CPUs and on one.
    # Grant tables alone (quick for their mutation entries), with dom0's
    # limit from the boot option.
    dict(name="guest-gnttab", smp=2, cmdline="gnttab_max_frames=8", modules=[GUEST + " only=gnttab"],
         expect=[r"TEST gnttab_setup_table: SUCCESS", r"TEST gnttab_copy_refused: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-domu", smp=2, cmdline="dom0_mem=128M", modules=[GUEST + " only=domu", DEMO],
         expect=[r"TEST domu_console: SUCCESS", r"TEST domu_two_spinners_share_a_cpu: SUCCESS",
                 r"TEST domu_destroy_in_every_state: SUCCESS", r"TEST domu_ping_pong: SUCCESS",
                 r"TEST domu_remote_shutdown: SUCCESS", r"TEST domu_flood_leaves_others: SUCCESS",
                 r"domu_ping_pong: round trip \d+ ns \(any CPUs\), \d+ ns \(one CPU\)",
                 r"Domain \d+ \(remote\) shut down: reboot",
                 r"\(d\d\) Proxen guest 0.1 starting: domain, 2048 pages",
                 r"Domain \d+ \(crashed\) crashed: unhandled exception",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # Grant mappings between running domains (guest/tests/gntmap_domu.c):
    # two domUs exchanging a page, a domU destroyed holding dom0's grant.
    dict(name="guest-gntmap-domu", smp=2, cmdline="dom0_mem=128M",
         modules=[GUEST + " only=gntmap_domu", DEMO],
         expect=[r"TEST gntmap_domu_exchange: SUCCESS",
                 r"TEST gntmap_domu_mapper_destroyed: SUCCESS",
                 r"gntmap_domu_exchange: domain \d+ mapped domain \d+'s grant \d+ and answered",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-domu-one-cpu", smp=1, cmdline="dom0_mem=128M", modules=[GUEST + " only=domu", DEMO],
         expect=[r"TEST domu_console: SUCCESS", r"TEST domu_two_spinners_share_a_cpu: SUCCESS",
                 r"TEST domu_destroy_in_every_state: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # dom0's xenstore daemon: its local connections, the entries the
    # toolstack writes for a domain, and demo domains talking to it over
    # their store rings (one flooding, one never reading its replies, one
    # breaking the framing and reconnecting).
    dict(name="guest-xenstored", smp=2, cmdline="dom0_mem=128M",
         modules=[GUEST + " only=xenstored", DEMO],
         expect=[r"TEST xenstored_local: SUCCESS", r"TEST xenstored_domain_entries: SUCCESS",
                 r"TEST xenstored_domu_ring: SUCCESS",
                 r"TEST xenstored_flood_leaves_others: SUCCESS",
                 r"TEST xenstored_burst_bounded: SUCCESS",
                 r"TEST xenstored_bad_message: SUCCESS",
                 r"TEST xenstored_bad_loop_log_bounded: SUCCESS",
                 r"TEST xenstored_domain_leaves_nothing: SUCCESS",
                 r"xenstored: domain \d+: message too long or bad request ring indices: "
                 r"connection reset",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # Xenbus with a demo domU: control/shutdown (poweroff, reboot, an
    # unknown request left alone), memory/target through its balloon, and
    # a secondary console walking the xenbus states with dom0's back end.
    dict(name="guest-xenbus", smp=2, cmdline="dom0_mem=128M", modules=[GUEST + " only=xenbus", DEMO],
         expect=[r"TEST xenbus_control_poweroff: SUCCESS", r"TEST xenbus_control_reboot: SUCCESS",
                 r"TEST xenbus_control_unknown: SUCCESS", r"TEST xenbus_balloon_target: SUCCESS",
                 r"TEST xenbus_console_device: SUCCESS", r"TEST xenbus_watch_callbacks: SUCCESS",
                 r"Domain \d+ \(xb-reboot\) shut down: reboot",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # System time read on CPUs one after the other never goes back; with
    # tsc_skew_test each CPU's TSC reads further ahead (CPU3 3e9 ticks),
    # and only its measured offset keeps its time in line.
    dict(name="time-order-4cpus", smp=4, cmdline="test=time",
         expect=[r"selftest time: 9000 readings on 3 CPUs, 0 went back", SUCCESS]),
    dict(name="time-skewed-tsc-4cpus", smp=4,
         cmdline="test=time tsc_skew_test=1000000000 loglvl=debug",
         expect=[r"CPU1: TSC offset (9\d{8}|1000000000) ticks",
                 r"CPU3: TSC offset (29\d{8}|3000000000) ticks",
                 r"selftest time: 9000 readings on 3 CPUs, 0 went back", SUCCESS]),
    # The guest's time tests on CPUs whose TSCs (as the hypervisor reads
    # them) are seconds apart: each vCPU's record must be its CPU's.
    # Offset TSCs are corrected only to within what the exchanges proved:
    # the records then promise no order across vCPUs (no TSC_STABLE bit),
    # only agreement within 100 ms (a vCPU whose record used another CPU's
    # TSC base would be the whole offset, a second of ticks, out).
    dict(name="guest-time-skewed-tsc-4cpus", smp=4, cmdline="tsc_skew_test=1000000000",
         modules=[GUEST + " only=time"],
         expect=[r"dom0: 4 vCPUs",
                 r"time_smp_monotonic: 4 vCPUs, \d+ readings in order \(within 100000000 ns\)",
                 r"TEST time_smp_monotonic: SUCCESS",
                 r"TEST time_vcpu_start_stamp: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # Time on four vCPUs: each vCPU's record stamped when it starts and
    # readings in lock order never backwards across vCPUs, under single-
    # and multi-threaded TCG (loglvl=debug shows each CPU's TSC offset).
    dict(name="guest-time-4cpus", smp=4, cmdline="loglvl=debug", modules=[GUEST + " only=time"],
         expect=[r"dom0: 4 vCPUs", r"CPU3: TSC offset -?\d+ ticks",
                 r"TEST time_vcpu_start_stamp: SUCCESS", r"TEST time_smp_monotonic: SUCCESS",
                 r"TEST time_wallclock_race: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    dict(name="guest-time-4cpus-mttcg", smp=4, accel="tcg,thread=multi",
         modules=[GUEST + " only=time"],
         expect=[r"dom0: 4 vCPUs", r"TEST time_smp_monotonic: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # A fault with an empty trap table: the hypervisor crashes the domain.
    dict(name="guest-crash", modules=[GUEST + " crash"], status=3,
         expect=[r"\(d0\) Faulting with an empty trap table",
                 r"Domain 0 \(Domain-0\) crashed"],
         reject=[r"Test result"]),
    # A 32-bit IRET into virtual-8086 mode (which QEMU allows from ring 3):
    # the fault that follows is the guest's, and the domain is crashed.
    dict(name="guest-vm86-crash", modules=[GUEST + " vm86"], status=3,
         expect=[r"\(d0\) Entering virtual-8086 mode",
                 r"Domain 0 \(Domain-0\) crashed: the guest entered virtual-8086 mode"],
         reject=[r"Test result", r"FATAL TRAP", r"PANIC"]),
    # An iret to guest user mode before the guest gave a user page table:
    # the hypervisor crashes the domain (there is no table to switch to).
    # The last vCPU up going down takes the domain with it, as on Xen: the
    # initial domain's poweroff, not a machine left with nothing to run.
    dict(name="guest-last-vcpu-down", smp=2, modules=[GUEST + " down"],
         expect=[r"\(d0\) Taking vCPU 0, the last one up, down",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"],
         reject=[r"Test result", r"FATAL TRAP", r"PANIC", r"VCPUOP_down of the last"]),
    dict(name="guest-iret-user-crash", modules=[GUEST + " iret-user"], status=3,
         expect=[r"\(d0\) Returning to user mode without a user page table",
                 r"Domain 0 \(Domain-0\) crashed: iret to user mode without a user page table"],
         reject=[r"Test result", r"FATAL TRAP", r"PANIC"]),
    # The guest's own panic: SCHEDOP_shutdown with reason crash.
    dict(name="guest-panic", modules=[GUEST + " panic"], status=3,
         expect=[r"\(d0\) PANIC: asked to on the command line",
                 r"Domain 0 \(Domain-0\) shut down: crash"],
         reject=[r"Test result"]),
    # The guest stays up after its tests (a few of them here), blocked
    # and quiet; serial input goes to it until Ctrl-A three times switches
    # to the debug keys, and 'o' powers off.
    dict(name="guest-stay-poweroff", modules=[GUEST + " stay only=console"],
         keys=("(d0) Staying up", "\x01\x01\x01o"),
         expect=[r"^\(PRX\) \*\*\* Serial input to dom0 \(type Ctrl-A three times",
                 r"^\(d0\) Test result: SUCCESS",
                 r"^\(d0\) Staying up .*\n\(PRX\) \*\*\* Serial input to the debug keys .*\n"
                 r"\(PRX\) Powering off \(status 0\)\n*$"],
         reject=[r"Domain 0 \(Domain-0\) (shut down|crashed)", r"FATAL TRAP"]),
    # conswitch=bx (as Xen's): input stays with the debug keys when dom0
    # starts, and Ctrl-B is the switch.
    dict(name="conswitch-no-auto-switch", cmdline="conswitch=bx",
         modules=[GUEST + " stay only=console_write"],
         keys=[("(d0) Staying up", "\x02\x02\x02o\x02\x02\x02"), ("Serial input to the debug keys", "o")],
         expect=[r"\*\*\* Serial input to the debug keys \(type Ctrl-B three times for dom0\)"
                 r"(.*\n)*.*\*\*\* Serial input to dom0 \(type Ctrl-B three times"
                 r"(.*\n)*.*\*\*\* Serial input to the debug keys .*\n\(PRX\) Powering off \(status 0\)\n*$"],
         reject=[r"FATAL TRAP", r"unknown option"]),
    # Characters typed while input goes to dom0 reach it (CONSOLEIO_read,
    # VIRQ_CONSOLE; a faulting read consumes nothing).
    dict(name="guest-console-read-typed", modules=[GUEST + " only=console_read typed_input"],
         keys=("type 'abc' now", "abc"),
         expect=[r"TEST console_read_typed: SUCCESS",
                 r"Domain 0 \(Domain-0\) shut down: poweroff"], check=guest_tests_passed),
    # A key typed while input goes to dom0 is not a debug key: the 'o'
    # before the switch does not power off, the one after it does.
    dict(name="dom0-input-not-debug-keys", modules=[GUEST + " stay only=console_write"],
         keys=[("(d0) Staying up", "o\x01\x01\x01"), ("Serial input to the debug keys", "o")],
         expect=[r"^\(d0\) Staying up .*\n\(PRX\) \*\*\* Serial input to the debug keys .*\n"
                 r"\(PRX\) Powering off \(status 0\)\n*$"],
         reject=[r"FATAL TRAP"]),
    # dom0's management shell (guest/apps/shell, docs/shell.md), each
    # command with what it must print, then its refusals, each one line.
    shell_script("shell-commands", [
        "help", "list", "info", "images", "create -p demo name=a memory=8M vcpus=2",
        "create -p guest", "list", "vcpu-list", "vcpu-list a", "rename a b", "mem-max b 32M", "list",
        "destroy b", "destroy 2", "list", "dmesg"],
        expect=[r"^\(d0\) proxen> help\n\(d0\) Commands:$",
                r"^\(d0\)   destroy DOMAIN +destroy a domain",
                r"^\(d0\) proxen> list\n\(d0\) Name +ID +Mem VCPUs +State +Time\(s\)\n"
                r"\(d0\) Domain-0 +0 +256 +2 +r----- +\d+\.\d\n\(d0\) proxen> info",
                r"^\(d0\) nr_cpus +: 2$", r"^\(d0\) total_memory +: (49|50)\d MiB$",
                # (the shell's own .autostart is no image)
                r"^\(d0\) demo +\d+\n\(d0\) guest +\d+\n\(d0\) bench +\d+\n\(d0\) proxen> create",
                r"^\(d0\) Created domain 1 'a' from image 'demo' \(\d+ bytes\): 8 MiB, 2 vCPUs, paused$",
                r"^\(d0\) Created domain 2 'guest' from image 'guest' \(\d+ bytes\): 16 MiB, 1 vCPU",
                r"^\(d0\) a +1 +8 +2 +--p--- +0\.0\n\(d0\) guest +2 +16 +1 +--p--- +0\.0$",
                # vCPU-list: dom0's vCPU 0 runs the shell; a built domain's
                # vCPU 0 is up (it has its first context), its others down
                r"^\(d0\) proxen> vcpu-list\n\(d0\) Name +ID +VCPU +CPU +State +Time\(s\)\n"
                r"\(d0\) Domain-0 +0 +0 +0 +r-- +\d+\.\d\n\(d0\) Domain-0 +0 +1 .*\n"
                r"\(d0\) a +1 +0 +\d+ +--- +0\.0\n\(d0\) a +1 +1 +- +--p +0\.0\n"
                r"\(d0\) guest +2 +0 +\d+ +--- +0\.0\n\(d0\) proxen> vcpu-list a\n\(d0\) Name.*\n"
                r"\(d0\) a +1 +0 .*\n\(d0\) a +1 +1 .*\n\(d0\) proxen> rename",
                r"^\(d0\) Renamed domain 1 'a' to 'b'$",
                r"^\(d0\) Domain 1 'b' may have at most 32 MiB$",
                r"^\(d0\) b +1 +8 +2 +--p--- +0\.0\n\(d0\) guest +2 ",
                r"^\(d0\) Destroyed domain 1 'b'$", r"^\(d0\) Destroyed domain 2 'guest'$",
                r"^\(d0\) proxen> list\n\(d0\) Name.*\n\(d0\) Domain-0 .*\n\(d0\) proxen> dmesg$",
                # dmesg: the hypervisor's log from its first line, read back
                r"^\(d0\) Proxen 0\.1 \(x86-64\) starting; command line",
                r"^\(d0\) Script done: 16 commands, all succeeded; powering off$",
                r"Domain 0 \(Domain-0\) shut down: poweroff"]),
    shell_script("shell-refusals", [
        "destroy x", "destroy 7", "destroy Domain-0", "destroy", "create", "create nothing",
        "create demo memory=lots", "create demo vcpus=0", "create demo vcpus=33",
        "create demo colour=red", "create demo name=", "create demo memory=100000G",
        "create -p demo name=d", "create demo name=d", "list extra", "frobnicate",
        "create" + " w" * 16, "rename d Domain-0", "rename x y", "rename d",
        "rename d " + "n" * 32, "mem-max x 8M", "mem-max d lots", "mem-max d", "vcpu-list x",
        "vcpu-list d e", "create demo name=42", "rename d 7", "list"],
        status=3,
        expect=[r"^\(d0\) destroy: no domain 'x'$", r"^\(d0\) destroy: no domain '7'$",
                r"^\(d0\) destroy: 'Domain-0' is the control domain",
                r"^\(d0\) destroy: which domain\?", r"^\(d0\) create: which image\?",
                r"^\(d0\) create: no image 'nothing' \('images' lists them\)$",
                r"^\(d0\) create: memory 'lots' is not a size",
                r"^\(d0\) create: vcpus '0' is not a number from 1 to 32$",
                r"^\(d0\) create: vcpus '33' is not a number from 1 to 32$",
                r"^\(d0\) create: unknown option 'colour=red'",
                r"^\(d0\) create: a name has 1 to 31 characters$",
                r"^\(d0\) create: image 'demo': memory or vCPUs out of range \(invalid argument",
                r"^\(d0\) Created domain 1 'd'",
                r"^\(d0\) create: a domain named 'd' exists \(id 1\)$",
                r"^\(d0\) list: takes no arguments$",
                r"^\(d0\) frobnicate: unknown command \('help' lists them\)$",
                r"^\(d0\) create: too many words \(at most 16\)$",
                r"^\(d0\) rename: a domain named 'Domain-0' exists \(id 0\)$",
                r"^\(d0\) rename: no domain 'x'$", r"^\(d0\) rename: which domain, and its new name\?$",
                r"^\(d0\) rename: a name has 1 to 31 characters$",
                r"^\(d0\) mem-max: no domain 'x'$",
                r"^\(d0\) mem-max: 'lots' is not a size \(such as 64M\)$",
                r"^\(d0\) mem-max: which domain, and its limit",
                r"^\(d0\) vcpu-list: no domain 'x'$", r"^\(d0\) vcpu-list: at most one domain$",
                r"^\(d0\) create: a name cannot be a number \(a number names a domain by its id\)$",
                r"^\(d0\) rename: a name cannot be a number",
                # the refused creates left nothing behind
                r"^\(d0\) proxen> list\n.*\n\(d0\) Domain-0 .*\n\(d0\) d +1 +16 +1 +--p--- +0\.0\n"
                r"\(d0\) Script done",
                failed_count(27, 29), r"Domain 0 \(Domain-0\) shut down: crash"]),
    # Garbage typed or piped in: every line gets an answer, dom0 never
    # crashes or hangs, and a command after it still works.
    dict(name="shell-garbage-script", smp=2, mem="512M", modules=[DOM0 + " script", IMAGES],
         keys=(SHELL_READY, garbage(1, 3000) + "\nlist\n" + EOT), status=3,
         expect=[r"^\(d0\) proxen> list\n\(d0\) Name +ID.*\n\(d0\) Domain-0 .*(\n.*)*"
                 r"\(d0\) Script done: \d+ of \d+ commands failed"],
         reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed", r"Powering off \(status [^3]"]),
    dict(name="shell-garbage-terminal", smp=2, mem="512M", modules=[DOM0, IMAGES],
         keys=[(SHELL_READY, garbage(2, 3000) + "\x03info\r"), ("free_memory", "\x01\x01\x01"),
               ("Serial input to the debug keys", "o")],
         expect=[r"^\(d0\) proxen> info\n\(d0\) xen_version", r"Powering off \(status 0\)"],
         reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) (crashed|shut down)"]),
    # create builds the domain from its image and starts it (its kernel's
    # first line shows it ran, whatever it then does), -p leaves it
    # paused; pause and unpause are counted, as xl's; their refusals.
    dict(shell_script("shell-create-pause", [], status=3,
        expect=[r"^\(d0\) Created domain 1 'a' from image 'demo' \(\d+ bytes\): 16 MiB, 1 vCPU, started",
                r"^\(d1\) Proxen guest 0\.1 starting: domain, 4096 pages, command line \"\"$",
                r"^\(d0\) Paused domain 1 'a'$", r"^\(d0\) Unpaused domain 1 'a'$",
                r"^\(d0\) unpause: a: not paused$",
                r"^\(d0\) pause: 'Domain-0' is the control domain$",
                r"^\(d0\) pause: no domain 'x'$", r"^\(d0\) unpause: which domain\?",
                r"^\(d0\) Created domain 2 'b' .*: 8 MiB, 1 vCPU, paused$",
                r"^\(d0\) Unpaused domain 2 'b'$",
                r"^\(d2\) Proxen guest 0\.1 starting: domain, 2048 pages",
                r"^\(d3\) Proxen guest 0\.1 starting: domain, 4096 pages, command line \"spin\"$",
                r"^\(d0\) Destroyed domain 3 'c'$",
                r"^\(d0\) proxen> list\n\(d0\) Name.*\n\(d0\) Domain-0 .*\n\(d0\) Script done",
                failed_count(4, 14)]),
         # each domain started is seen running (its kernel's first line,
         # written to the hypervisor's log before its console ring is up)
         # before the script goes on
         keys=[(SHELL_READY, "create demo name=a\n"),
               ("(d1) Proxen guest", "pause a\nunpause a\nunpause a\npause Domain-0\npause x\n"
                "unpause\ncreate -p demo name=b memory=8M\nunpause b\n"),
               ("(d2) Proxen guest", "create demo name=c spin\n"),
               ("(d3) Proxen guest", "destroy a\ndestroy b\ndestroy c\nlist\n" + EOT)],
         reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed",
                 r"Domain [1-9]\d* \(\w+\) (crashed|shut down)"]),
    # vcpu-pin, sched-rr, reboot (built again with its create line) and
    # shutdown (powered off, then destroyed, as xl's defaults), with their
    # refusals.
    dict(shell_script("shell-lifecycle", [], status=3,
        expect=[r"^\(d0\) Domain 1 'a' vCPU 0 may run on CPUs 1$",
                r"^\(d0\) a +1 +0 +1 ",                 # vcpu-list: on CPU 1 now
                r"^\(d0\) Domain 1 'a' vCPU 0 may run on CPUs all$",
                r"^\(d0\) vcpu-pin: domain 'a' has no vCPU '5'$",
                r"^\(d0\) vcpu-pin: 7: no such CPU online$",
                r"^\(d0\) vcpu-pin: 'x' is not a CPU list",
                r"^\(d0\) Scheduler round-robin \(id 100\): slice 10 ms$",
                r"^\(d0\) Round-robin slice set to 5 ms$",
                r"^\(d0\) Scheduler round-robin \(id 100\): slice 5 ms$",
                r"^\(d0\) sched-rr: usage: sched-rr \[-s SLICE_MS\]$",
                r"^\(d0\) sched-rr: slice 5000 ms: out of range",
                r"^\(d0\) Domain 1 'a' rebooting: create demo name=a$",
                r"rebooting: create demo name=a\n\(d0\) Created domain 1 'a' from image 'demo'",
                r"Domain 1 \(a\) shut down: reboot",
                r"Domain 1 \(a\) shut down: poweroff",
                r"^\(d0\) Domain 1 'a' shut down and destroyed$",
                r"^\(d0\) shutdown: no domain 'a'$",
                r"^\(d0\) shutdown: 'Domain-0' is the control domain",
                r"^\(d0\) proxen> create -c demo name=c\n\(d0\) Created domain 1 'c' .*started\n"
                r"(\(d\d\) .*\n)*\(d0\) proxen> list",
                r"^\(d0\) Domain 1 'a' memory target 6144 KiB$",
                r"^\(d0\) mem-set: no domain 'x'$",
                r"^\(d0\) mem-set: 'zz' is not a size",
                failed_count(9, 22)]),
         # reboot and shutdown go through control/shutdown, which the demo
         # domain follows: the hypervisor's fallback is never needed
         reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed",
                 r"did not shut down by itself"],
         keys=[(SHELL_READY, "create demo name=a\n"),
               ("(d1) Proxen guest", "vcpu-pin a 0 1\nvcpu-list a\nvcpu-pin a 0 all\n"
                "vcpu-pin a 5 0\nvcpu-pin a 0 7\nvcpu-pin a 0 x\nsched-rr\nsched-rr -s 5\n"
                "sched-rr\nsched-rr -s 0\nsched-rr -s 5000\nsched-rr -s 10\n"
                "mem-set a 6M\nmem-set x 4M\nmem-set a zz\nreboot a\n"),
               ("(d1) Proxen guest", "shutdown a\nshutdown a\nshutdown Domain-0\n"
                "create -c demo name=c\nlist\n" + EOT)]),
    # The xenstore commands on dom0's daemon, and a created domain's
    # entries (as libxl writes them), gone once it is destroyed.
    shell_script("shell-xenstore", [
        "xenstore-write /test/a hello /test/b/c world", "xenstore-read /test/a /test/b/c",
        "xenstore-ls /test", "create -p demo name=a memory=8M",
        "xenstore-read /local/domain/1/name /local/domain/1/domid /local/domain/1/memory/target",
        "xenstore-ls /local/domain/1/console", "xenstore-watch -n 1 /test",
        "create demo name=w xsrw", "xenstore-watch -n 3 /local/domain/2/data", "destroy w",
        "xenstore-rm /test",
        "xenstore-read /test/a", "destroy a", "xenstore-read /local/domain/1/name",
        "xenstore-write /test/x", "xenstore-ls /nothing", "xenstore-read /local/domain/0/name"],
        status=3,
        expect=[r"^\(d0\) proxen> xenstore-read /test/a /test/b/c\n\(d0\) hello\n\(d0\) world$",
                r"^\(d0\) proxen> xenstore-ls /test\n\(d0\) a = \"hello\"\n\(d0\) b = \"\"\n"
                r"\(d0\)  c = \"world\"\n\(d0\) proxen> create",
                r"^\(d0\) proxen> xenstore-read /local/domain/1/name .*\n\(d0\) a\n\(d0\) 1\n"
                r"\(d0\) 8192$",
                r"^\(d0\) ring-ref = \"\d+\"$", r"^\(d0\) port = \"\d+\"$",
                r"^\(d0\) type = \"xenconsoled\"$",
                r"^\(d0\) proxen> xenstore-watch -n 1 /test\n\(d0\) /test\n\(d0\) proxen> ",
                r"^\(d0\) xenstore-read: /test/a: ENOENT$",
                r"^\(d0\) xenstore-read: /local/domain/1/name: ENOENT$",
                r"^\(d0\) xenstore-write: give paths and values in pairs$",
                r"^\(d0\) xenstore-ls: /nothing: ENOENT$",
                r"^\(d0\) proxen> xenstore-read /local/domain/0/name\n\(d0\) Domain-0$",
                # a domain's own writes over its ring fire dom0's watch
                r"^\(d0\) proxen> xenstore-watch -n 3 /local/domain/2/data\n"
                r"((\(d2\) .*|\(d0\) /local/domain/2/data(/demo)?)\n){3,}\(d0\) proxen> destroy w",
                failed_count(4, 17)]),
    # daemon keeps it), then what it writes, until Ctrl-] detaches.
    dict(name="shell-console", smp=2, mem="512M", modules=[DOM0, IMAGES],
         keys=[(SHELL_READY, "create demo name=a\r"), ("Created domain 1", "console a\r"),
               ("demo: tick 2", "\x1d"), ("[detached from 'a']", "console x\rconsole Domain-0\r"),
               ("hypervisor's console", "\x01\x01\x01"), ("Serial input to the debug keys", "o")],
         expect=[r"^\(d0\) \[console of 'a': Ctrl-\] detaches\]$",
                 r"^\(d0\) demo: counting$", r"^\(d0\) demo: tick 1$", r"^\(d0\) demo: tick 2$",
                 r"^\(d0\) \[detached from 'a'\]$", r"^\(d0\) console: no domain 'x'$",
                 r"^\(d0\) console: 'Domain-0' writes to the hypervisor's console",
                 r"Powering off \(status 0\)"],
         reject=[r"FATAL TRAP", r"PANIC", r"Domain \d+ \(\w+\) (crashed|shut down)"]),
    # xenstore-watch on a terminal: the paths a domain's writes over its
    # ring fire, until a key is typed; the line after it runs.
    dict(name="shell-xenstore-watch", smp=2, mem="512M", modules=[DOM0, IMAGES],
         keys=[(SHELL_READY, "create demo name=w xsrw\r"),
               ("Created domain 1", "xenstore-watch /local/domain/1/data\r"),
               ("(d0) /local/domain/1/data/demo", "qpoweroff\r")],
         expect=[r"^\(d0\) \[watching /local/domain/1/data: a key stops\]\n"
                 r"\(d0\) /local/domain/1/data$",
                 r"^\(d0\) /local/domain/1/data/demo$", r"Powering off \(status 0\)"],
         reject=[r"FATAL TRAP", r"PANIC", r"Domain \d+ \(\w+\) (crashed|shut down)"]),
    # One unknown command is enough for a non-zero status.
    shell_script("shell-script-unknown-command", ["list", "bogus"], status=3,
                 expect=[r"^\(d0\) bogus: unknown command", failed_count(1, 2)]),
    # poweroff ends the script where it stands; comments and blank lines
    # are not commands.
    shell_script("shell-script-poweroff", ["# a comment", "", "list", "poweroff", "frobnicate"],
                 expect=[r"^\(d0\) proxen> list$", r"^\(d0\) proxen> poweroff\n\(d0\) Powering off$",
                         r"Domain 0 \(Domain-0\) shut down: poweroff"],
                 reject=[r"frobnicate", r"proxen> # a comment", r"Script done"]),
    # Without the images' archive: images says why and fails.
    shell_script("shell-no-images", ["images", "create demo"], status=3, modules=[DOM0 + " script"],
                 expect=[r"^\(d0\) images: no images: dom0 was given no archive",
                         r"^\(d0\) create: no image 'demo'", failed_count(2, 2)]),
    # On a terminal: echo, Backspace ("\b \b" reaches the terminal), Up
    # for the last line, Ctrl-U, Ctrl-C; then Ctrl-A three times and the
    # debug key 'o'.
    dict(name="shell-terminal", smp=2, modules=[DOM0, IMAGES],
         keys=[(SHELL_READY, "lisx\x7ft\r"), ("r-----", "\x1b[A\r"),
               ("proxen> list", "info\x15images\r"), ("bench", "destroy\x03"),
               ("^C", "lst\x1b[D\x1b[Di\r"), ("Time(s)", "info x\x1b[H\x0bimages\r"),
               ("guest", "\x01\x01\x01"), ("Serial input to the debug keys", "o")],
         expect=[r"^\(d0\) proxen> lisx\x08 \x08t\n\(d0\) Name +ID",
                 r"^\(d0\) proxen> list\n\(d0\) Name +ID",
                 r"^\(d0\) proxen> info\x08{4} {4}\x08{4}images\n\(d0\) Name +Bytes",
                 r"^\(d0\) proxen> destroy\^C\n",
                 # Left twice, then an 'i' inserted: the tail written again
                 r"^\(d0\) proxen> lst\x08\x08ist\x08\x08st\n\(d0\) Name +ID",
                 # Home, Ctrl-K (kill to the end), then a new line typed
                 r"^\(d0\) proxen> info x\x08{6} {6}\x08{6}images\n\(d0\) Name +Bytes",
                 r"Serial input to the debug keys.*\n\(PRX\) Powering off \(status 0\)"],
         reject=[r"unknown command", r"destroy: which", r"FATAL TRAP"]),
    # `make run` with commands piped in: a script, after the two demo
    # domains of the archive's .autostart have been started (and are seen
    # running); it exits 0 when all succeed, 1 (Proxen's status 3) when
    # one does not.
    dict(name="make-run-piped", command="printf 'list\\ninfo\\n' | tools/run-qemu build/proxen", exit=0,
         expect=[r"^\(d0\) proxen> create demo name=counter", r"^\(d0\) autostart: 2 commands, 0 failed$",
                 r"^\(d0\) counter +1 +8 +1 +r----- ", r"^\(d0\) spinner +2 +8 +1 +r----- ",
                 r"Script done: 2 commands, all succeeded"]),
    dict(name="make-run-piped-unknown", command="printf 'list\\nbogus\\n' | tools/run-qemu build/proxen",
         exit=1, expect=[r"bogus: unknown command", r"^Proxen exited with status 3$"]),
    # `make iso`: the firmware boots GRUB from the CD, GRUB boots Proxen
    # with dom0's shell and its images (as multiboot modules, named by
    # their paths); a command typed, then the debug key 'o'.
    dict(name="iso-boots", smp=2, mem="512M", cdrom="proxen.iso",
         keys=[("autostart: 2 commands", "images\r"), ("bench", "\x01\x01\x01"),
               ("Serial input to the debug keys", "o")],
         expect=[r'module 0: .*"/boot/proxen-dom0 autostart"', r'module 1: .*"/boot/images.cpio"',
                 # (a domain's first line may cut the echo of what is typed)
                 r"^\(d0\) Name +Bytes\n\(d0\) demo +\d+\n\(d0\) guest +\d+",
                 r"^\(d0\) autostart: 2 commands, 0 failed$",
                 r"Powering off \(status 0\)"],
         reject=[r"FATAL TRAP", r"unknown option"]),
    # The benchmark guest (guest/apps/bench, run by `make bench`) as dom0,
    # on two CPUs as `make bench` runs it: a line for every metric, then
    # BENCH done and a clean poweroff.
    # As make bench runs it: dom0 of 256 MiB in 1 GiB, the demo its module.
    dict(name="guest-bench", smp=2, mem="1024M", cmdline="dom0_mem=256M dom0_max_vcpus=2",
         modules=[BENCH_GUEST, DEMO],
         expect=[r"Domain 0 \(Domain-0\) shut down: poweroff"], check=bench_lines_complete),
    # Linux with 2 vCPUs beside two demo domains: its banner, a shell on
    # its console, uname, nproc, the xen clocksource, dom0's wall clock,
    # a balloon round trip (its own count of its memory, and dom0's
    # list), then shutdown through control/shutdown, orderly (no
    # fallback); the demos still run and dom0's free memory is back.
    linux_case("linux-domu-2vcpus", keys=[
        (SHELL_READY, "info\rcreate demo name=d1\rcreate demo name=d2\r"
                      "create vmlinuz name=lx memory=256M vcpus=2 ramdisk=initramfs\rconsole lx\r"),
        (LINUX_PROMPT, "uname -r; nproc; cat /sys/devices/system/clocksource/clocksource0/"
                       "current_clocksource; date -u +DATE=%Y-%m-%d; " + linux_free_total(0) + "\r"),
        (LINUX_PROMPT, "\x1dmem-set lx 128\rconsole lx\r"),
        ("memory target 131072 KiB", "sleep 3; echo K\"\"B=$(cat /sys/devices/system/"
                                     "xen_memory/xen_memory0/info/current_kb); " + linux_free_total(1) + "\r"),
        ("TOTAL1=", "\x1dlist\rmem-set lx 256\rconsole lx\r"),
        ("memory target 262144 KiB", "sleep 3; echo K\"\"B=$(cat /sys/devices/system/"
                                     "xen_memory/xen_memory0/info/current_kb); " + linux_free_total(2) + "\r"),
        ("TOTAL2=", "\x1dshutdown lx\r"),
        ("shut down and destroyed", "list\rinfo\r"),
        ("free_memory", "\x01\x01\x01")] + LINUX_END,
        expect=[r"Linux version 6\.1\.\d+-\d+-cloud-amd64",
                r"^\(d0\) Created domain 3 'lx' from image 'vmlinuz' \(\d+ bytes\): 256 MiB, 2 vCPUs",
                r"^\(d0\) 6\.1\.\d+-\d+-cloud-amd64\n\(d0\) 2\n\(d0\) xen\n\(d0\) DATE=20\d\d-",
                r"^\(d0\) KB=131072$", r"^\(d0\) lx +3 +128 +2 +r----- ", r"^\(d0\) KB=262144$",
                r"Domain 3 \(lx\) shut down: poweroff",
                r"^\(d0\) Domain 3 'lx' shut down and destroyed$",
                r"^\(d0\) d1 +1 +16 +1 +r----- .*\n\(d0\) d2 +2 +16 +1 +r----- .*\n\(d0\) proxen> info",
                r"Powering off \(status 0\)"],
        check=lambda log: linux_date_check(log) or linux_free_follows(log) or free_memory_back(log)),
    # Linux with 1 vCPU: poweroff typed inside ends it (dom0 destroys it
    # and says so); built again, a crash (sysrq) is reported as one and
    # the domain destroyed.
    linux_case("linux-domu-poweroff-crash", keys=[
        (SHELL_READY, "create vmlinuz name=lx memory=128M ramdisk=initramfs\rconsole lx\r"),
        (LINUX_PROMPT, "nproc; poweroff\r"),
        ("powered off: destroyed", "create vmlinuz name=ly memory=128M ramdisk=initramfs\r"
                                   "console ly\r"),
        (LINUX_PROMPT, "echo c > /proc/sysrq-trigger\r"),
        ("crashed: destroyed", "list\r"),
        ("Time(s)", "\x01\x01\x01")] + LINUX_END,
        expect=[r"^\(d0\) 1$", r"Domain 1 \(lx\) shut down: poweroff",
                r"^\(d0\) Domain 1 'lx' powered off: destroyed$",
                r"Domain 1 \(ly\) shut down: crash", r"^\(d0\) Domain 1 'ly' crashed: destroyed$",
                r"^\(d0\) Name +ID.*\n\(d0\) Domain-0 .*\n\(d0\) proxen> ",
                r"Powering off \(status 0\)"],
        # the panic the crash asks for prints its stack: Linux's failures
        # are looked for before it only
        reject=[r"FATAL TRAP", r"PANIC", r"Domain 0 \(Domain-0\) crashed"],
        check=lambda log: linux_clean_before(log, "sysrq: Trigger a crash")),
    # Linux with 4 vCPUs (on 2 CPUs): nproc, `sleep 1` and a 1 s wait in
    # the shell timed five times by its clock; `reboot` from dom0 (orderly, through control/shutdown,
    # then built again), `reboot` typed inside (built again by the
    # shell's reaper, the console staying with it), each time back to a
    # shell with 4 vCPUs; then shutdown.
    linux_case("linux-domu-4vcpus-reboot", keys=[
        (SHELL_READY, "create vmlinuz name=lx memory=192M vcpus=4 ramdisk=initramfs\rconsole lx\r"),
        (LINUX_PROMPT, "nproc; for i in 1 2 3 4 5; do read t0 x < /proc/uptime; sleep 1; "
                       "read t1 x < /proc/uptime; read -t 1 y; read t2 x < /proc/uptime; "
                       "echo SL\"\"EPT $t0 $t1 $t2; done\r"),
        (LINUX_PROMPT, "\x1dreboot lx\r"),
        ("rebooting: create", ""), ("Created domain 1 'lx'", "console lx\r"),
        (LINUX_PROMPT, "echo BO\"\"OT2 $(nproc); reboot\r"),
        # the console stays with the domain built again
        ("rebooted itself: create", ""),
        (LINUX_PROMPT, "echo BO\"\"OT3 $(nproc)\r"),
        (LINUX_PROMPT, "\x1dshutdown lx\r"),
        ("shut down and destroyed", "list\r"),
        ("Time(s)", "\x01\x01\x01")] + LINUX_END,
        expect=[r"^\(d0\) Created domain 1 'lx' from image 'vmlinuz' \(\d+ bytes\): 192 MiB, 4 vCPUs",
                r"^\(d0\) 4$", r"Domain 1 \(lx\) shut down: reboot",
                r"^\(d0\) Domain 1 'lx' rebooting: create vmlinuz name=lx",
                r"^\(d0\) BOOT2 4$", r"Domain 1 \(lx\) shut down: reboot(.*\n)*"
                r"\(d0\) Domain 1 'lx' rebooted itself: create vmlinuz name=lx",
                r"^\(d0\) BOOT3 4$", r"Domain 1 \(lx\) shut down: poweroff",
                r"^\(d0\) Domain 1 'lx' shut down and destroyed$",
                r"^\(d0\) Name +ID.*\n\(d0\) Domain-0 .*\n\(d0\) proxen> ",
                r"Powering off \(status 0\)"],
        check=linux_sleeps_check),
]
