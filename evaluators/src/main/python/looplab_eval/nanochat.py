"""nanochat-d12: the CORE metric (DCLM's in-context tasks, centred accuracy) of a pretrained model, higher is better.

    python3 -m looplab_eval.nanochat prepare --text <dir> --tokenizer <x.model> --out <train dir> [--max-tokens N]
    python3 -m looplab_eval.nanochat score --recipe-dir <dir> --artifact-dir <LOOPLAB_OUT> --bundle <eval_bundle>
        --tokenizer <x.model> [--eval-budget-s 600] [--max-per-task N] [--train-seconds S --train-budget-s B]

``prepare`` reads the training text (``*.parquet`` with a ``text`` column when pyarrow is importable,
otherwise ``*.jsonl`` with a ``text`` field per line and ``*.txt`` with documents separated by blank lines;
with two or more parquet shards the last one is nanochat's validation shard and is left out), encodes every
document as BOS + tokens with the task's tokenizer and writes FineWeb-format shards ``tokens_train_NNNNNN.bin``
and ``meta.json``; the recipe trains on token ids, so the tokenizer stays the evaluator's.

``score`` reads the CORE bundle (``core.yaml`` with ``icl_tasks``, ``eval_meta_data.csv`` with the random
baseline in percent per task, ``eval_data/<dataset_uri>`` JSONL), renders each example as nanochat does,
asks the model (the recipe's ``load_model``) for the logits of the continuation positions and decides:
multiple choice and schema: the option with the lowest mean continuation loss; language modelling: correct
when every continuation token is the greedy argmax. CORE = mean over tasks of (acc - 0.01 rb) / (1 - 0.01 rb).
"""

import csv
import glob
import json
import os
import random
import sys
import time

from looplab_eval import common, miniyaml, shards
from looplab_eval.parameter_golf import bos_id, load_tokenizer
from looplab_eval.protocol import ModelError, ModelProcess

TASK = "nanochat-d12"
NAME = "nanochat-core"
SHARD_TOKENS = 50_000_000
CAUSALITY_TOLERANCE = 1e-3


def main(argv=None):
    p, prepare, score = common.parser(TASK, "train.py", __doc__.splitlines()[0])
    prepare.add_argument("--text", required=True, help="folder of training text shards")
    prepare.add_argument("--tokenizer", required=True, help="the task's SentencePiece .model")
    prepare.add_argument("--out", required=True, help="the training data folder to fill (LOOPLAB_DATA)")
    prepare.add_argument("--max-tokens", type=int, help="stop after this many tokens")
    score.add_argument("--bundle", required=True, help="the CORE eval bundle folder (core.yaml, eval_meta_data.csv)")
    score.add_argument("--tokenizer", required=True, help="the task's SentencePiece .model")
    score.add_argument("--max-per-task", type=int, default=-1, help="examples per task (-1: all)")
    score.add_argument("--causality-tol", type=float, default=CAUSALITY_TOLERANCE)
    args = p.parse_args(argv)
    if args.command == "prepare":
        common.emit(prepare_training(args.text, args.tokenizer, args.out, args.max_tokens))
        return 0
    common.emit(evaluate(args), args.output)
    return 0


# ------------------------------------------------------------------------------------------------ training text

def text_documents(folder):
    """Yields the documents of ``folder`` in file-name order (see the module docstring for the formats)."""
    parquet = sorted(glob.glob(os.path.join(folder, "*.parquet")))
    if parquet:
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise common.SetupError(f"{folder} holds parquet shards but pyarrow is not installed: install it "
                                    "(Debian: python3-pyarrow) or give the text as .jsonl or .txt shards")
        for path in parquet[:-1] if len(parquet) > 1 else parquet:
            for text in pq.read_table(path, columns=["text"]).column("text").to_pylist():
                yield text
        return
    files = sorted(glob.glob(os.path.join(folder, "*.jsonl")) + glob.glob(os.path.join(folder, "*.txt")))
    if not files:
        raise common.SetupError(f"no training text in {folder}: expected *.parquet, *.jsonl or *.txt shards")
    for path in files:
        with open(path, encoding="utf-8") as f:
            if path.endswith(".jsonl"):
                for line in f:
                    if line.strip():
                        yield json.loads(line)["text"]
            else:
                for doc in f.read().split("\n\n"):
                    if doc.strip():
                        yield doc.strip()


def prepare_training(text_dir, tokenizer_path, out_dir, max_tokens=None, shard_tokens=SHARD_TOKENS):
    tokenizer = load_tokenizer(tokenizer_path)
    bos = bos_id(tokenizer)
    os.makedirs(out_dir, exist_ok=True)
    buffer, written, documents, index = [], 0, 0, 0
    for doc in text_documents(text_dir):
        buffer.append(bos)
        buffer.extend(tokenizer.encode(doc))
        documents += 1
        if max_tokens is not None and written + len(buffer) >= max_tokens:
            buffer = buffer[:max_tokens - written]
        while len(buffer) >= shard_tokens:
            shards.write_shard(os.path.join(out_dir, f"tokens_train_{index:06d}.bin"), buffer[:shard_tokens])
            written, index, buffer = written + shard_tokens, index + 1, buffer[shard_tokens:]
        if max_tokens is not None and written + len(buffer) >= max_tokens:
            break
    if buffer:
        shards.write_shard(os.path.join(out_dir, f"tokens_train_{index:06d}.bin"), buffer)
        written, index = written + len(buffer), index + 1
    if written == 0:
        raise common.SetupError(f"the text in {text_dir} encodes to no tokens")
    meta = {"vocab_size": tokenizer.vocab_size, "bos_id": bos, "train_tokens": written, "train_shards": index,
            "documents": documents}
    with open(os.path.join(out_dir, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    return meta


# ------------------------------------------------------------------------------------------------ CORE bundle

class CoreTask:
    def __init__(self, label, kind, examples, num_fewshot, delimiter, random_baseline):
        self.label, self.kind, self.examples = label, kind, examples
        self.num_fewshot, self.delimiter, self.random_baseline = num_fewshot, delimiter, random_baseline


def bundle_files(bundle):
    """core.yaml, eval_meta_data.csv and the data folder of a bundle (``bundle`` or ``bundle``/eval_bundle)."""
    root = bundle if os.path.isfile(os.path.join(bundle, "core.yaml")) else os.path.join(bundle, "eval_bundle")
    config = os.path.join(root, "core.yaml")
    meta = os.path.join(root, "eval_meta_data.csv")
    if not os.path.isfile(config) or not os.path.isfile(meta):
        raise common.SetupError(f"{bundle} is not a CORE eval bundle: it needs core.yaml and eval_meta_data.csv")
    return root, config, meta, os.path.join(root, "eval_data")


def load_bundle(bundle, max_per_task=-1):
    """The bundle's tasks, each shuffled with Random(1337) as nanochat does and cut to ``max_per_task``."""
    root, config_path, meta_path, data_dir = bundle_files(bundle)
    with open(config_path, encoding="utf-8") as f:
        config = miniyaml.load(f.read()) or {}
    baselines = {}
    with open(meta_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            baselines[row["Eval Task"]] = float(row["Random baseline"])
    tasks, files = [], [config_path, meta_path]
    for entry in config.get("icl_tasks") or []:
        label = entry["label"]
        if label not in baselines:
            raise common.SetupError(f"task {label} of core.yaml has no 'Random baseline' in eval_meta_data.csv")
        kind = entry["icl_task_type"]
        if kind not in ("multiple_choice", "schema", "language_modeling"):
            raise common.SetupError(f"task {label}: icl_task_type {kind!r} is not one CORE uses")
        path = os.path.join(data_dir, entry["dataset_uri"])
        files.append(path)
        with open(path, encoding="utf-8") as f:
            examples = [json.loads(line) for line in f if line.strip()]
        random.Random(1337).shuffle(examples)
        if max_per_task > 0:
            examples = examples[:max_per_task]
        fewshot = entry.get("num_fewshot", [0])
        fewshot = fewshot[0] if isinstance(fewshot, list) else int(fewshot)
        tasks.append(CoreTask(label, kind, examples, fewshot, entry.get("continuation_delimiter", " "),
                              baselines[label]))
    if not tasks:
        raise common.SetupError(f"{config_path} lists no icl_tasks")
    return tasks, files


def fewshot_examples(task, idx):
    if task.num_fewshot <= 0:
        return []
    rng = random.Random(1234 + idx)
    others = [i for i in range(len(task.examples)) if i != idx]
    return [task.examples[i] for i in rng.sample(others, min(task.num_fewshot, len(others)))]


def render(task, idx):
    """The prompts of example ``idx``: one per choice (multiple choice), per context option (schema), or
    [without continuation, with continuation] (language modelling)."""
    item, d = task.examples[idx], task.delimiter
    shots = fewshot_examples(task, idx)
    if task.kind == "multiple_choice":
        prefix = "".join(f"{ex['query']}{d}{ex['choices'][ex['gold']]}\n\n" for ex in shots)
        return [f"{prefix}{item['query']}{d}{choice}" for choice in item["choices"]]
    if task.kind == "schema":
        prefix = "".join(f"{ex['context_options'][ex['gold']]}{d}{ex['continuation']}\n\n" for ex in shots)
        return [f"{prefix}{option}{d}{item['continuation']}" for option in item["context_options"]]
    prefix = "".join(f"{ex['context'].strip()}{d}{ex['continuation']}\n\n" for ex in shots)
    without = f"{prefix}{item['context'].strip()}{d}"
    return [without.strip(), without + item["continuation"]]


def common_length(seqs, from_end=False):
    shortest = min(len(s) for s in seqs)
    for i in range(shortest):
        j = -1 - i if from_end else i
        if any(s[j] != seqs[0][j] for s in seqs):
            return i
    return shortest


def sequences(task, prompts, tokenizer, bos):
    """(token lists, start, end): the scored continuation of row i is tokens[i][start[i]:end[i]]."""
    tokens = [[bos] + tokenizer.encode(p) for p in prompts]
    if task.kind == "multiple_choice":
        start = common_length(tokens)
        return tokens, [start] * len(tokens), [len(t) for t in tokens]
    if task.kind == "schema":
        suffix = common_length(tokens, from_end=True)
        return tokens, [len(t) - suffix for t in tokens], [len(t) for t in tokens]
    without, with_ = tokens
    start = len(without) if with_[:len(without)] == without else common_length(tokens)
    return [with_], [start], [len(with_)]


def crop(tokens, starts, ends, max_len):
    """Keeps the last ``max_len`` tokens of longer rows, shifting their indices (nanochat's rule)."""
    if not max_len:
        return tokens, starts, ends
    out_t, out_s, out_e = [], [], []
    for t, s, e in zip(tokens, starts, ends):
        cut = max(0, len(t) - max_len)
        out_t.append(t[cut:])
        out_s.append(max(1, s - cut))
        out_e.append(e - cut)
    return out_t, out_s, out_e


def judge_example(model, task, idx, tokenizer, bos, vocab, max_len, device):
    """(correct, info) of one example; raises ValueError with the reason for bad logits."""
    import torch

    tokens, starts, ends = crop(*sequences(task, render(task, idx), tokenizer, bos), max_len)
    if any(s >= e or s < 1 for s, e in zip(starts, ends)):
        return False, {"empty": True}
    width = max(len(t) for t in tokens)
    ids = torch.full((len(tokens), width), bos, dtype=torch.int64)
    for i, t in enumerate(tokens):
        ids[i, :len(t)] = torch.tensor(t, dtype=torch.int64)
    lo, hi = min(starts) - 1, max(ends) - 1
    logits = model.forward(ids.to(torch.int32), positions=(lo, hi))
    bad = common.check_logits(logits, (len(tokens), hi - lo, vocab), f"{task.label} example {idx}")
    if bad:
        raise ValueError(bad)
    logits = logits.to(device)
    logp = torch.log_softmax(logits, dim=-1)
    ids = ids.to(device)
    if task.kind == "language_modeling":
        s, e = starts[0], ends[0]
        predicted = logits[0, s - 1 - lo:e - 1 - lo].argmax(-1)
        return bool(torch.equal(predicted, ids[0, s:e])), {}
    means = []
    for i, (s, e) in enumerate(zip(starts, ends)):
        targets = ids[i, s:e]
        picked = logp[i, s - 1 - lo:e - 1 - lo].gather(-1, targets[:, None]).squeeze(-1)
        means.append(-picked.double().mean().item())
    pred = means.index(min(means))
    return pred == task.examples[idx]["gold"], {"pred": pred}


def evaluate(args):
    import torch

    tokenizer = load_tokenizer(args.tokenizer)
    tasks, files = load_bundle(args.bundle, args.max_per_task)
    verdict = common.Verdict(TASK, NAME, "higher", common.sha256_of(files + [args.tokenizer]))
    failed = common.training_verdict(args, verdict)
    if failed:
        return failed
    submission, failed = common.collect_submission(args, verdict)
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
        return score_core(args, verdict, model, tokenizer, tasks, device)
    except ModelError as e:
        if deadline.expired:
            return verdict.fail("eval_budget_overrun", f"CORE took longer than the {args.eval_budget_s:g} s eval "
                                                       "budget and was stopped: make the forward pass cheaper")
        tail = model.tail() if model else ""
        return verdict.fail("crash", f"{e}" + (f"; model stderr:\n{tail}" if tail else ""))
    finally:
        deadline.cancel()
        if model:
            model.close()
        submission.cleanup()


def score_core(args, verdict, model, tokenizer, tasks, device):
    import torch

    vocab = tokenizer.vocab_size
    bos = bos_id(tokenizer)
    max_len = model.hello.get("max_seq_len")
    verdict.metric("model_load_seconds", model.hello.get("load_seconds", 0))
    probe = []
    for task in tasks:
        for idx in range(len(task.examples)):
            if len(probe) < 64:
                probe.extend([bos] + tokenizer.encode(render(task, idx)[-1]))
    probe = probe[:min(len(probe), max_len or len(probe), 256)]
    if len(probe) >= 4:
        window = torch.tensor(probe, dtype=torch.int64)
        failed = common.lm_probes(verdict, model, window, window.flip(0), vocab, args.causality_tol)
        if failed:
            return failed
    centered, lines, started = {}, [], time.time()
    examples = 0
    for task in tasks:
        correct = 0
        for idx in range(len(task.examples)):
            try:
                ok, _ = judge_example(model, task, idx, tokenizer, bos, vocab, max_len, device)
            except ValueError as e:
                return verdict.fail("illegal", str(e))
            correct += int(ok)
        examples += len(task.examples)
        accuracy = correct / max(1, len(task.examples))
        rb = 0.01 * task.random_baseline
        centered[task.label] = (accuracy - rb) / (1.0 - rb)
        verdict.metric(f"accuracy_{task.label}", accuracy)
        verdict.metric(f"centered_{task.label}", centered[task.label])
        lines.append(f"{task.label} {accuracy:.3f}")
    core = sum(centered.values()) / len(centered)
    verdict.metric("core", core)
    verdict.metric("core_tasks", len(centered))
    verdict.metric("core_examples", examples)
    verdict.metric("core_seconds", time.time() - started)
    return verdict.scored(core, f"CORE {core:.4f} over {len(centered)} tasks ({examples:,} examples; accuracy "
                                f"{', '.join(lines)}); higher is better.")


if __name__ == "__main__":
    sys.exit(common.run(main))
