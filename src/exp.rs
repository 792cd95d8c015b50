//! `e^(hi + lo)`: the exponential every kernel of the crate is built on.
//!
//! # Why our own exp
//! The kernels evaluate `e^(x_i - max)`, and `x_i - max` is rarely exact in
//! floating point: with `max = 100`, `x_i = -0.001234567` the difference is
//! rounded by up to 3.8e-6 in f32, which `exp` turns into a relative error of
//! 3.8e-6, 63 ULP. We compute the difference exactly as an unevaluated sum
//! `hi + lo` ([`crate::compensated::two_sum`]) and this exp takes both parts, so
//! the rounding of the difference never reaches the result. A libm `exp`
//! cannot take the `lo` part.
//!
//! # Algorithm (Cody and Waite range reduction, minimax polynomial)
//! 1. `k = round(hi / ln 2)`, by adding and subtracting `1.5 * 2^(p-1)`
//!    (round to nearest even, no branch, no float-to-int rounding mode).
//! 2. `r = hi - k*LN2_HI - k*LN2_LO + lo`, with `LN2_HI` holding the leading
//!    bits of ln 2 and enough trailing zeros that `k*LN2_HI` and
//!    `hi - k*LN2_HI` are exact (Sterbenz) for every `k` the clamped input
//!    produces. The last addition is done as Fast2Sum so that its rounding
//!    error `r_lo` is kept too. `|r| <= ln 2 / 2 + tiny`.
//! 3. `e^r = 1 + r + r^2 P(r)`, P a near-minimax polynomial for the relative
//!    error (fitted by `tools/fit_exp.py`, coefficients rounded to the
//!    format inside the fit): max relative error 2^-28.3 (f32, degree 4) and
//!    2^-57.9 (f64, degree 9). `1 + r` is formed exactly (Fast2Sum) and the
//!    small terms (its rounding error, `r^2 P(r)`, `r_lo`) are added before
//!    the one final rounding, so the result is within 0.5 ULP of `e^r` plus
//!    a few hundredths.
//! 4. `e^x = 2^k e^r`, applied as two exact power-of-two factors `2^(k/2)`,
//!    `2^(k - k/2)` built from bits, so that results in the subnormal range
//!    are rounded once (no flush to zero) and overflow gives `+inf`, without
//!    a branch per element.
//!
//! Measured error (exhaustive over all f32 inputs against an f64 reference,
//! and against mpmath in the tests): below 1 ULP for f32 and f64, subnormal
//! results included.
//!
//! Below `MIN_ARG` the result is `0` and above `MAX_ARG` it is `+inf`
//! (`-inf` gives `0`, `+inf` gives `+inf`, `lo` is then ignored): those
//! lanes compute `e^0` and the answer is selected at the end, so that no
//! lane does arithmetic on underflowing or overflowing values (x86 cores may
//! take a slow microcode path for them). NaN propagates.

// ---- f32 ----------------------------------------------------------------

const F32_LOG2E: f32 = core::f32::consts::LOG2_E;
/// ln 2 rounded to 15 significant bits (0x3f317200): k * LN2_HI is exact for |k| < 2^9.
const F32_LN2_HI: f32 = f32::from_bits(0x3f31_7200);
/// ln 2 - F32_LN2_HI, rounded to f32.
const F32_LN2_LO: f32 = f32::from_bits(0x35bf_be8e);
/// `64 ln 2` as `(64 LN2_HI, 64 LN2_LO)`: the first part exact.
pub(crate) const F32_LN2_X64: (f32, f32) = (64.0 * F32_LN2_HI, 64.0 * F32_LN2_LO);
/// 1.5 * 2^23: adding and subtracting it rounds |v| < 2^22 to an integer.
const F32_ROUND: f32 = 12_582_912.0;
/// Below this, e^x < 2^-150 is below half the smallest subnormal: result 0
/// (e^-103.97 = 2^-150).
const F32_MIN_ARG: f32 = -104.0;
/// Above this, e^x overflows (e^88.73 > MAX).
const F32_MAX_ARG: f32 = 89.0;
/// P(r) for e^r = 1 + r + r^2 P(r), tools/fit_exp.py f32 4.
const F32_P: [f32; 5] = [
    f32::from_bits(0x3eff_fffe),
    f32::from_bits(0x3e2a_aa49),
    f32::from_bits(0x3d2a_ac56),
    f32::from_bits(0x3c09_1cbd),
    f32::from_bits(0x3ab5_289b),
];

/// `e^(hi + lo)` in f32 arithmetic only (no f64: the Cortex-M4F has a
/// single-precision FPU). Requires `|lo| <= ulp(hi)` or so for finite `hi`.
#[inline(always)]
pub(crate) fn exp_f32(hi: f32, lo: f32) -> f32 {
    exp2w_f32(hi, lo).0
}

/// `e^(hi + lo)` as an unevaluated sum `e + e_lo`: `e` is [`exp_f32`]'s
/// result and `e_lo` its rounding error, to about 2^-28 relative (for
/// normal results; `e_lo` underflows to 0 where `e` is subnormal).
#[inline(always)]
pub(crate) fn exp2w_f32(hi: f32, lo: f32) -> (f32, f32) {
    // Out of range, compute e^0 and select the answer at the end: no
    // arithmetic on underflowing or overflowing values, which some x86 cores
    // slow down to microcode (NaN compares false and passes through).
    let (below, above) = (hi < F32_MIN_ARG, hi > F32_MAX_ARG);
    let (x, lo) = if below || above { (0.0, 0.0) } else { (hi, lo) };

    let biased = x * F32_LOG2E + F32_ROUND; // k sits in the low mantissa bits
    let kf = biased - F32_ROUND;
    let t = x - kf * F32_LN2_HI; // exact
    let c = lo - kf * F32_LN2_LO; // |c| < 4e-4: its rounding is negligible
    let r = t + c;
    let r_lo = c - (r - t); // Fast2Sum: r + r_lo = t + c (to within 2^-48)

    // 1 + r exactly as h + h_lo (Fast2Sum, |r| < 1).
    let h = 1.0 + r;
    let h_lo = (1.0 - h) + r;
    // Estrin's scheme: the same terms as Horner's, a shorter dependency chain.
    let r2 = r * r;
    let p = (F32_P[0] + r * F32_P[1]) + r2 * ((F32_P[2] + r * F32_P[3]) + r2 * F32_P[4]);
    let small = r2 * p + (h_lo + r_lo);
    let m = h + small;
    let m_lo = small - (m - h); // Fast2Sum: |h| >= 0.7 > |small|

    // k = round(x / ln 2) read from the bits of `biased` (no float-to-int
    // conversion, which would not vectorize as well); garbage for NaN `x`,
    // where m is NaN anyway.
    let k = (biased.to_bits() as i32).wrapping_sub(F32_ROUND.to_bits() as i32);
    let (s1, s2) = scale_f32(k);
    if below {
        (0.0, 0.0)
    } else if above {
        (f32::INFINITY, 0.0)
    } else {
        (m * s1 * s2, m_lo * s1 * s2)
    }
}

/// Two powers of two whose product is `2^k`, for `k` in [-150, 128], each a
/// normal number, so that `m * s1 * s2` rounds once even into the
/// subnormals (`m * s1` is exact).
#[inline(always)]
fn scale_f32(k: i32) -> (f32, f32) {
    let k1 = k >> 1;
    let k2 = k.wrapping_sub(k1);
    let s1 = f32::from_bits((k1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((k2.wrapping_add(127) as u32) << 23);
    (s1, s2)
}

// ---- f64 ----------------------------------------------------------------

const F64_LOG2E: f64 = core::f64::consts::LOG2_E;
/// ln 2 rounded to 32 significant bits (0x3fe62e42fee00000).
const F64_LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// ln 2 - F64_LN2_HI.
const F64_LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// `64 ln 2` as `(64 LN2_HI, 64 LN2_LO)`: the first part exact.
pub(crate) const F64_LN2_X64: (f64, f64) = (64.0 * F64_LN2_HI, 64.0 * F64_LN2_LO);
/// 1.5 * 2^52.
const F64_ROUND: f64 = 6_755_399_441_055_744.0;
/// Below this, e^x < 2^-1075: result 0 (e^-745.14 = 2^-1075).
const F64_MIN_ARG: f64 = -746.0;
/// Above this, e^x overflows (e^709.79 > MAX).
const F64_MAX_ARG: f64 = 710.0;
/// P(r), tools/fit_exp.py f64 9.
const F64_P: [f64; 10] = [
    f64::from_bits(0x3fe0_0000_0000_000a),
    f64::from_bits(0x3fc5_5555_5555_550d),
    f64::from_bits(0x3fa5_5555_5555_07b9),
    f64::from_bits(0x3f81_1111_1112_452e),
    f64::from_bits(0x3f56_c16c_1843_1e42),
    f64::from_bits(0x3f2a_01a0_1385_958e),
    f64::from_bits(0x3efa_0199_a20f_8f60),
    f64::from_bits(0x3ec7_1df0_ca8f_49c7),
    f64::from_bits(0x3e92_8ad4_ccde_fb01),
    f64::from_bits(0x3e5a_d9f1_c780_88ea),
];

/// `e^(hi + lo)` in f64, same scheme as [`exp_f32`].
#[inline(always)]
pub(crate) fn exp_f64(hi: f64, lo: f64) -> f64 {
    exp2w_f64(hi, lo).0
}

/// [`exp_f64`] as an unevaluated sum `e + e_lo`, as [`exp2w_f32`].
#[inline(always)]
pub(crate) fn exp2w_f64(hi: f64, lo: f64) -> (f64, f64) {
    let (below, above) = (hi < F64_MIN_ARG, hi > F64_MAX_ARG);
    let (x, lo) = if below || above { (0.0, 0.0) } else { (hi, lo) };

    let biased = x * F64_LOG2E + F64_ROUND;
    let kf = biased - F64_ROUND;
    let t = x - kf * F64_LN2_HI;
    let c = lo - kf * F64_LN2_LO;
    let r = t + c;
    let r_lo = c - (r - t);

    let h = 1.0 + r;
    let h_lo = (1.0 - h) + r;
    // Estrin's scheme (depth 5 instead of Horner's 18 dependent operations).
    let r2 = r * r;
    let r4 = r2 * r2;
    let p01 = F64_P[0] + r * F64_P[1];
    let p23 = F64_P[2] + r * F64_P[3];
    let p45 = F64_P[4] + r * F64_P[5];
    let p67 = F64_P[6] + r * F64_P[7];
    let p89 = F64_P[8] + r * F64_P[9];
    let p = (p01 + r2 * p23) + r4 * ((p45 + r2 * p67) + r4 * p89);
    let small = r2 * p + (h_lo + r_lo);
    let m = h + small;
    let m_lo = small - (m - h);

    let k = (biased.to_bits() as i64).wrapping_sub(F64_ROUND.to_bits() as i64);
    let (s1, s2) = scale_f64(k);
    if below {
        (0.0, 0.0)
    } else if above {
        (f64::INFINITY, 0.0)
    } else {
        (m * s1 * s2, m_lo * s1 * s2)
    }
}

/// `2^k = s1 * s2` for `k` in [-1076, 1024], both normal, as [`scale_f32`].
#[inline(always)]
fn scale_f64(k: i64) -> (f64, f64) {
    let k1 = k >> 1;
    let k2 = k.wrapping_sub(k1);
    let s1 = f64::from_bits((k1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((k2.wrapping_add(1023) as u64) << 52);
    (s1, s2)
}

// ---- f64 arithmetic for f32 results ------------------------------------

/// Below this, `e^a` rounds to 0 in f32.
pub(crate) const EXP_F32_ZERO_ARG: f64 = F32_MIN_ARG as f64;
/// Below this, `e^a` is not a normal f64.
pub(crate) const EXP_F64_NORMAL_ARG: f64 = -708.0;

/// P(r) for e^r = 1 + r + r^2 P(r) to 2^-34.2 relative, tools/fit_exp.py f64 5:
/// ample for a result rounded to f32 (0.5 + 2^-10 ULP).
const F64_FOR_F32_P: [f64; 6] = [
    f64::from_bits(0x3fe0_0000_03a1_b9eb),
    f64::from_bits(0x3fc5_5555_4436_d24f),
    f64::from_bits(0x3fa5_5548_dd7a_2e95),
    f64::from_bits(0x3f81_1127_08ea_96f8),
    f64::from_bits(0x3f56_d8cf_4867_79ee),
    f64::from_bits(0x3f29_f089_c0ce_0c08),
];

/// `e^a` for `a <= 0` (or NaN), in f64 arithmetic, to 2^-34 relative: the
/// exponential of the f32 kernels on targets with an f64 FPU
/// ([`crate::wide`]), where a result rounded once to f32 is then within
/// 0.5 + 2^-10 ULP. `a < min_arg` gives 0: [`EXP_F32_ZERO_ARG`] where the
/// result is rounded to f32 (it is 0 there), [`EXP_F64_NORMAL_ARG`] where
/// it enters an f64 sum (tiny terms count in a log-sum-exp whose result is
/// tiny). Every other result is a normal f64, so the scaling by `2^k` is one
/// multiplication.
#[inline(always)]
pub(crate) fn exp_neg_f64_for_f32(a: f64, min_arg: f64) -> f64 {
    // Below `min_arg` the result is 0: compute e^0 and select 0 at the end
    // (no slow underflowing arithmetic; NaN passes).
    let below = a < min_arg;
    let a = if below { 0.0 } else { a };
    let biased = a * F64_LOG2E + F64_ROUND;
    let kf = biased - F64_ROUND;
    let r = (a - kf * F64_LN2_HI) - kf * F64_LN2_LO;
    // Estrin's scheme.
    let r2 = r * r;
    let c = &F64_FOR_F32_P;
    let p = (c[0] + r * c[1]) + r2 * ((c[2] + r * c[3]) + r2 * (c[4] + r * c[5]));
    let m = 1.0 + (r + r2 * p);
    let k = (biased.to_bits() as i64).wrapping_sub(F64_ROUND.to_bits() as i64);
    let e = m * f64::from_bits((k.wrapping_add(1023) as u64) << 52);
    if below {
        0.0
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        assert_eq!(exp_f32(0.0, 0.0), 1.0);
        assert_eq!(exp_f64(0.0, 0.0), 1.0);
        assert_eq!(exp_f32(f32::NEG_INFINITY, 0.0), 0.0);
        assert_eq!(exp_f32(f32::NEG_INFINITY, f32::NAN), 0.0);
        assert_eq!(exp_f32(f32::INFINITY, f32::NAN), f32::INFINITY);
        assert_eq!(exp_f64(f64::NEG_INFINITY, f64::NAN), 0.0);
        assert_eq!(exp_f64(f64::INFINITY, 0.0), f64::INFINITY);
        assert!(exp_f32(f32::NAN, 0.0).is_nan());
        assert!(exp_f64(f64::NAN, 0.0).is_nan());
        assert_eq!(exp_f32(-1e38, 0.0), 0.0);
        assert_eq!(exp_f32(1e38, 0.0), f32::INFINITY);
        assert_eq!(exp_f64(-1e308, 0.0), 0.0);
        assert_eq!(exp_f64(1e308, 0.0), f64::INFINITY);
    }

    #[test]
    fn thresholds() {
        // Largest finite result and overflow.
        assert!(exp_f32(88.72283, 0.0).is_finite());
        assert_eq!(exp_f32(88.7229, 0.0), f32::INFINITY);
        assert!(exp_f64(709.78, 0.0).is_finite());
        assert_eq!(exp_f64(709.79, 0.0), f64::INFINITY);
        // Subnormal results, then zero.
        let s = exp_f32(-100.0, 0.0);
        assert!(s > 0.0 && s < f32::MIN_POSITIVE);
        assert_eq!(exp_f32(-104.0, 0.0), 0.0);
        assert_eq!(exp_f32(-103.0, 0.0), f32::from_bits(1));
        let s = exp_f64(-740.0, 0.0);
        assert!(s > 0.0 && s < f64::MIN_POSITIVE);
        assert_eq!(exp_f64(-746.0, 0.0), 0.0);
    }

    #[test]
    fn tail_moves_the_result() {
        // e^(hi + lo) with lo = 1e-6 differs from e^hi by ~1e-6 relative.
        let a = exp_f32(1.0, 0.0) as f64;
        let b = exp_f32(1.0, 1e-6) as f64;
        assert!(((b / a - 1.0) - 1e-6).abs() < 2e-7);
    }
}
