#!/usr/bin/env python3
# Benchmark: `kvotactl nap dump` on a 100,000-row plan in .xlsx against
# Gnumeric's `ssconvert FILE out.csv` on the same file in the same run,
# with a plain inflate + libxml2 stream parse of the sheet as the floor.
# Target: at least 3 times faster than ssconvert, with a peak memory of at
# most a third of ssconvert's.
#
#   python3 tests/bench/nap-dump.py [BUILD_DIR] [ROWS]
#
# Needs ssconvert (Debian's gnumeric), GNU time (Debian's time) and the
# xlsx-floor program (`meson compile -C BUILD_DIR xlsx-floor`).
import importlib.util
import os
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "_build"))
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
RUNS = 3


def load_generator():
    spec = importlib.util.spec_from_file_location("naps", os.path.join(TOP, "data", "make-sample-naps.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_plan(path, rows):
    naps = load_generator()
    # One sector of `rows` installations, spread over the operators.
    base = [line for _, lines in naps.SECTORS for line in lines]
    lines = [(operator, "%s %d" % (installation, i), amount)
             for i in range(rows)
             for operator, installation, amount in [base[i % len(base)]]]
    naps.SECTORS = [("Энергетика", lines)]
    naps.RESERVES = []
    sheet = naps.plan_sheet([2021, 2022, 2023], "ru", 7)
    naps.convert([sheet], [(path, naps.XLSX)])


def measure(command):
    """The best wall time of RUNS runs, and the peak resident memory (KiB),
    as GNU time measures them for the process alone."""
    best = None
    for _ in range(RUNS):
        with tempfile.NamedTemporaryFile("r") as report:
            start = time.perf_counter()
            status = subprocess.call(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, LC_ALL="C.UTF-8"))
            elapsed = time.perf_counter() - start
            peak = int(report.read().strip().splitlines()[-1])
        if status != 0:
            sys.exit("failed: %s" % " ".join(command))
        best = (elapsed, peak) if best is None or elapsed < best[0] else best
    return best


def main():
    kvotactl = os.path.join(BUILD, "src", "cli", "kvotactl")
    floor = os.path.join(BUILD, "tests", "bench", "xlsx-floor")
    with tempfile.TemporaryDirectory() as tmp:
        plan = os.path.join(tmp, "plan.xlsx")
        print("Making a %d-row plan with ssconvert…" % ROWS, flush=True)
        make_plan(plan, ROWS)
        print("File: %.1f MB" % (os.path.getsize(plan) / 1e6))

        ours = measure([kvotactl, "nap", "dump", plan, "--format", "csv"])
        reference = measure(["ssconvert", plan, os.path.join(tmp, "out.csv")])
        bottom = measure([floor, plan]) if os.path.exists(floor) else None

    print("%-28s %10s %12s" % ("", "time (s)", "peak (MiB)"))
    print("%-28s %10.2f %12.1f" % ("ssconvert (reference)", reference[0], reference[1] / 1024))
    print("%-28s %10.2f %12.1f" % ("kvotactl nap dump", ours[0], ours[1] / 1024))
    if bottom:
        print("%-28s %10.2f %12.1f" % ("inflate + libxml2 (floor)", bottom[0], bottom[1] / 1024))
    speed = reference[0] / ours[0]
    memory = ours[1] / reference[1]
    print("speed: %.1f× ssconvert (target ≥ 3×)" % speed)
    print("memory: %.2f of ssconvert's peak (target ≤ 0.33)" % memory)
    if bottom:
        print("floor: kvotactl takes %.1f× the floor's time" % (ours[0] / bottom[0]))
    ok = speed >= 3 and memory <= 1 / 3
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
