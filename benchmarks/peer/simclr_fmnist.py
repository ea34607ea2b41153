#!/usr/bin/python3
"""Peer of `./bench trainer` for the small CNN: SimCLR on Fashion-MNIST in plain PyTorch and torchvision (CPU).

What the trainer does, written independently in PyTorch:
- model: the small CNN 32-64-128-128 (ssl-model's Encoders.smallCnn) and the SimCLR projection head 128-64; NT-Xent
  with temperature 0.5 over the 2N views; Adam, lr 1e-3, no weight decay (models.py);
- data: Fashion-MNIST train images, shuffled every epoch, two views of each from the augmenter's `simclr` recipe in
  torchvision: RandomResizedCrop(28, scale 0.5-1, ratio 3/4-4/3), horizontal flip p 0.5, ColorJitter(brightness
  0.4, contrast 0.4) applied with p 0.8; pixels in [0, 1], then normalised with Fashion-MNIST's mean and std;
- the loop: batches of --batch images (2 x batch views) until --budget-s seconds of wall clock have passed (data
  preparation included), --warmup-steps untimed steps first; at least one timed step whatever the budget.

`median_step_ms_excl_data` is the median time of a timed step without the data: forward of the 2N views, loss,
zero_grad, backward, optimizer step, reading the loss back. `median_data_ms` is the making of a batch's views.
Unless --skip-eval, the encoder's frozen features of --eval-train train and --eval-test test images then go through
the evaluator's protocols (linear, knn@20, knn@200, as probe_features.py runs them).

glibc malloc: re-executes itself once with the settings of the repository's libtorch.env (those `./bench` exports)
unless --glibc-malloc-default. JSON lines on stdout (env, augment, train_timing, eval); progress on stderr.

    /usr/bin/python3 benchmarks/peer/simclr_fmnist.py --budget-s 60 --skip-eval --threads 2
"""
import argparse
import math
import os
import platform
import statistics
import sys
import time

import torch
import torchvision
import torchvision.transforms as T

from common import (FASHION_MNIST_MEAN, FASHION_MNIST_STD, emit, fashion_dir, fashion_mnist, log, malloc_env,
                    with_libtorch_env)
from models import SimCLR, SmallCnn, simclr_step


def simclr_view():
    """One view of the augmenter's `simclr` recipe, on a float (1, 28, 28) tensor in [0, 1]."""
    return T.Compose([
        T.RandomResizedCrop(28, scale=(0.5, 1.0), ratio=(3 / 4, 4 / 3)),
        T.RandomHorizontalFlip(p=0.5),
        T.RandomApply([T.ColorJitter(brightness=0.4, contrast=0.4)], p=0.8),
    ])


def as_input(images_u8):
    """uint8 (n, 28, 28) -> normalised float (n, 1, 28, 28), as the trainer's ImageBatch."""
    x = torch.from_numpy(images_u8).unsqueeze(1).float().div_(255)
    return x.sub_(FASHION_MNIST_MEAN).div_(FASHION_MNIST_STD)


class Batches:
    """Batches of 2 x batch views: all first views, then all second views; a new shuffle every epoch (a last batch that
    would be short is skipped, as the trainer's in-memory feed does)."""

    def __init__(self, images_u8, batch, generator):
        if len(images_u8) < batch:
            raise SystemExit(f"{len(images_u8)} training images, fewer than a batch of {batch}")
        self.images = images_u8
        self.batch = batch
        self.generator = generator
        self.view = simclr_view()
        self.order = None
        self.pos = 0
        self.epochs = 0

    def _image(self, i):
        return torch.from_numpy(self.images[i]).unsqueeze(0).float().div_(255)

    def next(self):
        if self.order is None or self.pos + self.batch > len(self.order):
            self.order = torch.randperm(len(self.images), generator=self.generator).tolist()
            self.pos = 0
            self.epochs += 1
        ids = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        images = [self._image(i) for i in ids]
        v1 = [self.view(x) for x in images]
        v2 = [self.view(x) for x in images]
        views = torch.stack(v1 + v2)
        return views.sub_(FASHION_MNIST_MEAN).div_(FASHION_MNIST_STD)


def augment_bench(images_u8, n):
    """Views per second of the view transform alone, one view per call, cycling through the images."""
    view = simclr_view()
    xs = [torch.from_numpy(images_u8[i]).unsqueeze(0).float().div_(255) for i in range(min(len(images_u8), 1000))]
    for x in xs[:50]:
        view(x)
    t0 = time.perf_counter()
    for i in range(n):
        view(xs[i % len(xs)])
    seconds = time.perf_counter() - t0
    emit("augment", views=n, seconds=round(seconds, 3), views_per_s=round(n / seconds, 1), num_threads=torch.get_num_threads())


def features(encoder, images_u8, batch=500):
    encoder.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images_u8), batch):
            out.append(encoder(as_input(images_u8[start:start + batch])))
    return torch.cat(out)


def main():
    with_libtorch_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="Fashion-MNIST IDX folder (default: Debian's, else the repository's subset)")
    ap.add_argument("--budget-s", type=float, default=60, help="wall clock of the training loop, s (default: %(default)s)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps, warm-up included (0: budget only)")
    ap.add_argument("--batch", type=int, default=256, help="images per step, two views each (default: %(default)s)")
    ap.add_argument("--warmup-steps", type=int, default=3, help="untimed steps first (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: all cores)")
    ap.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default: %(default)s)")
    ap.add_argument("--temperature", type=float, default=0.5, help="NT-Xent temperature (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--aug-bench-n", type=int, default=2000,
                    help="first time the view transform alone on this many views (0: skip; default: %(default)s)")
    ap.add_argument("--skip-eval", action="store_true", help="no feature extraction and protocols after training")
    ap.add_argument("--eval-train", type=int, default=60000, help="labelled train images of the protocols (default: %(default)s)")
    ap.add_argument("--eval-test", type=int, default=10000, help="test images of the protocols (default: %(default)s)")
    ap.add_argument("--log-every", type=int, default=10, help="steps between progress lines on stderr (default: %(default)s)")
    ap.add_argument("--glibc-malloc-default", action="store_true", help="keep glibc's malloc settings (no re-execution)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = fashion_dir(args.data)
    train_images, train_labels = fashion_mnist(data, "train")
    emit("env", python=sys.version.split()[0], torch=torch.__version__, torchvision=torchvision.__version__,
         num_threads=torch.get_num_threads(), num_interop_threads=torch.get_num_interop_threads(), cpu_count=os.cpu_count(),
         machine=platform.machine(), malloc_env=malloc_env(), data=str(data), train_images=len(train_images), args=vars(args))
    if args.aug_bench_n > 0:
        augment_bench(train_images, args.aug_bench_n)

    model = SimCLR(SmallCnn())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    batches = Batches(train_images, args.batch, torch.Generator().manual_seed(args.seed))
    model.train()
    step_ms, cpu_ms, data_ms = [], [], []
    first_loss = last_loss = None
    steps = 0
    start = time.perf_counter()
    deadline = start + args.budget_s
    while True:
        timed = steps >= args.warmup_steps
        if steps > args.warmup_steps and time.perf_counter() >= deadline:
            break
        if args.max_steps and steps >= max(args.max_steps, args.warmup_steps + 1):
            break
        d0 = time.perf_counter()
        views = batches.next()
        t0 = time.perf_counter()
        c0 = time.process_time()
        loss = simclr_step(model, opt, views, args.temperature)
        t1 = time.perf_counter()
        c1 = time.process_time()
        if not math.isfinite(loss):
            raise SystemExit(f"loss is {loss} at step {steps + 1}")
        steps += 1
        first_loss = loss if first_loss is None else first_loss
        last_loss = loss
        if timed:
            step_ms.append(1e3 * (t1 - t0))
            cpu_ms.append(1e3 * (c1 - c0))
            data_ms.append(1e3 * (t0 - d0))
        if steps % args.log_every == 0:
            log(f"step {steps}  loss {loss:.4f}  {1e3 * (t1 - t0):.0f} ms (+{1e3 * (t0 - d0):.0f} ms data)  "
                f"{t1 - start:.0f} s of {args.budget_s:.0f} s")
    seconds = time.perf_counter() - start
    ordered = sorted(step_ms)
    emit("train_timing", model="small-cnn", steps=len(step_ms), warmup_steps=args.warmup_steps, batch_images=args.batch,
         batch_views=2 * args.batch, median_step_ms_excl_data=round(statistics.median(step_ms), 1),
         p90_step_ms=round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
         median_step_cpu_ms=round(statistics.median(cpu_ms), 1), median_data_ms=round(statistics.median(data_ms), 1),
         min_step_ms=round(min(step_ms), 1), max_step_ms=round(max(step_ms), 1), num_threads=torch.get_num_threads(),
         first_loss=round(first_loss, 4), last_loss=round(last_loss, 4), epochs=batches.epochs, seconds=round(seconds, 1))

    if not args.skip_eval:
        from probe_features import run_protocols
        test_images, test_labels = fashion_mnist(data, "t10k", args.eval_test)
        train_images, train_labels = train_images[:args.eval_train], train_labels[:args.eval_train]
        t0 = time.perf_counter()
        train_x = features(model.encoder, train_images)
        test_x = features(model.encoder, test_images)
        log(f"features of {len(train_x)} + {len(test_x)} images in {time.perf_counter() - t0:.1f} s")
        for result in run_protocols(train_x, torch.from_numpy(train_labels), test_x, torch.from_numpy(test_labels),
                                    ["linear", "knn@20", "knn@200"]):
            log(f"{result['protocol']}: {100 * result['test_acc']:.2f}%")
            emit("eval", train=len(train_x), test=len(test_x), **result)


if __name__ == "__main__":
    main()
