#!/usr/bin/python3
"""Peer of `./bench eval`: the evaluator's protocols fitted with plain PyTorch on the features the evaluator exported.

The evaluator writes the features and labels it ran its protocols on (`ssl.eval.features-export-dir`:
train_x.npy float32 (N, D), train_y.npy int64 (N,), test_x.npy, test_y.npy); this script runs the same protocols on
the same numbers, independently of our code, so that `./bench eval` can put the two accuracies side by side.
The protocols are eval-service's (io.sslstream.eval.protocol), written here from their definitions:

- `linear`: multinomial logistic regression on standardised features. Each column is standardised with the train
  split's mean and unbiased standard deviation, clamped below at 1e-6 (test features with the train statistics). The
  objective is mean cross-entropy of `x W^T + b` plus `0.5 * wd * ||W||^2` (wd 1e-4, no penalty on b), from W = 0,
  b = 0, minimised full-batch by torch.optim.LBFGS: 300 iterations at most (375 evaluations, PyTorch's default 1.25x),
  history 20, tolerances 1e-7 (gradient) and 1e-10 (change), lr 1, strong-Wolfe line search; float32, as ours.
  Accuracy: argmax of the logits on the test split (the first class on ties).
- `knn@K[:T]`: weighted k-nearest neighbours on L2-normalised features (no standardisation): the K train rows most
  cosine-similar to a test row vote for their class with weight exp(similarity / T); the largest sum wins. T defaults
  to 0.07 for knn@20 and 0.1 for knn@200, as the evaluator's. All kNN protocols share one pass: the similarities of
  blocks of 1,000 test rows and their top max(K), of which each protocol uses its first K.

Prints one JSON line per protocol on stdout: `{"kind": "probe", "protocol": ..., "test_acc": <fraction>, "seconds":
..., ...}` (the linear probe adds the optimiser's iterations, evaluations, final objective and train accuracy).

    /usr/bin/python3 benchmarks/peer/probe_features.py --train-x var/.../train_x.npy --train-y .../train_y.npy \\
        --test-x .../test_x.npy --test-y .../test_y.npy --threads 2
"""
import argparse
import re
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import emit, malloc_env, with_libtorch_env

#: the evaluator's standard temperatures (eval-service's ProtocolSpec)
KNN_TEMPERATURES = {20: 0.07, 200: 0.1}
MIN_STD = 1e-6


def parse_protocol(text):
    """`linear` -> ("linear", None, None); `knn@20` -> ("knn", 20, 0.07); `knn@50:0.1` -> ("knn", 50, 0.1)."""
    if text == "linear":
        return ("linear", None, None)
    m = re.fullmatch(r"knn@(\d+)(?::([0-9.eE+-]+))?", text)
    if m:
        k = int(m.group(1))
        if m.group(2) is not None:
            return ("knn", k, float(m.group(2)))
        if k in KNN_TEMPERATURES:
            return ("knn", k, KNN_TEMPERATURES[k])
        raise ValueError(f"protocol '{text}' has no standard temperature: write it as knn@{k}:T")
    raise ValueError(f"unknown protocol '{text}' (linear, knn@20, knn@200 or knn@K:T)")


def standardise(train, test, min_std=MIN_STD):
    """Both splits with the train split's column means and unbiased standard deviations (clamped at min_std)."""
    mean = train.mean(dim=0, keepdim=True)
    std = train.std(dim=0, unbiased=True, keepdim=True).clamp_min(min_std)
    return (train - mean) / std, (test - mean) / std


def linear_probe(train_x, train_y, test_x, test_y, classes, wd=1e-4, max_iter=300, history=20):
    """Fits W (classes, D) and b (classes,) from zero with full-batch L-BFGS; returns a result dict."""
    t0 = time.perf_counter()
    d = train_x.shape[1]
    w = torch.zeros(classes, d, dtype=train_x.dtype, requires_grad=True)
    b = torch.zeros(classes, dtype=train_x.dtype, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter, history_size=history, tolerance_grad=1e-7,
                            tolerance_change=1e-10, line_search_fn="strong_wolfe")

    def objective():
        return F.cross_entropy(train_x @ w.t() + b, train_y) + 0.5 * wd * (w * w).sum()

    def closure():
        opt.zero_grad()
        loss = objective()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        final = float(objective())
        train_acc = float((torch.argmax(train_x @ w.t() + b, dim=1) == train_y).double().mean())
        test_acc = float((torch.argmax(test_x @ w.t() + b, dim=1) == test_y).double().mean())
    state = opt.state[opt._params[0]]
    return {"protocol": "linear", "test_acc": test_acc, "train_acc": train_acc, "seconds": time.perf_counter() - t0,
            "iterations": int(state.get("n_iter", 0)), "evaluations": int(state.get("func_evals", 0)), "objective": final,
            "wd": wd, "max_iterations": max_iter, "history": history}


def knn(train_x, train_y, test_x, test_y, queries, chunk=1000):
    """Every (name, k, T) of `queries` from one pass of similarities; returns one result dict per query."""
    t0 = time.perf_counter()
    classes = int(train_y.max()) + 1
    max_k = max(k for _, k, _ in queries)
    if max_k > train_x.shape[0]:
        raise ValueError(f"k = {max_k} but only {train_x.shape[0]} train rows")
    bank = F.normalize(train_x, dim=1, eps=1e-12)
    correct = [0] * len(queries)
    with torch.no_grad():
        for start in range(0, test_x.shape[0], chunk):
            q = F.normalize(test_x[start:start + chunk], dim=1, eps=1e-12)
            sims, idx = torch.topk(q @ bank.t(), max_k, dim=1, largest=True, sorted=True)
            neighbour_labels = train_y[idx]
            for i, (_, k, temperature) in enumerate(queries):
                votes = torch.zeros(q.shape[0], classes, dtype=torch.float64)
                votes.scatter_add_(1, neighbour_labels[:, :k], torch.exp(sims[:, :k].double() / temperature))
                correct[i] += int((torch.argmax(votes, dim=1) == test_y[start:start + chunk]).sum())
    seconds = time.perf_counter() - t0
    return [{"protocol": name, "k": k, "temperature": temperature, "test_acc": correct[i] / test_x.shape[0],
             "seconds": seconds if i == 0 else 0.0} for i, (name, k, temperature) in enumerate(queries)]


def run_protocols(train_x, train_y, test_x, test_y, protocols, wd=1e-4, max_iter=300, history=20, chunk=1000):
    """The protocols (names) on float32 features and int64 labels (tensors), in the order given; yields result dicts
    (kNN ones after the shared pass, at the first kNN protocol's place)."""
    parsed = [(p,) + parse_protocol(p) for p in protocols]
    classes = int(max(train_y.max(), test_y.max())) + 1
    standardised = None
    knn_results = None
    for name, kind, k, temperature in parsed:
        if kind == "linear":
            if standardised is None:
                standardised = standardise(train_x, test_x)
            result = linear_probe(standardised[0], train_y, standardised[1], test_y, classes, wd, max_iter, history)
            yield result
        elif knn_results is None:
            knn_results = knn(train_x, train_y, test_x, test_y, [(n, kk, t) for n, kd, kk, t in parsed if kd == "knn"], chunk)
            yield from knn_results


def main():
    with_libtorch_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train-x", required=True, help="train features, float32 (N, D) .npy")
    ap.add_argument("--train-y", required=True, help="train labels, integer (N,) .npy")
    ap.add_argument("--test-x", required=True, help="test features, float32 (M, D) .npy")
    ap.add_argument("--test-y", required=True, help="test labels, integer (M,) .npy")
    ap.add_argument("--protocols", default="linear,knn@20,knn@200", help="comma-separated (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=torch.get_num_threads(), help="intra-op threads (default: all cores)")
    ap.add_argument("--wd", type=float, default=1e-4, help="weight decay of the linear probe (default: %(default)s)")
    ap.add_argument("--max-iter", type=int, default=300, help="L-BFGS iterations (default: %(default)s)")
    ap.add_argument("--history", type=int, default=20, help="L-BFGS history (default: %(default)s)")
    ap.add_argument("--knn-chunk", type=int, default=1000, help="test rows per similarity block (default: %(default)s)")
    ap.add_argument("--glibc-malloc-default", action="store_true", help="keep glibc's malloc settings (no re-execution)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    train_x = torch.from_numpy(np.load(args.train_x).astype(np.float32, copy=False))
    train_y = torch.from_numpy(np.load(args.train_y).astype(np.int64, copy=False))
    test_x = torch.from_numpy(np.load(args.test_x).astype(np.float32, copy=False))
    test_y = torch.from_numpy(np.load(args.test_y).astype(np.int64, copy=False))
    if train_x.ndim != 2 or test_x.ndim != 2 or train_x.shape[1] != test_x.shape[1]:
        raise SystemExit(f"features must be (N, D) and (M, D), got {tuple(train_x.shape)} and {tuple(test_x.shape)}")
    if train_x.shape[0] != train_y.shape[0] or test_x.shape[0] != test_y.shape[0]:
        raise SystemExit("as many labels as feature rows are needed in each split")
    emit("env", torch=torch.__version__, num_threads=torch.get_num_threads(), malloc_env=malloc_env(),
         train=list(train_x.shape), test=list(test_x.shape))
    for result in run_protocols(train_x, train_y, test_x, test_y, [p for p in args.protocols.split(",") if p],
                                args.wd, args.max_iter, args.history, args.knn_chunk):
        emit("probe", **result)


if __name__ == "__main__":
    main()
