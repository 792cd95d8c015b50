#!/usr/bin/env python3
"""Correctly rounded reference data for logitkit's accuracy tests (tests/accuracy.rs).

Run from anywhere with a Python that has mpmath (>= 1.3):

    python3 tests/data/gen.py            # rewrites tests/data/*.txt
    python3 tests/data/gen.py --out DIR  # writes elsewhere (to diff against the checked-in files)

The script is deterministic: fixed seeds (random.Random), inputs built from
random integers and exact arithmetic only (no libm call decides an input bit),
references computed by mpmath at 320 bits and cross-checked at 256 bits (the
script stops if the two disagree by more than 2^-40 ULP). Re-running it
reproduces the files bit for bit.

FORMAT (text, one record per line, '#' starts a comment line)
-------------------------------------------------------------
Every float is written as its exact IEEE bit pattern in lowercase hex: inputs
and rounded results in the target format (8 hex digits for f32, 16 for f64).

A reference value y (the exact mathematical result for the exact inputs) is
one whitespace-free token:

  HI:REM   HI  = y correctly rounded to the target format (round to nearest,
                 ties to even, subnormals included: a nonzero y may round to 0),
                 as target-format bits;
           REM = (y - HI) / ulp(y), the rounding error in units of the target
                 format's ULP of y, as the bits of an f64 (|REM| <= 0.5;
                 "0" when y == HI). ulp(y) = 2^(max(e, EMIN) - P + 1) with
                 e = floor(log2 |y|), P = 24/53, EMIN = -126/-1022; ulp(0) is
                 the smallest subnormal. The test recovers e from HI: e is
                 HI's exponent, minus one if |HI| is a power of two and
                 REM has the opposite sign of HI (y rounded up to 2^e).
           The error of a computed result r, in ULP of y, is then
                 (r - HI) / ulp(y) - REM      (exact in f64 up to ~2^-50 ULP).
  HI       (no colon) an exact special value: the result must have exactly
           this value (NaN matches any NaN, 0 matches -0). Used for NaN,
           +-inf (inputs that are infinite, or a y whose correct rounding
           overflows), and mathematically exact zeros (logit(1/2),
           softmax of a -inf entry, log_softmax of a one-element row, ...).
  !Kind    the function must return Err(Kind): !Empty, !AllNegInfinite,
           !Nan@INDEX.

Scalar files  <function>_<type>.txt  (sigmoid, log_sigmoid, softplus, logit, exp)
  X REF                one input per line.

Vector files  vectors_<type>.txt, records of several lines:
  case NAME
  x X0 X1 ...                       the logits
  logsumexp REF                     logsumexp(x) (also LogSumExp)
  softmax REF0 REF1 ...             softmax(x)
  log_softmax REF0 REF1 ...         log_softmax(x)
  temperature T REF0 REF1 ...       softmax_with_temperature(x, T) (0 or more lines)

mpmath evaluates: sigmoid = 1/(1+e^-x); softplus = max(x,0) + log1p(e^-|x|);
log_sigmoid = -softplus(-x); logit = ln(p/(1-p)); exp; and for vectors with
m = max x_i, d_i = x_i - m, L = ln sum e^d_i: logsumexp = m + L,
softmax_i = e^(d_i - L), log_softmax_i = d_i - L (L as log1p of the sum without the max), and with temperature t the
same with d_i / t.
"""

import argparse
import os
import struct
import sys

import mpmath
from mpmath import mp, mpf

PREC = 320  # bits of the references that are written
CHECK_PREC = 256  # bits of the cross-check


class Fmt:
    def __init__(self, name, p, emin, emax, width):
        self.name = name
        self.p = p
        self.emin = emin
        self.emax = emax
        self.width = width
        self.min_sub_exp = emin - (p - 1)  # -149 / -1074
        self.max = float((2**p - 1) * 2 ** (emax - p + 1))
        self.min_sub = 2.0**self.min_sub_exp
        self.max_sub = (2 ** (p - 1) - 1) * self.min_sub
        self.min_normal = 2.0**emin
        self.eps = 2.0 ** (1 - p)


F32 = Fmt("f32", 24, -126, 127, 8)
F64 = Fmt("f64", 53, -1022, 1023, 16)
INF = float("inf")
NAN = float("nan")


class Special:
    """A result that must be matched exactly (NaN, +-inf, exact zero)."""

    def __init__(self, v):
        self.v = v


class Err:
    def __init__(self, text):
        self.text = text


# ---------------------------------------------------------------- bits and rounding


def bits(v, fmt):
    """Bit pattern of v, a Python float holding a value of fmt exactly."""
    if v != v:
        return 0x7FC00000 if fmt is F32 else 0x7FF8000000000000
    if fmt is F32:
        b = struct.unpack("<I", struct.pack("<f", v))[0]
        assert struct.unpack("<f", struct.pack("<I", b))[0] == v or v != v
        return b
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def hexbits(v, fmt):
    return format(bits(v, fmt), "0%dx" % fmt.width)


def f64_hex_short(v):
    """f64 bits without leading zeros ('0' for zero)."""
    if v == 0:
        return "0"
    return format(struct.unpack("<Q", struct.pack("<d", v))[0], "x")


def round_to(y, fmt):
    """(v, rem): y (an mpf) rounded to nearest-even in fmt, subnormals included, and
    rem = (y - v) / ulp(y) as a Python float. v is +-inf on overflow (rem None)."""
    if y == 0:
        return 0.0, 0.0
    sign, man, exp, bc = y._mpf_
    man = int(man)
    e = exp + bc - 1  # floor(log2 |y|)
    if e > fmt.emax:
        return (-INF if sign else INF), None
    q = max(e, fmt.emin) - (fmt.p - 1)  # ulp(y) = 2^q
    sh = q - exp
    if sh <= 0:
        n = man << (-sh)
        rem = 0.0
    elif sh > bc + 1:
        # |y| / 2^q < 2^(bc - sh) <= 1/4: rounds to 0.
        n = 0
        rem = float(mpmath.ldexp(abs(y), -q))
    else:
        n = man >> sh
        r = man - (n << sh)
        half = 1 << (sh - 1)
        if r > half or (r == half and (n & 1)):
            n += 1
            r -= 1 << sh
        rem = r / (1 << sh)  # Python int / int: correctly rounded
    if n >= 2**fmt.p and q + fmt.p > fmt.emax:
        return (-INF if sign else INF), None
    v = float(n) * 2.0**q  # exact: n <= 2^p, q >= -1074
    assert v == n * mpmath.ldexp(1, q)
    if sign:
        v, rem = -v, -rem
    if rem == 0:
        rem = 0.0
    return v, rem


def to_fmt(v, fmt):
    """A Python float or decimal string rounded to fmt (exactly, via mpmath)."""
    if isinstance(v, float) and (v != v or v in (INF, -INF)):
        return v
    with mp.workprec(PREC):
        r, _ = round_to(mpf(v), fmt)
    return r


def token(ref, fmt):
    """The file token of a reference value."""
    if isinstance(ref, Err):
        return "!" + ref.text
    if isinstance(ref, Special):
        return hexbits(ref.v, fmt)
    if ref == 0:
        return hexbits(0.0, fmt)
    v, rem = round_to(ref, fmt)
    if rem is None:
        return hexbits(v, fmt)
    return "%s:%s" % (hexbits(v, fmt), f64_hex_short(rem))


def ulp_value(y, fmt):
    """ulp(y) in fmt, as an mpf."""
    if y == 0:
        return mpmath.ldexp(1, fmt.min_sub_exp)
    _, man, exp, bc = y._mpf_
    e = exp + bc - 1
    return mpmath.ldexp(1, max(e, fmt.emin) - (fmt.p - 1))


def checked(fn, fmt, *args):
    """fn(*args) at PREC bits, cross-checked at CHECK_PREC; returns a file token."""
    with mp.workprec(CHECK_PREC):
        lo = fn(*args)
    with mp.workprec(PREC):
        hi = fn(*args)
        if isinstance(hi, list):
            assert isinstance(lo, list) and len(lo) == len(hi)
            for a, b in zip(hi, lo):
                agree(a, b, fmt, fn, args)
            return [token(a, fmt) for a in hi]
        agree(hi, lo, fmt, fn, args)
        return token(hi, fmt)


def agree(a, b, fmt, fn, args):
    if isinstance(a, (Special, Err)) or isinstance(b, (Special, Err)):
        assert type(a) is type(b), (fn.__name__, args)
        return
    tol = ulp_value(a, fmt) * mpmath.ldexp(1, -40)
    if abs(a - b) > tol:
        sys.exit("precision check failed: %s%r: %s vs %s" % (fn.__name__, args, a, b))


# ---------------------------------------------------------------- scalar references


def ref_sigmoid(x):
    if x != x:
        return Special(NAN)
    if x == INF:
        return Special(1.0)
    if x == -INF:
        return Special(0.0)
    return 1 / (1 + mpmath.exp(-mpf(x)))


def softplus_mp(X):
    if X > 0:
        return X + mpmath.log1p(mpmath.exp(-X))
    return mpmath.log1p(mpmath.exp(X))


def ref_softplus(x):
    if x != x:
        return Special(NAN)
    if x == INF:
        return Special(INF)
    if x == -INF:
        return Special(0.0)
    return softplus_mp(mpf(x))


def ref_log_sigmoid(x):
    if x != x:
        return Special(NAN)
    if x == INF:
        return Special(0.0)
    if x == -INF:
        return Special(-INF)
    return -softplus_mp(-mpf(x))


def ref_exp(x):
    if x != x:
        return Special(NAN)
    if x == INF:
        return Special(INF)
    if x == -INF:
        return Special(0.0)
    return mpmath.exp(mpf(x))


def ref_logit(p):
    if not (0 <= p <= 1):  # NaN, negative, above 1
        return Special(NAN)
    if p == 0:
        return Special(-INF)
    if p == 1:
        return Special(INF)
    if p == 0.5:
        return Special(0.0)
    P = mpf(p)
    return mpmath.log(P / (1 - P))


# ---------------------------------------------------------------- inputs


def from_parts(sign, e, frac, fmt):
    """(-1)^sign * 2^e * (1 + frac / 2^(p-1)) for normal e, or a subnormal for e < emin."""
    if e < fmt.emin:
        return (-1.0 if sign else 1.0) * frac * fmt.min_sub
    return (-1.0 if sign else 1.0) * (2**(fmt.p - 1) + frac) * 2.0 ** (e - fmt.p + 1)


def rand_any(rng, fmt):
    """A random finite value: uniform sign, binade (subnormals count as one more), mantissa."""
    e = rng.randint(fmt.emin - 1, fmt.emax)
    frac = rng.getrandbits(fmt.p - 1)
    if e < fmt.emin and frac == 0:
        frac = 1
    return from_parts(rng.getrandbits(1), e, frac, fmt)


def rand_mag(rng, fmt, lo_exp, hi_exp, sign=None):
    """Random value with |v| in [2^lo_exp, 2^(hi_exp+1)), log-uniform over binades."""
    e = rng.randint(lo_exp, hi_exp)
    s = rng.getrandbits(1) if sign is None else sign
    frac = rng.getrandbits(fmt.p - 1)
    if e < fmt.emin and frac == 0:
        frac = 1
    return from_parts(s, e, frac, fmt)


def rand_uniform(rng, fmt, a, b):
    """Uniform in [a, b], rounded to fmt (random() is a multiple of 2^-53: exact ops below
    except the final rounding, done by mpmath)."""
    u = rng.getrandbits(53)
    with mp.workprec(PREC):
        v = mpf(a) + (mpf(b) - mpf(a)) * mpf(u) / 2**53
        return round_to(v, fmt)[0]


def rand_normal(rng, fmt, sigma):
    """Approximately N(0, sigma^2): Irwin-Hall sum of 12 uniforms, exact integer arithmetic."""
    s = sum(rng.getrandbits(53) for _ in range(12)) - 6 * 2**53
    with mp.workprec(PREC):
        return round_to(mpf(s) * sigma / 2**53, fmt)[0]


def nudge(v, k, fmt):
    """v moved by k ULPs (k may be negative), as a Python float in fmt."""
    b = bits(v, fmt)
    if v < 0 or (v == 0 and str(v).startswith("-")):
        b -= k
    else:
        b += k
    if fmt is F32:
        return struct.unpack("<f", struct.pack("<I", b))[0]
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def near(v, fmt, k):
    """v and its neighbours within k ULPs."""
    return [nudge(v, i, fmt) for i in range(-k, k + 1)]


def specials(fmt):
    return [0.0, -0.0, INF, -INF, NAN, fmt.max, -fmt.max, fmt.min_sub, -fmt.min_sub,
            fmt.max_sub, -fmt.max_sub, fmt.min_normal, -fmt.min_normal, 1.0, -1.0, 0.5, -0.5,
            2.0, -2.0]


def ln_fmt(v, fmt):
    """ln(v) rounded to fmt (v an mpf-able value)."""
    with mp.workprec(PREC):
        return round_to(mpmath.log(mpf(v)), fmt)[0]


def edge_points(fmt, sign):
    """Inputs x = sign * |t| where e^-|t| crosses k/2 smallest subnormals (rounding boundaries
    of the underflowing tail) or the subnormal/normal boundary, +-3 ULP each."""
    out = []
    for k in [1, 2, 3, 4, 5, 7, 9]:
        t = ln_fmt(mpmath.ldexp(k, fmt.min_sub_exp - 1), fmt)
        out += near(-sign * t, fmt, 3)
    out += near(-sign * ln_fmt(fmt.min_normal, fmt), fmt, 3)
    return out


# Inputs where the first version of the kernels exceeded their bound (sigmoid's
# e / (1 + e) branch, results just below a power of two, up to 2.40 ULP): f32 from the
# exhaustive scan of tests/exhaustive.rs (the 16 worst of 2381), f64 from a random search
# of 10^5 inputs around powers of two (the 16 worst of 104). Kept as regression inputs.
HARD = {
    ("sigmoid", "f32"): [
        0xC085088D, 0xC0B15E40, 0xC05C29F8, 0xC0B16CFB, 0xC05C90B1, 0xC05CA422, 0xC084E52F, 0xC09B0DB1,
        0xC09B085C, 0xC084C2B5, 0xC084FD63, 0xC084E8C9, 0xC09B1448, 0xC084D211, 0xC05D993C, 0xC0B16A79,
    ],
    ("sigmoid", "f64"): [
        "-0x1.0a10942b82365p+2", "-0x1.b89b13ec31130p+1", "-0x1.b7b07fed56e7dp+1", "-0x1.b98993559a4f2p+1",
        "-0x1.36437aab52cf7p+2", "-0x1.09890f5819884p+2", "-0x1.b8be8a3a60b84p+1", "-0x1.62cad165345dcp+2",
        "-0x1.094d38e03c0e7p+2", "-0x1.096a941812905p+2", "-0x1.367536ad47bf7p+2", "-0x1.09a1637c0ce49p+2",
        "-0x1.8f27beeb4ac95p+2", "-0x1.8f2b01055fbb2p+2", "-0x1.0a03032b7ab1bp+2", "-0x1.0933b71ab6619p+2",
    ],
}


def hard_inputs(name, fmt):
    out = []
    for v in HARD.get((name, fmt.name), []):
        if isinstance(v, int):
            out.append(struct.unpack("<f", struct.pack("<I", v))[0])
        else:
            out.append(float.fromhex(v))
    return out


def inverse(name, y):
    """x with f(x) = y (mpf), for the sweeps below powers of two."""
    if name == "sigmoid":
        return mpmath.log(y / (1 - y))
    if name == "softplus":
        return mpmath.log(mpmath.expm1(y))
    if name == "log_sigmoid":
        return -mpmath.log(mpmath.expm1(-y))
    if name == "exp":
        return mpmath.log(y)
    return 1 / (1 + mpmath.exp(-y))  # logit


def below_powers_of_two(name, fmt, rng):
    """Inputs whose result lies in the top 1/64 of a binade, just below +-2^j: there one ULP
    is the smallest relative to the result, so relative errors show most. (Rounding x to the
    format moves the result a little; most stay in the band.)"""
    js, k = {"sigmoid": (range(-20, 1), 15), "softplus": (range(-20, 7), 12),
             "log_sigmoid": (range(-20, 7), 12), "exp": (range(-20, 21), 8),
             "logit": (range(-20, 5), 12)}[name]
    out = []
    with mp.workprec(PREC):
        for j in js:
            for _ in range(k):
                y = mpmath.ldexp(1, j) * (1 - mpf(rng.getrandbits(53)) / 2**59)
                if name == "log_sigmoid":
                    y = -y
                if name == "logit" and rng.getrandbits(1):
                    y = -y
                out.append(round_to(inverse(name, y), fmt)[0])
    return out


def scalar_inputs(name, fmt, seed):
    rng = __import__("random").Random(seed)
    f32 = fmt is F32
    xs = specials(fmt)
    xs += [rand_any(rng, fmt) for _ in range(600)]  # whole range: tiny, huge, subnormal
    xs += [rand_mag(rng, fmt, fmt.emin - 1, fmt.emin - 1) for _ in range(60)]  # subnormal
    xs += [rand_mag(rng, fmt, -30, -2) for _ in range(100)]  # near 0
    xs += [rand_uniform(rng, fmt, -2, 2) for _ in range(800)]  # the hard region
    xs += [rand_uniform(rng, fmt, -40, 40) if f32 else rand_uniform(rng, fmt, -60, 60)
           for _ in range(400)]
    xs += [rand_uniform(rng, fmt, -200, 200) if f32 else rand_uniform(rng, fmt, -1000, 1000)
           for _ in range(300)]
    # underflowing tail (subnormal outputs, then 0): x in [-104, -87] / [-746, -708],
    # mirrored for log_sigmoid, whose tail is -e^-x.
    sign = 1 if name == "log_sigmoid" else -1
    lo, hi = (87, 104) if f32 else (708, 746)
    xs += [sign * rand_uniform(rng, fmt, lo, hi) for _ in range(400)]
    xs += edge_points(fmt, sign)
    if name in ("sigmoid", "softplus", "log_sigmoid"):
        # where sigmoid reaches 1 / ln_1p(e^-x) drops below half an ULP of x
        a, b = (14, 20) if f32 else (34, 40)
        xs += [rand_uniform(rng, fmt, a, b) * (1 if rng.getrandbits(1) else -1)
               for _ in range(200)]
    xs += below_powers_of_two(name, fmt, rng)
    xs += hard_inputs(name, fmt)
    if name == "exp":
        a, b = (87.5, 89) if f32 else (708.5, 710)
        xs += [rand_uniform(rng, fmt, a, b) for _ in range(200)]
        with mp.workprec(PREC):
            xs += near(round_to(mpmath.log(mpf(fmt.max)), fmt)[0], fmt, 3)
            half_over = mpf(fmt.max) + mpmath.ldexp(1, fmt.emax - fmt.p)  # MAX + ulp/2
            xs += near(round_to(mpmath.log(half_over), fmt)[0], fmt, 3)
    return xs


def logit_inputs(fmt, seed):
    rng = __import__("random").Random(seed)
    ps = [0.0, -0.0, 1.0, 0.5, 0.25, 0.75, NAN, INF, -INF, -fmt.min_sub, nudge(1.0, 1, fmt),
          to_fmt("-0.1", fmt), 1.5, 2.0, -1.0, fmt.max, fmt.min_sub, fmt.max_sub, fmt.min_normal]
    ps += [rand_uniform(rng, fmt, 0, 1) for _ in range(600)]
    ps += [rand_mag(rng, fmt, fmt.emin - 1, -3, sign=0) for _ in range(400)]  # small p
    ps += [rand_mag(rng, fmt, fmt.emin - 1, fmt.emin - 1, sign=0) for _ in range(60)]
    ps += near(0.5, fmt, 20) + near(0.25, fmt, 10) + near(0.75, fmt, 10)
    ps += near(nudge(1.0, -10, fmt), fmt, 9)  # 1 - k ULP
    with mp.workprec(PREC):
        for _ in range(300):  # 1/2 +- 2^-u, u up to p+1
            d = mpmath.ldexp(mpf(rng.getrandbits(30) + 2**30) / 2**31, -rng.randint(2, fmt.p + 1))
            ps.append(round_to(0.5 + d * (1 if rng.getrandbits(1) else -1), fmt)[0])
        for _ in range(300):  # 1 - 2^-u
            d = mpmath.ldexp(mpf(rng.getrandbits(30) + 2**30) / 2**31, -rng.randint(2, fmt.p + 1))
            ps.append(round_to(1 - d, fmt)[0])
    ps += [rand_uniform(rng, fmt, 0.24, 0.26) for _ in range(200)]
    ps += [rand_uniform(rng, fmt, 0.74, 0.76) for _ in range(200)]
    ps += [rand_uniform(rng, fmt, 0.49, 0.51) for _ in range(200)]
    ps += below_powers_of_two("logit", fmt, rng)
    return ps


SCALARS = [
    ("sigmoid", ref_sigmoid),
    ("log_sigmoid", ref_log_sigmoid),
    ("softplus", ref_softplus),
    ("logit", ref_logit),
    ("exp", ref_exp),
]


def write_scalar(outdir, name, fn, fmt, seed):
    xs = logit_inputs(fmt, seed) if name == "logit" else scalar_inputs(name, fmt, seed)
    lines = ["# %s reference data for %s (tests/data/gen.py; format in its docstring)" % (fmt.name, name),
             "# X REF   (X: input bits; REF: HI:REM | exact HI)"]
    for x in xs:
        lines.append("%s %s" % (hexbits(x, fmt), checked(fn, fmt, x)))
    write(outdir, "%s_%s.txt" % (name, fmt.name), lines)


# ---------------------------------------------------------------- vector references


def is_inf(v, s):
    return v == s * INF


def ref_vector(x, t=None):
    """[logsumexp, [softmax], [log_softmax]] of x (Python floats), or softmax of x/t if t."""
    n = len(x)
    for i, v in enumerate(x):
        if v != v:
            e = Err("Nan@%d" % i)
            return [e, [e], [e]]
    if all(is_inf(v, -1) for v in x):
        e = Err("AllNegInfinite")
        return [Special(-INF), [e], [e]]
    k = sum(1 for v in x if is_inf(v, 1))
    if k:
        share = mpf(1) / k
        sm = [share if is_inf(v, 1) else Special(0.0) for v in x]
        lsm = [(-mpmath.log(k) if k > 1 else Special(0.0)) if is_inf(v, 1) else Special(-INF)
               for v in x]
        return [Special(INF), sm, lsm]
    m = max(x)
    M = mpf(m)
    d = [None if is_inf(v, -1) else (mpf(v) - M) for v in x]
    if t is not None:
        d = [None if di is None else di / mpf(t) for di in d]
    # L = ln(1 + S'), S' the sum without the (first) max, so that L keeps its relative
    # accuracy when S' is far below 2^-PREC (the dominant class of a wide row).
    k = x.index(m)
    S1 = mpmath.fsum(mpmath.exp(di) for i, di in enumerate(d) if di is not None and i != k)
    L = mpmath.log1p(S1)
    lse = M + L
    sm = [Special(0.0) if di is None else mpmath.exp(di - L) for di in d]
    lsm = [Special(-INF) if di is None else (Special(0.0) if di - L == 0 else di - L) for di in d]
    return [lse, sm, lsm]


def vec_all(x):
    r = ref_vector(x)
    return [r[0]] + r[1] + r[2]


def vec_temp(x, t):
    return ref_vector(x, t)[1]


TEMPERATURES = ["0.1", "0.5", "1", "2", "10", "1e-30", "1e30"]


def vector_cases(fmt, seed):
    """[(name, x, with_temperature)]"""
    rng = __import__("random").Random(seed)
    f32 = fmt is F32
    T = lambda v: to_fmt(v, fmt)  # noqa: E731
    cases = []

    def add(name, x, temp=False):
        cases.append((name, [v if isinstance(v, float) else T(v) for v in x], temp))

    add("readme", ["-0.5", "1.2", "-0.1", "2.4"], True)
    add("single", ["3.5"])
    add("single_zero", [0.0])
    add("single_neg_max", [-fmt.max])
    for i in range(30):
        n = rng.randint(2, 100)
        add("normal4_%d" % i, [rand_normal(rng, fmt, 4) for _ in range(n)], i < 4)
    for i in range(30):
        n = rng.randint(2, 100)
        add("normal1_%d" % i, [rand_normal(rng, fmt, 1) for _ in range(n)], i < 2)
    gaps = [10, 30, 60, 100, 200] if f32 else [10, 30, 100, 300, 700, 740, 800]
    for i, gap in enumerate(gaps):
        for n in (3, 10, 50):
            x = [rand_normal(rng, fmt, 1) for _ in range(n)]
            j = rng.randrange(n)
            x[j] = T(x[j] + gap)
            add("dominant_%g_n%d" % (gap, n), x, n == 3)
    add("dominant_30_0", ["30", "0"], True)
    for c, n in [("0", 2), ("1.5", 3), ("-3", 7), ("1e30" if f32 else "1e300", 10), ("0", 100),
                 ("-7.25", 1000)]:
        add("equal_%s_n%d" % (c, n), [c] * n, n <= 3)
    add("equal_max_n4", [fmt.max] * 4)
    add("equal_neg_max_n5", [-fmt.max] * 5)
    add("long_normal4_n1000", [rand_normal(rng, fmt, 4) for _ in range(1000)])
    add("long_normal1_n4096", [rand_normal(rng, fmt, 1) for _ in range(4096)])
    for n in (10, 100, 500):
        add("wide_uniform_n%d" % n, [rand_uniform(rng, fmt, -1e4, 1e4) for _ in range(n)], n == 10)
    x = [rand_uniform(rng, fmt, 1e4 - 60, 1e4) for _ in range(40)] + \
        [rand_uniform(rng, fmt, -1e4, -1e4 + 60) for _ in range(10)]
    add("wide_cluster_n50", x + [T(1e4)])
    # x_i - max not exact: the peers' 63-ULP case and relatives
    add("inexact_100", ["100", "-0.001234567"], True)
    add("inexact_100_4", ["100", "-0.001234567", "99.99", "50.5"], True)
    for m in ("8", "20", "50", "80") + (() if f32 else ("300", "700")):
        add("inexact_%s" % m, [m, "-0.001234567", "0.3333", "1e-5", "-2.5e-7"], m == "20")
    for i in range(20):
        n = rng.randint(2, 8)
        m = rand_uniform(rng, fmt, 5, 85 if f32 else 700)
        x = [m] + [rand_mag(rng, fmt, -27, 0) for _ in range(n - 1)]
        rng.shuffle(x)
        add("inexact_rand_%d" % i, x, i < 2)
    # infinities and masks
    add("inf_two", [INF, 0.0, INF, -INF], True)
    add("inf_three", [INF, 1.0, INF, INF, -INF])
    add("inf_one", [INF])
    add("inf_and_neg", [-INF, INF])
    add("inf_max", [fmt.max, INF])
    add("mask", ["1", "2", -INF, "3"], True)
    add("mask_one_left", [-INF, -INF, "0.5"])
    add("mask_neg_max", [-INF, -fmt.max])
    add("mask_all", [-INF, -INF, -INF])
    add("nan", ["1", NAN, "2", NAN])
    # huge magnitudes
    big = "1e38" if f32 else "1e308"
    add("huge_pm", [big, "-" + big, "0"], True)
    add("huge_max_max", [fmt.max, fmt.max])
    add("huge_max_neg_max", [fmt.max, -fmt.max])
    add("huge_neg_max_neg_max", [-fmt.max, -fmt.max])
    add("huge_max_prev", [fmt.max, nudge(fmt.max, -1, fmt), nudge(fmt.max, -2, fmt)])
    add("huge_big_near", [big, nudge(T(big), -1, fmt), "1"])
    add("huge_1000", ["1000", "0", "-1000"], True)
    # subnormal inputs
    add("subnormal", [fmt.min_sub, 0.0, -fmt.min_sub])
    add("subnormal_mixed", [fmt.max_sub, -fmt.max_sub, fmt.min_normal, rand_mag(rng, fmt, fmt.emin - 1,
                                                                              fmt.emin - 1)])
    # cancellation in logsumexp (all logits negative, result near 0)
    add("cancel_0.7", ["-0.7", "-0.7"], True)
    add("cancel_0.7_30", ["-0.7", "-0.7", "-30"])
    with mp.workprec(PREC):
        ln2, ln3 = mpmath.log(2), mpmath.log(3)
        add("cancel_ln2", [-ln2, -ln2])
        add("cancel_ln3", [-ln3, -ln3, -ln3])
        add("cancel_ln2_up", [T(-ln2 * (1 + mpf(2) ** -fmt.p * 3)), T(-ln2)])
    # correctly rounded log_softmax outputs fed back to logsumexp (result ~ 0)
    for i in range(10):
        n = rng.randint(2, 20)
        x = [rand_normal(rng, fmt, 4) for _ in range(n)]
        with mp.workprec(PREC):
            lsm = ref_vector(x)[2]
            fed = [round_to(v, fmt)[0] if not isinstance(v, Special) else v.v for v in lsm]
        add("log_softmax_fed_back_%d" % i, fed)
    return cases


def write_vectors(outdir, fmt, seed):
    temps = [to_fmt(t, fmt) for t in TEMPERATURES]
    lines = ["# %s reference vectors (tests/data/gen.py; format in its docstring)" % fmt.name]
    for name, x, with_temp in vector_cases(fmt, seed):
        refs = checked(vec_all, fmt, x)
        # an error reference is one token for the whole row
        n = 1 if any(v != v for v in x) or all(is_inf(v, -1) for v in x) else len(x)
        assert len(refs) == 1 + 2 * n
        lines.append("case " + name)
        lines.append("x " + " ".join(hexbits(v, fmt) for v in x))
        lines.append("logsumexp " + refs[0])
        lines.append("softmax " + " ".join(refs[1:1 + n]))
        lines.append("log_softmax " + " ".join(refs[1 + n:]))
        if with_temp:
            for t in temps:
                lines.append("temperature %s %s" % (hexbits(t, fmt), " ".join(checked(vec_temp, fmt, x, t))))
    write(outdir, "vectors_%s.txt" % fmt.name, lines)


# ---------------------------------------------------------------- main


def write(outdir, fname, lines):
    path = os.path.join(outdir, fname)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("%-24s %8d bytes" % (fname, os.path.getsize(path)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for fi, fmt in enumerate((F32, F64)):
        for si, (name, fn) in enumerate(SCALARS):
            write_scalar(args.out, name, fn, fmt, seed=1000 * (fi + 1) + si)
        write_vectors(args.out, fmt, seed=1000 * (fi + 1) + 99)


if __name__ == "__main__":
    main()
