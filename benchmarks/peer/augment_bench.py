#!/usr/bin/python3
"""Peer of `./bench augment`: views per second per core of torchvision's transforms (CPU, one thread by default).

The cases and ops are those of the Java side (benchmarks' AugmentCases), which runs the augmenter's own ops on the
same inputs; here torchvision's transforms on float tensors in [0, 1], one view per call, each call drawing its own
random parameters from torch's global generator, as a torchvision Dataset applies its transform:

- gray28: Fashion-MNIST train[:20000] (1x28x28), the view of the augmenter's `simclr` recipe:
  RandomResizedCrop(28, scale 0.5-1) + RandomHorizontalFlip + RandomApply(ColorJitter(0.4, 0.4), p 0.8);
- rgb96: 1,000 uniform-noise RGB 96x96 images (torch.rand), the same ops at 96;
- rgb96_full: the same noise, RandomResizedCrop(96, scale 0.08-1) + RandomHorizontalFlip +
  RandomApply(ColorJitter(0.4, 0.4, 0.4, 0.1), p 0.8) + RandomGrayscale(0.2).

And each op alone, always applied, on the same images: RandomResizedCrop, HorizontalFlip(p=1) and ColorJitter(b,c)
for gray28 and rgb96; ColorJitter(b,c,s,h) and Grayscale(p=1) for rgb96_full. Images are cycled; each case is warmed
up on 50 views before it is timed.

Prints `{"env": {...}}` once, then one `{"case": ..., "what": "pipeline" | "op:<name>", "views": n, "seconds": s,
"views_per_s": r}` line per case and op on stdout.

    /usr/bin/python3 benchmarks/peer/augment_bench.py --n28 20000 --n96 5000 --n-ops 3000
"""
import argparse
import sys
import time

import torch
import torchvision
import torchvision.transforms as T

from common import emit, fashion_dir, fashion_mnist, log, malloc_env, with_libtorch_env

RATIO = (3 / 4, 4 / 3)
WARMUP_VIEWS = 50


def simclr_view(size):
    return T.Compose([T.RandomResizedCrop(size, scale=(0.5, 1.0), ratio=RATIO), T.RandomHorizontalFlip(p=0.5),
                      T.RandomApply([T.ColorJitter(brightness=0.4, contrast=0.4)], p=0.8)])


def full_colour_view(size):
    return T.Compose([T.RandomResizedCrop(size, scale=(0.08, 1.0), ratio=RATIO), T.RandomHorizontalFlip(p=0.5),
                      T.RandomApply([T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)], p=0.8),
                      T.RandomGrayscale(p=0.2)])


def cases(gray28, rgb96, n28, n96, n_ops):
    """(case, what, images, transform, views) in the order they are timed."""
    out = [("gray28", "pipeline", gray28, simclr_view(28), n28)]
    out += single_ops("gray28", gray28, 28, n_ops)
    out.append(("rgb96", "pipeline", rgb96, simclr_view(96), n96))
    out += single_ops("rgb96", rgb96, 96, n_ops)
    out.append(("rgb96_full", "pipeline", rgb96, full_colour_view(96), n96))
    out.append(("rgb96_full", "op:ColorJitter(b,c,s,h)", rgb96, T.ColorJitter(0.4, 0.4, 0.4, 0.1), n_ops))
    out.append(("rgb96_full", "op:Grayscale(p=1)", rgb96, T.RandomGrayscale(p=1.0), n_ops))
    return out


def single_ops(name, images, size, n):
    return [(name, "op:RandomResizedCrop", images, T.RandomResizedCrop(size, scale=(0.5, 1.0), ratio=RATIO), n),
            (name, "op:HorizontalFlip(p=1)", images, T.RandomHorizontalFlip(p=1.0), n),
            (name, "op:ColorJitter(b,c)", images, T.ColorJitter(brightness=0.4, contrast=0.4), n)]


def time_views(images, transform, n):
    """Seconds for n views, one call per view, cycling through the images (a list of tensors)."""
    count = len(images)
    for i in range(WARMUP_VIEWS):
        transform(images[i % count])
    t0 = time.perf_counter()
    for i in range(n):
        transform(images[i % count])
    return time.perf_counter() - t0


def main():
    with_libtorch_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="Fashion-MNIST IDX folder (default: Debian's, else the repository's subset)")
    ap.add_argument("--n28", type=int, default=20000, help="views of the gray28 pipeline (default: %(default)s)")
    ap.add_argument("--n96", type=int, default=5000, help="views of each 96x96 pipeline (default: %(default)s)")
    ap.add_argument("--n-ops", type=int, default=3000, help="views of each op alone (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads (default: %(default)s: per core)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--glibc-malloc-default", action="store_true", help="keep glibc's malloc settings (no re-execution)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = fashion_dir(args.data)
    images, _ = fashion_mnist(data, "train", 20000)
    gray28 = [torch.from_numpy(images[i]).unsqueeze(0).float().div_(255) for i in range(len(images))]
    rgb96 = list(torch.rand(1000, 3, 96, 96, generator=torch.Generator().manual_seed(args.seed + 1)).unbind(0))
    emit("env", env={"torch": torch.__version__, "torchvision": torchvision.__version__, "num_threads": torch.get_num_threads(),
                     "executable": sys.executable, "python": sys.version.split()[0], "gray28": f"{data} train[:{len(gray28)}]",
                     "rgb96": "torch.rand(1000, 3, 96, 96)", "malloc_env": malloc_env()})
    for case, what, imgs, transform, n in cases(gray28, rgb96, args.n28, args.n96, args.n_ops):
        seconds = time_views(imgs, transform, n)
        log(f"{case:10s} {what:24s} {n / seconds:10,.0f} views/s")
        emit("rate", case=case, what=what, views=n, seconds=round(seconds, 4), views_per_s=round(n / seconds, 1))


if __name__ == "__main__":
    main()
