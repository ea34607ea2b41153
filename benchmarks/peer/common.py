"""What every PyTorch peer of `./bench` shares: the repository's allocator settings, JSON output, Fashion-MNIST.

The peers are run by the Java benchmarks (benchmarks/src/main/java/io/sslstream/bench/Peer.java) with Debian's
/usr/bin/python3 and read back every stdout line that is a JSON object; anything else they print goes to stderr.
This module sits next to them and is imported by file name (a script's own folder is on sys.path).
"""
import gzip
import json
import os
import struct
import sys
from pathlib import Path

import numpy as np

#: the repository root: benchmarks/peer/common.py -> ../..
REPO = Path(__file__).resolve().parents[2]
#: the one source of the glibc malloc tunables for processes running libtorch
LIBTORCH_ENV_FILE = REPO / "libtorch.env"
#: where Debian's dataset-fashion-mnist package puts the IDX files
FASHION_MNIST_DEBIAN = Path("/usr/share/datasets/fashion-mnist")
#: the subset shipped with the repository (4,000 train and 1,000 test images)
FASHION_MNIST_SUBSET = REPO / "testdata" / "fashion-mnist-subset"
#: mean and standard deviation of the training pixels in [0, 1] (contracts' FashionMnist.MEAN and STD)
FASHION_MNIST_MEAN = 0.2860
FASHION_MNIST_STD = 0.3530
#: the flag that keeps glibc's own malloc settings (no re-execution)
MALLOC_DEFAULT_FLAG = "--glibc-malloc-default"


def emit(kind, **fields):
    """One JSON line on stdout: what the Java side parses."""
    rec = {"kind": kind}
    rec.update(fields)
    print(json.dumps(rec), flush=True)


def log(message):
    """Progress for a person, on stderr (the Java side passes it through)."""
    print(message, file=sys.stderr, flush=True)


def libtorch_env(path=LIBTORCH_ENV_FILE):
    """The KEY=VALUE lines of libtorch.env (comments and blank lines skipped), in file order."""
    env = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{path}:{number}: not a KEY=VALUE line: {line!r}")
        env[key.strip()] = value.strip()
    return env


def with_libtorch_env():
    """Re-executes this script once with libtorch.env's settings in its environment, unless they are there already
    or the command line has --glibc-malloc-default. glibc reads them at start, so setting them later is no use.
    `./bench` exports them, so under it this does nothing; it matters when a peer is run by hand."""
    if MALLOC_DEFAULT_FLAG in sys.argv:
        return
    wanted = libtorch_env()
    if all(os.environ.get(k) == v for k, v in wanted.items()):
        return
    env = dict(os.environ)
    env.update(wanted)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def malloc_env():
    """The libtorch.env keys as this process sees them (for the peer's env line)."""
    return {k: os.environ.get(k) for k in libtorch_env()}


def read_idx(path, limit=None):
    """An IDX file (gzip or not) as a numpy uint8 array: (n, rows, cols) for images, (n,) for labels."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        zero, dtype, dims = struct.unpack(">HBB", f.read(4))
        if zero != 0 or dtype != 0x08:
            raise ValueError(f"{path}: not an unsigned-byte IDX file")
        shape = list(struct.unpack(">" + "I" * dims, f.read(4 * dims)))
        if limit is not None:
            shape[0] = min(shape[0], limit)
        count = int(np.prod(shape))
        data = np.frombuffer(bytearray(f.read(count)), dtype=np.uint8)
    if data.size != count:
        raise ValueError(f"{path}: {data.size} bytes of data, the header promises {count}")
    return data.reshape(shape)


def fashion_dir(requested=None):
    """The folder to read Fashion-MNIST from: `requested` (or Debian's) when it holds the files, else the subset."""
    for d in ([Path(requested)] if requested else []) + [FASHION_MNIST_DEBIAN, FASHION_MNIST_SUBSET]:
        if any((d / name).is_file() for name in ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte")):
            return d
    raise FileNotFoundError(f"Fashion-MNIST not found in {requested or FASHION_MNIST_DEBIAN} nor {FASHION_MNIST_SUBSET} "
                            "(apt-get install dataset-fashion-mnist)")


def fashion_mnist(folder, split, limit=None):
    """Images (n, 28, 28) uint8 and labels (n,) int64 of `split` (`train` or `t10k`), at most `limit` of them."""
    folder = Path(folder)

    def file(base):
        for name in (base + ".gz", base):
            if (folder / name).is_file():
                return folder / name
        raise FileNotFoundError(f"{folder / (base + '.gz')} not found")

    images = read_idx(file(f"{split}-images-idx3-ubyte"), limit)
    labels = read_idx(file(f"{split}-labels-idx1-ubyte"), limit).astype(np.int64)
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} {split} images but {len(labels)} labels")
    return images, labels
