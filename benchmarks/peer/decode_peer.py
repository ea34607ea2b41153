#!/usr/bin/python3
"""Peer of `./bench decode`: Pillow decoding the same image bytes as the augmenter, one thread.

The Java side writes the payloads (PNG or JPEG) to a file, each as a big-endian u32 length and the bytes. Here each is
decoded with Pillow (libjpeg-turbo for JPEG, libpng for PNG) into a uint8 HWC array, as a DataLoader's Dataset does
before its transforms. The payloads are decoded in order, `--rounds` times per run, after one untimed round; one
`{"kind": "rate", ...}` line per run gives images per second and per CPU-second (os.times of this process).

    /usr/bin/python3 benchmarks/peer/decode_peer.py --input tiles.bin --runs 5 --rounds 3
"""
import argparse
import io
import os
import time

import numpy as np
from PIL import Image

from common import emit, log
from augmenter_dataloader import read_payloads


def decode(payload):
    img = Image.open(io.BytesIO(payload))
    img.load()
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    return np.asarray(img)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    payloads = read_payloads(args.input)
    import PIL
    emit("env", pillow=PIL.__version__, images=len(payloads))
    for p in payloads:
        decode(p)
    for run in range(args.runs):
        cpu0 = sum(os.times()[:2])
        t0 = time.perf_counter()
        n = 0
        for _ in range(args.rounds):
            for p in payloads:
                decode(p)
                n += 1
        wall = time.perf_counter() - t0
        cpu = sum(os.times()[:2]) - cpu0
        log(f"decode peer run {run + 1}: {n / wall:,.0f} images/s")
        emit("rate", images=n, seconds=wall, cpu_seconds=cpu)


if __name__ == "__main__":
    main()
