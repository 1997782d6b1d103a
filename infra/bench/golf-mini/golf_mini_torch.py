#!/usr/bin/python3
"""golf-mini's baseline model, ported op for op from recipes/golf-mini/Recipe.java to PyTorch.

Used only to compare training speed (tokens per second) with the DJL recipe on the same CPU;
it is no part of Looplab's build or CI. Same shapes, parameter names and order, initial values
of the deterministic tensors (zeros, ones, identity, dt bias), forward ops, loss, global grad
clip, AdamW (decay on matrices only) and LR schedule as the recipe's LOOPLAB_STEPS mode.
Random initial values and batches come from torch's generator, not the recipe's SplittableRandom:
numbers of steps and shapes match, bits do not.

  LOOPLAB_THREADS=1 bench/golf-mini/golf_mini_torch.py --data train.txt --steps 60 --warmup 10

Prints one JSON line: parameters, threads, BLAS library, tokens/s over the steps after warm-up.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

# ---- the recipe's baseline knobs (recipes/golf-mini/Recipe.java) ----
D_MODEL = 96
HEADS = 4
MLP_RATIO = 3
PRELUDE_LAYERS = 1
CORE_LAYERS = 1
CODA_LAYERS = 1
MEAN_LOOPS = 3  # LOOP_SAMPLING fixed, BACKPROP_LOOPS 0: gradient through every loop
LR = 1e-2
BETA1 = 0.9
BETA2 = 0.95
GRAD_CLIP = 1.0
WARMUP_STEPS = 5
WARMDOWN_FRAC = 0.3
BATCH = 8
SEQ_LEN = 128
WEIGHT_DECAY = 0.1
INIT_STD = 0.02
HEAD_DIM = D_MODEL // HEADS
RMS_EPS = 1e-6
ADAM_EPS = 1e-8


class GolfMini(torch.nn.Module):
    """prelude -> shared core looped MEAN_LOOPS times with diagonal (Parcae) injection -> coda."""

    def __init__(self, generator):
        super().__init__()
        d = D_MODEL
        self.decayed = set()

        def add(name, tensor, decayed):
            self.register_parameter(name.replace(".", "_"), torch.nn.Parameter(tensor))
            if decayed:
                self.decayed.add(name.replace(".", "_"))

        def normal(*shape):
            return torch.randn(*shape, generator=generator) * INIT_STD

        add("tok_emb", normal(256, d), True)
        add("pos_emb", normal(SEQ_LEN, d), True)
        self.blocks = PRELUDE_LAYERS + CORE_LAYERS + CODA_LAYERS
        for b in range(self.blocks):
            n = f"block{b}."
            add(n + "norm1", torch.ones(d), False)
            add(n + "wqkv", normal(d, 3 * d), True)
            add(n + "wo", torch.zeros(d, d), True)  # zero-initialised: each block starts as the identity
            add(n + "norm2", torch.ones(d), False)
            add(n + "w1", normal(d, MLP_RATIO * d), True)
            add(n + "w2", torch.zeros(MLP_RATIO * d, d), True)
        add("inject_norm", torch.ones(d), False)
        dt_bias = math.log(math.exp(-math.log(0.447)) - 1.0)
        add("inject_a_log", torch.zeros(d), False)
        add("inject_dt_bias", torch.full((d,), dt_bias), False)
        add("inject_b", torch.eye(d), False)
        add("final_norm", torch.ones(d), False)
        add("head", normal(d, 256), True)
        mask = torch.triu(torch.full((SEQ_LEN, SEQ_LEN), -1e9), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def p(self, name):
        return getattr(self, name.replace(".", "_"))

    def forward(self, ids, loops):
        length = ids.shape[1]
        x = self.tok_emb[ids] + self.pos_emb[:length]
        x = x / (x.square().mean(dim=2, keepdim=True) + RMS_EPS).sqrt()
        b = 0
        for _ in range(PRELUDE_LAYERS):
            x = self.block(x, b)
            b += 1
        e = rms_norm(x, self.inject_norm)
        dt = torch.nn.functional.softplus(self.inject_dt_bias)
        e_injected = (e @ self.inject_b) * dt
        decay = (-(dt * self.inject_a_log.exp())).exp()
        core_start = b
        h = None
        for _ in range(loops):
            h = e_injected if h is None else h * decay + e_injected
            for i in range(CORE_LAYERS):
                h = self.block(h, core_start + i)
        b = core_start + CORE_LAYERS
        for _ in range(CODA_LAYERS):
            h = self.block(h, b)
            b += 1
        h = rms_norm(h, self.final_norm)
        return h @ self.head

    def block(self, x, index):
        n = f"block{index}."
        x = x + self.attention(rms_norm(x, self.p(n + "norm1")), self.p(n + "wqkv"), self.p(n + "wo"))
        hidden = torch.relu(rms_norm(x, self.p(n + "norm2")) @ self.p(n + "w1")).square()
        return x + hidden @ self.p(n + "w2")

    def attention(self, x, wqkv, wo):
        batch, length, _ = x.shape
        q, k, v = (x @ wqkv).split(D_MODEL, dim=2)
        q, k, v = (t.reshape(batch, length, HEADS, HEAD_DIM).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(HEAD_DIM))
        scores = scores + self.mask[:length, :length]  # causal: position i sees only j <= i
        out = scores.softmax(dim=3) @ v
        return out.transpose(1, 2).reshape(batch, length, D_MODEL) @ wo


def rms_norm(x, gain):
    return x / (x.square().mean(dim=2, keepdim=True) + RMS_EPS).sqrt() * gain


def learning_rate(step, progress):
    warm = min(1.0, (step + 1) / WARMUP_STEPS) if WARMUP_STEPS > 0 else 1.0
    down = 1.0
    if WARMDOWN_FRAC > 0 and progress > 1 - WARMDOWN_FRAC:
        down = max(0.0, (1 - progress) / WARMDOWN_FRAC)
    return LR * warm * max(down, 0.02)


class RecipeAdamW:
    """The recipe's own update, op for op (global clip by one norm, then AdamW with decoupled decay on
    matrices): tells whether a speed gap is the framework's or the recipe's hand-written optimizer's."""

    def __init__(self, model):
        self.params = list(model.named_parameters())
        self.decayed = model.decayed
        self.m1 = {n: torch.zeros_like(p) for n, p in self.params}
        self.m2 = {n: torch.zeros_like(p) for n, p in self.params}

    @torch.no_grad()
    def step(self, lr, t):
        sq = None
        for _, p in self.params:
            s = p.grad.square().sum()
            sq = s if sq is None else sq + s
        norm = math.sqrt(sq.item())
        scale = GRAD_CLIP / norm if GRAD_CLIP > 0 and norm > GRAD_CLIP else 1.0
        bc1 = 1 - BETA1 ** t
        bc2 = 1 - BETA2 ** t
        for name, p in self.params:
            g = p.grad if scale == 1.0 else p.grad * scale
            a, b = self.m1[name], self.m2[name]
            a.mul_(BETA1).add_(g * (1 - BETA1))
            b.mul_(BETA2).add_(g.square() * (1 - BETA2))
            update = (a / bc1 / ((b / bc2).sqrt() + ADAM_EPS)) * lr
            if name in self.decayed and WEIGHT_DECAY > 0:
                p.mul_(1 - lr * WEIGHT_DECAY)
            p.sub_(update)
            p.grad.zero_()


def blas_library():
    """The BLAS shared library this process really loaded (Debian switches it with update-alternatives)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return ",".join(sorted(os.path.realpath(lib) for lib in libs)) or "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="training bytes (the golf-mini training split)")
    parser.add_argument("--steps", type=int, default=60, help="training steps, schedule by step like LOOPLAB_STEPS")
    parser.add_argument("--warmup", type=int, default=10, help="steps left out of the tokens/s figure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--optimizer", choices=("torch", "recipe"), default="torch",
                        help="torch: torch.optim.AdamW + clip_grad_norm_; recipe: the recipe's hand-written update")
    args = parser.parse_args()
    threads = int(os.environ.get("LOOPLAB_THREADS", "1"))
    if threads < 1:
        sys.exit(f"LOOPLAB_THREADS must be >= 1, got {threads}")
    if args.warmup < 1 or args.steps <= args.warmup:
        sys.exit(f"--steps {args.steps} must exceed --warmup {args.warmup} >= 1: the steps after warm-up are timed")
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)  # as the recipe sets ai.djl.pytorch.num_interop_threads
    with open(args.data, "rb") as f:
        text = torch.tensor(list(f.read()), dtype=torch.int64)
    if text.numel() < SEQ_LEN + 2:
        sys.exit(f"--data {args.data} has {text.numel()} bytes; need more than SEQ_LEN + 1 = {SEQ_LEN + 1}")

    generator = torch.Generator().manual_seed(args.seed)
    model = GolfMini(generator)
    params = sum(p.numel() for p in model.parameters())
    decayed = [p for n, p in model.named_parameters() if n in model.decayed]
    plain = [p for n, p in model.named_parameters() if n not in model.decayed]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": WEIGHT_DECAY},
                                   {"params": plain, "weight_decay": 0.0}],
                                  lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS)
    recipe_optimizer = RecipeAdamW(model)
    offsets = torch.arange(SEQ_LEN + 1)

    stamps = []
    cpu = []
    phases = {"forward": 0.0, "backward": 0.0, "optimizer": 0.0}
    losses = []
    started = time.perf_counter()
    for step in range(args.steps):
        lr = learning_rate(step, step / args.steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        starts = torch.randint(0, text.numel() - SEQ_LEN - 1, (BATCH,), generator=generator)
        window = text[starts[:, None] + offsets]
        ids, targets = window[:, :-1], window[:, 1:].reshape(BATCH * SEQ_LEN, 1)
        t0 = time.thread_time()
        logits = model(ids, MEAN_LOOPS).reshape(BATCH * SEQ_LEN, 256)
        loss = -logits.log_softmax(dim=1).gather(1, targets).mean()
        t1 = time.thread_time()
        if args.optimizer == "torch":
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            loss_value = loss.item()
            t2 = time.thread_time()
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
            optimizer.step()
        else:
            loss.backward()
            loss_value = loss.item()
            t2 = time.thread_time()
            recipe_optimizer.step(lr, step + 1)
        t3 = time.thread_time()
        if step >= args.warmup:
            # main-thread CPU per phase: with one thread every op runs on it
            for name, spent in zip(phases, (t1 - t0, t2 - t1, t3 - t2)):
                phases[name] += spent
        if not math.isfinite(loss_value):
            sys.exit(f"training diverged at step {step} (loss {loss_value})")
        stamps.append(time.perf_counter() - started)
        cpu.append(time.process_time())  # all threads of this process
        losses.append(loss_value)

    timed = args.steps - args.warmup
    seconds = stamps[-1] - stamps[args.warmup - 1]
    cpu_seconds = cpu[-1] - cpu[args.warmup - 1]
    print(json.dumps({
        "framework": f"pytorch {torch.__version__}",
        "optimizer": args.optimizer,
        "parameters": params,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "steps": args.steps,
        "timed_steps": timed,
        "seconds": round(seconds, 3),
        "tokens_per_s": round(timed * BATCH * SEQ_LEN / seconds, 1),
        "cpu_seconds": round(cpu_seconds, 3),
        "ms_per_step": round(1000 * seconds / timed, 1),
        "phase_cpu_ms": {name: round(1000 * spent / timed, 1) for name, spent in phases.items()},
        "first_loss": round(losses[0], 4),
        "last_loss": round(losses[-1], 4),
    }))


if __name__ == "__main__":
    main()
