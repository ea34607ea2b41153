#!/usr/bin/python3
"""Peer of `./bench trainer` for the ResNet-18: training-step time of SimCLR in plain PyTorch (CPU).

The same network as the trainer's `resnet18` encoder (ssl-model's Encoders.resnet18): a small-image stem (3x3 conv,
stride 1, no max-pool), BasicBlocks 2-2-2-2 of widths 64-128-256-512, global average pooling; the SimCLR projection
head Linear(512, 128)-ReLU-Linear(128, 64), NT-Xent (temperature 0.5) over 2N views, Adam lr 1e-3 (models.py).
`--model small-cnn` runs the 32-64-128-128 CNN instead (a cross-check of simclr_fmnist.py on synthetic data).

Data: synthetic standard-normal 1x28x28 views made once (a step's time does not depend on pixel values); the timed
part is what simclr_fmnist.py reports as `median_step_ms_excl_data`: forward of the 2N views, loss, zero_grad,
backward, optimizer step, reading the loss. `median_step_cpu_ms` is the process CPU time of a step (all threads),
which a busy shared machine disturbs less than wall time.

glibc malloc: re-executes itself once with the settings of the repository's libtorch.env (those `./bench` exports)
unless --glibc-malloc-default. Prints JSON lines (env, model, step, train_timing) on stdout.

    /usr/bin/python3 benchmarks/peer/resnet_step.py --batch 256 --steps 10 --threads 2
"""
import argparse
import os
import platform
import statistics
import sys
import time

import torch

from common import emit, malloc_env, with_libtorch_env
from models import ENCODERS, SimCLR, nt_xent


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
    with_libtorch_env()
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
         mkldnn=torch.backends.mkldnn.is_available(), malloc_env=malloc_env(), args=vars(args))

    model = SimCLR(ENCODERS[args.model]())
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
