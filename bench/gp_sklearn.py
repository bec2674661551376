"""scikit-learn side of bench/gp_vs_sklearn.ts.

Usage: python3 bench/gp_sklearn.py <n> <n_test> < data
(stdin: little-endian float64 x (n*9), y (n), f (n), xt (n_test*9), ft (n_test), written by the TS bench)
Prints one JSON line: {"n", "fit_s", "rmse", "f_check", "kernel", "threads"}.
The kernel is the issue's reference: ConstantKernel()*Matern(nu=2.5, length_scale=[1]*9)+WhiteKernel(),
normalize_y=True, n_restarts_optimizer=0.
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gp_cliff_function import cliff9  # noqa: E402
from sklearn.gaussian_process import GaussianProcessRegressor  # noqa: E402
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel  # noqa: E402


def main():
    n, nt = int(sys.argv[1]), int(sys.argv[2])
    raw = np.frombuffer(sys.stdin.buffer.read(), dtype="<f8")
    sizes = [n * 9, n, n, nt * 9, nt]
    if raw.size != sum(sizes):
        raise SystemExit(f"expected {sum(sizes)} doubles on stdin, got {raw.size}")
    parts = np.split(raw, np.cumsum(sizes)[:-1])
    x, y, f = parts[0].reshape(n, 9), parts[1], parts[2]
    xt, ft = parts[3].reshape(nt, 9), parts[4]
    # The TS and Python definitions of the cliff function must agree on the same inputs.
    f_check = float(max(np.max(np.abs(cliff9(x) - f)), np.max(np.abs(cliff9(xt) - ft))))
    kernel = ConstantKernel() * Matern(nu=2.5, length_scale=[1.0] * 9) + WhiteKernel()
    gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=0)
    t0 = time.perf_counter()
    gp.fit(x, y)
    fit_s = time.perf_counter() - t0
    mu = gp.predict(xt)
    rmse = float(np.sqrt(np.mean((mu - ft) ** 2)))
    print(json.dumps({"n": len(y), "fit_s": fit_s, "rmse": rmse, "f_check": f_check,
                      "kernel": str(gp.kernel_), "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}))


if __name__ == "__main__":
    main()
