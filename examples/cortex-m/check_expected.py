#!/usr/bin/env python3
"""Checks examples/cortex-m/expected-<target>.txt (one per target: the Cortex-M4F runs the table
exponential, the Cortex-M0 integer arithmetic, so the last bits differ) against exact arithmetic (mpmath),
independently of logitkit: the logits (exact: dyadic weights and features), the multi-label tags,
each probability within the documented 4 ULP of the correctly rounded f32
softmax, the printed decimals, the decisions with their thresholds, and the
binary probabilities within 2 ULP.

    /work/venv/bin/python examples/cortex-m/check_expected.py   (needs mpmath)
"""
import re
import struct
import sys
from pathlib import Path

import mpmath as mp

mp.mp.prec = 200
W = [[-1.0, -1.0, -0.5, -0.5, 0.0, -0.25], [0.25, 0.25, 0.125, 0.25, 0.125, 0.0],
     [1.5, -0.5, 1.0, -0.25, 0.5, 0.75], [-0.5, 1.5, -0.25, 1.0, 0.5, 0.625]]
B = [1.5, 0.0, -1.25, -1.25]
TH = [0.6, 0.9, 0.7, 0.7]
FRAMES = [[0.0, 0.0, 0.25, 0.0, 0.0, 0.0], [2.0, 0.25, 1.5, 0.0, 1.0, 1.0],
          [0.25, 2.0, 0.0, 1.5, 1.0, 1.0], [1.25, 1.0, 0.75, 0.5, 1.0, 1.0]]
NAMES = ["silence", "unknown", "yes", "no"]
TAGS = ["speech", "music", "alarm"]
TAG_TH = [0.5, 0.8, 0.95]
TAG_W = [[1.0, 1.0, 0.5, 0.5, 0.0, 0.0], [-0.25, 0.0, 0.0, 0.25, 1.5, 1.0], [0.0, 0.0, 3.5, 0.0, -1.0, 0.0]]
TAG_B = [-1.0, -0.75, -1.0]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def f32_ulp(x):
    b = struct.unpack("<I", struct.pack("<f", abs(x)))[0]
    return struct.unpack("<f", struct.pack("<I", b + 1))[0] - abs(x)


def bits_to_f32(h):
    return struct.unpack("<f", struct.pack("<I", int(h, 16)))[0]


def check(path):
    text = path.read_text().splitlines()
    worst = 0.0
    for f, x in enumerate(FRAMES):
        z = [B[c] + sum(W[c][j] * x[j] for j in range(6)) for c in range(4)]
        s = mp.fsum(mp.exp(v) for v in z)
        p = [mp.exp(v) / s for v in z]
        line = next(t for t in text if t.startswith(f"frame {f}:"))
        bits = next(t for t in text[text.index(line) + 1:] if "bits" in t).split()[1:]
        assert line.split("logits [")[1].split("]")[0] == ", ".join(f"{v:.4f}" for v in z), line
        assert line.split(" p [")[1].split("]")[0] == ", ".join(f"{float(v):.4f}" for v in p), line
        for c in range(4):
            got = bits_to_f32(bits[c])
            err = abs(mp.mpf(got) - p[c]) / f32_ulp(f32(p[c]))
            worst = max(worst, float(err))
            assert err <= 4, (f, c, got, p[c], err)
        # decide_per_class: the most probable class among those reaching their threshold
        passing = [c for c in range(4) if p[c] >= TH[c]]
        want = NAMES[max(passing, key=lambda c: p[c])] if passing else "abstain"
        assert line.split("-> ")[1].startswith(want), (line, want)
        # multi-label tags: sigmoid(t) >= threshold, exactly
        t = [TAG_B[c] + sum(TAG_W[c][j] * x[j] for j in range(6)) for c in range(3)]
        present = [TAGS[c] for c in range(3) if 1 / (1 + mp.exp(-t[c])) >= TAG_TH[c]]
        tags = next(u for u in text[text.index(line) + 1:] if "tags" in u)
        assert tags.split("tags ")[1].split(" (mask")[0] == (" ".join(present) or "none"), (tags, present)
    assert "rejected: input holds NaN at index 0" in next(t for t in text if t.startswith("frame 4:"))
    for v, t in zip([-3.0, 12.0, 20.0], [t for t in text if t.startswith("voice")]):
        m = re.findall(r"= ([0-9.e-]+)", t)
        for got, exact in zip(m, [1 / (1 + mp.exp(v)), 1 / (1 + mp.exp(-v))]):
            # printed with 7 digits: within the documented 2 ULP, plus half a unit of the last digit
            err = abs(mp.mpf(got) - exact) - mp.mpf(10) ** (mp.floor(mp.log10(abs(mp.mpf(got)))) - 6) / 2
            assert err <= 2 * f32_ulp(f32(exact)), (t, got, exact)
    print(f"{path.name} agrees with mpmath: decisions, decimals, probabilities within {worst:.2f} ULP (bound 4)")


for target in ["thumbv7em-none-eabihf", "thumbv6m-none-eabi"]:
    check(Path(__file__).parent / f"expected-{target}.txt")
