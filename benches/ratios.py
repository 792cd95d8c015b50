#!/usr/bin/env python3
"""Print the ratio table of a Criterion run (no dependencies beyond Python 3).

Criterion stores each measurement in target/criterion/<group>/<function>/new/estimates.json.
Groups are named "<kernel>/<type>/<n>"; inside a group, every function is compared with the
baseline function (default "libm"): ratio = baseline time / function time (> 1: faster).

    cargo bench --bench kernels            # or a filter, e.g. -- softmax
    python3 benches/ratios.py              # all groups found
    python3 benches/ratios.py --baseline libm --markdown
"""
import argparse
import json
import os
import sys


def load(root):
    rows = {}
    for dirpath, _dirs, files in os.walk(root):
        if "estimates.json" in files and os.path.basename(dirpath) == "new":
            with open(os.path.join(dirpath, "estimates.json")) as f:
                est = json.load(f)
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                bench = json.load(f)
            group = bench["group_id"]
            func = bench.get("function_id") or ""
            rows.setdefault(group, {})[func] = est["median"]["point_estimate"]
    return rows


def sort_key(group):
    parts = group.split("/")
    n = parts[-1]
    return (parts[:-1], int(n) if n.isdigit() else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="target/criterion")
    ap.add_argument("--baseline", default="libm")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    if not os.path.isdir(args.root):
        sys.exit(f"no {args.root}: run `cargo bench` first")
    rows = load(args.root)
    out = []
    for group in sorted(rows, key=sort_key):
        funcs = rows[group]
        n = group.split("/")[-1]
        per = (lambda t: t / int(n)) if n.isdigit() and int(n) > 0 else (lambda t: t)
        base = funcs.get(args.baseline)
        for func in sorted(funcs):
            t = funcs[func]
            ratio = f"{base / t:.2f}x" if base else "-"
            out.append((group, func, f"{per(t):.3f}", ratio))
    if args.markdown:
        print(f"| group | function | ns/element | speed-up vs {args.baseline} |")
        print("|---|---|---|---|")
        for r in out:
            print("| " + " | ".join(r) + " |")
    else:
        for r in out:
            print(f"{r[0]:<28} {r[1]:<16} {r[2]:>10} ns/elem  {r[3]:>8}")


if __name__ == "__main__":
    main()
