#!/usr/bin/env bash
# GPU check of the parameter-golf task: writes its own data (synthetic FineWeb-format shards from a sparse
# Markov chain and a 1024-piece SentencePiece tokenizer file), trains recipes/parameter-golf/train_gpt.py as
# it is for BUDGET seconds (default 150) on the GPU, scores the artifact with the trusted evaluator
# (python3 -m looplab_eval.parameter_golf score) and prints tokens/s, val_bpb, the artifact size, the GPU and
# the torch/CUDA versions. Needs only python3 and torch: no JDK, no network, no numpy.
#
#   bash infra/gpu/check.sh            the GPU check (about 4 minutes; BUDGET=150 by default)
#   bash infra/gpu/check.sh --smoke    the same steps on CPU with the recipe shrunk by its knobs (about 20 s)
#
# Files (data, artifact, metrics, logs, verdict.json) stay in CHECK_DIR (default: a new temporary folder);
# when $OUT is set (the device runner's output folder) the small ones are copied there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
mode=gpu
if [ "${1:-}" = "--smoke" ]; then
  mode=smoke
fi
work=${CHECK_DIR:-$(mktemp -d -t looplab-gpu-check-XXXXXX)}
mkdir -p "$work"
export PYTHONPATH="$root/evaluators/src/main/python"
export PYTHONDONTWRITEBYTECODE=1

if [ "$mode" = smoke ]; then
  budget=${BUDGET:-60}
  train_tokens=20000; val_tokens=4097; steps=5; device=cpu
  export LOOPLAB_THREADS=${LOOPLAB_THREADS:-1}
else
  budget=${BUDGET:-150}
  train_tokens=${TRAIN_TOKENS:-33554432}; val_tokens=${VAL_TOKENS:-524289}; steps=""; device=${LOOPLAB_DEVICE:-cuda}
fi
echo "== looplab GPU check ($mode) in $work"

"$python" - "$device" <<'EOF'
import platform, sys, torch
print(f"python {platform.python_version()}, torch {torch.__version__}, CUDA build {torch.version.cuda}, "
      f"cuda available {torch.cuda.is_available()}")
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print(f"GPU {p.name}, {p.total_memory / 2**30:.0f} GiB, capability {p.major}.{p.minor}, "
          f"{torch.cuda.device_count()} device(s)")
elif sys.argv[1] != "cpu":
    sys.exit("no CUDA device visible to torch: run with --smoke for the CPU check")
try:
    import numpy
    print(f"numpy {numpy.__version__} (not needed)")
except ImportError:
    print("numpy absent (not needed)")
EOF

t0=$(date +%s%N)
"$python" - "$work/data" "$train_tokens" "$val_tokens" <<'EOF'
import sys
from looplab_eval import synthetic
paths = synthetic.write_golf_data(sys.argv[1], vocab_size=1024, train_tokens=int(sys.argv[2]),
                                  val_tokens=int(sys.argv[3]), train_shards=2)
print(f"data: {len(paths['train'])} train shards, {int(sys.argv[2]):,} train tokens, {int(sys.argv[3]):,} val tokens")
EOF
"$python" -m looplab_eval.parameter_golf prepare --data "$work/data" --tokenizer "$work/data/tokenizer.model" \
  --out "$work/train" >/dev/null
echo "data written in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

recipe="$root/recipes/parameter-golf"
if [ "$mode" = smoke ]; then
  recipe="$work/recipe"
  mkdir -p "$recipe"
  "$python" - "$root/recipes/parameter-golf/train_gpt.py" "$recipe/train_gpt.py" <<'EOF'
import re, sys
source = open(sys.argv[1], encoding="utf-8").read()
tiny = dict(MODEL_DIM=32, NUM_HEADS=2, NUM_KV_HEADS=1, PRELUDE_LAYERS=1, CORE_LAYERS=1, CODA_LAYERS=1, MEAN_LOOPS=2,
            BATCH_TOKENS=512, SEQ_LEN=64, GRAD_ACCUM=2, WARMUP_STEPS=2)
for name, value in tiny.items():
    source, n = re.subn(r"^(%s = )(.+?)(  # @knob .*)$" % name, lambda m: m.group(1) + repr(value) + m.group(3),
                        source, flags=re.M)
    assert n == 1, name
open(sys.argv[2], "w", encoding="utf-8").write(source)
EOF
fi

rm -rf "$work/out"
mkdir -p "$work/out"
echo "== training $recipe/train_gpt.py (budget ${budget} s${steps:+, $steps steps})"
t0=$(date +%s%N)
set +e
LOOPLAB_DATA="$work/train" LOOPLAB_OUT="$work/out" LOOPLAB_METRICS="$work/metrics.jsonl" LOOPLAB_BUDGET_S="$budget" \
  LOOPLAB_SEED=1337 LOOPLAB_DEVICE="$device" LOOPLAB_STEPS="$steps" \
  "$python" "$recipe/train_gpt.py" 2>&1 | tee "$work/train.log" | grep -E "^(step:[0-9]*0/|parameter-golf)|Error|error" || true
train_rc=${PIPESTATUS[0]}
set -e
train_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
train_s=$(printf '%d.%03d' $((train_ms / 1000)) $((train_ms % 1000)))
echo "training exited $train_rc after $train_s s"

echo "== scoring with looplab_eval.parameter_golf"
"$python" -m looplab_eval.parameter_golf score --recipe-dir "$recipe" --entry train_gpt.py \
  --artifact-dir "$work/out" --val-dir "$work/data" --tokenizer "$work/data/tokenizer.model" \
  --train-seconds "$train_s" --train-budget-s "$((budget + 30))" --train-exit-code "$train_rc" \
  --train-log "$work/train.log" --eval-budget-s 600 --device "$device" --output "$work/verdict.json" \
  2>"$work/score.log" >/dev/null || { echo "scoring failed:"; tail -20 "$work/score.log"; exit 1; }

"$python" - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
v = json.load(open(f"{work}/verdict.json"))
metrics = {}
for line in open(f"{work}/metrics.jsonl"):
    m = json.loads(line)
    metrics[m["name"]] = m["value"]
vm = v["metrics"]
print("== result")
print(f"status            {v['status']}: {v['feedback']}")
print(f"train steps       {metrics.get('train_steps')} (planned {metrics.get('planned_steps')}), "
      f"{metrics.get('train_tokens', 0):,} tokens, last train_loss {metrics.get('train_loss', float('nan')):.4f}")
print(f"tokens/s (train)  {metrics.get('tokens_per_second', 0):,.0f}  (steps after the first two)")
if "val_bpb" in vm:
    print(f"val_bpb           {vm['val_bpb']:.4f}  (val_loss {vm['val_loss']:.4f} nats over {vm['eval_tokens']:,.0f} "
          f"tokens = {vm['eval_bytes']:,.0f} bytes)")
    print(f"eval              {v['eval_seconds']:.1f} s, {vm['eval_tokens_per_second']:,.0f} tokens/s scored, "
          f"causality delta {vm['causality_max_delta']:.3g}, batch delta {vm['batch_max_delta']:.3g}")
print(f"artifact          {v['artifact_bytes']:,} B = code {v['code_bytes']:,} B + model {v['model_bytes']:,} B "
      f"(cap 16,000,000 B)")
sys.exit(0 if v["status"] == "scored" else 1)
EOF
status=$?
if [ -n "${OUT:-}" ]; then
  cp "$work/verdict.json" "$work/metrics.jsonl" "$work/train.log" "$work/score.log" "$OUT/" 2>/dev/null || true
fi
exit $status
