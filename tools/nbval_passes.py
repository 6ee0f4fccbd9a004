"""Strict nbval over the book's notebooks, under the machine's own BLAS kernel and a forced other one.

A notebook output that depends on which OpenBLAS kernel or NumPy SIMD path ran is a bug: it passes
on the machine that executed the notebook and fails on a reader's. Running strict nbval twice, once
as the machine is and once with OpenBLAS forced onto another kernel and NumPy's SIMD dispatch turned
off, makes such an output fail on every machine, not only on the next one.

Usage::

    python tools/nbval_passes.py                 # both passes over every notebook of the TOC
    python tools/nbval_passes.py --pass forced   # only the forced-kernel pass
    python tools/nbval_passes.py --kernel Prescott --kernel Nehalem chapters/03-training/iterate.ipynb

The forced pass runs on x86-64 Linux (where the wheels' OpenBLAS honours ``OPENBLAS_CORETYPE``);
elsewhere it is skipped with a printed note.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

#: Kernels every x86-64 CPU of the last decade can run, tried in this order for the forced pass:
#: Sandybridge (AVX, no FMA) differs from the Haswell/SkylakeX/Zen kernels modern CPUs pick;
#: Prescott (SSE3 only) is the fallback when the machine's own kernel is already Sandybridge.
FORCED_KERNELS = ("Sandybridge", "Prescott")


def _probe(env: dict[str, str]) -> tuple[str, list[str]]:
    """The OpenBLAS kernel NumPy runs under ``env``, and NumPy's dispatchable SIMD targets."""
    code = (
        "import numpy, threadpoolctl\n"
        "from numpy._core._multiarray_umath import __cpu_dispatch__\n"
        "info = [i for i in threadpoolctl.threadpool_info() if i.get('internal_api') == 'openblas']\n"
        "print(info[0]['architecture'] if info else 'none')\n"
        "print(' '.join(__cpu_dispatch__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    kernel, dispatch = out.stdout.splitlines()
    return kernel, dispatch.split()


def _nbval(notebooks: list[str], env: dict[str, str], workers: str) -> int:
    cmd = [sys.executable, "-m", "pytest", "--nbval", "--nbval-sanitize-with", "nbval_sanitize.cfg",
           "-q", "-p", "no:cacheprovider"]
    if workers != "0":
        cmd += ["-n", workers, "--dist", "loadfile"]
    return subprocess.run(cmd + notebooks, env=env, cwd=ROOT).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to check (default: every one in _toc.yml)")
    parser.add_argument("--pass", dest="passes", choices=["default", "forced"], action="append",
                        help="run only this pass (repeatable; default: both)")
    parser.add_argument("--kernel", action="append",
                        help="force these OpenBLAS kernels instead of the automatic choice (repeatable)")
    parser.add_argument("-n", "--workers", default="2", help="pytest-xdist workers (0: none)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [str(p) for p in toc_notebooks(ROOT)]
    passes = args.passes or ["default", "forced"]
    base = dict(os.environ)
    default_kernel, dispatch = _probe(base)
    failed = []

    if "default" in passes:
        print(f"nbval pass 1: this machine's own OpenBLAS kernel ({default_kernel}) and NumPy dispatch",
              flush=True)
        if _nbval(notebooks, base, args.workers):
            failed.append(f"default kernel {default_kernel}")

    if "forced" in passes:
        if not (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")):
            print(f"nbval forced-kernel pass skipped: OPENBLAS_CORETYPE is honoured on x86-64 Linux, "
                  f"this is {sys.platform} {platform.machine()}", flush=True)
        else:
            kernels = args.kernel or [next(k for k in FORCED_KERNELS if k != default_kernel)]
            for kernel in kernels:
                env = dict(base, OPENBLAS_CORETYPE=kernel, NPY_DISABLE_CPU_FEATURES=" ".join(dispatch))
                ran, _ = _probe(env)
                print(f"nbval pass: OpenBLAS kernel forced to {kernel} (runs as {ran}; this machine's "
                      f"own is {default_kernel}), NumPy SIMD dispatch off ({' '.join(dispatch) or 'none'})",
                      flush=True)
                if _nbval(notebooks, env, args.workers):
                    failed.append(f"forced kernel {kernel}")

    if failed:
        print("strict nbval failed under: " + ", ".join(failed), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
