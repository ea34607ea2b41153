#!/usr/bin/python3
"""Peer of `./bench parity`: one SSL method trained in plain PyTorch on the view sets our augmenter made, step by step.

`./bench parity` writes the views once (benchmarks/.../ParityBenchmark.java, format below), trains the trainer's own
`Learner` on them, runs this script on the same file, and scores both encoders' frozen features with the evaluator's
probe code (this script only writes its features as .npy). What is the same on both sides: the batches and their
order, the encoder and heads (widths, BatchNorm placement, biases, initial weight distributions: He-normal for the
CNN and the heads as DJL initialises them, Glorot-uniform for the ViT), the loss, the optimizer (AdamW, SGD or LARS,
weight decay on conv and linear weights only), the learning-rate schedule (linear warm-up, cosine to 0 over the run)
and the BYOL / MoCo target momentum (cosine from m to 1 over the run). Written from the papers and the trainer's
Javadoc, not from its code:

- simclr: encoder, Linear(D,128)-ReLU-Linear(128,64); NT-Xent, temperature 0.5, over the 2N views;
- moco: query encoder + same head; key encoder and head by momentum (0.99 -> 1); a queue of 4096 unit keys
  (random at start), both views' keys enqueued after the update; InfoNCE at 0.2, symmetrised, mean of the two;
- byol: projector and predictor Linear(512)-BN-ReLU-Linear(128); target = EMA of encoder and projector (0.99 -> 1);
  loss 2 - 2 cos summed over both directions;
- simsiam: projector Linear-BN-ReLU-Linear(512)-BN(no affine), predictor Linear(128)-BN-ReLU-Linear(512);
  (D(p1, sg z2) + D(p2, sg z1)) / 2 with D the negative cosine;
- barlow-twins: projector 512-512-512 (Linear-BN-ReLU twice, then Linear); cross-correlation of the batch-standardised
  embeddings (biased variance, eps 1e-5), sum (1 - C_ii)^2 + 0.0051 sum_{i!=j} C_ij^2;
- vicreg: same expander; 25 mse + 25 mean relu(1 - std) (both views, halved) + 1 off-diagonal cov^2 / D (both);
- mae: ViT (patch 4, 192 wide, 6 layers, 3 heads, pre-norm, GELU MLP x4, fixed 2-D sin-cos positions, final LN,
  no class token; features = mean of the tokens) on the visible patches of the augmenter's mask; decoder Linear(128),
  mask token, sin-cos positions, 2 layers of 4 heads, LN, Linear(16); MSE on the masked patches of per-patch
  normalised pixels.

View file (little endian): magic b"SSLPARV1", then int32 batch, steps, views, height, width, channels, masked,
mask_rows, mask_cols, patch; then per step, per sample: its views' uint8 HWC pixels one after the other, then (masked)
mask_rows * mask_cols bytes, 1 = hidden. Within a step the model sees view 1 of every sample, then view 2.

JSON lines on stdout: env, with --dump-every a `checkpoint` per dump (step, training seconds so far, .npy paths), then
`train` (losses per step, ms per step, training seconds: view loading and steps, not the dumps) and `features`.

    /usr/bin/python3 benchmarks/peer/parity_peer.py --views V.bin --method simclr --out DIR --eval-train 10000 --eval-test 2000
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import FASHION_MNIST_MEAN, FASHION_MNIST_STD, emit, fashion_dir, fashion_mnist, log, malloc_env, with_libtorch_env
from models import SmallCnn, ResNet18

HEADER = 8 + 10 * 4


class ViewFile:
    """The steps of a view file, memory-mapped."""

    def __init__(self, path):
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        if bytes(raw[:8]) != b"SSLPARV1":
            raise SystemExit(f"{path}: not a parity view file")
        (self.batch, self.steps, self.views, self.height, self.width, self.channels, masked, self.mask_rows, self.mask_cols,
         self.patch) = np.frombuffer(bytes(raw[8:HEADER]), dtype="<i4").tolist()
        self.masked = masked == 1
        self.image_bytes = self.height * self.width * self.channels
        self.mask_bytes = self.mask_rows * self.mask_cols if self.masked else 0
        self.sample_bytes = self.views * self.image_bytes + self.mask_bytes
        expected = HEADER + self.steps * self.batch * self.sample_bytes
        if raw.size != expected:
            raise SystemExit(f"{path}: {raw.size} bytes, the header promises {expected}")
        self.data = raw[HEADER:].reshape(self.steps, self.batch, self.sample_bytes)

    def step(self, k):
        """(views * N, C, H, W) normalised floats, view-major; and the (N, T) bool masks or None."""
        s = np.asarray(self.data[k])
        px = s[:, :self.views * self.image_bytes].reshape(self.batch, self.views, self.height, self.width, self.channels)
        x = torch.from_numpy(np.ascontiguousarray(px.transpose(1, 0, 4, 2, 3))).float()  # (V, N, C, H, W)
        x = x.reshape(self.views * self.batch, self.channels, self.height, self.width).div_(255)
        x = x.sub_(FASHION_MNIST_MEAN).div_(FASHION_MNIST_STD)
        mask = torch.from_numpy(s[:, self.views * self.image_bytes:] == 1) if self.masked else None
        return x, mask


# --- initialisation as DJL does it (He-normal weights, zero biases), or PyTorch's own defaults ---------------------------

def djl_init(module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")  # N(0, 2 / fan_in)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def glorot_init(module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def mlp(din, sizes, bn=True, last_bn=False):
    """Linear(-BN)-ReLU for all sizes but the last, then Linear (and a BN without scale and shift if last_bn)."""
    layers = []
    for i, s in enumerate(sizes):
        layers.append(nn.Linear(din, s))
        if i < len(sizes) - 1:
            if bn:
                layers.append(nn.BatchNorm1d(s, momentum=0.1, eps=1e-5))
            layers.append(nn.ReLU(inplace=True))
        elif last_bn:
            layers.append(nn.BatchNorm1d(s, affine=False, momentum=0.1, eps=1e-5))
        din = s
    return nn.Sequential(*layers)


# --- ViT and MAE ---------------------------------------------------------------------------------------------------------

def sincos(rows, cols, dim):
    q = dim // 4
    w = torch.pow(10000.0, -torch.arange(q, dtype=torch.float64) / q)
    r = torch.arange(rows, dtype=torch.float64).repeat_interleave(cols)[:, None] * w
    c = torch.arange(cols, dtype=torch.float64).repeat(rows)[:, None] * w
    return torch.cat([r.sin(), r.cos(), c.sin(), c.cos()], dim=1).float().unsqueeze(0)  # (1, T, D)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        n, t, d = x.shape
        qkv = self.qkv(self.ln1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        a = (qkv[0] @ qkv[1].transpose(-2, -1) / math.sqrt(d // self.heads)).softmax(-1)
        x = x + self.proj((a @ qkv[2]).transpose(1, 2).reshape(n, t, d))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Vit(nn.Module):
    def __init__(self, channels=1, size=28, patch=4, dim=192, depth=6, heads=3):
        super().__init__()
        self.patch, self.dim = patch, dim
        self.rows = self.cols = size // patch
        self.patch_embed = nn.Conv2d(channels, dim, patch, patch)
        self.layers = nn.ModuleList(Block(dim, heads, 4 * dim) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.register_buffer("pos", sincos(self.rows, self.cols, dim))
        glorot_init(self)

    def embed(self, x):
        return self.patch_embed(x).flatten(2).transpose(1, 2) + self.pos  # (N, T, D)

    def encode(self, tokens):
        for layer in self.layers:
            tokens = layer(tokens)
        return self.norm(tokens)

    def forward(self, x):
        return self.encode(self.embed(x)).mean(1)


class MaeDecoder(nn.Module):
    def __init__(self, vit, dim=128, depth=2, heads=4, pixels=16):
        super().__init__()
        self.dim = dim
        self.embed = nn.Linear(vit.dim, dim)
        self.layers = nn.ModuleList(Block(dim, heads, 4 * dim) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.predict = nn.Linear(dim, pixels)
        glorot_init(self)
        self.mask_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.register_buffer("pos", sincos(vit.rows, vit.cols, dim))


def patchify(x, p):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // p, p, w // p, p).permute(0, 2, 4, 3, 5, 1).reshape(n, (h // p) * (w // p), p * p * c)


# --- the methods ---------------------------------------------------------------------------------------------------------

def ema(online, target, m):
    with torch.no_grad():
        for po, pt in zip(online.parameters(), target.parameters()):
            pt.mul_(m).add_(po.detach(), alpha=1 - m)


def cosine_to_one(start, step, total):
    return start if total <= 0 else 1 - (1 - start) * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total)))


def norm_mse(p, z):
    return (2 - 2 * F.cosine_similarity(p, z, dim=1, eps=1e-12)).mean()


def standardise(z, eps=1e-5):
    c = z - z.mean(0, keepdim=True)
    return c / (c.pow(2).mean(0, keepdim=True) + eps).sqrt()


def off_diagonal(m):
    return m - torch.diag(torch.diagonal(m))


class Method(nn.Module):
    """The networks of a method; `trained()` are the optimised modules, `loss(x, mask)` the batch loss,
    `after_update(step)` the EMA / queue work."""

    def __init__(self, name, encoder_name, total_steps, widths=None):
        super().__init__()
        self.name = name
        self.total = total_steps
        if name == "mae":
            self.encoder = Vit()
            self.decoder = MaeDecoder(self.encoder)
            return
        if widths and encoder_name != "small-cnn":
            raise SystemExit("--widths applies to small-cnn only")
        self.encoder = SmallCnn(widths=tuple(widths)) if widths else {"small-cnn": SmallCnn, "resnet18": ResNet18}[encoder_name]()
        d = self.encoder.dim
        if name in ("simclr", "moco"):
            self.projector = mlp(d, [128, 64], bn=False)
        elif name == "byol":
            self.projector = mlp(d, [512, 128])
            self.predictor = mlp(128, [512, 128])
        elif name == "simsiam":
            self.projector = mlp(d, [512, 512], last_bn=True)
            self.predictor = mlp(512, [128, 512])
        elif name in ("barlow-twins", "vicreg"):
            self.projector = mlp(d, [512, 512, 512])
        else:
            raise SystemExit(f"unknown method {name}")
        djl_init(self)
        if name in ("moco", "byol"):
            import copy
            self.target_encoder = copy.deepcopy(self.encoder)
            self.target_projector = copy.deepcopy(self.projector)
            for p in list(self.target_encoder.parameters()) + list(self.target_projector.parameters()):
                p.requires_grad_(False)
        if name == "moco":
            self.register_buffer("queue", F.normalize(torch.randn(4096, 64), dim=1, eps=1e-12))
            self.pointer = 0
            self.last_keys = None

    def trained(self):
        return [(n, p) for n, p in self.named_parameters() if p.requires_grad]

    def train_mode(self):
        self.train()
        for t in ("target_encoder", "target_projector"):
            if hasattr(self, t):
                getattr(self, t).train()  # the trainer's target forward is in training mode too (batch statistics)

    def loss(self, x, mask):
        name = self.name
        if name == "mae":
            return self.mae_loss(x, mask)
        n = x.shape[0] // 2
        if name == "simclr":
            z = F.normalize(self.projector(self.encoder(x)), dim=1, eps=1e-12)
            sim = z @ z.t() / 0.5
            sim = sim - torch.eye(2 * n) * 1e9
            targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
            return F.cross_entropy(sim, targets)
        if name == "moco":
            q = F.normalize(self.projector(self.encoder(x)), dim=1, eps=1e-12)
            with torch.no_grad():
                k = F.normalize(self.target_projector(self.target_encoder(x)), dim=1, eps=1e-12)
            self.last_keys = k

            def info_nce(qq, kk):
                logits = torch.cat([(qq * kk).sum(1, keepdim=True), qq @ self.queue.t()], dim=1) / 0.2
                return F.cross_entropy(logits, torch.zeros(len(qq), dtype=torch.long))

            return (info_nce(q[:n], k[n:]) + info_nce(q[n:], k[:n])) / 2
        if name == "byol":
            p = self.predictor(self.projector(self.encoder(x)))
            with torch.no_grad():
                z = self.target_projector(self.target_encoder(x))
            return norm_mse(p[:n], z[n:]) + norm_mse(p[n:], z[:n])
        if name == "simsiam":
            z = self.projector(self.encoder(x))
            p = self.predictor(z)
            zs = z.detach()
            d1 = -F.cosine_similarity(p[:n], zs[n:], dim=1, eps=1e-12).mean()
            d2 = -F.cosine_similarity(p[n:], zs[:n], dim=1, eps=1e-12).mean()
            return (d1 + d2) / 2
        z = self.projector(self.encoder(x))
        z1, z2 = z[:n], z[n:]
        if name == "barlow-twins":
            c = standardise(z1).t() @ standardise(z2) / n
            return (torch.diagonal(c) - 1).pow(2).sum() + 0.0051 * off_diagonal(c).pow(2).sum()
        # vicreg
        dim = z1.shape[1]
        inv = F.mse_loss(z1, z2)
        c1, c2 = z1 - z1.mean(0), z2 - z2.mean(0)
        std1 = (c1.pow(2).sum(0) / (n - 1) + 1e-4).sqrt()
        std2 = (c2.pow(2).sum(0) / (n - 1) + 1e-4).sqrt()
        var = (F.relu(1 - std1).mean() + F.relu(1 - std2).mean()) / 2
        cov = (off_diagonal(c1.t() @ c1 / (n - 1)).pow(2).sum() + off_diagonal(c2.t() @ c2 / (n - 1)).pow(2).sum()) / dim
        return 25 * inv + 25 * var + 1 * cov

    def mae_loss(self, x, mask):
        vit, dec = self.encoder, self.decoder
        n, t = mask.shape
        keep = int((~mask).sum(1).min())
        # visible tokens first in patch order (the first `keep` of them go to the encoder), then the rest
        order = torch.argsort(mask.to(torch.int8), dim=1, stable=True)
        restore = torch.argsort(order, dim=1)
        tokens = vit.embed(x)
        visible = torch.gather(tokens, 1, order[:, :keep, None].expand(-1, -1, vit.dim))
        h = dec.embed(vit.encode(visible))
        h = torch.cat([h, dec.mask_token.expand(n, t - keep, -1)], dim=1)
        h = torch.gather(h, 1, restore[:, :, None].expand(-1, -1, dec.dim)) + dec.pos
        for layer in dec.layers:
            h = layer(h)
        pred = dec.predict(dec.norm(h))
        target = patchify(x, vit.patch)
        mean = target.mean(-1, keepdim=True)
        var = target.var(-1, keepdim=True, unbiased=True)
        target = (target - mean) / (var + 1e-6).sqrt()
        m = mask.float()
        return (((pred - target) ** 2).mean(-1) * m).sum() / m.sum()

    @torch.no_grad()
    def after_update(self, step):
        if self.name in ("moco", "byol"):
            m = cosine_to_one(0.99, step, self.total)
            ema(self.encoder, self.target_encoder, m)
            ema(self.projector, self.target_projector, m)
        if self.name == "moco" and self.last_keys is not None:
            k = self.last_keys
            size = self.queue.shape[0]
            count = min(len(k), size)
            first = min(count, size - self.pointer)
            self.queue[self.pointer:self.pointer + first] = k[:first]
            if first < count:
                self.queue[:count - first] = k[first:count]
            self.pointer = (self.pointer + count) % size
            self.last_keys = None


# --- optimizers: weight decay (and LARS adaptation) on conv and linear weights only --------------------------------------

def decays(name, p):
    return p.ndim > 1 and "mask_token" not in name


class Lars(torch.optim.Optimizer):
    def __init__(self, groups, lr, momentum, weight_decay, eta):
        super().__init__(groups, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta, lars=True))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                d = p.grad
                if g["lars"]:
                    wn, gn = p.norm(), p.grad.norm()
                    wd = g["weight_decay"]
                    ratio = g["eta"] * wn / (gn + wd * wn + 1e-8) if wn > 0 and gn > 0 else 1.0
                    d = (d + wd * p) * ratio
                st = self.state[p]
                buf = st.get("buf")
                if buf is None:
                    buf = st["buf"] = torch.zeros_like(p)
                buf.mul_(g["momentum"]).add_(d)
                p.sub_(g["lr"] * buf)


def optimizer(args, named):
    decay = [p for n, p in named if decays(n, p)]
    rest = [p for n, p in named if not decays(n, p)]
    if args.optimizer == "adamw":
        return torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}],
                                 lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    if args.optimizer == "sgd":
        return torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}],
                               lr=args.lr, momentum=args.momentum)
    return Lars([{"params": decay}, {"params": rest, "weight_decay": 0.0, "lars": False}], args.lr, args.momentum,
                args.weight_decay, args.trust)


def lr_at(args, step, total):
    """The trainer's Schedule: linear warm-up to lr, then a half cosine to 0 at `total`."""
    if step < args.warmup_steps:
        return args.lr * (step + 1) / args.warmup_steps
    progress = min(1.0, (step - args.warmup_steps) / max(1, total - args.warmup_steps))
    return args.lr * 0.5 * (1 + math.cos(math.pi * progress))


def features(encoder, images_u8, batch=500):
    encoder.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(images_u8), batch):
            x = torch.from_numpy(images_u8[s:s + batch]).unsqueeze(1).float().div_(255)
            out.append(encoder(x.sub_(FASHION_MNIST_MEAN).div_(FASHION_MNIST_STD)))
    return torch.cat(out).numpy().astype(np.float32)


def load_initial_weights(model, manifest):
    """Our side's initial trained weights (written by the bench's InitialWeights), matched to ours by position; the
    target networks (MoCo, BYOL) start as copies of the online ones again."""
    doc = json.loads(manifest.read_text())
    values = np.fromfile(manifest.parent / doc["values"], dtype="<f4")
    named = model.trained()
    if len(named) != len(doc["params"]):
        raise SystemExit(f"{manifest}: {len(doc['params'])} trained parameters, the peer's {model.name} has {len(named)}")
    offset = 0
    with torch.no_grad():
        for (name, p), theirs in zip(named, doc["params"]):
            if list(p.shape) != list(theirs["shape"]):
                raise SystemExit(f"{manifest}: {theirs['name']} has shape {theirs['shape']}, the peer's {name} {list(p.shape)}")
            n = p.numel()
            p.copy_(torch.from_numpy(values[offset:offset + n].copy()).reshape(p.shape))
            offset += n
        if offset != values.size:
            raise SystemExit(f"{manifest}: {values.size} values, the parameters take {offset}")
        for target, online in (("target_encoder", "encoder"), ("target_projector", "projector")):
            if hasattr(model, target):
                getattr(model, target).load_state_dict(getattr(model, online).state_dict())
    log(f"peer: {len(named)} initial parameter arrays from {manifest}")


def main():
    with_libtorch_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--views", required=True, help="view file written by ./bench parity")
    ap.add_argument("--method", required=True)
    ap.add_argument("--encoder", default="small-cnn", help="small-cnn or resnet18 (mae: the ViT)")
    ap.add_argument("--widths", type=lambda v: [int(w) for w in v.split(",")],
                    help="small-cnn widths, comma-separated, 4 of them (default 32,64,128,128)")
    ap.add_argument("--out", required=True, help="folder for the feature files")
    ap.add_argument("--optimizer", default="adamw", choices=["adamw", "sgd", "lars"])
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--trust", type=float, default=0.02)
    ap.add_argument("--warmup-steps", type=int, default=0)
    ap.add_argument("--constant-lr", action="store_true", help="no cosine: the peak learning rate throughout")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", help="Fashion-MNIST folder for the features (default: Debian's)")
    ap.add_argument("--eval-train", type=int, default=60000)
    ap.add_argument("--eval-test", type=int, default=10000)
    ap.add_argument("--dump-every", type=int, default=0,
                    help="also write the encoder's features every this many steps (a `checkpoint` line each; 0: at the end only)")
    ap.add_argument("--init-from", help="manifest (init-<method>.json) of our side's initial weights: start from them "
                    "instead of drawing new ones")
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--glibc-malloc-default", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    views = ViewFile(args.views)
    emit("env", python=sys.version.split()[0], torch=torch.__version__, num_threads=torch.get_num_threads(),
         machine=platform.machine(), malloc_env=malloc_env(), steps=views.steps, batch=views.batch)
    data = fashion_dir(args.data)
    tr, _ = fashion_mnist(data, "train", args.eval_train)
    te, _ = fashion_mnist(data, "t10k", args.eval_test)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def dump(tag):
        ftr, fte = out / f"peer-{args.method}{tag}-train.npy", out / f"peer-{args.method}{tag}-test.npy"
        np.save(ftr, features(model.encoder, tr))
        np.save(fte, features(model.encoder, te))
        return ftr, fte

    model = Method(args.method, args.encoder, views.steps, args.widths)
    if args.init_from:
        load_initial_weights(model, Path(args.init_from))
    named = model.trained()
    opt = optimizer(args, named)
    model.train_mode()
    losses, step_ms = [], []
    train_seconds = 0.0  # loading the step's views and the step; not the feature dumps
    start = time.perf_counter()
    for k in range(views.steps):
        d0 = time.perf_counter()
        x, mask = views.step(k)
        lr = args.lr if args.constant_lr else lr_at(args, k, views.steps)
        for g in opt.param_groups:
            g["lr"] = lr
        t0 = time.perf_counter()
        loss = model.loss(x, mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        model.after_update(k + 1)
        value = float(loss)
        t1 = time.perf_counter()
        step_ms.append(1e3 * (t1 - t0))
        train_seconds += t1 - d0
        if not math.isfinite(value):
            raise SystemExit(f"loss is {value} at step {k + 1}")
        losses.append(value)
        if (k + 1) % args.log_every == 0:
            el = time.perf_counter() - start
            log(f"peer {args.method} step {k + 1}/{views.steps} loss {sum(losses[-args.log_every:]) / args.log_every:.4f} "
                f"lr {lr:.3g} {step_ms[-1]:.0f} ms/step, ETA {el / (k + 1) * (views.steps - k - 1):.0f} s")
        if args.dump_every > 0 and (k + 1) % args.dump_every == 0 and k + 1 < views.steps:
            ftr, fte = dump(f"-s{k + 1}")
            model.train_mode()
            emit("checkpoint", step=k + 1, train_seconds=round(train_seconds, 2), train=str(ftr), test=str(fte))
    emit("train", method=args.method, steps=views.steps, losses=[round(v, 7) for v in losses],
         median_step_ms=round(statistics.median(step_ms), 1), seconds=round(time.perf_counter() - start, 1),
         train_seconds=round(train_seconds, 2))
    ftr, fte = dump("")
    emit("features", train=str(ftr), test=str(fte))


if __name__ == "__main__":
    main()
