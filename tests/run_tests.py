#!/usr/bin/env python3
"""Run every Proxen test and print one line per test, then
`N passed, N failed`.  Exit status is non-zero if anything failed.

  unit     build/unit/test_*     cmocka, one result per test case (TAP)
  fuzz     build/fuzz/fuzz_*     libFuzzer smoke run of a few seconds each
  system   tests/system/cases.py one QEMU boot per case
  check    tests/checks/check_*   consistency checks of the tree (docs against
                                  code, lists against sources); exit 0 = pass

Usage: tests/run_tests.py [--build DIR] [--only check|unit|fuzz|system] [NAME-REGEX]
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import cases  # noqa: E402

QEMU_TIMEOUT = 60          # seconds per boot; a normal case takes 1-5
FUZZ_SECONDS = 5


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def add(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed.append(name)
            print(f"FAIL {name}{': ' + detail if detail else ''}", flush=True)


def run_unit(build, results, pattern):
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    for binary in sorted(glob.glob(os.path.join(build, "unit", "test_*"))):
        group = os.path.basename(binary)[len("test_"):]
        if pattern and not re.search(pattern, group):
            continue
        proc = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=300)
        seen = 0
        for line in proc.stdout.splitlines():
            m = re.match(r"(not ok|ok) \d+ - (\S+)", line)
            if m:
                seen += 1
                results.add(f"unit/{group}/{m.group(2)}", m.group(1) == "ok")
        if proc.returncode != 0 and seen == 0 or seen == 0:
            results.add(f"unit/{group}", False,
                        f"exit {proc.returncode}, no results\n{proc.stdout}{proc.stderr}")
        elif proc.returncode != 0 and not any("not ok" in l for l in proc.stdout.splitlines()):
            results.add(f"unit/{group}", False, f"exit {proc.returncode}\n{proc.stderr}")


def run_fuzz(build, results, pattern):
    for binary in sorted(glob.glob(os.path.join(build, "fuzz", "fuzz_*"))):
        name = os.path.basename(binary)
        if pattern and not re.search(pattern, name):
            continue
        corpus = os.path.join(build, "fuzz", "corpus-" + name)
        os.makedirs(corpus, exist_ok=True)
        seeds = os.path.join(ROOT, "tests", "fuzz", "seeds", name[len("fuzz_"):])
        args = [binary, f"-max_total_time={FUZZ_SECONDS}", "-print_final_stats=0", corpus]
        if os.path.isdir(seeds):
            args.append(seeds)
        proc = subprocess.run(args, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
        results.add(f"fuzz/{name}", proc.returncode == 0,
                    "\n".join(proc.stderr.splitlines()[-30:]))


def run_checks(build, results, pattern):
    for script in sorted(glob.glob(os.path.join(ROOT, "tests", "checks", "check_*"))):
        name = os.path.splitext(os.path.basename(script))[0][len("check_"):]
        if pattern and not re.search(pattern, name):
            continue
        proc = subprocess.run([script], cwd=ROOT, capture_output=True, text=True, timeout=300)
        results.add(f"check/{name}", proc.returncode == 0, (proc.stdout + proc.stderr).strip())


def qemu_command(case, image):
    cmd = ["qemu-system-x86_64", "-accel", case.get("accel", "tcg,thread=single"),
           "-M", case.get("machine", "pc"), "-cpu", "qemu64",
           "-m", case.get("mem", "256M"), "-smp", str(case.get("smp", 1)),
           "-display", "none", "-serial", "stdio", "-monitor", "none", "-net", "none",
           "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if case.get("icount"):
        cmd += ["-icount", "shift=0"]
    if case.get("cdrom"):                # firmware, then the CD's boot loader
        return cmd + ["-cdrom", os.path.join(os.path.dirname(image), case["cdrom"])]
    cmd += ["-kernel", image, "-append", case.get("cmdline", "")]
    if case.get("modules"):
        cmd += ["-initrd", ",".join(case["modules"])]
    return cmd


def boot(case, image):
    """Run one case; return (exit status, log)."""
    cmd = ["sh", "-c", case["command"]] if "command" in case else qemu_command(case, image)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = b""
    keys = case.get("keys") or []
    keys = [keys] if isinstance(keys, tuple) else list(keys)
    seen = 0                    # the log before this is not searched again
    deadline = time.monotonic() + case.get("timeout", QEMU_TIMEOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    while proc.poll() is None and time.monotonic() < deadline:
        chunk = proc.stdout.read() or b""
        log += chunk
        while keys and keys[0][0].encode() in log[seen:]:
            seen = log.index(keys[0][0].encode(), seen) + len(keys[0][0])
            proc.stdin.write(keys[0][1].encode())
            proc.stdin.flush()
            keys.pop(0)
        if not chunk:
            time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        return None, log.decode(errors="replace")
    log += proc.stdout.read() or b""
    return proc.returncode, log.decode(errors="replace").replace("\r\n", "\n")


def judge(case, code, log):
    want = case["exit"] if "command" in case else 2 * case.get("status", 0) + 1
    if code is None:
        return f"timed out after {case.get('timeout', QEMU_TIMEOUT)} s"
    if code != want:
        if "command" in case:
            return f"exit {code}, expected {want}"
        return f"QEMU exit {code}, expected {want} (status {case.get('status', 0)})"
    for rx in case.get("expect", []):
        if not re.search(rx, log, re.M):
            return f"log lacks /{rx}/"
    for rx in case.get("reject", []):
        if re.search(rx, log, re.M):
            return f"log has /{rx}/"
    return case["check"](log) if "check" in case else None


def run_system(build, results, pattern):
    image = os.path.join(build, "proxen")
    todo = [c for c in cases.CASES if not pattern or re.search(pattern, c["name"])]
    logdir = os.path.join(build, "system-logs")
    os.makedirs(logdir, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(boot, c, image): c for c in todo}
        done = {}
        for f in concurrent.futures.as_completed(futures):
            done[futures[f]["name"]] = f.result()
    for case in todo:
        code, log = done[case["name"]]
        path = os.path.join(logdir, case["name"] + ".log")
        with open(path, "w") as f:
            f.write(log)
        why = judge(case, code, log)
        results.add(f"system/{case['name']}", why is None, f"{why} (log: {path})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", choices=["check", "unit", "fuzz", "system"])
    ap.add_argument("pattern", nargs="?")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    results = Results()
    for kind, fn in (("check", run_checks), ("unit", run_unit), ("fuzz", run_fuzz), ("system", run_system)):
        if args.only in (None, kind):
            fn(build, results, args.pattern)
    if results.failed:
        print("Failed: " + " ".join(results.failed))
    print(f"{results.passed} passed, {len(results.failed)} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
