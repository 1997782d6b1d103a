"""airbench96: seconds of training per run on CIFAR-10, valid only when the runs' mean test accuracy reaches the gate.

    python3 -m looplab_eval.airbench prepare --cifar <dir> --out <train dir>
    python3 -m looplab_eval.airbench score --recipe-dir <dir> --artifact-dir <LOOPLAB_OUT> --cifar <dir>
        --runs N --gate-accuracy 0.96 --train-seconds S [--train-budget-s 2400] [--eval-budget-s 600]

CIFAR-10 binary: ``data_batch_1..5.bin`` and ``test_batch.bin``, records of 3,073 bytes (label, then 1024 R,
1024 G, 1024 B bytes, row-major 32x32). ``prepare`` links only the training batches into the training folder
and writes ``meta.json``. The recipe trains ``LOOPLAB_RUNS`` models, run r into ``LOOPLAB_OUT/run-<r>/``;
``score`` loads each through the recipe's ``load_model(run_dir, device)`` (uint8 images (n, 3, 32, 32) in,
logits (n, 10) out), computes each run's test accuracy itself (labels never leave the evaluator) and
checks that an image's logits do not depend on the rest of its batch. Score = the worker-measured training
seconds / runs (lower is better), when the mean accuracy >= the gate; else gate_miss.
"""

import glob
import json
import math
import os
import sys

from looplab_eval import common
from looplab_eval.parameter_golf import link_or_copy
from looplab_eval.protocol import ModelError, ModelProcess

TASK = "airbench96"
NAME = "airbench96-time"
RECORD = 3073
CLASSES = 10
#: an image's logits alone and inside a batch may differ by this (kernels differ by batch size) and no more
BATCH_TOLERANCE = 0.05


def main(argv=None):
    p, prepare, score = common.parser(TASK, "train.py", __doc__.splitlines()[0])
    prepare.add_argument("--cifar", required=True, help="folder with data_batch_*.bin (test_batch.bin is ignored)")
    prepare.add_argument("--out", required=True, help="the training data folder to fill (LOOPLAB_DATA)")
    score.add_argument("--cifar", required=True, help="folder with test_batch.bin (held out)")
    score.add_argument("--runs", type=int, required=True, help="models the recipe trained (task.yaml runs)")
    score.add_argument("--gate-accuracy", type=float, required=True, help="the mean test accuracy to reach")
    score.add_argument("--batch-images", type=int, default=1000, help="test images per request")
    args = p.parse_args(argv)
    if args.command == "prepare":
        common.emit(prepare_training(args.cifar, args.out))
        return 0
    common.emit(evaluate(args), args.output)
    return 0


def read_batch(path):
    """(uint8 images (n, 3, 32, 32), int64 labels (n,)) of one CIFAR-10 binary file."""
    import torch

    with open(path, "rb") as f:
        raw = bytearray(f.read())
    if not raw or len(raw) % RECORD:
        raise common.SetupError(f"{path}: {len(raw)} bytes is not a whole number of {RECORD}-byte CIFAR-10 records")
    records = torch.frombuffer(raw, dtype=torch.uint8).view(-1, RECORD)
    labels = records[:, 0].to(torch.int64)
    if int(labels.max()) >= CLASSES:
        raise common.SetupError(f"{path}: label {int(labels.max())} is not a CIFAR-10 class (0..9)")
    return records[:, 1:].reshape(-1, 3, 32, 32).clone(), labels


def prepare_training(cifar_dir, out_dir):
    files = sorted(glob.glob(os.path.join(cifar_dir, "data_batch_*.bin")))
    if not files:
        raise common.SetupError(f"no data_batch_*.bin in {cifar_dir}: point --cifar at the CIFAR-10 binary folder")
    os.makedirs(out_dir, exist_ok=True)
    images = 0
    for path in files:
        size = os.path.getsize(path)
        if size % RECORD:
            raise common.SetupError(f"{path}: {size} bytes is not a whole number of {RECORD}-byte records")
        images += size // RECORD
        link_or_copy(path, os.path.join(out_dir, os.path.basename(path)))
    meta = {"train_images": images, "classes": CLASSES, "train_files": len(files)}
    with open(os.path.join(out_dir, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    meta["data_sha256"] = common.sha256_of(files)
    return meta


def evaluate(args):
    import torch

    test_path = os.path.join(args.cifar, "test_batch.bin")
    if not os.path.isfile(test_path):
        raise common.SetupError(f"no test_batch.bin in {args.cifar}: the held-out images are missing")
    if args.runs < 1 or not 0 <= args.gate_accuracy <= 1:
        raise common.SetupError("--runs must be >= 1 and --gate-accuracy a fraction in [0, 1]")
    images, labels = read_batch(test_path)
    verdict = common.Verdict(TASK, NAME, "lower", common.sha256_of([test_path]))
    verdict.metric("runs", args.runs)
    verdict.metric("gate_accuracy", args.gate_accuracy)
    failed = common.training_verdict(args, verdict)
    if failed:
        return failed
    required = [f"run-{r}/" for r in range(args.runs)]
    submission, failed = common.collect_submission(args, verdict)
    if failed:
        return failed
    missing = [r for r in required if not any(f.startswith(r) for f in submission.files)]
    if missing:
        submission.cleanup()
        return verdict.fail("crash", f"training exited 0 but wrote no {missing[0]} to LOOPLAB_OUT: the recipe must "
                                     f"train LOOPLAB_RUNS={args.runs} models, run r into run-<r>/")
    if args.train_seconds is None:
        submission.cleanup()
        raise common.SetupError("--train-seconds is required: the score is the training time the worker measured")
    device = common.device_of(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    deadline = common.Deadline(args.eval_budget_s)
    model = None
    accuracies = []
    try:
        for run in range(args.runs):
            model = deadline.register(ModelProcess(submission.code_path, os.path.join(submission.folder, f"run-{run}"),
                                                   device, common.model_wrapper(args), args.threads))
            if run == 0:
                failed = batch_probe(verdict, model, images)
                if failed:
                    return failed
            correct = 0
            for first in range(0, images.size(0), args.batch_images):
                batch = images[first:first + args.batch_images]
                logits = model.forward(batch)
                bad = common.check_logits(logits, (batch.size(0), CLASSES), f"test images {first}..")
                if bad:
                    return verdict.fail("illegal", bad)
                correct += int((logits.argmax(-1) == labels[first:first + batch.size(0)]).sum())
            accuracies.append(correct / images.size(0))
            model.close()
            model = None
    except ModelError as e:
        if deadline.expired:
            return verdict.fail("eval_budget_overrun", f"testing {args.runs} runs took longer than the "
                                                       f"{args.eval_budget_s:g} s eval budget and was stopped")
        tail = model.tail() if model else ""
        return verdict.fail("crash", f"run {len(accuracies)}: {e}" + (f"; model stderr:\n{tail}" if tail else ""))
    finally:
        deadline.cancel()
        if model:
            model.close()
        submission.cleanup()
    return gate(args, verdict, accuracies, images.size(0))


def batch_probe(verdict, model, images):
    """The first images alone must get (nearly) the logits they get inside a larger batch: a model that
    normalises with the test batch's statistics (batch norm left in training mode) fails here."""
    import torch

    big = images[:min(images.size(0), 256)]
    small = big[:min(8, big.size(0))]
    together = model.forward(big)
    alone = model.forward(small)
    for logits, n in ((together, big.size(0)), (alone, small.size(0))):
        bad = common.check_logits(logits, (n, CLASSES), "the probe images")
        if bad:
            return verdict.fail("illegal", bad)
    delta = (together[:small.size(0)] - alone).abs().max().item()
    scale = max(1.0, together.abs().max().item())
    verdict.metric("batch_max_delta", delta)
    if delta > BATCH_TOLERANCE * scale:
        return verdict.fail("illegal", f"an image's logits changed by {delta:.3g} when the rest of its batch changed: "
                                       "test images must be classified one by one (batch norm in eval mode)")
    return None


def gate(args, verdict, accuracies, images):
    runs = len(accuracies)
    mean = sum(accuracies) / runs
    std = math.sqrt(sum((a - mean) ** 2 for a in accuracies) / max(1, runs - 1))
    for r, a in enumerate(accuracies):
        verdict.metric(f"accuracy_run{r}", a)
    verdict.metric("accuracy_mean", mean)
    verdict.metric("accuracy_std", std)
    verdict.metric("accuracy_min", min(accuracies))
    verdict.metric("eval_images", images)
    per_run = args.train_seconds / runs
    verdict.metric("train_seconds_per_run", per_run)
    listed = ", ".join(f"{a:.4f}" for a in accuracies)
    if mean < args.gate_accuracy:
        return verdict.fail("gate_miss", f"mean accuracy {mean:.4f} over {runs} seeds < gate {args.gate_accuracy:.4f} "
                                         f"(runs {listed}): disqualified; train longer (EPOCHS) or wider")
    return verdict.scored(per_run, f"{per_run:.2f} s of training per run ({args.train_seconds:.1f} s for {runs} runs); "
                                   f"mean accuracy {mean:.4f} over {runs} seeds >= gate {args.gate_accuracy:.4f} "
                                   f"(runs {listed}, margin {mean - args.gate_accuracy:.4f}).")


if __name__ == "__main__":
    sys.exit(common.run(main))
