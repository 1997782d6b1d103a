"""Synthetic data in the real formats, for tests and the GPU check (no network, no downloads).

``write_golf_data`` writes a SentencePiece model with ``vocab_size`` pieces and FineWeb-format train and
val shards drawn from a sparse Markov chain over those pieces (documents start with BOS), so a model has
something to learn and val_bpb falls with training. ``write_cifar`` writes CIFAR-10 binary batches whose
classes differ in colour and stripes, so a small CNN separates them within an epoch.
"""

import math
import os
import random

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
