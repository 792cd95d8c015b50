//! The logistic sigmoid and its logarithmic relatives: `sigmoid`,
//! `log_sigmoid`, `softplus`, `binary_probabilities`, and their slice forms.
//!
//! # Numerics
//! With `e = exp(-|x|)` in `(0, 1]` (never overflows):
//!
//! * `sigmoid(x) = 1 / (1 + e)` for `x >= 0` and `e / (1 + e)` for `x < 0`.
//!   Both forms only divide by a number in `[1, 2]`, so the far negative tail
//!   is `e` itself: `sigmoid(-100f32)` is the subnormal 3.7e-44, not 0, and
//!   there is no clamping of the input. `1 - sigmoid(x)` is never formed:
//!   `P(class 0) = sigmoid(-x)` is computed on its own and is accurate where
//!   `1 - p` would cancel. `e` and `1 + e` are carried as double words so
//!   that only the quotient rounds (`crate::narrow`).
//! * `softplus(x) = ln(1 + e^x) = max(x, 0) + ln_1p(e)`: `ln_1p(e)` lies in
//!   `(0, ln 2]`, so the sum cannot overflow and the negative tail is
//!   `ln_1p(e) = e`, with no cancellation.
//! * `log_sigmoid(x) = -softplus(-x)`.
//!
//! Error bounds (max over the reference data of `tests/data`, correctly
//! rounded mpmath values, and over all 2^32 f32 inputs for f32): see each
//! function; the README has the table.

use crate::error::{check_len, Error};
use crate::float::Float;
use crate::map::{map_in_place, map_into};

/// The logistic sigmoid `σ(x) = 1 / (1 + e^-x)`: the probability of class 1
/// for a binary classifier's logit `x`.
///
/// **Error**: ≤ 2 ULP for every input, f32 and f64, subnormal results
/// included (see the README's accuracy table for the measured maximum).
///
/// **Special values**: `σ(NaN) = NaN`, `σ(+inf) = 1`, `σ(-inf) = 0`,
/// `σ(±0) = 0.5`. Results are never clamped: `σ(-100f32) ≈ 3.7e-44`
/// (a subnormal), `σ(x)` rounds to 0 only where the exact value is below half
/// the smallest subnormal (`x < -103.97` in f32, `x < -745.13` in f64), and
/// to 1 where the exact value is within half an ULP of 1 (`x > 17.33` in f32).
///
/// ```
/// use logitkit::sigmoid;
///
/// assert_eq!(sigmoid(0.0f32), 0.5);
/// assert!((sigmoid(2.4f32) - 0.916_827).abs() < 1e-6);
/// let tiny = sigmoid(-100.0f32);
/// assert!(tiny > 0.0 && tiny < f32::MIN_POSITIVE); // subnormal, not 0
/// assert_eq!(sigmoid(f64::INFINITY), 1.0);
/// assert!(sigmoid(f32::NAN).is_nan());
/// ```
#[inline]
pub fn sigmoid<T: Float>(x: T) -> T {
    T::k_sigmoid(x)
}

/// `softplus(x) = ln(1 + e^x)`, the smooth ReLU; also `-log_sigmoid(-x)`.
///
/// **Error**: ≤ 2 ULP for every input, f32 and f64 (README table: measured).
///
/// **Special values**: `NaN → NaN`, `+inf → +inf`, `-inf → 0`. Large `x` give
/// `x` (no overflow), very negative `x` give `e^x` down into the subnormals.
///
/// ```
/// use logitkit::softplus;
///
/// assert!((softplus(0.0f64) - core::f64::consts::LN_2).abs() < 1e-16);
/// assert_eq!(softplus(1e30f32), 1e30); // x + ln(1 + e^-x) = x
/// assert!(softplus(-100.0f32) > 0.0);  // e^-100, subnormal
/// assert_eq!(softplus(f32::NEG_INFINITY), 0.0);
/// ```
#[inline]
pub fn softplus<T: Float>(x: T) -> T {
    let l = Float::ln_1p(Float::exp(-x.abs()));
    if x > T::zero() {
        x + l
    } else {
        // x <= 0 or NaN (NaN propagates through exp and ln_1p).
        l
    }
}

/// `log σ(x) = -ln(1 + e^-x) = -softplus(-x)`: the log-probability of class 1,
/// accurate where `ln(sigmoid(x))` would return `-inf` (`x = -200`) or 0
/// (`x = 30`).
///
/// **Error**: ≤ 2 ULP for every input, f32 and f64 (README table: measured).
///
/// **Special values**: `NaN → NaN`, `+inf → 0` (`-0.0`), `-inf → -inf`.
///
/// ```
/// use logitkit::log_sigmoid;
///
/// assert_eq!(log_sigmoid(-200.0f32), -200.0);        // ln(sigmoid) would be -inf
/// assert_eq!(log_sigmoid(30.0f64), -9.357622968839737e-14); // not 0
/// assert_eq!(log_sigmoid(f32::NEG_INFINITY), f32::NEG_INFINITY);
/// ```
#[inline]
pub fn log_sigmoid<T: Float>(x: T) -> T {
    -softplus(-x)
}

/// `[P(class 0), P(class 1)] = [σ(-x), σ(x)]` for a binary classifier with a
/// single logit `x`.
///
/// Each probability is computed on its own, to the accuracy of [`sigmoid`]
/// (≤ 2 ULP); `P(class 0)` is never formed as `1 - P(class 1)`, which would
/// lose all its digits when `P(class 1)` is close to 1
/// (`1 - σ(20f32)` is `0` in f32; `σ(-20f32)` is `2.06e-9`). The two values
/// sum to 1 within 2 ULP of 1.
///
/// **Special values**: `NaN → [NaN, NaN]`, `+inf → [0, 1]`, `-inf → [1, 0]`.
///
/// ```
/// use logitkit::binary_probabilities;
///
/// let [p0, p1] = binary_probabilities(1.0f32);
/// assert!((p1 - 0.731_058_6).abs() < 1e-7 && (p0 - 0.268_941_4).abs() < 1e-7);
/// let [p0, _] = binary_probabilities(20.0f32);
/// assert!(p0 > 2.0e-9); // not 1 - 1 = 0
/// ```
#[inline]
pub fn binary_probabilities<T: Float>(x: T) -> [T; 2] {
    [T::k_sigmoid(-x), T::k_sigmoid(x)]
}

/// `out[i] = sigmoid(x[i])`, see [`sigmoid`] for the formula, error bound
/// (≤ 2 ULP) and special values (NaN propagates to its own position).
///
/// An empty `x` (with an empty `out`) is a no-op, not an error.
///
/// # Errors
/// `LengthMismatch { expected: x.len(), actual: out.len() }` when the lengths
/// differ; `out` is then left untouched.
///
/// ```
/// use logitkit::sigmoid_slice;
///
/// let mut p = [0.0f32; 4];
/// sigmoid_slice(&[-0.5, 1.2, -0.1, 2.4], &mut p)?;
/// assert!((p[3] - 0.9168).abs() < 1e-4);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn sigmoid_slice<T: Float>(x: &[T], out: &mut [T]) -> Result<(), Error> {
    check_len(x.len(), out.len())?;
    T::k_sigmoid_slice(x, out);
    Ok(())
}

/// `x[i] = sigmoid(x[i])` in place; see [`sigmoid`] (≤ 2 ULP, NaN propagates).
///
/// ```
/// let mut v = [0.0f64, f64::INFINITY];
/// logitkit::sigmoid_in_place(&mut v);
/// assert_eq!(v, [0.5, 1.0]);
/// ```
pub fn sigmoid_in_place<T: Float>(x: &mut [T]) {
    T::k_sigmoid_in_place(x)
}

/// `out[i] = log_sigmoid(x[i])`; see [`log_sigmoid`] (≤ 2 ULP, NaN propagates).
///
/// # Errors
/// `LengthMismatch { expected: x.len(), actual: out.len() }`; `out` untouched.
///
/// ```
/// let mut out = [0.0f32; 2];
/// logitkit::log_sigmoid_slice(&[0.0, -200.0], &mut out)?;
/// assert_eq!(out[1], -200.0);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn log_sigmoid_slice<T: Float>(x: &[T], out: &mut [T]) -> Result<(), Error> {
    map_into(x, out, log_sigmoid)
}

/// `x[i] = log_sigmoid(x[i])` in place; see [`log_sigmoid`].
///
/// ```
/// let mut v = [f32::NEG_INFINITY];
/// logitkit::log_sigmoid_in_place(&mut v);
/// assert_eq!(v, [f32::NEG_INFINITY]);
/// ```
pub fn log_sigmoid_in_place<T: Float>(x: &mut [T]) {
    map_in_place(x, log_sigmoid)
}

/// `out[i] = softplus(x[i])`; see [`softplus`] (≤ 2 ULP, NaN propagates).
///
/// # Errors
/// `LengthMismatch { expected: x.len(), actual: out.len() }`; `out` untouched.
///
/// ```
/// let mut out = [0.0f64; 2];
/// logitkit::softplus_slice(&[0.0, 1e300], &mut out)?;
/// assert_eq!(out[1], 1e300);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn softplus_slice<T: Float>(x: &[T], out: &mut [T]) -> Result<(), Error> {
    map_into(x, out, softplus)
}

/// `x[i] = softplus(x[i])` in place; see [`softplus`].
///
/// ```
/// let mut v = [f32::INFINITY, f32::NEG_INFINITY];
/// logitkit::softplus_in_place(&mut v);
/// assert_eq!(v, [f32::INFINITY, 0.0]);
/// ```
pub fn softplus_in_place<T: Float>(x: &mut [T]) {
    map_in_place(x, softplus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_and_exact_points() {
        assert_eq!(sigmoid(0.0f32), 0.5);
        assert_eq!(sigmoid(-0.0f64), 0.5);
        assert_eq!(sigmoid(f32::INFINITY), 1.0);
        assert_eq!(sigmoid(f32::NEG_INFINITY), 0.0);
        assert_eq!(sigmoid(f64::MAX), 1.0);
        assert_eq!(sigmoid(-f64::MAX), 0.0);
        assert!(sigmoid(f32::NAN).is_nan());
        // Subnormal tail, and the last nonzero value.
        assert!(sigmoid(-100.0f32) > 0.0);
        assert_eq!(sigmoid(-104.0f32), 0.0);
        assert!(sigmoid(-745.0f64) > 0.0);
        assert_eq!(sigmoid(-746.0f64), 0.0);
    }

    #[test]
    fn softplus_and_log_sigmoid_specials() {
        assert_eq!(softplus(f32::INFINITY), f32::INFINITY);
        assert_eq!(softplus(f32::NEG_INFINITY), 0.0);
        assert!(softplus(f64::NAN).is_nan());
        assert_eq!(softplus(f32::MAX), f32::MAX);
        assert_eq!(log_sigmoid(f32::INFINITY), 0.0);
        assert_eq!(log_sigmoid(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(log_sigmoid(-f32::MAX), -f32::MAX);
        assert!(log_sigmoid(f32::NAN).is_nan());
        assert!(log_sigmoid(30.0f32) < 0.0);
    }

    #[test]
    fn binary_probabilities_specials() {
        assert_eq!(binary_probabilities(f32::INFINITY), [0.0, 1.0]);
        assert_eq!(binary_probabilities(f32::NEG_INFINITY), [1.0, 0.0]);
        assert_eq!(binary_probabilities(0.0f64), [0.5, 0.5]);
        let [a, b] = binary_probabilities(f32::NAN);
        assert!(a.is_nan() && b.is_nan());
        for &x in &[-30.0f32, -3.0, -0.25, 0.25, 3.0, 30.0] {
            assert_eq!(binary_probabilities(x), [sigmoid(-x), sigmoid(x)]);
        }
    }

    #[test]
    fn slices_check_lengths_and_leave_out_untouched() {
        let mut out = [7.0f32; 3];
        assert_eq!(
            sigmoid_slice(&[1.0, 2.0], &mut out),
            Err(Error::LengthMismatch { expected: 2, actual: 3 })
        );
        assert_eq!(out, [7.0; 3]);
        assert_eq!(softplus_slice(&[1.0], &mut out), Err(Error::LengthMismatch { expected: 1, actual: 3 }));
        assert_eq!(log_sigmoid_slice(&[], &mut out), Err(Error::LengthMismatch { expected: 0, actual: 3 }));
        assert_eq!(out, [7.0; 3]);
        assert_eq!(sigmoid_slice::<f32>(&[], &mut []), Ok(()));
        let mut v = [0.0f32, f32::NAN, 1.0];
        sigmoid_in_place(&mut v);
        assert_eq!(v[0], 0.5);
        assert!(v[1].is_nan());
        assert_eq!(v[2], sigmoid(1.0));
    }
}
