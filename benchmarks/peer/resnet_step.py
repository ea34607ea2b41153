#!/usr/bin/python3
"""Peer of `./bench trainer` for the ResNet-18: training-step time of SimCLR in plain PyTorch (CPU).

The same network as the trainer's `resnet18` encoder (ssl-model's Encoders.resnet18): a small-image stem (3x3 conv,
stride 1, no max-pool), BasicBlocks 2-2-2-2 of widths 64-128-256-512, global average pooling; the SimCLR projection
head Linear(512, 128)-ReLU-Linear(128, 64), NT-Xent (temperature 0.5) over 2N views, Adam lr 1e-3. `--model
small-cnn` runs the 32-64-128-128 CNN of ../shared/bench/simclr_fmnist.py instead (a cross-check on synthetic data).

Data: synthetic standard-normal 1x28x28 views made once (a step's time does not depend on pixel values); the timed
part is exactly the shared peer's `median_step_ms_excl_data`: forward of the 2N views, loss, zero_grad, backward,
optimizer step, reading the loss. `median_step_cpu_ms` is the process CPU time of a step (all threads), which a busy
shared machine disturbs less than wall time.

glibc malloc: re-executes itself once with MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 (the shared peer's
tunables) unless --glibc-malloc-default. Prints JSON lines (env, model, step, train_timing) on stdout.

    /usr/bin/python3 benchmarks/peer/resnet_step.py --batch 256 --steps 10 --threads 2
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MALLOC_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": "100000000000"}


def emit(kind, **kw):
    rec = {"kind": kind}
    rec.update(kw)
    print(json.dumps(rec), flush=True)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, widths=(64, 128, 256, 512), blocks=(2, 2, 2, 2)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        layers = []
        cin = widths[0]
        for stage, (w, n) in enumerate(zip(widths, blocks)):
            for b in range(n):
                layers.append(BasicBlock(cin, w, 2 if stage > 0 and b == 0 else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.dim = widths[-1]

    def forward(self, x):
        return F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1).flatten(1)


def conv_bn_relu(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(conv_bn_relu(1, 32, 1), conv_bn_relu(32, 64, 2), conv_bn_relu(64, 128, 1),
                                 conv_bn_relu(128, 128, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.dim = 128

    def forward(self, x):
        return self.net(x)


class SimCLR(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.projector = nn.Sequential(nn.Linear(encoder.dim, 128), nn.ReLU(inplace=True), nn.Linear(128, 64))

    def forward(self, x):
        return self.projector(self.encoder(x))


def nt_xent(z1, z2, temperature=0.5):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = (z @ z.t()) / temperature
    sim.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def profile(model, opt, v1, v2, batch, steps=2):
    """Self CPU time of each libtorch operator over `steps` steps, as shares of the steps' wall time: how much of a step
    is libtorch kernels, which any caller (Python here, DJL's JNI) runs alike, and how much is left for a caller to save."""
    from torch.profiler import profile as torch_profile, ProfilerActivity
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        for _ in range(steps):
            z = model(torch.cat([v1, v2], dim=0))
            loss = nt_xent(z[:batch], z[batch:])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            float(loss)
        wall_us = 1e6 * (time.perf_counter() - t0)
    by_op = {}
    for e in prof.key_averages():
        by_op[e.key] = by_op.get(e.key, 0) + e.self_cpu_time_total
    total = sum(by_op.values())
    top = sorted(by_op.items(), key=lambda kv: -kv[1])[:12]
    conv = sum(v for k, v in by_op.items() if "conv" in k)
    bn = sum(v for k, v in by_op.items() if "batch_norm" in k)
    emit("profile", steps=steps, wall_ms=round(wall_us / 1e3, 1), profiled_self_cpu_ms=round(total / 1e3, 1),
         conv_share_of_wall=round(conv / wall_us, 3), batch_norm_share_of_wall=round(bn / wall_us, 3),
         top=[{"op": k, "ms": round(v / 1e3, 1), "share_of_wall": round(v / wall_us, 3)} for k, v in top])


def main():
    if "--glibc-malloc-default" not in sys.argv and any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
        env = dict(os.environ)
        env.update(MALLOC_ENV)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["resnet18", "small-cnn"], default="resnet18")
    ap.add_argument("--batch", type=int, default=256, help="images per step (2 views each)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--glibc-malloc-default", action="store_true")
    ap.add_argument("--profile", action="store_true",
                    help="after the timed steps, profile 2 more (torch.profiler) and print where a step's time goes, by operator")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    emit("env", python=sys.version.split()[0], torch=torch.__version__, num_threads=torch.get_num_threads(),
         num_interop_threads=torch.get_num_interop_threads(), cpu_count=os.cpu_count(), machine=platform.machine(),
         mkldnn=torch.backends.mkldnn.is_available(), malloc_env={k: os.environ.get(k) for k in MALLOC_ENV}, args=vars(args))

    model = SimCLR(ResNet18() if args.model == "resnet18" else SmallCnn())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    emit("model", name=args.model, params=sum(p.numel() for p in model.parameters()),
         encoder_params=sum(p.numel() for p in model.encoder.parameters()))
    v1 = torch.randn(args.batch, 1, 28, 28)
    v2 = torch.randn(args.batch, 1, 28, 28)
    model.train()
    times = []
    cpu = []
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        z = model(torch.cat([v1, v2], dim=0))
        loss = nt_xent(z[:args.batch], z[args.batch:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        lv = float(loss)
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        emit("step", step=step + 1, ms=round(1e3 * dt, 1), cpu_ms=round(1e3 * dc, 1), loss=round(lv, 4), warmup=step < args.warmup)
        if step >= args.warmup:
            times.append(dt)
            cpu.append(dc)
    if args.profile:
        profile(model, opt, v1, v2, args.batch)
    emit("train_timing", model=args.model, steps=len(times), batch_images=args.batch, batch_views=2 * args.batch,
         median_step_ms_excl_data=round(1e3 * statistics.median(times), 1),
         median_step_cpu_ms=round(1e3 * statistics.median(cpu), 1),
         min_step_ms=round(1e3 * min(times), 1), max_step_ms=round(1e3 * max(times), 1),
         num_threads=torch.get_num_threads())


if __name__ == "__main__":
    main()
