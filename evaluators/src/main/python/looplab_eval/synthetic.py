"""Synthetic data in the real formats, for tests and the GPU check (no network, no downloads).

``write_golf_data`` writes a SentencePiece model with ``vocab_size`` pieces and FineWeb-format train and
val shards drawn from a sparse Markov chain over those pieces (documents start with BOS), so a model has
something to learn and val_bpb falls with training. ``write_cifar`` writes CIFAR-10 binary batches whose
classes differ in colour and stripes, so a small CNN separates them within an epoch. ``write_nanochat_data``
writes training text about animals, a BPE tokenizer learnt from it and a three-task CORE bundle about it.

    python3 -m looplab_eval.synthetic golf <folder> [--vocab N --train-tokens N --val-tokens N]
    python3 -m looplab_eval.synthetic cifar <folder> [--per-batch N --test N]
    python3 -m looplab_eval.synthetic nanochat <folder> [--documents N]
"""

import argparse
import json
import math
import os
import random
import sys

from looplab_eval import shards
from looplab_eval.sentencepiece_model import NORMAL, Piece, SentencePieceModel, SPACE, special_pieces

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def golf_tokenizer(vocab_size, seed=0):
    """<unk>, <s>, </s>, 256 byte pieces, then distinct made-up words (most with a leading '▁')."""
    rng = random.Random(seed)
    pieces = special_pieces()
    if vocab_size < len(pieces) + 2:
        raise ValueError(f"vocab_size {vocab_size} leaves no room for word pieces (at least {len(pieces) + 2})")
    seen = set()
    while len(pieces) < vocab_size:
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 7)))
        if rng.random() < 0.7:
            word = SPACE + word
        if word not in seen:
            seen.add(word)
            pieces.append(Piece(word, -float(len(pieces)), NORMAL))
    return SentencePieceModel(pieces)


def markov_tokens(count, vocab_size, seed, successors=6, doc_len=400, streams=None):
    """``count`` token ids (torch int64): documents of about ``doc_len`` tokens, each opened by BOS (1),
    every token followed by one of ``successors`` fixed tokens with Zipf-like odds."""
    import torch

    g = torch.Generator().manual_seed(seed)
    streams = streams or max(64, min(8192, count // 2048))  # parallel documents: few Python steps for big counts
    first = 3  # after <unk>, <s>, </s>
    succ = torch.randint(first, vocab_size, (vocab_size, successors), generator=g)
    weights = 1.0 / torch.arange(1, successors + 1, dtype=torch.float64)
    cdf = (weights.cumsum(0) / weights.sum()).float()
    steps = math.ceil(count / streams) + 1
    out = torch.empty(streams, steps, dtype=torch.int64)
    state = torch.randint(first, vocab_size, (streams,), generator=g)
    out[:, 0] = 1
    for t in range(1, steps):
        u = torch.rand(streams, generator=g)
        idx = (u[:, None] > cdf[None, :]).sum(-1).clamp_max(successors - 1)
        nxt = succ[state, idx]
        restart = torch.rand(streams, generator=g) < 1.0 / doc_len
        out[:, t] = torch.where(restart, torch.ones_like(nxt), nxt)
        state = torch.where(restart, torch.randint(first, vocab_size, (streams,), generator=g), nxt)
    return out.reshape(-1)[:count]


def write_tensor_shard(path, tokens):
    """A shard from a torch tensor of ids, written in one piece (fast for tens of millions of tokens)."""
    import struct

    import torch
    from looplab_eval.protocol import tensor_bytes

    header = struct.pack("<256i", shards.MAGIC, shards.VERSION, tokens.numel(), *([0] * 253))
    with open(path, "wb") as f:
        f.write(header)
        f.write(tensor_bytes(tokens.to(torch.int16)))


def write_golf_data(folder, vocab_size=1024, train_tokens=1 << 20, val_tokens=1 << 16, train_shards=1, seed=0):
    """``folder``/tokenizer.model, fineweb_train_00000N.bin and fineweb_val_000000.bin; returns the paths."""
    os.makedirs(folder, exist_ok=True)
    tokenizer = golf_tokenizer(vocab_size, seed)
    tok_path = os.path.join(folder, "tokenizer.model")
    tokenizer.save(tok_path)
    tokens = markov_tokens(train_tokens + val_tokens, vocab_size, seed)
    per = math.ceil(train_tokens / train_shards)
    train = []
    for i in range(train_shards):
        path = os.path.join(folder, f"fineweb_train_{i:06d}.bin")
        write_tensor_shard(path, tokens[i * per:min(train_tokens, (i + 1) * per)])
        train.append(path)
    val = tokens[train_tokens:].clone()
    val[0] = 1  # the held-out split starts a document, as FineWeb's does
    val_path = os.path.join(folder, "fineweb_val_000000.bin")
    write_tensor_shard(val_path, val)
    return {"tokenizer": tok_path, "train": train, "val": [val_path]}


def write_cifar(folder, per_batch=100, test=100, seed=0, batches=5):
    """CIFAR-10 binary files: data_batch_1..``batches``.bin and test_batch.bin, records of a label byte and
    1024 R, 1024 G, 1024 B bytes (row-major 32x32). Class k has its own colour and stripe period plus noise."""
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, n in [(f"data_batch_{i}.bin", per_batch) for i in range(1, batches + 1)] + [("test_batch.bin", test)]:
        out = bytearray()
        for _ in range(n):
            label = rng.randrange(10)
            out.append(label)
            out += cifar_image(label, rng)
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(out)
        paths.append(path)
    return paths


def cifar_image(label, rng):
    base = [(label * 25) % 256, (label * 71 + 40) % 256, (255 - label * 23) % 256]
    period = 2 + label % 5
    shift = rng.randrange(period)
    image = bytearray()
    for c in range(3):
        for y in range(32):
            for x in range(32):
                stripe = 40 if ((x + shift) // period) % 2 == (label // 5) else -40
                image.append(max(0, min(255, base[c] + stripe + rng.randint(-30, 30))))
    return image


WORDS = {"animal": ["cat", "dog", "bird", "fish"], "place": ["mat", "log", "tree", "pond"],
         "verb": ["sat", "slept", "sang", "swam"]}


def animal_sentence(rng):
    return f"the {rng.choice(WORDS['animal'])} {rng.choice(WORDS['verb'])} on the {rng.choice(WORDS['place'])}"


def write_nanochat_data(folder, documents=300, vocab_size=320, seed=5):
    """``folder``/text/docs.txt (documents of four sentences, blank-line separated), ``folder``/text/tokenizer.model
    (a BPE learnt from such sentences) and ``folder``/bundle (core.yaml, eval_meta_data.csv, eval_data/): a
    multiple-choice, a language-modelling and a schema task; returns the paths."""
    from looplab_eval.sentencepiece_model import train_bpe

    rng = random.Random(seed)
    text = os.path.join(folder, "text")
    os.makedirs(text, exist_ok=True)
    with open(os.path.join(text, "docs.txt"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(". ".join(animal_sentence(rng) for _ in range(4)) for _ in range(documents)))
    tokenizer = os.path.join(text, "tokenizer.model")
    train_bpe([animal_sentence(rng) for _ in range(200)], vocab_size=vocab_size).save(tokenizer)
    bundle = os.path.join(folder, "bundle")
    tasks = [
        ("animals", "multiple_choice", 25, 1, [{"query": f"the {a} sat on the", "choices": WORDS["place"], "gold": i}
                                               for i, a in enumerate(WORDS["animal"])]),
        ("verbs", "language_modeling", 0, 0, [{"context": f"the {a}", "continuation": v}
                                             for a, v in zip(WORDS["animal"], WORDS["verb"])]),
        ("places", "schema", 50, 0, [{"context_options": ["the cat sat on", "the cat sat under"],
                                      "continuation": "the mat", "gold": 0}])]
    os.makedirs(os.path.join(bundle, "eval_data", "synthetic"), exist_ok=True)
    lines = ["icl_tasks:"]
    for label, kind, _, shots, examples in tasks:
        lines += [f"- label: {label}", f"  dataset_uri: synthetic/{label}.jsonl", f"  num_fewshot: [{shots}]",
                  f"  icl_task_type: {kind}", "  continuation_delimiter: ' '"]
        with open(os.path.join(bundle, "eval_data", "synthetic", f"{label}.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(e) + "\n" for e in examples)
    with open(os.path.join(bundle, "core.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(bundle, "eval_meta_data.csv"), "w", encoding="utf-8") as f:
        f.write("Eval Task,Task Category,Random baseline\n")
        f.writelines(f"{label},synthetic,{rb}\n" for label, _, rb, _, _ in tasks)
    return {"text": text, "tokenizer": tokenizer, "bundle": bundle}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m looplab_eval.synthetic", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="kind", required=True)
    golf = sub.add_parser("golf", help="FineWeb-format shards and a SentencePiece model (parameter-golf)")
    golf.add_argument("folder")
    golf.add_argument("--vocab", type=int, default=1024)
    golf.add_argument("--train-tokens", type=int, default=1 << 20)
    golf.add_argument("--val-tokens", type=int, default=1 << 16)
    golf.add_argument("--seed", type=int, default=0)
    cifar = sub.add_parser("cifar", help="CIFAR-10 binary batches (airbench96)")
    cifar.add_argument("folder")
    cifar.add_argument("--per-batch", type=int, default=100)
    cifar.add_argument("--test", type=int, default=100)
    cifar.add_argument("--seed", type=int, default=0)
    nanochat = sub.add_parser("nanochat", help="training text, a tokenizer and a CORE bundle (nanochat-d12)")
    nanochat.add_argument("folder")
    nanochat.add_argument("--documents", type=int, default=300)
    args = p.parse_args(argv)
    if args.kind == "golf":
        written = write_golf_data(args.folder, vocab_size=args.vocab, train_tokens=args.train_tokens,
                                  val_tokens=args.val_tokens, seed=args.seed)
    elif args.kind == "cifar":
        written = {"files": write_cifar(args.folder, per_batch=args.per_batch, test=args.test, seed=args.seed)}
    else:
        written = write_nanochat_data(args.folder, documents=args.documents)
    print(json.dumps(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
