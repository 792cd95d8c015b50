"""Independent Python model of the TensorFlow Lite Micro reference kernels used by
logitkit's `quant` module (int8/int16 SOFTMAX and LOGISTIC), written from the
algorithms in TFLM's sources (kernels/softmax_common.cc, logistic_common.cc,
internal/reference/softmax.h, internal/reference/integer_ops/logistic.h,
internal/quantization_util.cc, internal/common.h) and gemmlowp's
fixedpoint/fixedpoint.h.  Python integers are exact; every int32 step of the C++
is reproduced with its rounding (C++ division truncates toward zero, >> is
arithmetic).  Used by gen_tflm.py to predict the rows on which TFLM aborts and, when
the tflite-micro wheel is not available, to produce the vectors.
"""
import ctypes
import math

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
_libm = ctypes.CDLL("libm.so.6")
_libm.expf.restype = ctypes.c_float
_libm.expf.argtypes = [ctypes.c_float]
_libm.logf.restype = ctypes.c_float
_libm.logf.argtypes = [ctypes.c_float]


def f32(v):
    return float(np.float32(v))


def tdiv(a, b):
    """C++ integer division (truncation toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul for int32."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else (1 - (1 << 30))
    return tdiv(ab + nudge, 1 << 31)


def rdbp(x, e):
    """gemmlowp RoundingDivideByPOT (0 <= e <= 31)."""
    assert 0 <= e <= 31
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def sat_mul_pot(x, e):
    """gemmlowp SaturatingRoundingMultiplyByPOT<e> for int32, e > 0."""
    thr = (1 << (31 - e)) - 1
    if x > thr:
        return INT32_MAX
    if x < -thr:
        return INT32_MIN
    return x << e


def wrap32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def exp_quarter(a):
    """exp(a) for a in [-1/4, 0), Q0.31 in and out."""
    c = 1895147668
    x = a + (1 << 28)
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_4 = rdbp(x4, 2)
    t = rdbp(srdhm(x4_4 + x3, 715827883) + x2, 1)
    return c + srdhm(c, x + t)


_BARREL = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
           (2, 39332535), (3, 720401), (4, 242)]


def exp_on_negative_values(a, ib):
    """gemmlowp exp_on_negative_values for FixedPoint<int32, ib> (ib <= 5), Q0.31 out."""
    fb = 31 - ib
    quarter = 1 << (fb - 2)
    amq = (a & (quarter - 1)) - quarter
    result = exp_quarter(sat_mul_pot(amq, ib) if ib > 0 else amq)
    rem = amq - a
    for e, m in _BARREL:
        if ib > e and rem & (1 << (fb + e)):
            result = srdhm(result, m)
    if a == 0:
        result = INT32_MAX
    return result


def one_over_one_plus_x(a):
    """gemmlowp one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out."""
    half_den = tdiv(a + INT32_MAX + 1, 2)  # RoundingHalfSum(a, One), sum >= 0
    x = 1515870810 + srdhm(half_den, -1010580540)
    for _ in range(3):
        hdx = srdhm(half_den, x)
        omh = (1 << 29) - hdx
        x = x + sat_mul_pot(srdhm(x, omh), 2)
    return sat_mul_pot(x, 1)


def clz32(v):
    return 32 - int(v).bit_length() if v else 32


def frexp(d):
    m, e = math.frexp(d)
    return m, e


def tflite_round(v):
    """std::round: half away from zero."""
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def quantize_multiplier(d):
    if d == 0.0:
        return 0, 0
    q, shift = frexp(d)
    qf = int(tflite_round(q * (1 << 31)))
    assert qf <= (1 << 31)
    if qf == (1 << 31):
        qf //= 2
        shift += 1
    if shift < -31:
        shift, qf = 0, 0
    return qf, shift


def softmax_int8_params(scale, beta):
    """PreprocessSoftmaxScaling + CalculateInputRadius (kScaledDiffIntegerBits = 5),
    from the f32 scale and beta widened to double.  None if TFLM would refuse."""
    real = min(f32(beta) * f32(scale) * float(1 << 26), float((1 << 31) - 1))
    if not real > 1.0:
        return None
    mult, shift = quantize_multiplier(real)
    radius = math.floor(1.0 * 31 * (1 << 26) / (1 << shift))
    return mult, shift, -radius


def softmax_int8_row(x, mult, shift, diff_min, out_bits):
    """reference_ops::Softmax<int8, int8/int16>; returns (outputs, aborted).
    aborted = TFLM's TFLITE_CHECK on the shift exponent (or int32 overflow of the sum)."""
    mx = max(x)
    s = 0
    exps = []
    for v in x:
        d = v - mx
        if d >= diff_min:
            e = exp_on_negative_values(srdhm(d * (1 << shift), mult), 5)
            s += rdbp(e, 12)
            exps.append(e)
        else:
            exps.append(None)
    overflow = s > INT32_MAX
    sraw = wrap32(s)
    clz = clz32(sraw & 0xFFFFFFFF)
    nbou = 12 - clz
    ssmo = wrap32(((sraw & 0xFFFFFFFF) << clz) - (1 << 31)) if clz < 32 else None
    exponent = nbou + 31 - out_bits
    if overflow or not (0 <= exponent <= 31) or ssmo is None:
        return None, True
    scale = one_over_one_plus_x(ssmo)
    lo, hi = -(1 << (out_bits - 1)), (1 << (out_bits - 1)) - 1
    out = []
    for e in exps:
        if e is None:
            out.append(lo)
        else:
            u = rdbp(srdhm(scale, e), exponent) + lo
            out.append(max(lo, min(hi, u)))
    return out, False


# ---------------------------------------------------------------- int16 softmax
def gen_lut(func, in_min, in_max):
    """TFLM gen_lut<float, int16_t, int16_t> with output range [-1, 1]: 513 entries,
    every step in float32, exp via glibc expf as the wheel does."""
    F = np.float32
    nb = 512
    step = F((F(in_max) - F(in_min)) / F(nb))
    half = F(step / F(2))
    inv = F(F(65536.0) / (F(1.0) - F(-1.0)))

    def rnd(v):
        return F(tflite_round(float(v)))

    lut = []
    for i in range(nb):
        xi = F(F(in_min) + F(F(i) * step))
        val = F(func(xi))
        valm = F(func(F(xi + half)))
        valn = F(func(F(F(in_min) + F(F(i + 1) * step))))
        sample = rnd(F(val * inv))
        interp = rnd(F(F(F(valn * inv) + rnd(F(val * inv))) / F(2)))
        midv = rnd(F(valm * inv))
        err = F(interp - midv)
        bias = rnd(F(err / F(2)))
        lut.append(int(min(max(float(F(sample - bias)), -32768.0), 32767.0)))
    last = rnd(F(func(F(in_max)) * inv))
    lut.append(int(min(max(float(last), -32768.0), 32767.0)))
    return lut


def _expf(v):
    return _libm.expf(float(v))


def _recip1p(v):
    F = np.float32
    return F(F(1.0) / F(F(1.0) + F(v)))


EXP_LUT = gen_lut(_expf, -10.0, 0.0)
RECIP_LUT = gen_lut(_recip1p, 0.0, 1.0)


def lut_lookup(value, lut):
    index = 256 + (value >> 7)
    offset = value & 0x7F
    base = lut[index]
    slope = lut[index + 1] - lut[index]
    delta = (slope * offset + 64) >> 7
    return wrap16(base + delta)


def wrap16(v):
    v &= 0xFFFF
    return v - 0x10000 if v >= 0x8000 else v


def softmax_int16_params(scale, beta):
    d = f32(scale) * f32(beta) / (10.0 / 65535.0)
    return quantize_multiplier(d)


def mbqm(x, mult, shift):
    """MultiplyByQuantizedMultiplier (double rounding) for int32 x."""
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    xl = x * (1 << left)
    if xl < INT32_MIN or xl > INT32_MAX:
        return None  # int32 overflow in TFLM (undefined behaviour)
    return rdbp(srdhm(xl, mult), right)


def softmax_int16_row(x, mult, shift):
    mx = max(x)
    exps = []
    s = 0
    for v in x:
        sd = mbqm(v - mx, mult, shift)
        if sd is None:
            return None, True
        sym = max(-32768, min(32767, sd + 32767))
        e = lut_lookup(sym, EXP_LUT)
        exps.append(e)
        s += e
    if s > INT32_MAX:
        return None, True
    hp1 = clz32(s)
    shifted = ((s << (hp1 - 1)) + (1 << 13)) >> 14
    sym = max(-32768, min(32767, shifted - ((1 << 15) + (1 << 16))))
    recip = lut_lookup(sym, RECIP_LUT)
    rs = 31 - hp1
    rnd = 1 << (rs - 1)
    return [max(0, min(32767, (e * recip + rnd) >> rs)) for e in exps], False


# ---------------------------------------------------------------- logistic
def logistic_q4(a):
    """gemmlowp logistic on FixedPoint<int32, 4>, Q0.31 out."""
    if a == 0:
        return 1 << 30
    if a > 0:
        return one_over_one_plus_x(exp_on_negative_values(-a, 4))
    return INT32_MAX - one_over_one_plus_x(exp_on_negative_values(a, 4))


def logistic_int8_params(scale, zp):
    real = f32(scale) * float(1 << 27)
    q, shift = frexp(real)
    mult = int(tflite_round(q * (1 << 31)))
    if shift < 0:
        radius = None  # 1LL << negative: undefined in TFLM; every input is inside
    else:
        radius = math.floor(1.0 * 15 * (1 << 27) / (1 << shift))
    return zp, radius, mult, shift


def logistic_int8(x, zp, radius, mult, shift):
    out = []
    for v in x:
        i = v - zp
        if radius is not None and i <= -radius:
            out.append(-128)
        elif radius is not None and i >= radius:
            out.append(127)
        else:
            q4 = mbqm(i, mult, shift)
            o = rdbp(logistic_q4(q4), 23)
            out.append(max(-128, min(127, o - 128)))
    return out


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def _sigmoid_entry(i):
    """Entry i of TFLite's sigmoid_table_uint16 (internal/common.h, "sigmoid(i/24) at
    0.16 format"): the sample raised by half the linear-interpolation error at the
    midpoint of its segment, rounded; entry 255 is 65535.  This formula reproduces
    all 256 published entries (checked when the vectors are generated)."""
    if i == 255:
        return 65535
    a, m, b = _sigmoid(i / 24.0), _sigmoid((i + 0.5) / 24.0), _sigmoid((i + 1) / 24.0)
    return int(tflite_round(65536.0 * (a + (m - (a + b) / 2.0) / 2.0)))


SIGMOID_TABLE = [_sigmoid_entry(i) for i in range(256)]


def checked_log2(x):
    F = np.float32
    l2 = F(F(_libm.logf(float(x))) * F(F(1.0) / F(_libm.logf(2.0))))
    r = F(tflite_round(float(l2)))
    return int(r), abs(float(F(l2 - r))) < 1e-3


def logistic_int16_params(scale):
    k_in_int_bits = 3
    l2, pot = checked_log2(f32(scale))
    left = (15 - k_in_int_bits) + l2
    pot = pot and left == 0
    if pot:
        return 0, left
    m = f32(scale) * 4096.0 * 3.0
    left = 0
    while m <= 32767.0 / 2.0 and left <= 30:
        left += 1
        m *= 2.0
    return int(m), left


def logistic_int16(x, mult, left):
    if mult == 0:
        mult, left = 3 << left, 0
    rnd = (1 << (left - 1)) if left > 0 else 0
    out = []
    for v in x:
        d = (v * mult + rnd) >> left
        a = abs(d)
        uh = a >> 9
        if uh >= 255:
            r = 0x7FFF << 10
        else:
            ua, ub = SIGMOID_TABLE[uh], SIGMOID_TABLE[uh + 1]
            r = (ua << 9) + (a & 0x1FF) * (ub - ua)
        r = (r + (1 << 9)) if d >= 0 else ((1 << 25) - r + (1 << 9) - 1)
        out.append(wrap16((r & 0xFFFFFFFF) >> 10))
    return out
