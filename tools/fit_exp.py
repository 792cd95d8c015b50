#!/usr/bin/env python3
"""Fit the polynomial of logitkit's exp kernel (src/exp.rs).

e^r = 1 + r + r^2 * P(r)   for r in [-ln2/2, ln2/2]

P is a near-minimax fit (Lawson's iteratively reweighted least squares on
Chebyshev points, in 60-digit mpmath arithmetic) of the *relative* error of
e^r, with the coefficients rounded one at a time to the target format (f32 or
f64) and the remaining ones refitted after each rounding, so that the
rounding of the stored coefficients is part of the optimisation.

Usage: python3 tools/fit_exp.py f32 4      (degree of P)
       python3 tools/fit_exp.py f64 10
Prints the coefficients (lowest degree first) and the max relative error of
1 + r + r^2 P(r) against e^r (exact arithmetic, coefficients as stored).
Needs mpmath only.
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 60


def round_to(fmt, x):
    if fmt == "f32":
        return mp.mpf(struct.unpack("<f", struct.pack("<f", float(x)))[0])
    # f64: float() rounds to nearest double
    return mp.mpf(float(x))


def fit(fmt, deg, npts=400, iters=60):
    a = -mp.log(2) / 2
    b = mp.log(2) / 2
    pts = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + mp.mpf(0.5)) / npts) for k in range(npts)]
    fixed = {}  # index -> rounded value

    def solve():
        free = [j for j in range(deg + 1) if j not in fixed]
        w = [mp.mpf(1)] * npts
        best = None
        for _ in range(iters):
            # weighted least squares: minimise sum w * (r^2 (P(r) - g(r)) / e^r)^2
            rows, rhs = [], []
            for r, wi in zip(pts, w):
                s = mp.sqrt(wi) * r * r / mp.exp(r)
                g = (mp.exp(r) - 1 - r) / (r * r)
                known = sum(fixed[j] * r**j for j in fixed)
                rows.append([s * r**j for j in free])
                rhs.append(s * (g - known))
            A = mp.matrix(rows)
            y = mp.matrix(rhs)
            coef = mp.lu_solve(A.T * A, A.T * y)
            c = {}
            for j, v in zip(free, coef):
                c[j] = v
            c.update(fixed)
            errs = [abs(err(c, r)) for r in pts]
            m = max(errs)
            if best is None or m < best[0]:
                best = (m, dict(c))
            tot = sum(wi * e for wi, e in zip(w, errs))
            w = [wi * e / tot for wi, e in zip(w, errs)]
        return best

    def err(c, r):
        p = sum(c[j] * r**j for j in range(deg + 1))
        return (1 + r + r * r * p) / mp.exp(r) - 1

    for j in range(deg + 1):
        _, c = solve()
        fixed[j] = round_to(fmt, c[j])
    c = fixed
    dense = [a + (b - a) * k / 4000 for k in range(4001)]
    m = max(abs(err(c, r)) for r in dense if r != 0)
    return [c[j] for j in range(deg + 1)], m


if __name__ == "__main__":
    fmt, deg = sys.argv[1], int(sys.argv[2])
    coefs, m = fit(fmt, deg)
    for j, c in enumerate(coefs):
        if fmt == "f32":
            bits = struct.unpack("<I", struct.pack("<f", float(c)))[0]
            print(f"c{j} = {float(c)!r:>26}  // 0x{bits:08x}")
        else:
            bits = struct.unpack("<Q", struct.pack("<d", float(c)))[0]
            print(f"c{j} = {float(c)!r:>26}  // 0x{bits:016x}")
    print(f"max relative error {mp.nstr(m, 5)} = 2^{mp.nstr(mp.log(m, 2), 5)}")
