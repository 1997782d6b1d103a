#!/usr/bin/env bash
# Where a training step's CPU goes, DJL against PyTorch: forward + loss, backward, clip + AdamW.
# Makes an instrumented copy of recipes/golf-mini/Recipe.java under infra/bench/golf-mini/target (the recipe
# itself is untouched), times each phase with the main thread's CPU clock (one PyTorch thread: every op
# runs on it, so other load on the machine barely moves the numbers), and runs the PyTorch port likewise.
#
#   infra/bench/golf-mini/phases.sh [steps=40] [warmup=10]     (run infra/bench/golf-mini/run.sh speed once first)
# LOOPLAB_BENCH_DIR (default infra/bench/golf-mini/target), LOOPLAB_BENCH_DJL_CP and LOOPLAB_BENCH_EVAL_CP as for run.sh.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$(pwd)
steps=${1:-40} warmup=${2:-10}
bench=${LOOPLAB_BENCH_DIR:-$root/infra/bench/golf-mini/target}
work=$bench/phases
data=$bench/train.txt
djl_cp=${LOOPLAB_BENCH_DJL_CP:-$(cat infra/runtimes/djl/target/classes/looplab/runtime/djl.classpath)}
[[ -f $data ]] || { echo "no $data: run infra/bench/golf-mini/run.sh speed once first" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work/recipe"

# instrument a copy: each anchor must exist, or the recipe changed and this script needs updating
src=recipes/golf-mini/Recipe.java
for anchor in 'public class Recipe {' 'NDArray logits = model.forward(ids, loops, noGrad)' \
    'lossValue = loss.getFloat();' '        return lossValue;' 'metric(log, step, "train_steps", step, wall);'; do
  grep -qF "$anchor" "$src" || { echo "$src no longer contains '$anchor': update $0" >&2; exit 1; }
done
clock='java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()'
sed -e "s|^public class Recipe {|public class Recipe { static long[] PHASE = new long[3]; static long PHASE_T; static int PHASE_STEPS;|" \
    -e "s|^\(\s*\)NDArray logits = model.forward(ids, loops, noGrad)|\1if (t == $warmup + 1) { java.util.Arrays.fill(PHASE, 0); PHASE_STEPS = 0; } PHASE_T = $clock;\n\1NDArray logits = model.forward(ids, loops, noGrad)|" \
    -e "s|^\(\s*\)collector.backward(loss);|\1{ long n = $clock; PHASE[0] += n - PHASE_T; PHASE_T = n; }\n\1collector.backward(loss);|" \
    -e "s|^\(\s*\)lossValue = loss.getFloat();|\1lossValue = loss.getFloat();\n\1{ long n = $clock; PHASE[1] += n - PHASE_T; PHASE_T = n; }|" \
    -e "s|^        return lossValue;|        PHASE[2] += $clock - PHASE_T; PHASE_STEPS++;\n        return lossValue;|" \
    -e "s|^\(\s*\)metric(log, step, \"train_steps\", step, wall);|\1System.out.printf(java.util.Locale.ROOT, \"{\\\\\"phase_cpu_ms\\\\\": {\\\\\"forward\\\\\": %.1f, \\\\\"backward\\\\\": %.1f, \\\\\"optimizer\\\\\": %.1f}}%n\", PHASE[0] / 1e6 / PHASE_STEPS, PHASE[1] / 1e6 / PHASE_STEPS, PHASE[2] / 1e6 / PHASE_STEPS);\n\1metric(log, step, \"train_steps\", step, wall);|" \
    "$src" > "$work/recipe/Recipe.java"

echo "per-step CPU of the main thread in ms, mean over steps $((warmup + 1))..$steps, 1 thread, $(date -u +%F)"
eval_cp=${LOOPLAB_BENCH_EVAL_CP:-infra/runtimes/djl/target/classes:infra/runtimes/common/target/classes}
mapfile -t djl_env < <(java -cp "$eval_cp" dev.looplab.runtime.djl.DjlRuntime env)  # the worker's recipe environment
(cd "$work/recipe" && env "${djl_env[@]}" LOOPLAB_DATA="$data" LOOPLAB_OUT=out LOOPLAB_METRICS=metrics.jsonl \
    LOOPLAB_BUDGET_S=3600 LOOPLAB_SEED=1 LOOPLAB_THREADS=1 LOOPLAB_STEPS="$steps" \
    java -XX:+UseSerialGC -Dai.djl.offline=true -cp "$djl_cp" \
    Recipe.java train 2> train.log | sed 's/^/djl   (DjlRuntime.ENVIRONMENT): /')
for optimizer in torch recipe; do
  env LOOPLAB_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 infra/bench/golf-mini/golf_mini_torch.py \
      --data "$data" --steps "$steps" --warmup "$warmup" --optimizer "$optimizer" \
    | /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(json.dumps({"phase_cpu_ms": r["phase_cpu_ms"]}))' \
    | sed "s/^/torch (optimizer $optimizer): /"
done
