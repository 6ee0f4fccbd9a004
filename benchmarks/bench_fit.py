"""Training throughput of companion.nn beside Keras ``fit`` on the article's 100-64-64-10 network.

One epoch of Adam on ``--samples`` x 100 random float32 inputs with 10 classes, at each batch size.
Every measurement runs in its own subprocess, so the frameworks do not share threads, caches or
imports.  Each gets one untimed warm-up epoch (for Keras it traces the graph), then the best of
``--epochs`` timed one-epoch ``fit`` calls counts, which filters out noise from other processes.
The same math hand-written as one plain NumPy loop is timed too, as the reference for what NumPy
itself allows.  The machine's float32 matmul peak (best of ten 1024x1024 products) is measured in
the same run, and the progress display's cost (``verbose=1`` against ``verbose=0``, batch 32, best of
``--repeats``) is reported as a percentage.

The BLAS environment (``OPENBLAS_*``) is used as it is and printed.

Usage::

    .venv/bin/python benchmarks/bench_fit.py                # full run, about half a minute
    .venv/bin/python benchmarks/bench_fit.py --samples 20000 --batch-sizes 32 256
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

# forward + backward ~ 3 matmul passes x 2 FLOP x 11,136 multiply-adds (biases and activations ignored)
FLOP_PER_SAMPLE = 3 * 2 * (100 * 64 + 64 * 64 + 64 * 10)  # 66,816
MARKER = "RESULT "


def _data(samples: int):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((samples, 100), dtype=np.float32)
    y = rng.integers(0, 10, samples)
    return x, y


def _nn_model():
    from companion import nn

    return nn.article_model(seed=0)  # Adam, sparse categorical cross-entropy, accuracy


def _best_epoch(model, x, y, batch: int, timed: int) -> float:
    """One untimed warm-up epoch, then the shortest of ``timed`` one-epoch ``fit`` calls."""
    model.fit(x, y, epochs=1, batch_size=batch, verbose=0)
    best = float("inf")
    for _ in range(timed):
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=batch, verbose=0)
        best = min(best, time.perf_counter() - start)
    return best


def worker_nn(samples: int, batch: int, timed: int) -> dict:
    x, y = _data(samples)
    return {"seconds": _best_epoch(_nn_model(), x, y, batch, timed)}


def worker_plain(samples: int, batch: int, timed: int) -> dict:
    """The same training written as one plain vectorised NumPy loop (no classes, no metrics, Adam per
    array): the reference point "what NumPy itself allows" for the engine's abstractions."""
    import math

    import numpy as np

    x, y = _data(samples)
    rng = np.random.default_rng(0)
    sizes = [(100, 64), (64, 64), (64, 10)]
    weights = []
    for fan_in, fan_out in sizes:
        limit = math.sqrt(6 / (fan_in + fan_out))
        kernel = rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)
        weights += [kernel, np.zeros(fan_out, np.float32)]
    moments = [(np.zeros_like(w), np.zeros_like(w)) for w in weights]
    step = 0

    def epoch() -> None:
        nonlocal step
        order = rng.permutation(len(x))
        w1, b1, w2, b2, w3, b3 = weights
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            xb, yb = x[rows], y[rows]
            n = len(xb)
            z1 = xb @ w1 + b1
            h1 = np.maximum(z1, 0)
            z2 = h1 @ w2 + b2
            h2 = np.maximum(z2, 0)
            z3 = h2 @ w3 + b3
            e = np.exp(z3 - z3.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            d3 = p.copy()
            d3[np.arange(n), yb] -= 1
            d3 /= n
            d2 = (d3 @ w3.T) * (z2 > 0)
            d1 = (d2 @ w2.T) * (z1 > 0)
            grads = [xb.T @ d1, d1.sum(0), h1.T @ d2, d2.sum(0), h2.T @ d3, d3.sum(0)]
            step += 1
            alpha = 0.001 * math.sqrt(1 - 0.999**step) / (1 - 0.9**step)
            for w, (m, v), g in zip(weights, moments, grads):
                m += (g - m) * 0.1
                v += (g * g - v) * 0.001
                w -= alpha * m / (np.sqrt(v) + 1e-7)

    epoch()
    best = float("inf")
    for _ in range(timed):
        start = time.perf_counter()
        epoch()
        best = min(best, time.perf_counter() - start)
    return {"seconds": best}


def worker_keras(samples: int, batch: int, timed: int) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    x, y = _data(samples)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(100,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return {"seconds": _best_epoch(model, x, y, batch, timed), "keras": keras.__version__}


def worker_peak(n: int = 1024, repeats: int = 10) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    info = {}
    try:
        from threadpoolctl import threadpool_info

        blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if blas:
            info = {k: blas[0].get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
    except ImportError:  # pragma: no cover - threadpoolctl is optional
        info = {"internal_api": "unknown (threadpoolctl not installed)"}
    return {"flops": 2 * n**3 / best, "blas": info}


def worker_progress(samples: int, repeats: int) -> dict:
    """Best-of-``repeats`` epoch time at batch 32 with and without the bar (alternating runs)."""
    x, y = _data(samples)
    times = {0: [], 1: []}
    for _ in range(repeats):
        for verbose in (0, 1):
            model = _nn_model()
            start = time.perf_counter()
            model.fit(x, y, epochs=1, batch_size=32, verbose=verbose)
            times[verbose].append(time.perf_counter() - start)
    return {"quiet": min(times[0]), "bar": min(times[1])}


def run(args: list[str]) -> dict:
    """Run this script as a worker in a fresh interpreter and return its result."""
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), *args],
        capture_output=True, text=True, check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"worker {args} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len(MARKER):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 256, 1024])
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per run (the best one counts)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per setting for the display overhead")
    parser.add_argument(
        "--worker", choices=["nn", "keras", "plain", "peak", "progress"], help=argparse.SUPPRESS
    )
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        if args.worker == "peak":
            result = worker_peak()
        elif args.worker == "progress":
            result = worker_progress(args.samples, args.repeats)
        else:
            workers = {"nn": worker_nn, "keras": worker_keras, "plain": worker_plain}
            result = workers[args.worker](args.samples, args.batch, args.epochs)
        print(MARKER + json.dumps(result))
        return

    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"BLAS environment as found: {env or 'none set'}")
    peak = run(["--worker", "peak"])
    print(f"BLAS seen by threadpoolctl: {peak['blas']}")
    print(f"float32 matmul peak (best 1024x1024): {peak['flops'] / 1e9:.0f} GFLOP/s; "
          f"training costs {FLOP_PER_SAMPLE:,} FLOP/sample")
    print(f"One epoch of Adam, {args.samples:,} samples, 100-64-64-10, each run in its own subprocess\n")
    header = (f"{'batch':>6} | {'companion.nn':>14} | {'Keras fit':>12} | {'nn/Keras':>8} | "
              f"{'nn % peak':>9} | "
              f"{'Keras % peak':>12} | {'plain NumPy loop':>16}")
    print(header)
    print("-" * len(header))
    keras_version = ""
    for batch in args.batch_sizes:
        common = ["--samples", str(args.samples), "--batch", str(batch), "--epochs", str(args.epochs)]
        ours = args.samples / run(["--worker", "nn", *common])["seconds"]
        k = run(["--worker", "keras", *common])
        keras_version = k["keras"]
        theirs = args.samples / k["seconds"]
        plain = args.samples / run(["--worker", "plain", *common])["seconds"]
        print(f"{batch:>6} | {ours:>12,.0f}/s | {theirs:>10,.0f}/s | {ours / theirs:>7.1f}x | "
              f"{100 * ours * FLOP_PER_SAMPLE / peak['flops']:>8.1f}% | "
              f"{100 * theirs * FLOP_PER_SAMPLE / peak['flops']:>11.1f}% | {plain:>14,.0f}/s")
    print(f"(Keras {keras_version}, TensorFlow backend; all verbose=0, one warm-up epoch, then the best of "
          f"{args.epochs} timed epochs; 'plain NumPy loop' = the same math hand-written, no metrics)\n")
    prog = run(["--worker", "progress", "--samples", str(args.samples), "--repeats", str(args.repeats)])
    overhead = 100 * (prog["bar"] - prog["quiet"]) / prog["quiet"]
    print(f"progress display, batch 32 (best of {args.repeats}): verbose=0 {prog['quiet']:.3f} s, "
          f"verbose=1 {prog['bar']:.3f} s per epoch -> overhead {overhead:+.1f}%")


if __name__ == "__main__":
    main()
