#!/usr/bin/env bash
# golf-mini benchmarks (not part of the build or CI; run by hand, results go to docs/benchmarks-torch.md).
#
#   infra/bench/golf-mini/run.sh speed [--threads 1,2] [--reps 3] [--steps 60] [--warmup 10] [--variants djl,torch]
#       training tokens/s of recipes/golf-mini/Recipe.java (DJL) against the same model in PyTorch
#       (infra/bench/golf-mini/golf_mini_torch.py), alternating runs, same CPU, same thread count; more
#       variants: djl-mkl-free, torch-recipe-adamw (see speed.py). infra/bench/golf-mini/phases.sh splits a step.
#       Needs Debian's python3-torch and OpenBLAS: apt-get install -y python3-torch libopenblas0-pthread
#   infra/bench/golf-mini/run.sh loss [--budget 90] [--threads 1] [--seed 1] [--out docs/golf-mini-loss.svg]
#       trains the baseline recipe for its default budget (task.yaml: 90 s), scores it with the
#       golf-mini evaluator and renders train loss and the held-out score to docs/golf-mini-loss.svg.
#   infra/bench/golf-mini/run.sh determinism [--pairs 6] [--budget 30] [--steps 40] [--stressed 4]
#       budgeted runs against their step-fixed replays, then fixed-step runs with the collector stressed
#       (G1 with a 4 MB young generation, serial with 1 MB) against an undisturbed one; prints one
#       line per run with the model.bin hash and whether it matches (docs/architecture.md, Reproducibility).
#   infra/bench/golf-mini/run.sh cpuhog [--runs 3] [--budget 20] [--threads 2] [--clock cpu] [--settle 5]
#       scores the baseline --runs times on the machine as it is ("quiet"), then --runs times beside a busy
#       loop on every core ("hog"), each budgeted in CPU seconds as the worker budgets golf-mini (--clock wall:
#       the old wall-clock budget, for comparison); prints both score sets, their means, the quiet noise floor
#       (2 sigma) and whether the hog mean lies within it (docs/benchmarks.md, "golf-mini beside a CPU hog").
#   Each mode takes --steps N to train exactly N steps instead of filling the budget: the build's
#   BenchScriptsSmokeTest runs every script so, in a few steps, numbers unchecked.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$(pwd)
work=${LOOPLAB_BENCH_DIR:-$root/infra/bench/golf-mini/target}
mkdir -p "$work"

mode=${1:-}
[[ $mode == speed || $mode == loss || $mode == determinism || $mode == cpuhog ]] \
  || { sed -n 2,22p "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift

# the DJL runtime classpath and the evaluators' classes, built offline from this checkout; a caller that has
# both (the build's smoke test) passes them as LOOPLAB_BENCH_DJL_CP and LOOPLAB_BENCH_EVAL_CP
djl_cp_file=infra/runtimes/djl/target/classes/looplab/runtime/djl.classpath
if [[ -n ${LOOPLAB_BENCH_DJL_CP:-} && -n ${LOOPLAB_BENCH_EVAL_CP:-} ]]; then
  djl_cp=$LOOPLAB_BENCH_DJL_CP
  eval_cp=$LOOPLAB_BENCH_EVAL_CP
else
  if [[ ! -f $djl_cp_file || ! -d infra/runtimes/common/target/classes || ! -d evaluators/target/classes/dev/looplab/evaluation/golf ]]; then
    ./mvnw -q -pl infra/runtimes/djl -am package -DskipTests
    ./mvnw -q -pl evaluators -am compile
  fi
  if [[ ! -s $work/evaluators.classpath ]]; then
    # with -am, so the sibling modules resolve from this checkout instead of the local repository (a fresh
    # clone has never installed them); evaluators builds last, so its classpath is what the file keeps
    ./mvnw -q -pl evaluators -am compile dependency:build-classpath -Dmdep.includeScope=compile \
      -Dmdep.outputFile="$work/evaluators.classpath.part"
    mv "$work/evaluators.classpath.part" "$work/evaluators.classpath"
  fi
  djl_cp=$(cat "$djl_cp_file")
  # this checkout's classes first: the local Maven repository may hold an older looplab-runtime-djl jar
  eval_cp="evaluators/target/classes:platform/api/target/classes:infra/runtimes/djl/target/classes:infra/runtimes/common/target/classes:$(cat "$work/evaluators.classpath")"
fi

# the environment the worker gives every DJL recipe (reproducible MKL numerics, libtorch's allocator settings),
# from its one home, DjlRuntime.ENVIRONMENT
mapfile -t djl_env < <(java -cp "$eval_cp" dev.looplab.runtime.djl.DjlRuntime env)
[[ ${#djl_env[@]} -gt 0 ]] || { echo "DjlRuntime env printed nothing: build infra/runtimes/djl" >&2; exit 1; }

# the exact training split the worker gives a trial (the evaluator's GolfMiniData)
data=$work/train.txt
if [[ ! -f $data ]]; then
  # written aside and moved in whole, so a run that failed half way is not taken for the split next time
  java -cp "$eval_cp" infra/bench/golf-mini/GolfMiniBench.java data "$data.part" | tee "$work/data.txt"
  mv "$data.part" "$data"
fi

case $mode in
speed)
  if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "Debian's PyTorch is missing: apt-get install -y python3-torch libopenblas0-pthread" >&2
    exit 1
  fi
  env_args=()
  for e in "${djl_env[@]}"; do env_args+=(--djl-env "$e"); done
  exec /usr/bin/python3 infra/bench/golf-mini/speed.py --classpath "$djl_cp" --data "$data" "${env_args[@]}" "$@"
  ;;
loss)
  budget=90 threads=1 seed=1 svg=docs/golf-mini-loss.svg fixed=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --steps) fixed=(LOOPLAB_STEPS="$2"); shift 2 ;;
      --budget) budget=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --seed) seed=$2; shift 2 ;;
      --out) svg=$2; shift 2 ;;
      *) echo "unknown option $1: use --budget S, --threads N, --seed N, --steps N or --out FILE.svg" >&2; exit 2 ;;
    esac
  done
  run=$work/loss-run
  rm -rf "$run" && mkdir -p "$run"
  load=$(cut -d' ' -f1 /proc/loadavg)
  started_ms=$(( $(date +%s%N) / 1000000 ))
  # budgeted as the worker budgets golf-mini: CPU seconds, OpenMP threads sleeping while they wait
  (cd recipes/golf-mini && env "${djl_env[@]}" LOOPLAB_BUDGET_CLOCK=cpu OMP_WAIT_POLICY=PASSIVE LOOPLAB_DATA="$data" LOOPLAB_OUT="$run/out" \
      LOOPLAB_METRICS="$run/metrics.jsonl" LOOPLAB_BUDGET_S="$budget" LOOPLAB_SEED="$seed" \
      LOOPLAB_THREADS="$threads" LOOPLAB_VERBOSE=1 "${fixed[@]}" \
      java -XX:+UseSerialGC -Dai.djl.offline=true -cp "$djl_cp" Recipe.java train) > "$run/train.log" 2>&1
  train_ms=$(( $(date +%s%N) / 1000000 - started_ms ))
  train_s=$(( train_ms / 1000 )).$(printf %03d $(( train_ms % 1000 )))
  tail -1 "$run/train.log"
  java -cp "$eval_cp" infra/bench/golf-mini/GolfMiniBench.java evaluate recipes/golf-mini "$run/out" "$train_s" "$seed" \
    | tee "$run/score.txt"
  /usr/bin/python3 infra/bench/golf-mini/plot_loss.py --metrics "$run/metrics.jsonl" --score "$run/score.txt" \
    --references "$work/data.txt" --budget "$budget" --threads "$threads" --seed "$seed" \
    --cpu "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus" \
    --note "load average $load at the start (other work on the machine slows every step)" --out "$svg"
  echo "wrote $svg"
  ;;
cpuhog)
  runs=3 budget=20 threads=2 clock=cpu settle=5 fixed=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --steps) fixed=(LOOPLAB_STEPS="$2"); shift 2 ;;
      --runs) runs=$2; shift 2 ;;
      --budget) budget=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --clock) clock=$2; shift 2 ;;
      --settle) settle=$2; shift 2 ;;
      *) echo "unknown option $1: use --runs N, --budget S, --threads N, --clock cpu|wall, --settle S or --steps N" >&2; exit 2 ;;
    esac
  done
  [[ $runs =~ ^[0-9]+$ && $runs -ge 2 ]] || { echo "--runs $runs: need a whole number >= 2 (a noise floor needs two runs)" >&2; exit 2; }
  [[ $clock == cpu || $clock == wall ]] || { echo "--clock $clock: use cpu (the worker's golf-mini budget) or wall" >&2; exit 2; }
  [[ $budget =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--budget $budget: need seconds, such as 40" >&2; exit 2; }
  [[ $settle =~ ^[0-9]+$ ]] || { echo "--settle $settle: need whole seconds, such as 5" >&2; exit 2; }
  [[ ${#fixed[@]} -eq 0 || ${fixed[0]#LOOPLAB_STEPS=} =~ ^[1-9][0-9]*$ ]] \
    || { echo "--steps ${fixed[0]#LOOPLAB_STEPS=}: need a whole number of steps >= 1" >&2; exit 2; }
  hogs=()
  stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; hogs=(); }
  trap stop_hogs EXIT
  metric() { grep "\"$2\"" "$1/metrics.jsonl" | tail -1 | sed 's/.*"value":\([-0-9.eE+]*\).*/\1/'; }
  # one scored run: <dir> <seed> <hog: yes|no>; prints "load steps cpu_s wall_s val_bpb". The hog runs beside the
  # training only: the evaluator's time is not budgeted, and beside a hog it would only make the benchmark slower
  scored() {
    local dir=$1 seed=$2 hog=$3 load started_ms wall_ms cpu bpb
    rm -rf "$dir" && mkdir -p "$dir"
    if [[ $hog == yes ]]; then
      for ((c = 0; c < $(nproc); c++)); do (while :; do :; done) & hogs+=($!); done
      sleep "$settle"  # let the load average see them
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    started_ms=$(( $(date +%s%N) / 1000000 ))
    # as the worker runs a CPU-budgeted recipe: OpenMP threads sleep instead of spinning while they wait
    (cd recipes/golf-mini && env -i PATH=/usr/bin:/bin HOME="$HOME" "${djl_env[@]}" LOOPLAB_DATA="$data" \
        LOOPLAB_OUT="$dir/out" LOOPLAB_METRICS="$dir/metrics.jsonl" LOOPLAB_BUDGET_S="$budget" \
        LOOPLAB_BUDGET_CLOCK="$clock" LOOPLAB_SEED="$seed" LOOPLAB_THREADS="$threads" "${omp[@]}" "${fixed[@]}" \
        java -XX:+UseSerialGC -Dai.djl.offline=true -cp "$djl_cp" Recipe.java train) > "$dir/train.log" 2>&1 || true
    wall_ms=$(( $(date +%s%N) / 1000000 - started_ms ))
    stop_hogs
    cpu=$(metric "$dir" train_cpu_seconds)
    java -cp "$eval_cp" infra/bench/golf-mini/GolfMiniBench.java evaluate recipes/golf-mini "$dir/out" "$cpu" "$seed" \
      > "$dir/score.txt" 2>&1 || true
    bpb=$(sed -n 's/.*val_bpb=\([0-9.]*\).*/\1/p' "$dir/score.txt")
    printf '%s %s %s %d.%03d %s\n' "$load" "$(metric "$dir" train_steps)" "$cpu" $((wall_ms / 1000)) $((wall_ms % 1000)) "$bpb"
  }
  omp=(); [[ $clock == cpu ]] && omp=(OMP_WAIT_POLICY=PASSIVE)
  run=$work/cpuhog-$clock
  echo "# golf-mini beside a CPU hog, $(date -u '+%F %H:%M') UTC: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus,"
  echo "# budget $budget $clock s, $threads threads, seeds 1..$runs in each set, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "| set | seed | load 1m at start | steps | CPU s | wall s | val_bpb |"
  echo "|---|---|---|---|---|---|---|"
  : > "$run.scores"
  for set in quiet hog; do
    for ((i = 1; i <= runs; i++)); do
      read -r load steps cpu wall bpb < <(scored "$run/$set-$i" "$i" "$([[ $set == hog ]] && echo yes || echo no)")
      echo "| $set | $i | $load | $steps | $cpu | $wall | ${bpb:-failed} |"
      [[ -n $bpb ]] || { echo "run $set-$i scored nothing: see $run/$set-$i/train.log and score.txt" >&2; exit 1; }
      echo "$set $bpb" >> "$run.scores"
    done
  done
  awk '{ n[$1]++; s[$1] += $2; q[$1] += $2 * $2 }
       END {
         for (k in n) { m[k] = s[k] / n[k]; sd[k] = sqrt((q[k] - n[k] * m[k] * m[k]) / (n[k] - 1)) }
         floor = 2 * sd["quiet"]; d = m["hog"] - m["quiet"]
         printf "quiet mean %.4f (sd %.4f), hog mean %.4f (sd %.4f), hog - quiet %+.4f, quiet noise floor 2 sigma %.4f: %s\n",
           m["quiet"], sd["quiet"], m["hog"], sd["hog"], d, floor,
           (d <= floor && d >= -floor) ? "within the noise floor" : "OUTSIDE the noise floor"
       }' "$run.scores"
  ;;
determinism)
  pairs=6 budget=30 steps=40 stressed=4
  while [[ $# -gt 0 ]]; do
    case $1 in
      --pairs) pairs=$2; shift 2 ;;
      --budget) budget=$2; shift 2 ;;
      --steps) steps=$2; shift 2 ;;
      --stressed) stressed=$2; shift 2 ;;
      *) echo "unknown option $1: use --pairs N, --budget S, --steps N or --stressed N" >&2; exit 2 ;;
    esac
  done
  # train <dir> <seed> <jvm options> [env...]: the worker's environment (a CPU budget), one thread, no sandbox
  train() {
    local dir=$1 seed=$2 jvm=$3; shift 3
    rm -rf "$dir" && mkdir -p "$dir"
    (cd recipes/golf-mini && env -i PATH=/usr/bin:/bin HOME="$HOME" "${djl_env[@]}" LOOPLAB_DATA="$data" \
        LOOPLAB_BUDGET_CLOCK=cpu OMP_WAIT_POLICY=PASSIVE \
        LOOPLAB_OUT="$dir" LOOPLAB_METRICS="$dir/metrics.jsonl" LOOPLAB_SEED="$seed" LOOPLAB_THREADS=1 "$@" \
        java $jvm -Dai.djl.offline=true -cp "$djl_cp" Recipe.java train) > "$dir/train.log" 2>&1 || true
  }
  metric() { grep "\"$2\"" "$1/metrics.jsonl" | tail -1 | sed 's/.*"value":\([0-9]*\).*/\1/'; }
  hash() { if [[ -f $1/model.bin ]]; then sha256sum "$1/model.bin" | cut -c1-16; else echo "no-model($(grep -m1 -o 'diverged[^:]*' "$1/train.log"))"; fi; }
  run=$work/determinism
  echo "# $(date -u +%F) $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg)"
  same=0
  for ((i = 1; i <= pairs; i++)); do
    seed=$((100 + i))
    train "$run/o$i" "$seed" -XX:+UseSerialGC LOOPLAB_BUDGET_S="$budget"
    planned=$(metric "$run/o$i" planned_steps); trained=$(metric "$run/o$i" train_steps)
    stop=(); [[ $trained -lt $planned ]] && stop=(LOOPLAB_STOP_STEP="$trained")
    train "$run/r$i" "$seed" -XX:+UseSerialGC LOOPLAB_BUDGET_S=$((budget * 2)) LOOPLAB_STEPS="$planned" "${stop[@]}"
    a=$(hash "$run/o$i"); b=$(hash "$run/r$i"); verdict=differs; [[ $a == "$b" ]] && verdict=identical && same=$((same + 1))
    echo "budgeted seed $seed: $trained of $planned planned steps, original $a replay $b: $verdict"
  done
  echo "budgeted runs and replays identical: $same of $pairs"
  train "$run/base" 7 -XX:+UseSerialGC LOOPLAB_BUDGET_S=600 LOOPLAB_STEPS="$steps"
  base=$(hash "$run/base"); same=0; n=0
  collectors=("-XX:+UseG1GC -Xmn4m" "-XX:+UseSerialGC -Xmn1m" "-XX:+UseG1GC -Xmn4m" "-XX:+UseSerialGC -Xmn1m")
  for jvm in "${collectors[@]:0:$stressed}"; do
    n=$((n + 1))
    train "$run/s$n" 7 "$jvm" LOOPLAB_BUDGET_S=600 LOOPLAB_STEPS="$steps"
    h=$(hash "$run/s$n"); verdict=differs; [[ $h == "$base" ]] && verdict=identical && same=$((same + 1))
    echo "$steps steps with $jvm: $h against $base: $verdict"
  done
  echo "collector-stressed runs identical to the undisturbed one: $same of $n"
  ;;
esac
