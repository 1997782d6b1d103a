"""parameter-golf: held-out bits per byte of a FineWeb-format validation split, under a 16,000,000-byte cap.

    python3 -m looplab_eval.parameter_golf prepare --data <shards> --tokenizer <x.model> --out <train dir>
    python3 -m looplab_eval.parameter_golf score --recipe-dir <dir> --artifact-dir <LOOPLAB_OUT>
        --val-dir <shards> --tokenizer <x.model> [--cap-bytes 16000000] [--eval-budget-s 600]
        [--train-seconds S --train-budget-s 600 --train-exit-code 0] [--max-eval-tokens N] [--device cuda]

``prepare`` links (or copies) only ``fineweb_train_*.bin`` into the training folder and writes its
``meta.json`` ({"vocab_size", "bos_id", "train_tokens"}). ``score`` checks the training run, the size cap
(code bytes of the entry file + every artifact byte), loads the model through the recipe's
``load_model(artifact_dir, device)`` in a model process, runs the legality probes (causality inside a
sequence, independence across the batch, logits over exactly the tokenizer's vocabulary, finite), then
scores the validation tokens in consecutive windows of the model's ``max_seq_len`` (default 1024): every
token after the first is a target once, BOS targets included, and

    val_bpb = (val_loss / ln 2) * (target tokens / target bytes)

with bytes counted through the tokenizer (``sentencepiece_model.SentencePieceModel.byte_tables``).
"""

import json
import math
import os
import shutil
import sys

from looplab_eval import common, shards
from looplab_eval.protocol import ModelError, ModelProcess
from looplab_eval.sentencepiece_model import CONTROL, SentencePieceModel, target_bytes

TASK = "parameter-golf"
NAME = "parameter-golf-bpb"
CAP_BYTES = 16_000_000
DEFAULT_SEQ_LEN = 1024
MAX_SEQ_LEN = 8192
#: largest change of a logit allowed where the model must not see a change (same kernels, same batch shape)
CAUSALITY_TOLERANCE = 1e-3


def main(argv=None):
    p, prepare, score = common.parser(TASK, "train_gpt.py", __doc__.splitlines()[0])
    prepare.add_argument("--data", required=True, help="folder with fineweb_train_*.bin (val shards are ignored)")
    prepare.add_argument("--tokenizer", required=True, help="the task's SentencePiece .model")
    prepare.add_argument("--out", required=True, help="the training data folder to fill (LOOPLAB_DATA)")
    score.add_argument("--val-dir", required=True, help="folder with fineweb_val_*.bin (held out)")
    score.add_argument("--tokenizer", required=True, help="the task's SentencePiece .model")
    score.add_argument("--cap-bytes", type=int, default=CAP_BYTES)
    score.add_argument("--max-eval-tokens", type=int, help="score only the first N validation tokens")
    score.add_argument("--batch-seqs", type=int, default=16, help="windows per request to the model process")
    score.add_argument("--causality-tol", type=float, default=CAUSALITY_TOLERANCE)
    args = p.parse_args(argv)
    if args.command == "prepare":
        common.emit(prepare_training(args.data, args.tokenizer, args.out))
        return 0
    common.emit(evaluate(args), args.output)
    return 0


def prepare_training(data_dir, tokenizer_path, out_dir):
    """Links every train shard into ``out_dir`` (copies across file systems) and writes meta.json."""
    files = shards.shard_files(data_dir, "train")
    if not files:
        raise common.SetupError(f"no fineweb_train_*.bin shards in {data_dir}")
    tokenizer = load_tokenizer(tokenizer_path)
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    for path in files:
        total += shards.read_header(path)
        link_or_copy(path, os.path.join(out_dir, os.path.basename(path)))
    meta = {"vocab_size": tokenizer.vocab_size, "bos_id": bos_id(tokenizer), "train_tokens": total,
            "train_shards": len(files)}
    with open(os.path.join(out_dir, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    meta["data_sha256"] = common.sha256_of(files)
    return meta


def link_or_copy(source, target):
    if os.path.exists(target):
        os.remove(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def load_tokenizer(path):
    if not os.path.isfile(path):
        raise common.SetupError(f"tokenizer {path} does not exist: point --tokenizer at the task's .model file")
    return SentencePieceModel.load(path)


def bos_id(tokenizer):
    """The id of ``<s>`` when the model has it as a control piece, else 1 (FineWeb's BOS)."""
    for i, p in enumerate(tokenizer.pieces):
        if p.piece == "<s>" and p.type == CONTROL:
            return i
    return 1


def evaluate(args):
    import torch

    val_files = shards.shard_files(args.val_dir, "val")
    if not val_files:
        raise common.SetupError(f"no fineweb_val_*.bin shards in {args.val_dir}: the held-out split is missing")
    tokenizer = load_tokenizer(args.tokenizer)
    verdict = common.Verdict(TASK, NAME, "lower", common.sha256_of(val_files + [args.tokenizer]))
    failed = common.training_verdict(args, verdict)
    if failed:
        return failed
    submission, failed = common.collect_submission(args, verdict, cap_bytes=args.cap_bytes)
    if failed:
        return failed
    device = common.device_of(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    deadline = common.Deadline(args.eval_budget_s)
    model = None
    try:
        model = deadline.register(ModelProcess(submission.code_path, submission.folder, device,
                                               common.model_wrapper(args), args.threads))
        return score_val(args, verdict, model, tokenizer, val_files, device, deadline)
    except ModelError as e:
        if deadline.expired:
            return verdict.fail("eval_budget_overrun", f"evaluation took longer than the {args.eval_budget_s:g} s "
                                                       "eval budget and was stopped: make the forward pass cheaper")
        tail = model.tail() if model else ""
        return verdict.fail("crash", f"{e}" + (f"; model stderr:\n{tail}" if tail else ""))
    finally:
        deadline.cancel()
        if model:
            model.close()
        submission.cleanup()


def score_val(args, verdict, model, tokenizer, val_files, device, deadline):
    import torch

    vocab = tokenizer.vocab_size
    verdict.metric("model_load_seconds", model.hello.get("load_seconds", 0))
    tokens = shards.read_split(args.val_dir, "val",
                               None if args.max_eval_tokens is None else args.max_eval_tokens + 1)
    if tokens.numel() < 3:
        raise common.SetupError(f"the validation split holds {tokens.numel()} tokens; scoring needs at least 3")
    if int(tokens.max()) >= vocab:
        raise common.SetupError(f"validation token {int(tokens.max())} is outside the tokenizer's {vocab} pieces")
    seq_len = model.hello.get("max_seq_len") or DEFAULT_SEQ_LEN
    seq_len = max(2, min(seq_len, MAX_SEQ_LEN, tokens.numel() - 1))
    verdict.metric("eval_seq_len", seq_len)

    failed = common.lm_probes(verdict, model, tokens[:seq_len], tokens[-seq_len:], vocab, args.causality_tol)
    if failed:
        return failed

    windows = (tokens.numel() - 1) // seq_len
    tables = tokenizer.byte_tables(vocab)
    nats, n_tokens, n_bytes, worst_mass = 0.0, 0, 0, 0.0
    import time

    started = time.time()
    for first in range(0, windows, args.batch_seqs):
        last = min(windows, first + args.batch_seqs)
        chunk = tokens[first * seq_len: last * seq_len + 1].to(torch.int64)
        x = chunk[:-1].reshape(last - first, seq_len)
        y = chunk[1:].reshape(last - first, seq_len)
        logits = model.forward(x.to(torch.int32))
        bad = common.check_logits(logits, (last - first, seq_len, vocab), f"windows {first}..{last - 1}")
        if bad:
            return verdict.fail("illegal", bad)
        logits = logits.to(device)
        total, mass, _ = common.nll_sum(logits, y.to(device))
        nats += total
        worst_mass = max(worst_mass, mass)
        n_tokens += y.numel()
        n_bytes += int(target_bytes(x.reshape(-1), y.reshape(-1), tables).sum())
    seconds = time.time() - started
    if n_bytes == 0:
        raise common.SetupError("the scored tokens stand for 0 bytes: the tokenizer does not match the shards")
    val_loss = nats / n_tokens
    bpb = val_loss / math.log(2) * n_tokens / n_bytes
    verdict.metric("val_bpb", bpb)
    verdict.metric("val_loss", val_loss)
    verdict.metric("eval_tokens", n_tokens)
    verdict.metric("eval_bytes", n_bytes)
    verdict.metric("eval_windows", windows)
    verdict.metric("normalisation_max_error", worst_mass)
    verdict.metric("eval_tokens_per_second", n_tokens / max(seconds, 1e-9))
    total_bytes = verdict.code_bytes + verdict.model_bytes
    return verdict.scored(bpb, f"val_bpb {bpb:.4f} (val_loss {val_loss:.4f} nats/token) over {n_tokens:,} tokens "
                               f"= {n_bytes:,} bytes in {windows} windows of {seq_len}; artifact {total_bytes:,} B "
                               f"of the {args.cap_bytes:,} B cap (code {verdict.code_bytes:,} B).")


if __name__ == "__main__":
    sys.exit(common.run(main))
