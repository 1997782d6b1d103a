"""What every task's scoring shares: the command line, the verdict JSON, budgets, the artifact and its size.

The verdict is one JSON object on stdout (and in ``--output`` when given):

    {"task", "evaluator", "version", "status", "score", "direction", "metrics": {name: number},
     "artifact_bytes", "code_bytes", "model_bytes", "eval_seconds", "data_sha256", "feedback"}

``status`` is one of Looplab's statuses (scored, crash, size_blocked, train_budget_overrun,
eval_budget_overrun, gate_miss, illegal); ``score`` is null unless scored. The process exits 0 whenever it
wrote a verdict, 2 when the evaluator itself is misconfigured (missing held-out data, bad arguments).
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time

from looplab_eval import VERSION

#: files the worker may keep in the artifact folder that are not part of the submission
DEFAULT_EXCLUDE = ("train.log", "metrics.jsonl")


class SetupError(Exception):
    """The evaluator cannot judge at all (its own data or arguments are wrong): exit 2, no verdict."""


def parser(task, entry, description):
    p = argparse.ArgumentParser(prog=f"python3 -m looplab_eval.{task.replace('-', '_')}", description=description)
    sub = p.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare", help="build the training data folder (held-out data never goes there)")
    score = sub.add_parser("score", help="judge a trained artifact and print the verdict JSON")
    score.add_argument("--recipe-dir", default=".", help="the trial's recipe folder")
    score.add_argument("--entry", default=entry, help=f"the recipe file inside --recipe-dir (default {entry})")
    score.add_argument("--artifact-dir", required=True, help="the folder the recipe wrote as LOOPLAB_OUT")
    score.add_argument("--train-seconds", type=float, help="training wallclock the worker measured")
    score.add_argument("--train-budget-s", type=float, help="the task's training budget (task.yaml)")
    score.add_argument("--train-exit-code", type=int, default=0, help="the training process's exit code")
    score.add_argument("--train-log", help="the training log, quoted in crash feedback")
    score.add_argument("--eval-budget-s", type=float, default=600.0, help="the task's evaluation budget")
    score.add_argument("--device", help="cpu, cuda or cuda:N (default: LOOPLAB_DEVICE, else cuda when available)")
    score.add_argument("--threads", type=int, help="torch threads of the evaluator and the model process")
    score.add_argument("--model-wrapper", default="[]",
                       help="JSON list: a command prefix the model process runs under (a sandbox)")
    score.add_argument("--exclude", default=",".join(DEFAULT_EXCLUDE),
                       help="comma-separated artifact file names that are not part of the submission")
    score.add_argument("--output", help="also write the verdict JSON to this file")
    return p, prepare, score


def device_of(requested):
    import torch

    if requested:
        return requested
    if os.environ.get("LOOPLAB_DEVICE"):
        return os.environ["LOOPLAB_DEVICE"]
    return "cuda" if torch.cuda.is_available() else "cpu"


def sha256_of(paths):
    """One digest over the names and bytes of ``paths`` (the held-out data's fingerprint)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(os.path.basename(path).encode("utf-8") + b"\0")
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def last_lines(text, n=6):
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-n:])


class Verdict:
    """Collects metrics and builds the verdict of one evaluation."""

    def __init__(self, task, evaluator, direction, data_sha256=""):
        self.task, self.evaluator, self.direction = task, evaluator, direction
        self.data_sha256 = data_sha256
        self.started = time.time()
        self.metrics = {}
        self.code_bytes = 0
        self.model_bytes = 0

    def metric(self, name, value):
        self.metrics[name] = float(value)

    def sizes(self, code_bytes, model_bytes):
        self.code_bytes, self.model_bytes = code_bytes, model_bytes
        self.metric("code_bytes", code_bytes)
        self.metric("model_bytes", model_bytes)
        self.metric("artifact_bytes", code_bytes + model_bytes)

    def _result(self, status, score, feedback):
        return {
            "task": self.task,
            "evaluator": self.evaluator,
            "version": VERSION,
            "status": status,
            "score": score,
            "direction": self.direction,
            "metrics": self.metrics,
            "artifact_bytes": self.code_bytes + self.model_bytes,
            "code_bytes": self.code_bytes,
            "model_bytes": self.model_bytes,
            "eval_seconds": round(time.time() - self.started, 3),
            "data_sha256": self.data_sha256,
            "feedback": feedback,
        }

    def fail(self, status, feedback):
        return self._result(status, None, feedback)

    def scored(self, score, feedback):
        return self._result("scored", float(score), feedback)


def training_verdict(args, verdict):
    """crash or train_budget_overrun from what the worker says of the training run; None when it was fine."""
    tail = ""
    if args.train_log and os.path.isfile(args.train_log):
        with open(args.train_log, encoding="utf-8", errors="replace") as f:
            tail = last_lines(f.read())
    if args.train_seconds is not None:
        verdict.metric("train_seconds", args.train_seconds)
    if args.train_budget_s is not None and args.train_seconds is not None and args.train_seconds > args.train_budget_s:
        return verdict.fail("train_budget_overrun",
                            f"training ran {args.train_seconds:.1f} s, past its {args.train_budget_s:g} s budget: "
                            "make the recipe stop itself earlier (it reads LOOPLAB_BUDGET_S) or do less per step")
    if args.train_exit_code != 0:
        return verdict.fail("crash", f"training exited with code {args.train_exit_code}"
                            + (f"; log tail:\n{tail}\n" if tail else "") + ": fix the error before tuning further")
    return None


class Submission:
    """The artifact's files copied to a private folder (what load_model sees) and the bytes they count."""

    def __init__(self, folder, files, model_bytes, code_bytes, code_path):
        self.folder, self.files = folder, files
        self.model_bytes, self.code_bytes, self.code_path = model_bytes, code_bytes, code_path

    def cleanup(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def collect_submission(args, verdict, cap_bytes=None, required=None):
    """(Submission, None) or (None, failure verdict): every regular file of the artifact folder except the
    excluded names counts as model bytes; the entry file's bytes are the code bytes (it must be UTF-8)."""
    code_path = os.path.join(args.recipe_dir, args.entry)
    if not os.path.isfile(code_path):
        return None, verdict.fail("crash", f"the recipe file {args.entry} is missing from {args.recipe_dir}")
    with open(code_path, "rb") as f:
        code = f.read()
    try:
        code.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, verdict.fail("crash", f"{args.entry} is not UTF-8 ({e}): save the recipe as UTF-8")
    excluded = {name for name in args.exclude.split(",") if name}
    if not os.path.isdir(args.artifact_dir):
        return None, verdict.fail("crash", "training wrote no artifact folder (LOOPLAB_OUT)")
    files = []
    for root, dirs, names in os.walk(args.artifact_dir):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, args.artifact_dir)
            if rel in excluded:
                continue
            if os.path.islink(path) or not os.path.isfile(path):
                return None, verdict.fail("crash", f"the artifact holds {rel}, which is not a plain file: "
                                                   "write weights as regular files")
            files.append(rel)
    model_bytes = sum(os.path.getsize(os.path.join(args.artifact_dir, rel)) for rel in files)
    verdict.sizes(len(code), model_bytes)
    for name in required or ():
        if name not in files:
            return None, verdict.fail("crash", f"training exited 0 but wrote no {name} to LOOPLAB_OUT: "
                                               "the recipe must export its weights before it exits")
    if not files:
        return None, verdict.fail("crash", "training exited 0 but wrote nothing to LOOPLAB_OUT: "
                                           "the recipe must export its weights before it exits")
    if cap_bytes is not None and len(code) + model_bytes > cap_bytes:
        return None, verdict.fail("size_blocked",
                                  f"size {len(code) + model_bytes:,} B > cap {cap_bytes:,} B (code {len(code):,} B + "
                                  f"model {model_bytes:,} B): fewer or narrower layers, or quantize harder")
    folder = tempfile.mkdtemp(prefix="looplab-submission-")
    for rel in files:
        target = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(args.artifact_dir, rel), target)
    return Submission(folder, files, model_bytes, len(code), code_path), None


class Deadline:
    """The evaluation budget: after ``seconds`` every registered model process is killed and ``expired`` set."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False
        self._processes = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def register(self, process):
        self._processes.append(process)
        if self.expired:
            process.kill()
        return process

    def _expire(self):
        self.expired = True
        for p in self._processes:
            p.kill()

    def cancel(self):
        self._timer.cancel()


def model_wrapper(args):
    wrapper = json.loads(args.model_wrapper)
    if not isinstance(wrapper, list) or not all(isinstance(w, str) for w in wrapper):
        raise SetupError("--model-wrapper must be a JSON list of strings, such as [\"bwrap\", \"--ro-bind\", ...]")
    return wrapper


def emit(result, output=None):
    text = json.dumps(result, indent=None, sort_keys=False)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(main, argv=None):
    """Runs a task's main: SetupError -> message on stderr, exit 2."""
    try:
        return main(argv)
    except SetupError as e:
        print(f"looplab_eval: {e}", file=sys.stderr)
        return 2


def nll_sum(logits, targets):
    """(sum of -log softmax(logits)[target] in float64, max |sum of probabilities - 1|) over positions.

    The evaluator normalises over the whole vocabulary itself, so the distribution it scores sums to one
    whatever the model returned; the second value shows it did (float32 rounding only).
    """
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    total = -picked.double().sum().item()
    mass = logp.double().exp().sum(-1)
    return total, (mass - 1).abs().max().item(), picked


def check_logits(logits, expected_shape, what):
    """None when ``logits`` has ``expected_shape`` and only finite values, else the reason."""
    import torch

    if tuple(logits.shape) != tuple(expected_shape):
        return (f"the model returned logits of shape {tuple(logits.shape)} for {what}; expected "
                f"{tuple(expected_shape)} (one logit per vocabulary entry at every position)")
    if not bool(torch.isfinite(logits).all()):
        bad = (~torch.isfinite(logits)).nonzero()[0].tolist()
        return f"the model returned a non-finite logit at index {bad} for {what}: logits must be finite"
    return None


def lm_probes(verdict, model, window, other, vocab, tolerance):
    """The language-model legality probes; a failure verdict or None.

    causality: the second half of ``window`` is changed; the first half's logits must not move.
    batch: ``window`` beside two different neighbours must get the same logits, so no sequence peeks at
    another in its batch (where later text of the held-out split sits).
    """
    import torch

    w = window.to(torch.int64)
    n = w.numel()
    half = n // 2
    altered = w.clone()
    altered[half:] = (w[half:] * 7 + torch.arange(half, n) + 3) % vocab
    first = model.forward(torch.stack([w, altered]).to(torch.int32))
    second = model.forward(torch.stack([w, other.to(torch.int64)[:n]]).to(torch.int32))
    for logits in (first, second):
        bad = check_logits(logits, (2, n, vocab), "the probe sequences")
        if bad:
            return verdict.fail("illegal", bad)
    delta = (first[0, :half] - first[1, :half]).abs().amax(-1) if half else torch.zeros(1)
    causal = delta.max().item()
    batch = (first[0] - second[0]).abs().max().item()
    verdict.metric("causality_max_delta", causal)
    verdict.metric("batch_max_delta", batch)
    if causal > tolerance:
        at = int((delta > tolerance).nonzero()[0])
        return verdict.fail("illegal", f"logits at position {at} changed by {delta[at].item():.3g} when only tokens "
                                       f"{half}..{n - 1} changed: the model sees later tokens (keep attention "
                                       "causal; position i may only use tokens 0..i)")
    if batch > tolerance:
        return verdict.fail("illegal", f"a sequence's logits changed by {batch:.3g} when the other sequence of its "
                                       "batch changed: sequences in a batch must not see each other")
    return None
