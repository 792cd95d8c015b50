#!/usr/bin/env python3
"""Name the calls that reach a panic in the no-panic check binary.

Usage: ci/no-panic-diagnose.py LLVM_OBJDUMP ELF

ELF is ci/no-panic built with `--features diagnose` (the panic handler then
links). Disassembles it with line numbers, builds the call graph, and prints
every call from outside `core` into a `core` function that can reach the
panic handler,
with the source line the line table gives for it (for inlined code: the
innermost inlined function's line, i.e. the line in logitkit that panics).
Exit status 1 if any such site exists, 0 if none.
"""
import re
import subprocess
import sys

# Where every panic ends: the handler, or `panic_fmt` when the handler (an
# endless loop in the diagnose build) is inlined into it.
ROOTS = ("__rustc::rust_begin_unwind", "core::panicking::panic_fmt", "core::panicking::panic_nounwind_fmt")


def main() -> int:
    objdump, elf = sys.argv[1], sys.argv[2]
    text = subprocess.run(
        [objdump, "-d", "-l", "-C", "--no-show-raw-insn", elf],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    func_re = re.compile(r"^[0-9a-f]+ <(.+)>:$")
    addr_re = re.compile(r"^\s*([0-9a-f]+):")
    call_re = re.compile(r"\s(?:bl|blx|b|b\.w|bx|call|callq|jmp|jmpq|j[a-z]{1,3})\s+(?:0x)?[0-9a-f]+ <([^>+]+)(?:\+0x[0-9a-f]+)?>")
    edges = {}  # function -> list of (callee, source line)
    func = None
    for raw in text.splitlines():
        m = func_re.match(raw)
        if m:
            func = m.group(1)
            edges.setdefault(func, [])
            continue
        m = call_re.search(raw)
        if m and func is not None and m.group(1) != func:
            edges[func].append((m.group(1), addr_re.match(raw).group(1)))

    # Functions from which the panic handler is reachable.
    callers = {}
    for f, calls in edges.items():
        for g, _ in calls:
            callers.setdefault(g, set()).add(f)
    roots = [r for r in edges if r in ROOTS or r.startswith("core::panicking::")]
    reach = set(roots)
    todo = list(roots)
    while todo:
        g = todo.pop()
        for f in callers.get(g, ()):
            if f not in reach:
                reach.add(f)
                todo.append(f)

    def is_runtime(name: str) -> bool:
        return name.startswith(("core::", "<core::", "_$LT$core..", "__rustc::", "compiler_builtins", "<&T as core::"))

    sites = []
    for f, calls in edges.items():
        if is_runtime(f):
            continue
        for g, where in calls:
            # The frontier: a call from the crate (or the check, or code
            # inlined into it) into core's panicking code.
            if g in reach and is_runtime(g):
                sites.append((f, g, where))
    if not roots:
        print("no panic handler in the binary: no panic path survived")
        return 0
    if not sites:
        print("the panic handler is linked, but no call site outside core reaches it (see the disassembly)")
        return 1
    # The inlining chain of each call site, innermost first.
    addr2line = "addr2line"  # binutils: reads the DWARF of any target
    print("calls into core's panicking code that survived optimization:")
    for f, g, a in sorted(set(sites), key=lambda s: s[2]):
        chain = subprocess.run(
            [addr2line, "-f", "-i", "-C", "-e", elf, "0x" + a], check=True, capture_output=True, text=True
        ).stdout.splitlines()
        frames = [(chain[i], chain[i + 1]) for i in range(0, len(chain) - 1, 2)]
        print(f"  at 0x{a} in {f}\n    calls {g}; inlined call chain, innermost first:")
        for fn, loc in frames:
            if "/library/core/" in loc:
                loc = "core: " + loc.split("/library/core/", 1)[-1]
            print(f"      {loc}" + ("" if fn.startswith("$") else f"  ({fn})"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
