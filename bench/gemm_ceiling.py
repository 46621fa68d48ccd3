#!/usr/bin/python3
"""The machine's ceiling: float32 matrix multiply GFLOP/s reached by numpy on an optimized BLAS
(Debian's python3-numpy through the libblas.so.3 alternative, OpenBLAS where libopenblas0 is installed).

  /usr/bin/python3 bench/gemm_ceiling.py [--size 2048] [--repeats 10] [--threads N]

--threads sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS before numpy loads (default: leave BLAS its own
choice, i.e. every core). GFLOP/s counts 2·n³ per product; best of the repeats after one warm-up.
Prints one JSON line: {runner, numpy, blas, threads, size, gflops, mean_gflops}.
"""
import argparse, json, os, time

ap = argparse.ArgumentParser()
ap.add_argument('--size', type=int, default=2048)
ap.add_argument('--repeats', type=int, default=10)
ap.add_argument('--threads', type=int, default=0)
a = ap.parse_args()
if a.threads > 0:
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = str(a.threads)

import numpy as np


def blas_library():
    """The BLAS shared objects numpy actually loaded (from /proc/self/maps), e.g. libopenblasp-r0.3.21.so."""
    try:
        with open('/proc/self/maps') as f:
            paths = {line.split()[-1] for line in f if line.rstrip().split()[-1].startswith('/')}
    except OSError:
        return []
    return sorted({os.path.realpath(p) for p in paths if 'blas' in os.path.basename(p).lower()})


n = a.size
rng = np.random.default_rng(0)
A = rng.standard_normal((n, n), dtype=np.float32)
B = rng.standard_normal((n, n), dtype=np.float32)
C = np.empty((n, n), dtype=np.float32)
np.matmul(A, B, out=C)  # warm-up: threads start, pages fault in
times = []
for _ in range(a.repeats):
    t0 = time.perf_counter()
    np.matmul(A, B, out=C)
    times.append(time.perf_counter() - t0)
flop = 2.0 * n ** 3
print(json.dumps({'runner': 'numpy', 'numpy': np.__version__, 'blas': blas_library(), 'threads': a.threads or os.cpu_count(),
                  'size': n, 'gflops': flop / min(times) / 1e9, 'mean_gflops': flop / (sum(times) / len(times)) / 1e9}))
