#!/usr/bin/python3
"""Peer of `./bench augmenter`: a PyTorch DataLoader with torchvision making the augmenter's view sets from the same bytes.

The Java side writes the payloads of the raw samples it sends to Kafka (raw uint8 HWC pixels, PNG or JPEG) to a file,
each as a big-endian u32 length and the bytes. Here a torch Dataset holds those bytes and, per sample, does what a
training input pipeline does: decode (PIL, i.e. libpng / libjpeg-turbo, for PNG and JPEG; `Image.frombuffer` for raw
pixels), then the recipe's torchvision transforms on the PIL image, one call per view, each ending in `PILToTensor`
(uint8 CHW, the peer of our uint8 views). A DataLoader with `--workers` worker processes (one libtorch thread each, as
DataLoader sets) batches them (`--batch` samples, each view position stacked). The recipes are the augmenter's defaults
(docs/architecture.md, "Recipes"):

- simclr (v2): 2 views of RandomResizedCrop(input size, 0.5-1) + RandomHorizontalFlip + RandomApply(ColorJitter(0.4, 0.4), 0.8);
- multicrop (v1): 2 global RandomResizedCrop(input size, 0.4-1) and 4 local RandomResizedCrop(3/7 of it, 0.05-0.4), each
  + flip + RandomApply(ColorJitter(0.4, 0.4, 0.2, 0.1), 0.8) + RandomGrayscale(0.2);
- byol (ImageNet-style; v2, and v1 but for the blur's arithmetic): 2 views of RandomResizedCrop(input size, 0.08-1)
  + flip + RandomApply(ColorJitter(0.4, 0.4, 0.2, 0.1), 0.8) + RandomGrayscale(0.2) + RandomApply(GaussianBlur(k,
  0.1-2), 1.0 / 0.1) + RandomSolarize(128, 0.0 / 0.2), k about a tenth of the side (odd), as the augmenter's (whose
  v2 blur is fixed point, within one level of torchvision's float one).

The first `--warmup-batches` batches (worker start-up, first imports) are not timed. Worker CPU time is read from
/proc/<pid>/stat of each worker process at the start and end of the timed batches, the main process's from os.times().

Prints `{"kind": "env", ...}` once, then one `{"kind": "rate", ...}` line per run on stdout.

    /usr/bin/python3 benchmarks/peer/augmenter_dataloader.py --input tiles.bin --format jpeg --recipe byol --samples 2000
"""
import argparse
import io
import math
import os
import struct
import sys
import time

import torch
import torchvision
import torchvision.transforms as T
from PIL import Image

from common import emit, log, malloc_env, with_libtorch_env

RATIO = (3 / 4, 4 / 3)
TICKS = os.sysconf("SC_CLK_TCK")


def read_payloads(path):
    """The payloads of the file: u32 big-endian length, then that many bytes, repeated."""
    out = []
    with open(path, "rb") as f:
        while True:
            head = f.read(4)
            if not head:
                return out
            (n,) = struct.unpack(">I", head)
            body = f.read(n)
            if len(body) != n:
                raise ValueError(f"{path}: truncated record {len(out)}")
            out.append(body)


def decoder(fmt, shape):
    """bytes -> PIL image."""
    if fmt == "raw":
        h, w, c = shape
        mode = {1: "L", 3: "RGB"}[c]
        return lambda b: Image.frombuffer(mode, (w, h), b, "raw", mode, 0, 1)

    def decode(b):
        img = Image.open(io.BytesIO(b))
        img.load()
        return img
    return decode


def blur_kernel(side):
    k = int(0.1 * side)
    if k % 2 == 0:
        k += 1
    return max(3, k)


def recipe(name, side):
    """One transform per view of the recipe, for square inputs of `side` pixels."""
    to_tensor = T.PILToTensor()
    if name == "simclr":
        view = T.Compose([T.RandomResizedCrop(side, scale=(0.5, 1.0), ratio=RATIO), T.RandomHorizontalFlip(0.5),
                          T.RandomApply([T.ColorJitter(0.4, 0.4)], p=0.8), to_tensor])
        return [view, view]
    if name == "multicrop":
        def crop(size, scale):
            return T.Compose([T.RandomResizedCrop(size, scale=scale, ratio=RATIO), T.RandomHorizontalFlip(0.5),
                              T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8), T.RandomGrayscale(0.2), to_tensor])
        local = max(1, round(side * 3 / 7))
        return [crop(side, (0.4, 1.0))] * 2 + [crop(local, (0.05, 0.4))] * 4
    if name == "byol":
        def view(blur_p, solarize_p):
            return T.Compose([T.RandomResizedCrop(side, scale=(0.08, 1.0), ratio=RATIO), T.RandomHorizontalFlip(0.5),
                              T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8), T.RandomGrayscale(0.2),
                              T.RandomApply([T.GaussianBlur(blur_kernel(side), sigma=(0.1, 2.0))], p=blur_p),
                              T.RandomSolarize(128, p=solarize_p), to_tensor])
        return [view(1.0, 0.0), view(0.1, 0.2)]
    raise ValueError(f"unknown recipe {name}")


class ViewSets(torch.utils.data.Dataset):
    """`samples` items cycling over the payloads; item i is the tuple of views of payload i % len."""

    def __init__(self, payloads, samples, decode, views):
        self.payloads = payloads
        self.samples = samples
        self.decode = decode
        self.views = views

    def __len__(self):
        return self.samples

    def __getitem__(self, i):
        img = self.decode(self.payloads[i % len(self.payloads)])
        return tuple(v(img) for v in self.views)


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main_cpu_seconds():
    t = os.times()
    return t.user + t.system


def run(dataset, workers, batch, warmup_batches, views_per_set):
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=False, num_workers=workers,
                                         persistent_workers=False, prefetch_factor=2 if workers else None)
    batches = math.ceil(len(dataset) / batch)
    if batches <= warmup_batches:
        raise ValueError(f"{len(dataset)} samples make {batches} batches, not more than the {warmup_batches} warm-up ones")
    it = iter(loader)
    for _ in range(warmup_batches):
        next(it)
    pids = [w.pid for w in getattr(it, "_workers", [])]
    cpu0 = [proc_cpu_seconds(p) for p in pids]
    main0 = main_cpu_seconds()
    t0 = time.perf_counter()
    samples = 0
    for _ in range(batches - warmup_batches):
        b = next(it)
        samples += b[0].shape[0]
    seconds = time.perf_counter() - t0
    worker_cpu = sum(proc_cpu_seconds(p) for p in pids) - sum(cpu0)
    main_cpu = main_cpu_seconds() - main0
    del it
    views = samples * views_per_set
    return {"views": views, "samples": samples, "seconds": round(seconds, 4), "views_per_s": round(views / seconds, 1),
            "worker_cpu_s": round(worker_cpu, 3), "main_cpu_s": round(main_cpu, 3),
            "views_per_worker_cpu_s": round(views / worker_cpu, 1) if worker_cpu > 0 else None,
            "views_per_cpu_s": round(views / (worker_cpu + main_cpu), 1) if worker_cpu + main_cpu > 0 else None}


def main():
    with_libtorch_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="payload file written by ./bench augmenter")
    ap.add_argument("--format", required=True, choices=["raw", "png", "jpeg"])
    ap.add_argument("--shape", help="H,W,C of raw pixels (required for --format raw)")
    ap.add_argument("--side", type=int, help="side of the square inputs (default: from --shape, else decoded from the first)")
    ap.add_argument("--recipe", required=True, choices=["simclr", "multicrop", "byol"])
    ap.add_argument("--case", default="", help="name echoed in the output")
    ap.add_argument("--samples", type=int, default=5000, help="samples per run, cycling over the payloads (default: %(default)s)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1], help="DataLoader worker counts to run (default: 1)")
    ap.add_argument("--batch", type=int, default=64, help="samples per batch (default: %(default)s)")
    ap.add_argument("--warmup-batches", type=int, default=4, help="batches not timed (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=1, help="runs per worker count (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--glibc-malloc-default", action="store_true", help="keep glibc's malloc settings (no re-execution)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    payloads = read_payloads(args.input)
    shape = tuple(int(x) for x in args.shape.split(",")) if args.shape else None
    if args.format == "raw" and shape is None:
        ap.error("--format raw needs --shape H,W,C")
    decode = decoder(args.format, shape)
    side = args.side or (shape[0] if shape else decode(payloads[0]).size[1])
    views = recipe(args.recipe, side)
    dataset = ViewSets(payloads, args.samples, decode, views)
    emit("env", env={"torch": torch.__version__, "torchvision": torchvision.__version__, "pil": Image.__version__,
                     "executable": sys.executable, "python": sys.version.split()[0], "payloads": len(payloads),
                     "malloc_env": malloc_env()})
    for workers in args.workers:
        for r in range(args.runs):
            result = run(dataset, workers, args.batch, args.warmup_batches, len(views))
            log(f"{args.case or args.recipe}: {workers} worker(s), run {r + 1}: {result['views_per_s']:,.0f} views/s, "
                f"{result['views_per_worker_cpu_s'] or 0:,.0f} views per worker CPU-s")
            emit("rate", case=args.case, recipe=args.recipe, format=args.format, workers=workers, batch=args.batch, **result)


if __name__ == "__main__":
    main()
