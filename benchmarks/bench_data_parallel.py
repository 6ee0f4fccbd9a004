"""Data-parallel training on one CPU: an epoch with 1 and 2 replicas, and this machine's FLOP/s.

Chapter 5 ("More compute") shows that TensorFlow's ``MirroredStrategy`` over two logical CPU
devices trains exactly the same weights as a single device.  Whether it is *faster* is a timing,
different on every machine and run, so it is measured here and not in the notebook:

* **Keras epochs.**  A ``--width``-wide 3-layer MLP (100 inputs, two hidden ReLU layers, 10 softmax
  outputs; Adam) trains on ``--samples`` random float32 examples at global batch ``--batch``, in three
  set-ups: plain Keras (no strategy), ``MirroredStrategy`` with one replica (``/cpu:0``: the
  strategy's machinery, no parallelism) and with two replicas (``/cpu:0``, ``/cpu:1``, each
  computing half of every batch).  Each set-up runs in its own subprocess (logical devices must be
  configured before TensorFlow starts); one untimed warm-up epoch, then the best of ``--epochs``.
  ``--intra-op-threads N`` repeats the three with TensorFlow's intra-op thread pool limited to N.
* **FLOP/s.**  The best of ten 1024 x 1024 NumPy matrix products in float32 and float64 (2 n^3 FLOPs
  each), and the FLOP rate companion.nn reaches when training the article's 100-64-64-10 network at
  batch 256 (float32, FLOPs per example from ``companion.scaling.dense_flops``, eq-ch5-train-flops).

The results are printed as a table and written to ``--write`` (default
``benchmarks/data_parallel.json``), the file chapter 5 reads its benchmark figures from.

Usage::

    .venv/bin/python benchmarks/bench_data_parallel.py                  # about a minute
    .venv/bin/python benchmarks/bench_data_parallel.py --intra-op-threads 1 --write /tmp/dp.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
MARKER = "RESULT "
SETUPS = ("plain", "mirrored-1", "mirrored-2")


def _data(samples: int):
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.standard_normal((samples, 100), dtype=np.float32), rng.integers(0, 10, samples)


def worker_keras(setup: str, samples: int, width: int, batch: int, epochs: int, threads: int) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
    import keras

    keras.utils.set_random_seed(0)
    x, y = _data(samples)

    def build():
        model = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(width, activation="relu"),
                                  keras.layers.Dense(width, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    if setup == "plain":
        model = build()
    else:
        devices = ["/cpu:0"] if setup == "mirrored-1" else ["/cpu:0", "/cpu:1"]
        with tf.distribute.MirroredStrategy(devices).scope():
            model = build()
    model.fit(x, y, epochs=1, batch_size=batch, verbose=0)
    best = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=batch, verbose=0)
        best = min(best, time.perf_counter() - start)
    return {"seconds": best, "tensorflow": tf.__version__}


def worker_flops(repeats: int = 10) -> dict:
    import numpy as np

    from companion import scaling

    rng = np.random.default_rng(0)
    result = {}
    for dtype in ("float32", "float64"):
        a = rng.standard_normal((1024, 1024)).astype(dtype)
        b = rng.standard_normal((1024, 1024)).astype(dtype)
        a @ b
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - start)
        result[f"matmul_{dtype}"] = 2 * 1024**3 / best
    x, y = _data(60_000)
    article = [100, 64, 64, 10]
    model = scaling.dense_classifier(article, seed=0, dtype="float32")
    model.fit(x, y, epochs=1, batch_size=256, verbose=0)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=256, verbose=0)
        best = min(best, time.perf_counter() - start)
    result["nn_training_float32"] = scaling.training_flops(article, len(x)) / best
    try:
        from threadpoolctl import threadpool_info

        blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        result["blas"] = {k: blas[0].get(k) for k in ("internal_api", "architecture", "num_threads")}
    except (ImportError, IndexError):  # pragma: no cover
        result["blas"] = {}
    return result


def run(args: list[str]) -> dict:
    """Run this script as a worker in a fresh interpreter and return its result."""
    proc = subprocess.run([sys.executable, str(pathlib.Path(__file__).resolve()), *args],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"worker {args} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len(MARKER):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=256, help="global batch size")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per set-up (the best counts)")
    parser.add_argument("--intra-op-threads", type=int, default=0, help="0: TensorFlow's default")
    parser.add_argument("--write", default=str(ROOT / "benchmarks" / "data_parallel.json"))
    parser.add_argument("--worker", choices=["keras", "flops"], help=argparse.SUPPRESS)
    parser.add_argument("--setup", choices=SETUPS, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "flops":
        print(MARKER + json.dumps(worker_flops()))
        return
    if args.worker == "keras":
        result = worker_keras(args.setup, args.samples, args.width, args.batch, args.epochs,
                              args.intra_op_threads)
        print(MARKER + json.dumps(result))
        return

    common = ["--samples", str(args.samples), "--width", str(args.width), "--batch", str(args.batch),
              "--epochs", str(args.epochs), "--intra-op-threads", str(args.intra_op_threads)]
    flops = run(["--worker", "flops"])
    keras_runs = {s: run(["--worker", "keras", "--setup", s, *common]) for s in SETUPS}
    seconds = {s: r["seconds"] for s, r in keras_runs.items()}
    report = {
        "date": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "tensorflow": keras_runs["plain"]["tensorflow"],
        "blas": flops.pop("blas"),
        "keras": {"layer_sizes": [100, args.width, args.width, 10], "samples": args.samples,
                  "global_batch": args.batch, "intra_op_threads": args.intra_op_threads or "default",
                  "epoch_seconds": seconds},
        "flop_per_second": flops,
    }
    print(f"{report['date']}, {report['cpus']} CPUs, TensorFlow {report['tensorflow']}, "
          f"load average {report['load_average_1min']}")
    print(f"Keras, 100-{args.width}-{args.width}-10, {args.samples:,} samples, global batch {args.batch}, "
          f"intra-op threads {report['keras']['intra_op_threads']}; best of {args.epochs} epochs:")
    for s in SETUPS:
        print(f"  {s:11s} {seconds[s]:7.2f} s per epoch   ({seconds['plain'] / seconds[s]:.2f}x plain)")
    print("FLOP/s: " + ", ".join(f"{k} {v / 1e9:.1f} G" for k, v in flops.items()))
    pathlib.Path(args.write).write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.write}")


if __name__ == "__main__":
    main()
