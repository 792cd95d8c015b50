#!/usr/bin/env python3
"""Reference logit cuts for the multi-label thresholds (tests/decide_cuts.rs).

For a probability threshold t (a float of the format), the cut is the smallest
float x whose correctly rounded sigmoid is >= t. RN(sigmoid(x)) >= t holds iff
sigmoid(x) > m, m the midpoint between t and the float below it (sigmoid of a
float x != 0 is transcendental, so it is never equal to m; sigmoid(0) = 1/2 is
a float, not a midpoint). So the cut is the smallest float strictly above
logit(m) = ln(m / (1 - m)), computed here with mpmath at 400 bits and located
on the float grid by exact comparisons.

Deterministic: fixed thresholds plus numpy PCG64(20240604) draws.
Run from the repository root with a Python that has numpy and mpmath:
    python tools/gen_decide_cuts.py
Writes tests/data/decide/cuts_f32.txt and cuts_f64.txt: one line per
threshold, "t_bits cut_bits" in hex (the cut -inf for t = 0).
"""
import os

import mpmath
import numpy as np

mpmath.mp.prec = 400

FMT = {
    "f32": (np.float32, np.uint32, 8, 23),
    "f64": (np.float64, np.uint64, 16, 52),
}


def bits(v, ftype, utype):
    return int(np.array([v], dtype=ftype).view(utype)[0])


def from_bits(b, ftype, utype):
    return np.array([b], dtype=utype).view(ftype)[0]


def next_up(v, ftype):
    return np.nextafter(ftype(v), ftype(np.inf))


def next_down(v, ftype):
    return np.nextafter(ftype(v), ftype(-np.inf))


def cut(t, ftype):
    if t == 0:
        return ftype(-np.inf)
    below = next_down(t, ftype) if t > 0 else ftype(0)
    if below < 0:
        below = ftype(0)
    m = (mpmath.mpf(float(below)) + mpmath.mpf(float(t))) / 2
    L = mpmath.log(m / (1 - m))
    c = ftype(float(L))  # near L; now fix it exactly
    while mpmath.mpf(float(c)) <= L:
        c = next_up(c, ftype)
    while mpmath.mpf(float(next_down(c, ftype))) > L:
        c = next_down(c, ftype)
    return c


def thresholds(name):
    ftype, utype, _, mant = FMT[name]
    one = ftype(1)
    ts = [ftype(0), one, next_down(one, ftype), ftype(0.5), next_up(0.5, ftype), next_down(0.5, ftype),
          from_bits(1, ftype, utype)]
    ts += [ftype(v) for v in (1e-30, 1e-10, 1e-7, 1e-3, 0.01, 0.1, 0.2, 0.25, 0.3, 0.7, 0.75, 0.8, 0.9, 0.99,
                              0.999, 0.9999, 0.99999)]
    ts += [ftype(i / 1000) for i in range(1, 1000)]
    emin = 149 if name == "f32" else 1074
    ts += [ftype(2.0) ** -k for k in range(1, emin + 1, 1 if name == "f32" else 7)]
    ts += [one - ftype(2.0) ** -k for k in range(2, mant + 2)]
    rng = np.random.Generator(np.random.PCG64(20240604))
    # uniform over the bit patterns of (0, 1]: every binade equally
    top = bits(one, ftype, utype)
    ts += [from_bits(int(b), ftype, utype) for b in rng.integers(1, top + 1, 600, dtype=np.uint64)]
    ts += [ftype(v) for v in rng.random(400)]
    seen, out = set(), []
    for t in ts:
        b = bits(t, ftype, utype)
        if b not in seen and 0 <= t <= 1:
            seen.add(b)
            out.append(t)
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "decide")
    os.makedirs(root, exist_ok=True)
    for name, (ftype, utype, width, _) in FMT.items():
        lines = []
        for t in thresholds(name):
            c = cut(t, ftype)
            lines.append(f"{bits(t, ftype, utype):0{width}x} {bits(c, ftype, utype):0{width}x}")
        with open(os.path.join(root, f"cuts_{name}.txt"), "w") as f:
            f.write(f"# t_bits cut_bits ({name}): cut = smallest x with RN(sigmoid(x)) >= t; tools/gen_decide_cuts.py\n")
            f.write("\n".join(lines) + "\n")
        print(name, len(lines))


if __name__ == "__main__":
    main()
