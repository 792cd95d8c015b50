#!/usr/bin/env python3
"""Print the ratio table of a Criterion run (no dependencies beyond Python 3).

Criterion stores each measurement in target/criterion/<group>/<function>/new/estimates.json.
Groups are named "<kernel>/<type>/<n>"; inside a group the subject (default "logitkit") is
compared with the baseline (default "libm") and a peer (default "rten"):
ratio = other time / subject time (> 1: the subject is faster).

    cargo bench --manifest-path benches/speed/Cargo.toml     # or a filter, e.g. -- softmax
    python3 benches/speed/ratios.py                          # all groups found
    python3 benches/speed/ratios.py --baseline libm --peer rten --markdown
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
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--root", default=os.path.join(here, "target", "criterion"))
    ap.add_argument("--baseline", default="libm", help="function the speed-up is measured against")
    ap.add_argument("--subject", default="logitkit", help="function whose speed-up is reported")
    ap.add_argument("--peer", default="rten", help="second column: subject vs this peer")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--filter", default="", help="only groups containing this string")
    args = ap.parse_args()
    if not os.path.isdir(args.root):
        sys.exit(f"no {args.root}: run `cargo bench` first")
    rows = load(args.root)
    out = []
    for group in sorted(rows, key=sort_key):
        if args.filter not in group:
            continue
        funcs = rows[group]
        n = group.split("/")[-1]
        per = (lambda t: t / int(n)) if n.isdigit() and int(n) > 0 else (lambda t: t)
        base, subj, peer = funcs.get(args.baseline), funcs.get(args.subject), funcs.get(args.peer)
        if subj is None:
            continue
        out.append((
            group,
            f"{per(base):.3f}" if base else "-",
            f"{per(subj):.3f}",
            f"{per(peer):.3f}" if peer else "-",
            f"{base / subj:.2f}x" if base else "-",
            f"{peer / subj:.2f}x" if peer else "-",
        ))
    head = ("group", f"{args.baseline} ns/el", f"{args.subject} ns/el", f"{args.peer} ns/el",
            f"{args.subject} vs {args.baseline}", f"{args.subject} vs {args.peer}")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|---" * len(head) + "|")
        for r in out:
            print("| " + " | ".join(r) + " |")
    else:
        print("  ".join(f"{h:>16}" for h in head))
        for r in out:
            print("  ".join(f"{v:>16}" for v in r))


if __name__ == "__main__":
    main()
