"""airbench96 baseline: a whitened CNN trained on CIFAR-10 LOOPLAB_RUNS times; score = training seconds per run,
gated on the runs' mean test accuracy (0.96 on the real task), both measured by the evaluator.

    train:  python3 train.py      env LOOPLAB_DATA (data_batch_*.bin), LOOPLAB_OUT, LOOPLAB_RUNS, LOOPLAB_SEED,
                                  LOOPLAB_METRICS, optional LOOPLAB_STEPS (steps per run), LOOPLAB_THREADS,
                                  LOOPLAB_DEVICE (else cuda when present); LOOPLAB_BUDGET_S is the worker's kill
                                  line: the recipe trains a fixed amount of work and ignores it
    score:  the evaluator imports this file and calls load_model(run_dir, device); see README.md.

Shape: a frozen whitening convolution over PATCH x PATCH patches (eigenvectors of the training patches'
covariance, +/-), then three blocks of CONVS_PER_BLOCK 3x3 convolutions (WIDTH1, WIDTH2, WIDTH3 channels; max
pooling after the first conv of each block; batch norm; GELU), global max pooling and a linear layer.
SGD with Nesterov momentum, a triangular learning-rate schedule, label smoothing, flips, translations and
cutout; test-time augmentation (flip, then 1-pixel shifts) in load_model.
"""

import glob
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- knobs: one per line, each tagged with the surface that may edit it ----
WIDTH1 = 128  # @knob surface=arch range=[8,512]
WIDTH2 = 384  # @knob surface=arch range=[8,1024]
WIDTH3 = 512  # @knob surface=arch range=[8,1024]
CONVS_PER_BLOCK = 3  # @knob surface=arch range=[1,4]
PATCH = 2  # @knob surface=arch range={2,3}
LOGIT_SCALE = 0.2  # @knob surface=arch range=[0.05,1.0]
EPOCHS = 40  # @knob surface=opt range=[1,100]
BATCH = 1024  # @knob surface=opt range=[16,2048]
LR = 0.6  # @knob surface=opt range=[0.01,5.0]
MOMENTUM = 0.85  # @knob surface=opt range=[0.5,0.99]
WARMUP_FRAC = 0.2  # @knob surface=opt range=[0,0.5]
FLIP = True  # @knob surface=aug range={True,False}
TRANSLATE = 4  # @knob surface=aug range=[0,4]
CUTOUT = 12  # @knob surface=aug range=[0,16]
TTA_LEVEL = 2  # @knob surface=aug range=[0,2]
LABEL_SMOOTHING = 0.2  # @knob surface=loss range=[0,0.4]
WEIGHT_DECAY = 5e-4  # @knob surface=reg range=[0,0.005]
BN_MOMENTUM = 0.4  # @knob surface=reg range=[0.01,0.9]
WHITEN_EPS = 5e-4  # @knob surface=reg range=[1e-5,1e-1]

# not knobs
CLASSES = 10
RECORD = 3073
LOG_EVERY = 20


# ------------------------------------------------------------------------------------------------ data

def read_batches(folder):
    files = sorted(glob.glob(os.path.join(folder, "data_batch_*.bin")))
    if not files:
        raise FileNotFoundError(f"no data_batch_*.bin in LOOPLAB_DATA={folder}")
    raw = bytearray()
    for path in files:
        with open(path, "rb") as f:
            raw += f.read()
    records = torch.frombuffer(raw, dtype=torch.uint8).view(-1, RECORD)
    return records[:, 1:].reshape(-1, 3, 32, 32).clone(), records[:, 0].to(torch.int64)


# ------------------------------------------------------------------------------------------------ model

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        c = 3 * PATCH * PATCH
        self.register_buffer("mean", torch.zeros(1, 3, 1, 1))
        self.register_buffer("std", torch.ones(1, 3, 1, 1))
        self.whiten = nn.Conv2d(3, 2 * c, PATCH, bias=True)
        self.whiten.weight.requires_grad_(False)
        widths = [2 * c, WIDTH1, WIDTH2, WIDTH3]
        layers = []
        for b in range(3):
            for i in range(CONVS_PER_BLOCK):
                layers.append(nn.Conv2d(widths[b] if i == 0 else widths[b + 1], widths[b + 1], 3, padding=1, bias=False))
                if i == 0:
                    layers.append(nn.MaxPool2d(2))
                layers.append(nn.BatchNorm2d(widths[b + 1], momentum=BN_MOMENTUM))
                layers.append(nn.GELU())
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(WIDTH3, CLASSES, bias=False)

    def forward(self, x):
        x = F.gelu(self.whiten(x))
        x = self.body(x)
        x = torch.amax(x, dim=(2, 3))
        return self.head(x) * LOGIT_SCALE

    def normalise(self, images):
        return (images.float() / 255.0 - self.mean) / self.std

    @torch.no_grad()
    def init_whitening(self, x):
        """Frozen filters: the eigenvectors of the training patches' covariance scaled by 1/sqrt(eigenvalue),
        each also negated, so the first layer sees decorrelated patches."""
        patches = x.unfold(2, PATCH, 1).unfold(3, PATCH, 1).transpose(1, 3).reshape(-1, 3 * PATCH * PATCH).double()
        patches = patches - patches.mean(0)
        cov = patches.T @ patches / patches.size(0)
        values, vectors = torch.linalg.eigh(cov)
        # a patch vector is ordered (channel, dy, dx), as a convolution's weight is
        filters = (vectors.T / torch.sqrt(values + WHITEN_EPS)[:, None]).view(-1, 3, PATCH, PATCH).float()
        self.whiten.weight.copy_(torch.cat([filters, -filters]))
        self.whiten.bias.zero_()


# ------------------------------------------------------------------------------------------------ training

def augment(x, gen):
    n = x.size(0)
    if FLIP:
        flip = torch.rand(n, device=x.device, generator=gen) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if TRANSLATE > 0:
        t = TRANSLATE
        padded = F.pad(x, (t, t, t, t), mode="reflect")
        dy = torch.randint(0, 2 * t + 1, (n,), device=x.device, generator=gen)
        dx = torch.randint(0, 2 * t + 1, (n,), device=x.device, generator=gen)
        r = torch.arange(32, device=x.device)
        rows = (dy[:, None] + r[None])[:, None, :, None].expand(n, x.size(1), 32, padded.size(3))
        x = padded.gather(2, rows)
        cols = (dx[:, None] + r[None])[:, None, None, :].expand(n, x.size(1), 32, 32)
        x = x.gather(3, cols)
    if CUTOUT > 0:
        cy = torch.randint(0, 32, (n,), device=x.device, generator=gen)
        cx = torch.randint(0, 32, (n,), device=x.device, generator=gen)
        r = torch.arange(32, device=x.device)
        inside_y = ((r[None] - cy[:, None]).abs() <= CUTOUT // 2)[:, :, None]
        inside_x = ((r[None] - cx[:, None]).abs() <= CUTOUT // 2)[:, None, :]
        x = x * (~(inside_y & inside_x))[:, None].to(x.dtype)
    return x


def autocast(device):
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return torch.autocast(device_type="cpu", enabled=False)


def train_run(images, labels, device, seed, steps_override, metric):
    torch.manual_seed(seed)
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    net = Net().to(device)
    if device.type == "cuda":
        net = net.to(memory_format=torch.channels_last)
    x_all = images.to(device)
    y_all = labels.to(device)
    n = x_all.size(0)
    mean = x_all[:5000].float().div(255).mean(dim=(0, 2, 3), keepdim=True)
    std = x_all[:5000].float().div(255).std(dim=(0, 2, 3), keepdim=True)
    net.mean.copy_(mean)
    net.std.copy_(std)
    net.init_whitening(net.normalise(x_all[:5000]))
    batch = min(BATCH, n)
    per_epoch = n // batch
    total = steps_override or max(1, EPOCHS * per_epoch)
    decay, no_decay = [], []
    for name, p in net.named_parameters():
        if p.requires_grad:
            (decay if p.ndim > 1 else no_decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0}],
                          lr=LR, momentum=MOMENTUM, nesterov=True)
    warm = max(1, int(WARMUP_FRAC * total))
    step, started = 0, time.time()
    while step < total:
        order = torch.randperm(n, device=device, generator=gen)
        for b in range(per_epoch):
            if step >= total:
                break
            scale = (step + 1) / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
            for g in opt.param_groups:
                g["lr"] = LR * scale
            idx = order[b * batch:(b + 1) * batch]
            x = augment(net.normalise(x_all[idx]), gen)
            if device.type == "cuda":
                x = x.contiguous(memory_format=torch.channels_last)
            with autocast(device):
                logits = net(x)
            loss = F.cross_entropy(logits.float(), y_all[idx], label_smoothing=LABEL_SMOOTHING)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % LOG_EVERY == 0 or step == total:
                metric(step, "train_loss", loss.item())
                print(f"step {step}/{total} loss {loss.item():.4f}", file=sys.stderr, flush=True)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return net, time.time() - started, step


def main():
    data = os.environ["LOOPLAB_DATA"]
    out = os.environ["LOOPLAB_OUT"]
    runs = int(os.environ.get("LOOPLAB_RUNS", "1"))
    seed = int(os.environ.get("LOOPLAB_SEED", "0"))
    steps = int(os.environ["LOOPLAB_STEPS"]) if os.environ.get("LOOPLAB_STEPS") else None
    if os.environ.get("LOOPLAB_THREADS"):
        torch.set_num_threads(int(os.environ["LOOPLAB_THREADS"]))
    device = torch.device(os.environ.get("LOOPLAB_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    log = open(os.environ.get("LOOPLAB_METRICS") or os.devnull, "a", encoding="utf-8")
    start = time.time()
    images, labels = read_batches(data)
    print(f"airbench96: {images.size(0)} training images, {runs} runs, device {device}, torch {torch.__version__}",
          file=sys.stderr, flush=True)
    for run in range(runs):
        def metric(step, name, value, run=run):
            log.write(json.dumps({"run": run, "step": step, "name": name, "value": value,
                                  "wallclock": round(time.time() - start, 3)}) + "\n")
            log.flush()

        net, seconds, done = train_run(images, labels, device, seed + run, steps, metric)
        folder = os.path.join(out, f"run-{run}")
        os.makedirs(folder, exist_ok=True)
        torch.save({k: v.detach().cpu() for k, v in net.state_dict().items()}, os.path.join(folder, "model.pt"))
        metric(done, "run_seconds", seconds)
        metric(done, "train_steps", done)
        print(f"airbench96: run {run} trained {done} steps in {seconds:.2f} s", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ score entry

class Classifier:
    """What load_model returns: uint8 images (n, 3, 32, 32) -> logits (n, 10), averaged over TTA_LEVEL views."""

    def __init__(self, net, device):
        self.net, self.device = net, device

    def __call__(self, images):
        x = self.net.normalise(images)
        views = [x]
        if TTA_LEVEL >= 1:
            views.append(x.flip(3))
        if TTA_LEVEL >= 2:
            for v in list(views):
                shifted = F.pad(v, (1, 0, 1, 0), mode="reflect")[:, :, :32, :32]
                views.append(shifted)
        with autocast(self.device):
            logits = [self.net(v.contiguous(memory_format=torch.channels_last) if self.device.type == "cuda" else v)
                      for v in views]
        return torch.stack([l.float() for l in logits]).mean(0)


def load_model(artifact_dir, device):
    device = torch.device(device)
    net = Net()
    state = torch.load(os.path.join(artifact_dir, "model.pt"), map_location="cpu")
    net.load_state_dict(state)
    net = net.to(device).eval()
    if device.type == "cuda":
        net = net.to(memory_format=torch.channels_last)
    return Classifier(net, device)


if __name__ == "__main__":
    main()
