"""parameter-golf baseline: a looped GPT (prelude -> shared core looped T times -> coda) on FineWeb token shards.

    train:  python3 train_gpt.py      env LOOPLAB_DATA, LOOPLAB_OUT, LOOPLAB_METRICS, LOOPLAB_BUDGET_S, LOOPLAB_SEED,
                                      optional LOOPLAB_STEPS, LOOPLAB_THREADS, LOOPLAB_DEVICE (else cuda when present)
    score:  the evaluator imports this file and calls load_model(artifact_dir, device); see README.md.

One file on purpose: the recipe is the unit a trial edits, and its bytes count against the 16,000,000-byte cap.
Knobs are the tagged constants below (one per line); everything else follows from them.
"""

import ctypes
import glob
import json
import math
import os
import random
import struct
import sys
import time
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- knobs: one per line, each tagged with the surface that may edit it ----
MODEL_DIM = 512  # @knob surface=architecture range=[64,1024]
NUM_HEADS = 8  # @knob surface=architecture range=[1,16]
NUM_KV_HEADS = 4  # @knob surface=architecture range=[1,16]
MLP_MULT = 2  # @knob surface=architecture range=[1,6]
PRELUDE_LAYERS = 2  # @knob surface=architecture range=[0,6]
CODA_LAYERS = 2  # @knob surface=architecture range=[0,6]
TIE_EMBEDDINGS = True  # @knob surface=architecture range={True,False}
ACTIVATION = "relu2"  # @knob surface=architecture range={relu2,leaky_relu2,gelu}
LOGIT_SOFTCAP = 30.0  # @knob surface=architecture range=[0,50]
ROPE_BASE = 10000.0  # @knob surface=architecture range=[1000,1000000]
CORE_LAYERS = 3  # @knob surface=loop range=[1,6]
MEAN_LOOPS = 3  # @knob surface=loop range=[1,12]
LOOP_SAMPLING = "fixed"  # @knob surface=loop range={fixed,poisson}
BACKPROP_LOOPS = 0  # @knob surface=loop range=[0,12]
INJECTION = "diagonal"  # @knob surface=loop range={add,linear,diagonal}
LOOP_START_FRAC = 0.0  # @knob surface=loop range=[0,0.9]
EVAL_LOOPS = 0  # @knob surface=loop range=[0,24]
MATRIX_LR = 0.04  # @knob surface=optimizer range=[0.005,0.1]
EMBED_LR = 0.05  # @knob surface=optimizer range=[0.005,1.0]
HEAD_LR = 0.008  # @knob surface=optimizer range=[0.001,0.05]
SCALAR_LR = 0.04  # @knob surface=optimizer range=[0.005,0.1]
MUON_MOMENTUM = 0.95  # @knob surface=optimizer range=[0.8,0.99]
MUON_STEPS = 5  # @knob surface=optimizer range=[1,10]
BETA1 = 0.9  # @knob surface=optimizer range=[0.5,0.99]
BETA2 = 0.95  # @knob surface=optimizer range=[0.9,0.999]
GRAD_CLIP = 0.0  # @knob surface=optimizer range=[0,10]
WARMUP_STEPS = 10  # @knob surface=schedule range=[0,500]
WARMDOWN_FRAC = 0.5  # @knob surface=schedule range=[0,1]
BATCH_TOKENS = 524288  # @knob surface=data range=[1024,1048576]
SEQ_LEN = 1024  # @knob surface=data range=[16,4096]
GRAD_ACCUM = 4  # @knob surface=data range=[1,64]
WEIGHT_DECAY = 0.0  # @knob surface=regularisation range=[0,0.2]
INIT_STD = 0.005  # @knob surface=regularisation range=[0.001,0.05]
QAT_NOISE = 0.0  # @knob surface=regularisation range=[0,1]
QUANT_BITS = 8  # @knob surface=compression range=[4,8]
CLIP_QUANTILE = 0.99999  # @knob surface=compression range=[0.99,1.0]
ZLIB_LEVEL = 9  # @knob surface=compression range=[1,9]

# not knobs: the runtime and the artifact format
COMPILE = True  # torch.compile on CUDA when available (env LOOPLAB_COMPILE=0 turns it off); eager if it fails
FORMAT = b"PGLF"
FORMAT_VERSION = 1
FLOAT_KEEP_NUMEL = 65536  # tensors this small (or not 2-D) are stored as float16, not quantized
PLAN_AFTER_STEPS = 6  # steps timed before a budgeted run fixes its step count
LOG_EVERY = 10
STARTED = time.time()


# ------------------------------------------------------------------------------------------------ model

def rms_norm(x, eps=1e-6):
    if hasattr(F, "rms_norm"):
        return F.rms_norm(x, (x.size(-1),), eps=eps)
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def causal_attention(q, k, v):
    """softmax(q k^T / sqrt(d)) v with position i seeing 0..i; (B, H, T, D) in and out."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    t = q.size(-2)
    scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(q.size(-1)))
    mask = torch.ones(t, t, dtype=torch.bool, device=q.device).triu(1)
    return scores.masked_fill(mask, float("-inf")).softmax(-1) @ v


def rotary(seq_len, dim, device):
    inv = 1.0 / (ROPE_BASE ** (torch.arange(0, dim, 2, dtype=torch.float32, device=device) / dim))
    freqs = torch.outer(torch.arange(seq_len, dtype=torch.float32, device=device), inv)
    return freqs.cos()[None, None], freqs.sin()[None, None]


def apply_rotary(x, cos, sin):
    half = x.size(-1) // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat((a * cos + b * sin, b * cos - a * sin), dim=-1).to(x.dtype)


class Linear(nn.Linear):
    """A bias-free linear layer; with QAT_NOISE > 0 training sees its weights jittered by up to that fraction
    of a quantization step, so the looped core learns to tolerate the export's rounding."""

    def __init__(self, fan_in, fan_out, zero=False):
        super().__init__(fan_in, fan_out, bias=False)
        if zero:
            nn.init.zeros_(self.weight)

    def forward(self, x):
        w = self.weight
        if self.training and QAT_NOISE > 0:
            levels = (1 << (QUANT_BITS - 1)) - 1
            step = (w.detach().abs().amax(dim=1, keepdim=True) / levels).clamp_min(1e-8)
            w = w + (torch.rand_like(w) - 0.5) * step * QAT_NOISE
        return F.linear(x, w.to(x.dtype))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        d, hd = MODEL_DIM, MODEL_DIM // NUM_HEADS
        self.q = Linear(d, d)
        self.k = Linear(d, NUM_KV_HEADS * hd)
        self.v = Linear(d, NUM_KV_HEADS * hd)
        self.proj = Linear(d, d, zero=True)  # zero-initialised outputs: each block starts as the identity
        self.fc = Linear(d, MLP_MULT * d)
        self.out = Linear(MLP_MULT * d, d, zero=True)
        self.q_gain = nn.Parameter(torch.full((NUM_HEADS,), 1.5))
        self.attn_scale = nn.Parameter(torch.ones(d))
        self.mlp_scale = nn.Parameter(torch.ones(d))

    def forward(self, x, cos, sin):
        b, t, d = x.shape
        hd = d // NUM_HEADS
        h = rms_norm(x)
        q = self.q(h).view(b, t, NUM_HEADS, hd).transpose(1, 2)
        k = self.k(h).view(b, t, NUM_KV_HEADS, hd).transpose(1, 2)
        v = self.v(h).view(b, t, NUM_KV_HEADS, hd).transpose(1, 2)
        q, k = rms_norm(q), rms_norm(k)  # QK-norm
        q = apply_rotary(q, cos, sin) * self.q_gain.to(q.dtype)[None, :, None, None]
        k = apply_rotary(k, cos, sin)
        if NUM_KV_HEADS != NUM_HEADS:
            k = k.repeat_interleave(NUM_HEADS // NUM_KV_HEADS, dim=1)
            v = v.repeat_interleave(NUM_HEADS // NUM_KV_HEADS, dim=1)
        y = causal_attention(q, k.to(q.dtype), v.to(q.dtype)).transpose(1, 2).reshape(b, t, d)
        x = x + self.attn_scale.to(x.dtype) * self.proj(y)
        u = self.fc(rms_norm(x))
        if ACTIVATION == "relu2":
            u = torch.relu(u).square()
        elif ACTIVATION == "leaky_relu2":
            u = F.leaky_relu(u, 0.5).square()
        else:
            u = F.gelu(u)
        return x + self.mlp_scale.to(x.dtype) * self.out(u)


class GPT(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        d = MODEL_DIM
        if d % NUM_HEADS or NUM_HEADS % NUM_KV_HEADS or (d // NUM_HEADS) % 2:
            raise ValueError(f"MODEL_DIM {d} must split into NUM_HEADS {NUM_HEADS} even-sized heads, and NUM_HEADS "
                             f"into NUM_KV_HEADS {NUM_KV_HEADS} groups")
        if ACTIVATION not in ("relu2", "leaky_relu2", "gelu") or INJECTION not in ("add", "linear", "diagonal"):
            raise ValueError(f"ACTIVATION {ACTIVATION!r} or INJECTION {INJECTION!r} is not one the recipe knows")
        self.vocab_size = vocab_size
        self.tok_emb = nn.Embedding(vocab_size, d)
        nn.init.normal_(self.tok_emb.weight, std=INIT_STD)
        self.prelude = nn.ModuleList(Block() for _ in range(PRELUDE_LAYERS))
        self.core = nn.ModuleList(Block() for _ in range(CORE_LAYERS))
        self.coda = nn.ModuleList(Block() for _ in range(CODA_LAYERS))
        if INJECTION == "linear":
            # h <- W [h; e], W starts as [I I] so it begins as the additive injection
            self.inject_w = Linear(2 * d, d)
            with torch.no_grad():
                self.inject_w.weight.copy_(torch.cat([torch.eye(d), torch.eye(d)], dim=1))
        elif INJECTION == "diagonal":
            # Parcae: h <- exp(-dt*A) h + dt (B e); A = exp(A_log), dt = softplus(dt_bias); decay starts at 0.447
            self.inject_a_log = nn.Parameter(torch.zeros(d))
            self.inject_dt_bias = nn.Parameter(torch.full((d,), math.log(math.expm1(-math.log(0.447)))))
            self.inject_b = nn.Parameter(torch.eye(d))
        self.head = None if TIE_EMBEDDINGS else Linear(d, vocab_size, zero=True)

    def decay(self):
        dt = F.softplus(self.inject_dt_bias)
        return dt, torch.exp(-dt * self.inject_a_log.exp())

    def forward(self, ids, loops, no_grad_loops=0):
        """Logits (B, T, vocab) for token ids (B, T); the first ``no_grad_loops`` of ``loops`` carry no gradient."""
        cos, sin = rotary(ids.size(1), MODEL_DIM // NUM_HEADS, ids.device)  # cheap; no cache keeps compile simple
        x = rms_norm(self.tok_emb(ids))
        for blk in self.prelude:
            x = blk(x, cos, sin)
        e = rms_norm(x)  # RMSNorm before injection keeps the loop stable
        h = None
        grad = torch.is_grad_enabled()
        for t in range(loops):
            with torch.set_grad_enabled(grad and t >= no_grad_loops):
                if INJECTION == "add":
                    h = e if h is None else h + e
                elif INJECTION == "linear":
                    h = self.inject_w(torch.cat([torch.zeros_like(e) if h is None else h, e], dim=-1))
                else:
                    dt, decay = self.decay()
                    injected = dt.to(e.dtype) * F.linear(e, self.inject_b.to(e.dtype))
                    h = injected if h is None else decay.to(h.dtype) * h + injected
                for blk in self.core:
                    h = blk(h, cos, sin)
        for blk in self.coda:
            h = blk(h, cos, sin)
        h = rms_norm(h)
        logits = F.linear(h, self.tok_emb.weight.to(h.dtype)) if self.head is None else self.head(h)
        if LOGIT_SOFTCAP > 0:
            logits = LOGIT_SOFTCAP * torch.tanh(logits / LOGIT_SOFTCAP)
        return logits.float()


# ------------------------------------------------------------------------------------------------ optimizer

def newton_schulz(g, steps):
    """An approximately orthogonal matrix with g's singular vectors (Muon's quintic iteration)."""
    a, b, c = 3.4445, -4.7750, 2.0315
    x = g.bfloat16() if g.is_cuda else g.float()
    x = x / (x.norm() + 1e-7)
    tall = x.size(0) > x.size(1)
    if tall:
        x = x.T
    for _ in range(steps):
        m = x @ x.T
        x = a * x + (b * m + c * m @ m) @ x
    return (x.T if tall else x).to(g.dtype)


class Muon(torch.optim.Optimizer):
    """SGD with Nesterov momentum whose update is orthogonalised per matrix; decoupled weight decay."""

    def __init__(self, params, lr, momentum, steps, weight_decay):
        super().__init__(params, dict(lr=lr, momentum=momentum, steps=steps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "buf" not in state:
                    state["buf"] = torch.zeros_like(p.grad)
                buf = state["buf"]
                buf.mul_(group["momentum"]).add_(p.grad)
                g = p.grad.add(buf, alpha=group["momentum"])
                u = newton_schulz(g, group["steps"]) * max(1.0, p.size(0) / p.size(1)) ** 0.5
                if group["weight_decay"] > 0:
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                p.add_(u, alpha=-group["lr"])


def optimizers(model):
    matrices, scalars = [], []
    for name, p in model.named_parameters():
        if name == "tok_emb.weight" or name.startswith("head."):
            continue
        # the injection's B, A_log and dt_bias are decay parameters: Adam, no weight decay
        (matrices if p.ndim == 2 and not name.startswith("inject_b") else scalars).append(p)
    adam_groups = [{"params": [model.tok_emb.weight], "lr": EMBED_LR, "base_lr": EMBED_LR},
                   {"params": scalars, "lr": SCALAR_LR, "base_lr": SCALAR_LR}]
    if model.head is not None:
        adam_groups.append({"params": [model.head.weight], "lr": HEAD_LR, "base_lr": HEAD_LR})
    adam = torch.optim.Adam(adam_groups, betas=(BETA1, BETA2), eps=1e-8)
    muon = Muon(matrices, MATRIX_LR, MUON_MOMENTUM, MUON_STEPS, WEIGHT_DECAY)
    for g in muon.param_groups:
        g["base_lr"] = MATRIX_LR
    return [adam, muon]


def lr_scale(step, total):
    warm = min(1.0, (step + 1) / WARMUP_STEPS) if WARMUP_STEPS > 0 else 1.0
    if total is None or WARMDOWN_FRAC <= 0:
        return warm
    progress = step / total
    down = min(1.0, (1.0 - progress) / WARMDOWN_FRAC) if progress > 1 - WARMDOWN_FRAC else 1.0
    return warm * max(down, 0.0)


def sample_loops(rng, progress):
    if progress is not None and progress < LOOP_START_FRAC:
        return 1  # delayed looping: the core runs once until LOOP_START_FRAC of training
    if LOOP_SAMPLING == "fixed":
        return max(1, MEAN_LOOPS)
    if LOOP_SAMPLING != "poisson":
        raise ValueError(f"LOOP_SAMPLING must be fixed or poisson, not {LOOP_SAMPLING!r}")
    limit, product, k = math.exp(-MEAN_LOOPS), rng.random(), 0
    while product > limit:
        product *= rng.random()
        k += 1
    return max(1, min(k, 3 * MEAN_LOOPS))  # capped so one step cannot eat the budget


def eval_loops():
    return EVAL_LOOPS if EVAL_LOOPS > 0 else max(1, MEAN_LOOPS)


# ------------------------------------------------------------------------------------------------ data

def read_shard(path):
    with open(path, "rb") as f:
        header = struct.unpack("<256i", f.read(1024))
        if header[0] != 20240520 or header[1] != 1:
            raise ValueError(f"{path} is not a FineWeb shard (magic {header[0]}, version {header[1]})")
        raw = bytearray(f.read(2 * header[2]))
    if len(raw) != 2 * header[2]:
        raise ValueError(f"{path} is shorter than the {header[2]} tokens its header announces")
    return torch.frombuffer(raw, dtype=torch.int16).to(torch.int64) & 0xFFFF


class TokenStream:
    """The train shards read in name order and wrapped around: the same tokens for every seed."""

    def __init__(self, folder):
        self.files = sorted(glob.glob(os.path.join(folder, "fineweb_train_*.bin")))
        if not self.files:
            raise FileNotFoundError(f"no fineweb_train_*.bin in LOOPLAB_DATA={folder}")
        self.index, self.tokens, self.pos = 0, read_shard(self.files[0]), 0

    def take(self, n):
        parts = []
        while n > 0:
            if self.pos >= self.tokens.numel():
                self.index = (self.index + 1) % len(self.files)
                self.tokens, self.pos = read_shard(self.files[self.index]), 0
                continue
            k = min(n, self.tokens.numel() - self.pos)
            parts.append(self.tokens[self.pos:self.pos + k])
            self.pos, n = self.pos + k, n - k
        return torch.cat(parts) if len(parts) > 1 else parts[0]


# ------------------------------------------------------------------------------------------------ export

def tensor_bytes(t):
    t = t.contiguous().cpu()
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size())


def export(model, path):
    """model.bin: zlib(b"PGLF" + version + header JSON + payload); 2-D tensors as per-row int8 with a
    clipped float16 scale, small ones as float16. Returns the file's size."""
    levels = (1 << (QUANT_BITS - 1)) - 1
    entries, payload = [], bytearray()
    for name, t in model.state_dict().items():
        t = t.detach().float().cpu()
        if t.ndim == 2 and t.numel() > FLOAT_KEEP_NUMEL and not name.startswith("inject_b"):
            a = t.abs()
            k = max(1, min(t.size(1), math.ceil(CLIP_QUANTILE * t.size(1))))
            clip = a.kthvalue(k, dim=1).values.clamp_min(1e-8)
            scale = (clip / levels).to(torch.float16).float()
            q = torch.clamp(torch.round(t / scale[:, None]), -levels, levels).to(torch.int8)
            entries.append({"name": name, "shape": list(t.shape), "kind": "int8"})
            payload += tensor_bytes(scale.to(torch.float16)) + tensor_bytes(q)
        else:
            entries.append({"name": name, "shape": list(t.shape), "kind": "float16"})
            payload += tensor_bytes(t.to(torch.float16))
    header = json.dumps({"vocab_size": model.vocab_size, "tensors": entries}).encode("utf-8")
    raw = FORMAT + struct.pack("<ii", FORMAT_VERSION, len(header)) + header + bytes(payload)
    data = zlib.compress(raw, ZLIB_LEVEL)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def read_export(path):
    with open(path, "rb") as f:
        raw = zlib.decompress(f.read())
    version, length = struct.unpack("<ii", raw[4:12])
    if raw[:4] != FORMAT or version != FORMAT_VERSION:
        raise ValueError(f"{path} is not a parameter-golf model.bin of format {FORMAT_VERSION}")
    header = json.loads(raw[12:12 + length].decode("utf-8"))
    pos, state = 12 + length, {}
    for e in header["tensors"]:
        shape = e["shape"]
        n = math.prod(shape)
        if e["kind"] == "int8":
            scale = torch.frombuffer(bytearray(raw[pos:pos + 2 * shape[0]]), dtype=torch.float16).float()
            pos += 2 * shape[0]
            q = torch.frombuffer(bytearray(raw[pos:pos + n]), dtype=torch.int8).float().view(shape)
            pos += n
            state[e["name"]] = q * scale[:, None]
        else:
            state[e["name"]] = torch.frombuffer(bytearray(raw[pos:pos + 2 * n]), dtype=torch.float16).float().view(shape) \
                if n else torch.zeros(shape)
            pos += 2 * n
    return header["vocab_size"], state


# ------------------------------------------------------------------------------------------------ score entry

class Scorer:
    """What load_model returns: token ids (B, T) on the device -> float logits (B, T, vocab)."""

    max_seq_len = SEQ_LEN

    def __init__(self, model, device):
        self.model, self.device = model, device

    def __call__(self, ids):
        with autocast(self.device):
            return self.model(ids, eval_loops()).float()


def load_model(artifact_dir, device):
    """The evaluator's entry point: the round-tripped (dequantized) model from ``artifact_dir``/model.bin."""
    device = torch.device(device)
    vocab_size, state = read_export(os.path.join(artifact_dir, "model.bin"))
    model = GPT(vocab_size)
    model.load_state_dict(state, strict=True)
    return Scorer(model.to(device).eval(), device)


def autocast(device):
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return torch.autocast(device_type="cpu", enabled=False)


# ------------------------------------------------------------------------------------------------ train

def process_start():
    """When this process started (Linux /proc), so the budget counts interpreter and torch start-up too."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        return min(STARTED, boot + ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, StopIteration):
        return STARTED


def accumulate(forward, batches, loops, no_grad, device):
    """Forward and backward over the micro-batches of one step; the mean loss."""
    total = 0.0
    for chunk in batches:
        x = chunk[:-1].view(-1, SEQ_LEN)
        y = chunk[1:].view(-1, SEQ_LEN)
        with autocast(device):
            logits = forward(x, loops, no_grad)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        (loss / len(batches)).backward()
        total += loss.item()
    return total / len(batches)


def main():
    data = os.environ["LOOPLAB_DATA"]
    out = os.environ["LOOPLAB_OUT"]
    metrics_path = os.environ.get("LOOPLAB_METRICS") or os.devnull
    budget = float(os.environ.get("LOOPLAB_BUDGET_S", "600"))
    seed = int(os.environ.get("LOOPLAB_SEED", "1337"))
    fixed_steps = int(os.environ["LOOPLAB_STEPS"]) if os.environ.get("LOOPLAB_STEPS") else None
    if os.environ.get("LOOPLAB_THREADS"):
        torch.set_num_threads(int(os.environ["LOOPLAB_THREADS"]))
    device = torch.device(os.environ.get("LOOPLAB_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(out, exist_ok=True)
    meta_path = os.path.join(data, "meta.json")
    vocab_size = json.load(open(meta_path))["vocab_size"] if os.path.isfile(meta_path) else 1024
    micro = BATCH_TOKENS // GRAD_ACCUM
    if BATCH_TOKENS % GRAD_ACCUM or micro % SEQ_LEN:
        raise ValueError(f"BATCH_TOKENS {BATCH_TOKENS} must split into GRAD_ACCUM {GRAD_ACCUM} micro-batches of whole "
                         f"SEQ_LEN {SEQ_LEN} sequences")

    torch.manual_seed(seed)
    loop_rng = random.Random(seed)
    model = GPT(vocab_size).to(device)
    params = sum(p.numel() for p in model.parameters())
    opts = optimizers(model)
    forward = model
    if COMPILE and os.environ.get("LOOPLAB_COMPILE", "1") != "0" and device.type == "cuda" and hasattr(torch, "compile"):
        forward = torch.compile(model)
    stream = TokenStream(data)
    log = open(metrics_path, "a", encoding="utf-8")
    start = process_start()
    reserve = max(2.0, 0.03 * budget)  # export and exit
    deadline = start + budget - reserve
    print(f"parameter-golf: {params:,} parameters, {PRELUDE_LAYERS}+{CORE_LAYERS}x{MEAN_LOOPS}+{CODA_LAYERS} layers, "
          f"vocab {vocab_size}, device {device}, torch {torch.__version__}", file=sys.stderr, flush=True)

    def metric(step, name, value):
        log.write(json.dumps({"step": step, "name": name, "value": value,
                              "wallclock": round(time.time() - start, 3)}) + "\n")
        log.flush()

    total = fixed_steps
    step, last_step_s, plan_started, timed_tokens, timed_s = 0, 0.0, None, 0, 0.0
    train_started = time.time()
    while total is None or step < total:
        now = time.time()
        if fixed_steps is None:
            if step == PLAN_AFTER_STEPS and total is None:
                # from here the schedule is by step, so a replay given this count trains the same numbers
                per_step = (now - plan_started) / (PLAN_AFTER_STEPS - 1)
                total = step + max(1, int((deadline - now) / max(per_step, 1e-6) * 0.95))
                metric(step, "planned_steps", total)
                print(f"parameter-golf: planned {total} steps at {per_step * 1000:.0f} ms/step", file=sys.stderr)
            if step > 0 and now + 1.5 * last_step_s > deadline:
                break  # at least one step: a budget too small for that is the worker's kill line to enforce
        if step == 1:
            plan_started = now
        progress = None if total is None or step < PLAN_AFTER_STEPS and fixed_steps is None else step / total
        scale = lr_scale(step, None if progress is None else total)
        for opt in opts:
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * scale
        opts[1].param_groups[0]["momentum"] = MUON_MOMENTUM - (MUON_MOMENTUM - 0.85) * max(0.0, 1 - step / 300)
        loops = sample_loops(loop_rng, progress)
        no_grad = max(0, loops - BACKPROP_LOOPS) if BACKPROP_LOOPS > 0 else 0
        batches = [stream.take(micro + 1).to(device) for _ in range(GRAD_ACCUM)]
        try:
            train_loss = accumulate(forward, batches, loops, no_grad, device)
        except Exception as e:  # a compiler failure must not cost the run: redo the step eagerly
            if forward is model or step > 0:
                raise
            print(f"parameter-golf: torch.compile failed ({type(e).__name__}: {e}); running eager", file=sys.stderr)
            model.zero_grad(set_to_none=True)
            forward = model
            train_loss = accumulate(forward, batches, loops, no_grad, device)
        if GRAD_CLIP > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        for opt in opts:
            opt.step()
        model.zero_grad(set_to_none=True)
        if not math.isfinite(train_loss):
            raise RuntimeError(f"training diverged at step {step} (loss {train_loss}): lower MATRIX_LR or clip")
        step += 1
        after = time.time()
        last_step_s = 0.0 if step == 1 else after - now  # the first step pays one-off costs (allocation, compile)
        if step > 2:
            timed_tokens += BATCH_TOKENS
            timed_s += after - now
        if step % LOG_EVERY == 0 or step <= 3 or (total is not None and step == total):
            metric(step, "train_loss", train_loss)
            metric(step, "lr_scale", scale)
            if timed_s > 0:
                metric(step, "tokens_per_second", timed_tokens / timed_s)
            if INJECTION == "diagonal":
                metric(step, "inject_decay_max", model.decay()[1].max().item())
            print(f"step:{step}/{total or '?'} train_loss:{train_loss:.4f} loops:{loops} "
                  f"train_time:{(after - train_started) * 1000:.0f}ms step_avg:{(after - train_started) * 1000 / step:.1f}ms",
                  file=sys.stderr, flush=True)
    metric(step, "planned_steps", total if total is not None else step)
    metric(step, "train_steps", step)
    metric(step, "train_tokens", step * BATCH_TOKENS)
    if timed_s > 0:
        metric(step, "tokens_per_second", timed_tokens / timed_s)
    size = export(model, os.path.join(out, "model.bin"))
    code = len(open(__file__, "rb").read())
    metric(step, "model_bytes", size)
    print(f"parameter-golf: {step} steps in {time.time() - train_started:.1f} s; model.bin {size:,} B + code {code:,} B "
          f"= {size + code:,} B", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
