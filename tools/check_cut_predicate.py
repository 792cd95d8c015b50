#!/usr/bin/env python3
"""The side of sigmoid(x) against an f32 rounding midpoint m, at 300 bits, for
the close calls listed in src/decide/cut.rs (`exhaustive_f32_predicate`).

Those are the only f32 inputs x whose f64 evaluation (tanh route for |x| < 1,
f64 sigmoid otherwise) lies within 16 f64 ULP of an f32 midpoint; the test
asserts the predicate decides them as listed here. Run with a Python that has
mpmath:  python tools/check_cut_predicate.py
"""
import struct
import sys

import mpmath

mpmath.mp.prec = 300

# (x bits (f32), midpoint bits (f64), sigmoid(x) > midpoint) as in src/decide/cut.rs
CLOSE = [
    (0xC164DDCB, 0x3EA49596D0000000, False),
    (0xBF1964D0, 0x3FD6B09630000000, False),
    (0xBE104170, 0x3FDDBFEE10000000, False),
    (0xB3800000, 0x3FDFFFFFF0000000, True),
    (0x34000000, 0x3FE0000010000000, False),
]

ok = True
for xb, mb, listed in CLOSE:
    x = struct.unpack(">f", struct.pack(">I", xb))[0]
    m = struct.unpack(">d", struct.pack(">Q", mb))[0]
    s = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
    truth = s > m
    gap = float((s - m) / m)
    print(f"x = {x!r:>24} m = {m!r:>22} sigmoid(x) > m: {truth} (relative gap {gap:.3e})")
    ok &= truth == listed
sys.exit(0 if ok else 1)
