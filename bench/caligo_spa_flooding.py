"""Baseline for the decoder-speed target of the LDPC issue: a numba flooding sum-product kernel
with Caligo's message rules (docs/science.md §9.9 `spa-flooding`: tot_v = L_v + Σ c2v, v2c = clip(tot_v −
c2v, ±30), c2v = (−1)^s·2·atanh(clip(Π_other tanh(v2c/2), ±(1 − 1e-12))), |tanh| < 1e-12 as exact
zeros), written for this project from that description, on Caligo's matrix, 50 iterations without
early stop. Prints one JSON line: {"ms_per_frame": best, "frames": K, ...}.

Run (python3-numba from Debian): python3 bench/caligo_spa_flooding.py CSR_TXT [QBER] [FRAMES]
"""
import json
import sys
import time

import numpy as np
from numba import njit


def read_csr(path):
    with open(path) as f:
        m, n, e = (int(t) for t in f.readline().split())
        row_ptr = np.array(f.readline().split(), dtype=np.int64)
        col_idx = np.array(f.readline().split(), dtype=np.int64)
    assert row_ptr.size == m + 1 and col_idx.size == e
    return m, n, row_ptr, col_idx


@njit(cache=False)
def decode(llr, syndrome, row_ptr, col_idx, iterations):
    m = row_ptr.size - 1
    n = llr.size
    e_count = col_idx.size
    c2v = np.zeros(e_count)
    v2c = np.zeros(e_count)
    tot = np.empty(n)
    hard = np.zeros(n, dtype=np.uint8)
    for _ in range(iterations):
        tot[:] = llr
        for e in range(e_count):
            tot[col_idx[e]] += c2v[e]
        for v in range(n):
            hard[v] = 1 if tot[v] < 0 else 0
        for e in range(e_count):
            x = tot[col_idx[e]] - c2v[e]
            v2c[e] = min(max(x, -30.0), 30.0)
        for c in range(m):
            start, end = row_ptr[c], row_ptr[c + 1]
            prod = 1.0
            zeros = 0
            zero_at = -1
            for e in range(start, end):
                t = np.tanh(v2c[e] / 2.0)
                if abs(t) < 1e-12:
                    zeros += 1
                    zero_at = e
                else:
                    prod *= t
            sign = -1.0 if syndrome[c] else 1.0
            for e in range(start, end):
                if zeros >= 2:
                    c2v[e] = 0.0
                    continue
                if zeros == 1:
                    if e != zero_at:
                        c2v[e] = 0.0
                        continue
                    p = prod
                else:
                    p = prod / np.tanh(v2c[e] / 2.0)
                p = min(max(p, -(1 - 1e-12)), 1 - 1e-12)
                c2v[e] = sign * 2.0 * np.arctanh(p)
    return hard


def main():
    path = sys.argv[1]
    qber = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
    frames = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    m, n, row_ptr, col_idx = read_csr(path)
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, n).astype(np.uint8)
    y = x ^ (rng.random(n) < qber).astype(np.uint8)
    mag = np.log((1 - qber) / qber)
    llr = np.where(y == 1, -mag, mag)
    syndrome = np.zeros(m, dtype=np.uint8)
    for c in range(m):
        syndrome[c] = np.bitwise_xor.reduce(x[col_idx[row_ptr[c]:row_ptr[c + 1]]])
    decode(llr, syndrome, row_ptr, col_idx, 2)  # compile
    best = float("inf")
    for _ in range(frames):
        t = time.perf_counter()
        decode(llr, syndrome, row_ptr, col_idx, 50)
        best = min(best, time.perf_counter() - t)
    print(json.dumps({"ms_per_frame": best * 1e3, "frames": frames, "qber": qber, "n": n}))


if __name__ == "__main__":
    main()
