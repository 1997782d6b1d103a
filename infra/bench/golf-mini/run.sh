#!/usr/bin/env bash
# golf-mini benchmarks (not part of the build or CI; run by hand, results go to docs/benchmarks-torch.md).
#
#   infra/bench/golf-mini/run.sh speed [--threads 1,2] [--reps 3] [--steps 60] [--warmup 10] [--variants djl,torch]
#       training tokens/s of recipes/golf-mini/Recipe.java (DJL) against the same model in PyTorch
#       (infra/bench/golf-mini/golf_mini_torch.py), alternating runs, same CPU, same thread count; more
#       variants: djl-mkl-free, torch-recipe-adamw (see speed.py). infra/bench/golf-mini/phases.sh splits a step.
#       Needs Debian's python3-torch and OpenBLAS: apt-get install -y python3-torch libopenblas0-pthread
#   infra/bench/golf-mini/run.sh loss [--budget 90] [--threads 1] [--seed 1]
#       trains the baseline recipe for its default budget (task.yaml: 90 s), scores it with the
#       golf-mini evaluator and renders train loss and the held-out score to docs/golf-mini-loss.svg.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$(pwd)
work=${LOOPLAB_BENCH_DIR:-$root/infra/bench/golf-mini/target}
mkdir -p "$work"

mode=${1:-}
[[ $mode == speed || $mode == loss ]] || { sed -n 2,11p "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift

# the DJL runtime classpath and the evaluators' classes, built offline from this checkout
djl_cp_file=infra/runtime-djl/target/classes/looplab/runtime/djl.classpath
if [[ ! -f $djl_cp_file || ! -d evaluators/target/classes/dev/looplab/evaluation/golf ]]; then
  ./mvnw -o -q -pl infra/runtime-djl package -DskipTests
  ./mvnw -o -q -pl evaluators -am compile
fi
if [[ ! -f $work/evaluators.classpath ]]; then
  ./mvnw -o -q -pl evaluators dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$work/evaluators.classpath"
fi
djl_cp=$(cat "$djl_cp_file")
# this checkout's classes first: the local Maven repository may hold an older runtime-djl jar
eval_cp="evaluators/target/classes:infra/runtime-djl/target/classes:$(cat "$work/evaluators.classpath")"

# the exact training split the worker gives a trial (the evaluator's GolfMiniData)
data=$work/train.txt
if [[ ! -f $data ]]; then
  java -cp "$eval_cp" infra/bench/golf-mini/GolfMiniBench.java data "$data" | tee "$work/data.txt"
fi

case $mode in
speed)
  if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "Debian's PyTorch is missing: apt-get install -y python3-torch libopenblas0-pthread" >&2
    exit 1
  fi
  exec /usr/bin/python3 infra/bench/golf-mini/speed.py --classpath "$djl_cp" --data "$data" "$@"
  ;;
loss)
  budget=90 threads=1 seed=1
  while [[ $# -gt 0 ]]; do
    case $1 in
      --budget) budget=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --seed) seed=$2; shift 2 ;;
      *) echo "unknown option $1: use --budget S, --threads N or --seed N" >&2; exit 2 ;;
    esac
  done
  run=$work/loss-run
  rm -rf "$run" && mkdir -p "$run"
  load=$(cut -d' ' -f1 /proc/loadavg)
  started_ms=$(( $(date +%s%N) / 1000000 ))
  (cd recipes/golf-mini && env MKL_CBWR=AUTO,STRICT LOOPLAB_DATA="$data" LOOPLAB_OUT="$run/out" \
      LOOPLAB_METRICS="$run/metrics.jsonl" LOOPLAB_BUDGET_S="$budget" LOOPLAB_SEED="$seed" \
      LOOPLAB_THREADS="$threads" LOOPLAB_VERBOSE=1 \
      java -XX:+UseSerialGC -Dai.djl.offline=true -cp "$djl_cp" Recipe.java train) > "$run/train.log" 2>&1
  train_ms=$(( $(date +%s%N) / 1000000 - started_ms ))
  train_s=$(( train_ms / 1000 )).$(printf %03d $(( train_ms % 1000 )))
  tail -1 "$run/train.log"
  java -cp "$eval_cp" infra/bench/golf-mini/GolfMiniBench.java evaluate recipes/golf-mini "$run/out" "$train_s" "$seed" \
    | tee "$run/score.txt"
  /usr/bin/python3 infra/bench/golf-mini/plot_loss.py --metrics "$run/metrics.jsonl" --score "$run/score.txt" \
    --references "$work/data.txt" --budget "$budget" --threads "$threads" --seed "$seed" \
    --cpu "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus" \
    --note "load average $load at the start (other work on the machine slows every step)" --out docs/golf-mini-loss.svg
  echo "wrote docs/golf-mini-loss.svg"
  ;;
esac
