#!/usr/bin/python3
"""Training speed of golf-mini's baseline: the real DJL recipe against its PyTorch port, same CPU.

Runs DJL, PyTorch, DJL, PyTorch, ... (alternating, so that load from other work on a shared machine
hits both alike) for each thread count, each run a fixed number of steps (LOOPLAB_STEPS for the
recipe), and times the steps after the warm-up ones. Prints each run, the medians and the ratio.

tokens/s   = timed steps * BATCH * SEQ_LEN / wall seconds between the end of the last warm-up step
             and the end of the last step (the recipe's own per-step wallclock in LOOPLAB_METRICS;
             perf_counter in the port)
tokens/cpu = the same tokens / CPU seconds (user + system, all threads of the process) over those
             steps: less sensitive than wall time to other processes on a shared machine

Called by infra/bench/golf-mini/run.sh, which builds the classpath and the training split first.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
RECIPE_DIR = ROOT / "recipes" / "golf-mini"
TOKENS_PER_STEP = 8 * 128  # BATCH * SEQ_LEN of the baseline
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds of a process, all its threads (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


VARIANTS = {
    "djl": "the recipe as the worker runs it (DjlRuntime.ENVIRONMENT: MKL_CBWR for reproducible numerics, GLIBC_TUNABLES)",
    "djl-mkl-free": "the recipe without MKL_CBWR: MKL picks kernels by alignment (not reproducible)",
    "djl-glibc-default": "the recipe without GLIBC_TUNABLES: glibc's default allocator thresholds, as before 2026-12-05",
    "torch": "the PyTorch port with torch.optim.AdamW and clip_grad_norm_",
    "torch-recipe-adamw": "the PyTorch port with the recipe's hand-written clip + AdamW, op for op",
}


# the environment names each diagnostic DJL variant leaves out of the worker's
WITHOUT = {"djl-mkl-free": ("MKL_CBWR",), "djl-glibc-default": ("GLIBC_TUNABLES",)}


def run_djl(classpath, data, threads, steps, warmup, work, djl_env, without=()):
    """One DJL run with the worker's recipe environment (djl_env), less the names in without."""
    metrics = work / "metrics.jsonl"
    env = dict(os.environ, LOOPLAB_DATA=str(data), LOOPLAB_OUT=str(work / "out"),
               LOOPLAB_METRICS=str(metrics), LOOPLAB_BUDGET_S="3600", LOOPLAB_SEED="1",
               LOOPLAB_THREADS=str(threads), LOOPLAB_STEPS=str(steps), LOOPLAB_VERBOSE="1")
    for name, value in djl_env.items():
        if name in without:
            env.pop(name, None)
        else:
            env[name] = value
    log = open(work / "train.log", "w")
    process = subprocess.Popen(["java", "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp", classpath, "Recipe.java", "train"],
                               cwd=RECIPE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    # the recipe writes one train_loss line per step (LOOPLAB_VERBOSE); read the CPU clock as the
    # warm-up step's line and the last step's line appear
    cpu = {}
    seen = 0
    while process.poll() is None and len(cpu) < 2:
        time.sleep(0.01)
        if not metrics.exists():
            continue
        text = metrics.read_text()
        lines = text[:text.rfind("\n") + 1].splitlines()  # whole lines only: the recipe may be mid-write
        for line in lines[seen:]:
            record = json.loads(line)
            if record["name"] == "train_loss" and record["step"] in (warmup, steps):
                cpu[record["step"]] = cpu_seconds(process.pid)
        seen = len(lines)
    if process.wait() != 0:
        tail = "\n".join((work / "train.log").read_text().splitlines()[-15:])
        sys.exit(f"DJL run failed (exit {process.returncode}); {work / 'train.log'} ends:\n{tail}")
    wall = {}
    for line in metrics.read_text().splitlines():
        record = json.loads(line)
        if record["name"] == "train_loss":
            wall[record["step"]] = record["wallclock"]
    params = next(int(l.split()[1]) for l in (work / "train.log").read_text().splitlines()
                  if l.startswith("golf-mini:") and "parameters" in l)
    seconds = wall[steps] - wall[warmup]
    return {"framework": "djl", "parameters": params, "seconds": seconds,
            "cpu_seconds": cpu[steps] - cpu[warmup]}


def run_torch(data, threads, steps, warmup, optimizer="torch"):
    # OpenBLAS (pthread build) takes its thread count from the environment, torch's own ops from set_num_threads
    env = dict(os.environ, LOOPLAB_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads))
    out = subprocess.run(["/usr/bin/python3", str(HERE / "golf_mini_torch.py"), "--data", str(data),
                          "--steps", str(steps), "--warmup", str(warmup), "--optimizer", optimizer],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"PyTorch run failed (exit {out.returncode}):\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"framework": "torch", "parameters": result["parameters"], "seconds": result["seconds"],
            "cpu_seconds": result["cpu_seconds"], "blas": result["blas"], "version": result["framework"]}


def cpu_model():
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classpath", required=True, help="DJL runtime classpath (djl.classpath)")
    parser.add_argument("--data", required=True, type=Path, help="the golf-mini training split")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--reps", type=int, default=3, help="runs per framework and thread count")
    parser.add_argument("--variants", default="djl,torch",
                        help="comma-separated, run in this order each repetition: " + ", ".join(VARIANTS))
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--djl-env", action="append", default=[], metavar="NAME=VALUE",
                        help="the worker's DJL recipe environment, one per option (run.sh passes DjlRuntime's)")
    args = parser.parse_args()
    djl_env = dict(e.split("=", 1) for e in args.djl_env)
    if not djl_env:
        sys.exit("no --djl-env given: start this through infra/bench/golf-mini/run.sh speed")
    if args.steps <= args.warmup or args.warmup < 1:
        sys.exit(f"--steps {args.steps} must exceed --warmup {args.warmup}, and --warmup must be >= 1")
    timed_tokens = (args.steps - args.warmup) * TOKENS_PER_STEP
    variants = args.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        sys.exit(f"--variants {','.join(unknown)} unknown: choose from {', '.join(VARIANTS)}")

    print(f"golf-mini training speed, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"cpu: {cpu_model()}, {os.cpu_count()} logical cpus; load average at start {os.getloadavg()[0]:.1f}")
    print(f"{args.steps} steps per run, first {args.warmup} untimed, {TOKENS_PER_STEP} tokens per step")
    print()
    for v in variants:
        print(f"- {v}: {VARIANTS[v]}")
    print()
    print("| run | threads | variant | params | wall s | tokens/s | CPU s | tokens/CPU-s | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    summary = []
    versions = {}
    # kept after the run (infra/bench/golf-mini/target is git-ignored): each DJL run's train.log and metrics
    tmp = HERE / "target" / f"speed-{datetime.datetime.now():%Y%m%d-%H%M%S}"
    for threads in [int(t) for t in args.threads.split(",")]:
        runs = {v: [] for v in variants}
        for rep in range(args.reps):
            for framework in variants:
                if framework.startswith("djl"):
                    work = tmp / f"{framework}-{threads}-{rep}"
                    work.mkdir(parents=True)
                    r = run_djl(args.classpath, args.data, threads, args.steps, args.warmup, work, djl_env,
                                WITHOUT.get(framework, ()))
                else:
                    r = run_torch(args.data, threads, args.steps, args.warmup,
                                  "torch" if framework == "torch" else "recipe")
                    versions["torch"] = f"{r['version']}, BLAS {r['blas']}"
                r["tokens_per_s"] = timed_tokens / r["seconds"]
                r["tokens_per_cpu_s"] = timed_tokens / r["cpu_seconds"]
                runs[framework].append(r)
                print(f"| {rep + 1} | {threads} | {framework} | {r['parameters']:,} | {r['seconds']:.2f} | "
                      f"{r['tokens_per_s']:.0f} | {r['cpu_seconds']:.2f} | {r['tokens_per_cpu_s']:.0f} | "
                      f"{os.getloadavg()[0]:.1f} |", flush=True)
        summary.append((threads, runs))
    print()
    base = "torch" if "torch" in variants else variants[-1]
    print(f"Medians; ratios are to {base} in the same thread count (above 1: faster than {base}).")
    print()
    print("| threads | variant | tokens/s | ratio | tokens/CPU-s | ratio (CPU) |")
    print("|---|---|---|---|---|---|")
    for threads, runs in summary:
        bw = statistics.median(r["tokens_per_s"] for r in runs[base])
        bc = statistics.median(r["tokens_per_cpu_s"] for r in runs[base])
        for v in variants:
            w = statistics.median(r["tokens_per_s"] for r in runs[v])
            c = statistics.median(r["tokens_per_cpu_s"] for r in runs[v])
            print(f"| {threads} | {v} | {w:.0f} | {w / bw:.2f} | {c:.0f} | {c / bc:.2f} |")
    print()
    print("DJL: recipes/golf-mini/Recipe.java (DJL 0.36, libtorch 2.7.1 CPU with its bundled MKL)")
    print(f"PyTorch: infra/bench/golf-mini/golf_mini_torch.py ({versions.get('torch', '?')})")


if __name__ == "__main__":
    main()
