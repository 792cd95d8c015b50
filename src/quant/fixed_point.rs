//! gemmlowp's fixed-point primitives, as the TensorFlow Lite (Micro)
//! reference kernels use them, reimplemented from the algorithms in
//! gemmlowp `fixedpoint/fixedpoint.h` (`SaturatingRoundingDoublingHighMul`,
//! `RoundingDivideByPOT`, `SaturatingRoundingMultiplyByPOT`,
//! `exp_on_interval_between_negative_one_quarter_and_0_excl`,
//! `exp_on_negative_values`, `one_over_one_plus_x_for_x_in_0_1`,
//! `logistic`) and TFLite `internal/common.h`
//! (`MultiplyByQuantizedMultiplier`, double rounding).
//!
//! Every function reproduces the C++ result bit for bit on the inputs the
//! kernels give it (C++ integer division truncates toward zero; `>>` on a
//! negative `i32` is arithmetic in both languages). The magic numbers are
//! gemmlowp's fixed-point constants (Q0.31 unless stated): they define the
//! results, so they are part of the algorithm.
//!
//! All functions are `const fn`, so prepared tables can live in flash.

/// `round(a * b / 2^31)` with ties away from zero, saturating the one
/// overflow case `MIN * MIN` to `MAX` (gemmlowp
/// `SaturatingRoundingDoublingHighMul`, ARM `VQRDMULH`).
#[inline]
pub(crate) const fn srdhm(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    let ab = a as i64 * b as i64;
    let nudge = if ab >= 0 { 1i64 << 30 } else { 1 - (1i64 << 30) };
    // C++ division: truncation toward zero (not a floor shift).
    ((ab + nudge) / (1i64 << 31)) as i32
}

/// [`srdhm`] for `a, b ≥ 0` (the product is then non-negative and the
/// truncating division is a shift): the hot path of the softmax.
#[inline(always)]
pub(crate) const fn srdhm_nonneg(a: u32, b: u32) -> u32 {
    ((a as u64 * b as u64 + (1u64 << 30)) >> 31) as u32
}

/// `x / 2^e` rounded to nearest, ties away from zero (gemmlowp
/// `RoundingDivideByPOT`), for `0 ≤ e ≤ 31`.
#[inline]
pub(crate) const fn rdbp(x: i32, e: u32) -> i32 {
    let mask = ((1i64 << e) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + (x < 0) as i32;
    (x >> e) + (remainder > threshold) as i32
}

/// `x * 2^e` saturated to the `i32` range, `1 ≤ e ≤ 30` (gemmlowp
/// `SaturatingRoundingMultiplyByPOT` with a positive exponent).
#[inline]
pub(crate) const fn sat_shl(x: i32, e: u32) -> i32 {
    let threshold = (1i32 << (31 - e)) - 1;
    if x > threshold {
        i32::MAX
    } else if x < -threshold {
        i32::MIN
    } else {
        x << e
    }
}

/// `exp(a)` for `a` in `[-1/4, 0)`, Q0.31 in and out: a fourth-order
/// Taylor expansion around `-1/8` (gemmlowp).
const fn exp_on_quarter(a: i32) -> i32 {
    const EXP_MINUS_ONE_EIGHTH: i32 = 1_895_147_668; // e^(-1/8)
    const ONE_THIRD: i32 = 715_827_883;
    let x = a + (1 << 28); // x = a + 1/8
    let x2 = srdhm(x, x);
    let x3 = srdhm(x2, x);
    let x4 = srdhm(x2, x2);
    let x4_over_4 = rdbp(x4, 2);
    // x^4/24 + x^3/6 + x^2/2 = ((x^4/4 + x^3) / 3 + x^2) / 2
    let poly = rdbp(srdhm(x4_over_4 + x3, ONE_THIRD) + x2, 1);
    EXP_MINUS_ONE_EIGHTH + srdhm(EXP_MINUS_ONE_EIGHTH, x + poly)
}

/// `e^(-2^k)` in Q0.31 for `k = -2..=4` (gemmlowp's barrel shifter).
const EXP_MINUS_POW2: [i32; 7] =
    [1_672_461_947, 1_302_514_674, 790_015_084, 290_630_308, 39_332_535, 720_401, 242];

/// `exp(a)` for `a ≤ 0` given in Q`ib`.(31 − `ib`) (`ib ≤ 5` integer bits),
/// result in Q0.31: `exp(a mod 1/4 - 1/4)` by [`exp_on_quarter`], times
/// `e^(-2^k)` for each bit `k` of the remaining multiple of 1/4; `exp(0)`
/// is `i32::MAX` (gemmlowp `exp_on_negative_values`).
pub(crate) const fn exp_on_negative_values(a: i32, ib: u32) -> i32 {
    let frac_bits = 31 - ib;
    let quarter = 1i32 << (frac_bits - 2);
    let a_mod_quarter_minus_quarter = (a & (quarter - 1)) - quarter;
    let rescaled =
        if ib > 0 { sat_shl(a_mod_quarter_minus_quarter, ib) } else { a_mod_quarter_minus_quarter };
    let mut result = exp_on_quarter(rescaled);
    let remainder = a_mod_quarter_minus_quarter.wrapping_sub(a);
    let mut k = 0;
    while k < EXP_MINUS_POW2.len() {
        let exponent = k as i32 - 2;
        if (ib as i32) > exponent && remainder & (1i32 << (frac_bits as i32 + exponent)) != 0 {
            result = srdhm(result, EXP_MINUS_POW2[k]);
        }
        k += 1;
    }
    if a == 0 {
        result = i32::MAX;
    }
    result
}

/// `1 / (1 + a)` for `a` in `[0, 1)`, Q0.31 in and out: three
/// Newton-Raphson steps on the half denominator from the 48/17 − 32/17·d
/// initial guess (gemmlowp `one_over_one_plus_x_for_x_in_0_1`).
pub(crate) const fn one_over_one_plus_x(a: i32) -> i32 {
    const C48_OVER_17: i32 = 1_515_870_810; // Q2.29
    const CNEG32_OVER_17: i32 = -1_010_580_540; // Q2.29
    const ONE_Q2: i32 = 1 << 29;
    // RoundingHalfSum(a, One): (a + MAX + sign) / 2, truncating.
    let sum = a as i64 + i32::MAX as i64;
    let half_den = ((sum + if sum >= 0 { 1 } else { -1 }) / 2) as i32;
    let mut x = C48_OVER_17.wrapping_add(srdhm(half_den, CNEG32_OVER_17));
    let mut i = 0;
    while i < 3 {
        let one_minus = ONE_Q2.wrapping_sub(srdhm(half_den, x));
        x = x.wrapping_add(sat_shl(srdhm(x, one_minus), 2));
        i += 1;
    }
    sat_shl(x, 1)
}

/// The logistic function of `a` in Q4.27, result in Q0.31 (gemmlowp
/// `logistic` on `FixedPoint<int32, 4>`): `1 / (1 + e^(-|a|))`, reflected
/// as `1 - that` for negative `a`; exactly 1/2 at 0.
pub(crate) const fn logistic_q4(a: i32) -> i32 {
    if a == 0 {
        1 << 30
    } else if a > 0 {
        one_over_one_plus_x(exp_on_negative_values(a.wrapping_neg(), 4))
    } else {
        i32::MAX - one_over_one_plus_x(exp_on_negative_values(a, 4))
    }
}

/// `x * multiplier * 2^shift` rounded as TFLite's double-rounding
/// `MultiplyByQuantizedMultiplier`: `RoundingDivideByPOT(SRDHM(x << left,
/// m), right)`. The caller guarantees `x << left` fits in `i32` and
/// `-31 ≤ shift ≤ 31`.
#[inline]
pub(crate) const fn mul_by_quantized_multiplier(x: i32, multiplier: i32, shift: i32) -> i32 {
    let left = if shift > 0 { shift as u32 } else { 0 };
    let right = if shift > 0 { 0 } else { shift.unsigned_abs() };
    rdbp(srdhm(x.wrapping_shl(left), multiplier), right)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_f(v: i32, frac: u32) -> f64 {
        v as f64 / (1u64 << frac) as f64
    }

    #[test]
    fn srdhm_rounds_and_saturates() {
        assert_eq!(srdhm(i32::MIN, i32::MIN), i32::MAX);
        assert_eq!(srdhm(1 << 30, 1 << 30), 1 << 29);
        // ±1.5: +1.5 rounds up, -1.5 toward zero (the nudge is 1 - 2^30)
        assert_eq!(srdhm(-3, 1 << 30), -1);
        assert_eq!(srdhm(3, 1 << 30), 2);
        assert_eq!(srdhm_nonneg(3, 1 << 30), 2);
    }

    #[test]
    fn rdbp_ties_away_from_zero() {
        assert_eq!(rdbp(5, 1), 3);
        assert_eq!(rdbp(-5, 1), -3);
        assert_eq!(rdbp(-4, 1), -2);
        assert_eq!(rdbp(7, 0), 7);
        assert_eq!(rdbp(i32::MAX, 31), 1);
    }

    #[test]
    fn exp_matches_float_closely() {
        for k in 0..2000 {
            let a = -((k as i64 * (1 << 26) / 64) as i32); // 0 .. -31.25 in Q5.26
            let got = to_f(exp_on_negative_values(a, 5), 31);
            let want = libm::exp(to_f(a, 26));
            assert!((got - want).abs() < 3e-7, "{a}: {got} vs {want}");
        }
    }

    #[test]
    fn reciprocal_and_logistic() {
        for k in 0..100 {
            let a = k * (i32::MAX / 100);
            let got = to_f(one_over_one_plus_x(a), 31);
            assert!((got - 1.0 / (1.0 + to_f(a, 31))).abs() < 3e-7);
        }
        assert_eq!(logistic_q4(0), 1 << 30);
        let l = to_f(logistic_q4(1 << 27), 31); // logistic(1)
        assert!((l - 0.731_058_578_630_004_9).abs() < 3e-7);
        let m = to_f(logistic_q4(-(1 << 27)), 31);
        assert!((l + m - 1.0).abs() < 1e-8);
    }
}
