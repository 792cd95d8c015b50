#!/usr/bin/env python3
"""Generate the constants of logitkit's table exponential (src/exp_table.rs).

e^x = 2^(N/16) * e^r,  N = round(x * 16/ln2),  r = x - N ln2/16,  |r| <= 0.0217
2^(N/16) = 2^(N >> 4) * T_j,  j = N & 15,  T_j = 2^(j/16) = TH_j + TL_j
2^(j/16) = TH_j (1 + RHO_j): TH_j = f32(2^(j/16)), RHO_j = f32(2^(j/16)/TH_j - 1)
e^x ~ 2^(N >> 4) TH_j e^(r + RHO_j),  e^s ~ 1 + q(s),  q = s + s^2 (C2 + C3 s)
(minimax for the relative error; e^(r + RHO) = (1 + RHO) e^r to RHO^2/2 = 2^-51)

(Tang, "Table-driven implementation of the exponential function in IEEE
floating-point arithmetic", ACM TOMS 15(2), 1989: the table method, here with
16 entries and a shorter polynomial for an f32 result.)

TH is stored as the f32 bit patterns of TH_j * 2^(S0 + KMIN) minus (j << 19),
so that adding (N << 19) for N = 16 k + j gives TH_j * 2^(S0 + KMIN + k) in one
integer add (see the module docs); RHO as f32 values.

The coefficients: exhaustive search over f32 values near the real minimax
pair, max relative error on a 4001-point grid in float64 (whose rounding,
1e-16, is far below the errors near 1e-9), then checked in mpmath.

Usage: python3 tools/gen_exp_table.py   (needs mpmath and numpy; deterministic)
Prints the Rust constants; paste them into src/exp_table.rs (then `cargo fmt`).
"""
import struct

import mpmath as mp
import numpy as np

mp.mp.dps = 50
LOG2N = 4
NT = 1 << LOG2N
S0 = -88  # binary exponent of the smallest result (see src/exp_table.rs)
KMIN = 176  # results span 2^S0 .. 2^(S0 + KMIN + 1); entries stored at 2^(S0 + KMIN)
A = 0.0217  # |r| bound, with the slack of the rounded N (module docs)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def bits(x):
    return struct.unpack("<I", struct.pack("<f", float(x)))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def table():
    rows = []
    sh = 23 - LOG2N
    for j in range(NT):
        t = mp.power(2, mp.mpf(j) / NT)
        hi = mp.mpf(f32(t))
        rho = mp.mpf(f32(t / hi - 1))
        assert abs(hi * (1 + rho) - t) < mp.mpf(2) ** -47 * t, j
        rows.append(((bits(hi * mp.mpf(2) ** (S0 + KMIN)) - (j << sh)) % 2**32, bits(rho)))
    return rows


def mp_err(c2, c3, n=4001):
    a = mp.mpf(A)
    worst = mp.mpf(0)
    for k in range(n):
        r = -a + 2 * a * k / (n - 1)
        worst = max(worst, abs((1 + r + r * r * (c2 + c3 * r)) / mp.exp(r) - 1))
    return worst


def fit():
    r = np.linspace(-A, A, 4001)
    er = np.exp(-r)

    def err(c2, c3):
        return float(np.max(np.abs((1 + r + r * r * (c2 + c3 * r)) * er - 1)))

    best = None
    b2, b3 = bits(0.5), bits(1 / 6)
    for d3 in range(-2000, 2001, 20):
        c3 = from_bits(b3 + d3)
        for d2 in range(-40, 600, 4):
            c2 = from_bits(b2 + d2)
            e = err(c2, c3)
            if best is None or e < best[0]:
                best = (e, b2 + d2, b3 + d3)
    _, i2, i3 = best
    for d3 in range(-20, 21):  # refine
        for d2 in range(-4, 5):
            c2, c3 = from_bits(i2 + d2), from_bits(i3 + d3)
            e = err(c2, c3)
            if e < best[0]:
                best = (e, i2 + d2, i3 + d3)
    c2, c3 = mp.mpf(from_bits(best[1])), mp.mpf(from_bits(best[2]))
    return c2, c3, mp_err(c2, c3)


def main():
    c2, c3, e = fit()
    print(f"// tools/gen_exp_table.py: max |relative error| of 1 + r + r^2 (C2 + C3 r) on |r| <= {A}:"
          f" {float(e):.3e} (2^{float(mp.log(e, 2)):.2f})")
    print(f"const C2: f32 = f32::from_bits(0x{bits(c2):08x}); // {float(c2)!r}")
    print(f"const C3: f32 = f32::from_bits(0x{bits(c3):08x}); // {float(c3)!r}")
    rows = table()
    print(f"/// Bits of `TH_j · 2^(S0 + KMIN)` minus `j << {23 - LOG2N}`.")
    print(f"const TH: [u32; {NT}] = [")
    for i in range(0, NT, 8):
        print("    " + " ".join(f"0x{hb:08x}," for hb, _ in rows[i:i + 8]))
    print("];")
    print("/// `2^(j/16) / TH_j - 1`.")
    print(f"const RHO: [f32; {NT}] = [")
    for i in range(0, NT, 4):
        print("    " + " ".join(f"f32::from_bits(0x{lb:08x})," for _, lb in rows[i:i + 4]))
    print("];")

if __name__ == "__main__":
    main()
