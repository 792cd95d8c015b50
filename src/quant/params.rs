//! TFLite's parameter derivations, from the tensors' `f32` scales to the
//! integer (multiplier, shift, radius) form the kernels use, reimplemented
//! from TFLite `internal/quantization_util.cc` (`QuantizeMultiplier`,
//! `PreprocessSoftmaxScaling`, `CalculateInputRadius`, `CheckedLog2`) and
//! TFLM `kernels/softmax_common.cc`, `kernels/logistic_common.cc`.
//!
//! As in TFLite, the `f32` scale is widened to `f64` and every product is
//! formed in `f64` from it: deriving from an unrounded `f64` scale instead
//! gives a different multiplier for some scales (and outputs 1 LSB off).
//! Float arithmetic happens here only, at preparation time.

use crate::error::Error;

/// `(m, e)` with `x = m * 2^e`, `m` in `[0.5, 1)`, for finite `x > 0`
/// (C `frexp`).
pub(crate) const fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // subnormal: scale into the normal range first
        let (m, e) = frexp(x * 18_446_744_073_709_551_616.0); // 2^64
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, biased - 1022)
}

/// `round(v)` with ties away from zero (C `round`, `TfLiteRound`), for
/// `0 ≤ v < 2^62`.
const fn round_half_away(v: f64) -> i64 {
    let t = v as i64;
    if v - t as f64 >= 0.5 {
        t + 1
    } else {
        t
    }
}

/// TFLite `QuantizeMultiplier`: `d ≈ m * 2^(shift - 31)` with `m` in
/// `[2^30, 2^31)`, or `(0, 0)` when `d` is below `2^-32` (flushed). `d`
/// must be finite and `> 0`.
pub(crate) const fn quantize_multiplier(d: f64) -> (i32, i32) {
    let (q, mut shift) = frexp(d);
    let mut q_fixed = round_half_away(q * 2_147_483_648.0); // q * 2^31
    if q_fixed == 1 << 31 {
        q_fixed /= 2;
        shift += 1;
    }
    if shift < -31 {
        return (0, 0);
    }
    (q_fixed as i32, shift)
}

/// `true` for a finite, strictly positive scale (or β).
pub(crate) const fn is_positive_finite(v: f32) -> bool {
    v > 0.0 && v <= f32::MAX
}

/// The int8-input softmax parameters `(multiplier, left shift, diff_min)`
/// exactly as TFLM's `CalculateSoftmaxParams` derives them
/// (`PreprocessSoftmaxScaling` with 5 integer bits, double rounding, then
/// `diff_min = -CalculateInputRadius(5, shift)`).
///
/// `Err(InvalidParameter)` if `scale` or `beta` is not finite and `> 0`, or
/// if `beta * scale * 2^26 ≤ 1` (TFLite's `QuantizeMultiplierGreaterThanOne`
/// check fails there: `beta * scale ≤ 1.49e-8`).
pub(crate) const fn softmax_i8_params(scale: f32, beta: f32) -> Result<(i32, i32, i32), Error> {
    if !is_positive_finite(scale) || !is_positive_finite(beta) {
        return Err(Error::InvalidParameter);
    }
    // finite and > 0 (checked above): never NaN
    let mut real = beta as f64 * scale as f64 * 67_108_864.0; // * 2^(31 - 5)
    let cap = 2_147_483_647.0; // (1 << 31) - 1
    if real > cap {
        real = cap;
    }
    if real <= 1.0 {
        return Err(Error::InvalidParameter);
    }
    let (multiplier, shift) = quantize_multiplier(real);
    // CalculateInputRadius(5, shift, 31) = floor(31 * 2^26 / 2^shift), shift in 1..=31
    let radius = (31i64 << 26) >> shift;
    Ok((multiplier, shift, -(radius as i32)))
}

/// The int16 softmax parameters `(multiplier, shift)`: TFLite
/// `QuantizeMultiplier(scale * beta / (10 / 65535))`, which maps an input
/// difference of `-10 / (scale * beta)` to the bottom of the exp table.
/// A shift above 31 is clamped to 31: it makes every non-zero difference
/// saturate at the bottom of the table either way (TFLM would overflow an
/// `int32` there).
pub(crate) const fn softmax_i16_params(scale: f32, beta: f32) -> Result<(i32, i32), Error> {
    if !is_positive_finite(scale) || !is_positive_finite(beta) {
        return Err(Error::InvalidParameter);
    }
    let d = scale as f64 * beta as f64 / (10.0 / 65535.0);
    let (m, s) = quantize_multiplier(d);
    if s > 31 {
        return Ok((i32::MAX, 31));
    }
    Ok((m, s))
}

/// Logistic int8 parameters `(multiplier, shift, radius)` as TFLM's
/// `CalculateArithmeticOpDataLogistic`: `frexp(scale * 2^27)` (4 integer
/// bits), `radius = floor(15 * 2^27 / 2^shift)`.
///
/// `Err(InvalidParameter)` if `scale` is not finite and `> 0`, or below
/// `2^-28` (TFLM shifts by a negative amount there: undefined behaviour).
pub(crate) const fn logistic_i8_params(scale: f32) -> Result<(i32, i32, i32), Error> {
    if !is_positive_finite(scale) {
        return Err(Error::InvalidParameter);
    }
    let (q, shift) = frexp(scale as f64 * 134_217_728.0); // * 2^27
    if shift < 0 {
        return Err(Error::InvalidParameter);
    }
    let multiplier = round_half_away(q * 2_147_483_648.0) as i32; // q < 1 - 2^-24: no carry
    let radius = if shift >= 31 { 0 } else { ((15i64 << 27) >> shift) as i32 };
    Ok((multiplier, shift, radius))
}

/// TFLite `CheckedLog2` in `f32` (with `logf`, as the C++ does): the
/// rounded base-2 logarithm and whether `x` is within 0.1 % (in log2) of a
/// power of two.
fn checked_log2(x: f32) -> (i32, bool) {
    let l2 = libm::logf(x) * (1.0f32 / libm::logf(2.0));
    let r = libm::roundf(l2);
    (r as i32, (l2 - r).abs() < 1e-3)
}

/// Logistic int16 parameters `(multiplier, left shift)` as TFLM's
/// `CalculateArithmeticOpDataLogistic` for int16 (3 integer bits): a
/// power-of-two scale of `2^-12` gives `(0, 0)` (the kernel then uses ×3),
/// any other scale the multiplier that maps the input to steps of
/// `1 / (3 * 4096)`, doubled until it exceeds 16383.5.
///
/// `Err(InvalidParameter)` if `scale` is not finite and `> 0`, if the
/// multiplier exceeds 32767 (`scale > 2.6666`: TFLM's `DCHECK`; the
/// products would overflow) or truncates to 0 (`scale < 2^-44`).
pub(crate) fn logistic_i16_params(scale: f32) -> Result<(i32, i32), Error> {
    if !is_positive_finite(scale) {
        return Err(Error::InvalidParameter);
    }
    let (log2, pot) = checked_log2(scale);
    let left = (15 - 3) + log2;
    if pot && left == 0 {
        return Ok((0, 0));
    }
    let mut multiplier = scale as f64 * 4096.0 * 3.0;
    let mut left = 0;
    while multiplier <= 32767.0 / 2.0 && left <= 30 {
        left += 1;
        multiplier *= 2.0;
    }
    let m = multiplier as i64; // C++ static_cast<int32_t>: truncation
    if m > 32767 || m == 0 {
        return Err(Error::InvalidParameter);
    }
    Ok((m as i32, left))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_and_quantize() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(frexp(f64::MIN_POSITIVE / 4.0), (0.5, -1023));
        assert_eq!(quantize_multiplier(1.0), (1 << 30, 1));
        // rounds up to 2^31: halved, shift + 1
        assert_eq!(quantize_multiplier(1.0 - 1e-12), (1 << 30, 1));
        assert_eq!(quantize_multiplier(1e-12), (0, 0));
    }

    #[test]
    fn softmax_params_match_tflite() {
        // The CMSIS-NN / harness convention: scale 1/16, beta 1.
        assert_eq!(softmax_i8_params(1.0 / 16.0, 1.0), Ok((1_073_741_824, 23, -248)));
        assert_eq!(softmax_i8_params(1e-9, 1.0), Err(Error::InvalidParameter));
        assert_eq!(softmax_i8_params(f32::NAN, 1.0), Err(Error::InvalidParameter));
        assert_eq!(softmax_i8_params(0.1, 0.0), Err(Error::InvalidParameter));
        assert_eq!(softmax_i8_params(f32::INFINITY, 1.0), Err(Error::InvalidParameter));
        // capped at 2^31 - 1: only the maximum survives
        assert_eq!(softmax_i8_params(1e6, 1.0), Ok((i32::MAX, 31, 0)));
    }

    #[test]
    fn logistic_params() {
        assert_eq!(logistic_i16_params(1.0 / 4096.0), Ok((0, 0)));
        assert_eq!(logistic_i16_params(3.0), Err(Error::InvalidParameter));
        assert_eq!(logistic_i8_params(2.0f32.powi(-30)), Err(Error::InvalidParameter));
        assert_eq!(logistic_i8_params(16.0).map(|p| p.2), Ok(0));
    }
}
