#!/usr/bin/env python3
"""Ratio table of `cargo bench --bench decide` (reads target/criterion).

Each row: the crate's time and the baseline's time (median point estimates of
the same run) and their ratio (crate / baseline: below 1 is faster).
"""
import json
import os
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")


def ns(group, bench, n):
    p = os.path.join(ROOT, group, bench.replace("/", "_"), str(n), "new", "estimates.json")
    with open(p) as f:
        return json.load(f)["median"]["point_estimate"]


def row(label, a, b):
    print(f"| {label} | {a:.1f} | {b:.1f} | {a / b:.2f} |")


print("| benchmark | crate ns | baseline ns | ratio |")
print("|---|---|---|---|")
for n in (10, 100, 1000):
    row(f"argmax n={n} vs plain loop", ns("argmax", "crate", n), ns("argmax", "plain", n))
for n in (10, 100, 1000):
    for k in (1, 3, 5):
        row(f"top_k k={k} n={n} vs sort", ns("top_k", f"crate/k{k}", n), ns("top_k", f"sort/k{k}", n))
for n in (10, 100, 1000):
    c = ns("multilabel", "crate", n)
    row(f"multi-label decide_into n={n} vs sigmoid loop", c, ns("multilabel", "sigmoid", n))
    row(f"multi-label decide_into n={n} vs logit loop (no NaN check)", c, ns("multilabel", "logit", n))
    row(f"multi-label count n={n} vs logit loop", ns("multilabel", "crate_count", n), ns("multilabel", "logit", n))
    if n <= 128:
        row(f"multi-label mask_u128 n={n} vs logit loop", ns("multilabel", "crate_mask_u128", n),
            ns("multilabel", "logit", n))
