//! `logit(p) = ln(p / (1 - p))`, the inverse of the sigmoid, and its slice forms.
//!
//! # Numerics
//! The naive `ln(p / (1 - p))` is fine far from `p = 1/2` but loses all
//! relative accuracy near it (the result goes to 0 while `p / (1 - p)` is
//! rounded near 1). Four ranges, each using only exact subtractions
//! (Sterbenz: `1 - p` is exact for `p` in `[1/2, 1]`, `1 - 2p` for `p` in
//! `[1/4, 1/2]`, `2p - 1` for `p` in `[1/2, 1]`):
//!
//! | `p`            | formula                        | rounded inputs           |
//! |----------------|--------------------------------|--------------------------|
//! | `[0, 1/4)`     | `ln(p / (1 - p))`              | `1 - p`, the quotient    |
//! | `[1/4, 1/2)`   | `-ln_1p((1 - 2p) / p)`         | the quotient only        |
//! | `[1/2, 3/4]`   | `ln_1p((2p - 1) / (1 - p))`    | the quotient only        |
//! | `(3/4, 1]`     | `ln(p / (1 - p))`              | the quotient only        |
//!
//! In the middle ranges the `ln_1p` argument is at most 2, where its
//! condition number is below 1; in the outer ranges `|logit| > 1.09`, so an
//! absolute error of a few units of 2^-24 is below an ULP of the result.

use crate::error::Error;
use crate::float::Float;
use crate::map::{map_in_place, map_into};

/// `logit(p) = ln(p / (1 - p))`: the logit whose [`sigmoid`](fn@crate::sigmoid)
/// is `p`. Used to turn a probability threshold into a logit threshold.
///
/// **Error**: ≤ 2 ULP for every `p` in `[0, 1]`, f32 and f64 (README table:
/// measured), including `p` near 1/2 (where the result is near 0) and
/// subnormal `p`.
///
/// **Special values**: `logit(0) = -inf`, `logit(1) = +inf`,
/// `logit(1/2) = 0`; `p < 0`, `p > 1` and `NaN` give `NaN` (this function
/// never fails: use [`logit_slice`]'s output or `is_nan` to detect them).
///
/// ```
/// use logitkit::{logit, sigmoid};
///
/// assert_eq!(logit(0.5f32), 0.0);
/// assert!((logit(0.8f64) - 4f64.ln()).abs() < 1e-15);
/// assert_eq!(logit(1.0f32), f32::INFINITY);
/// assert_eq!(logit(0.0f32), f32::NEG_INFINITY);
/// assert!(logit(1.5f32).is_nan() && logit(-0.1f32).is_nan());
/// assert!((sigmoid(logit(0.3f64)) - 0.3).abs() < 1e-16);
/// ```
#[inline]
pub fn logit<T: Float>(p: T) -> T {
    let one = T::one();
    let half = T::lit(0.5);
    let quarter = T::lit(0.25);
    let two = T::lit(2.0);
    if !(p >= T::zero() && p <= one) {
        return T::nan();
    }
    if p < quarter {
        Float::ln(p / (one - p))
    } else if p < half {
        -Float::ln_1p((one - two * p) / p)
    } else if p <= T::lit(0.75) {
        Float::ln_1p((two * p - one) / (one - p))
    } else {
        Float::ln(p / (one - p))
    }
}

/// `out[i] = logit(p[i])`; see [`logit`] (≤ 2 ULP; outside `[0, 1]` or NaN
/// gives NaN at that position).
///
/// # Errors
/// `LengthMismatch { expected: p.len(), actual: out.len() }`; `out` untouched.
///
/// ```
/// let mut out = [0.0f32; 3];
/// logitkit::logit_slice(&[0.0, 0.5, 1.0], &mut out)?;
/// assert_eq!(out, [f32::NEG_INFINITY, 0.0, f32::INFINITY]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn logit_slice<T: Float>(p: &[T], out: &mut [T]) -> Result<(), Error> {
    map_into(p, out, logit)
}

/// `p[i] = logit(p[i])` in place; see [`logit`].
///
/// ```
/// let mut v = [0.5f64, 2.0];
/// logitkit::logit_in_place(&mut v);
/// assert_eq!(v[0], 0.0);
/// assert!(v[1].is_nan());
/// ```
pub fn logit_in_place<T: Float>(p: &mut [T]) {
    map_in_place(p, logit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigmoid;

    #[test]
    fn domain_and_specials() {
        assert_eq!(logit(0.0f32), f32::NEG_INFINITY);
        assert_eq!(logit(-0.0f32), f32::NEG_INFINITY);
        assert_eq!(logit(1.0f64), f64::INFINITY);
        assert_eq!(logit(0.5f64), 0.0);
        assert!(logit(f32::NAN).is_nan());
        assert!(logit(f32::INFINITY).is_nan());
        assert!(logit(-f32::MIN_POSITIVE).is_nan());
        assert!(logit(1.0f32 + f32::EPSILON).is_nan());
        assert!(logit(f64::from_bits(1)) < -744.0);
    }

    #[test]
    fn inverts_sigmoid_in_each_range() {
        for &p in &[1e-30f64, 0.1, 0.25, 0.3, 0.49, 0.5, 0.51, 0.7, 0.75, 0.9, 1.0 - 1e-12] {
            let x = logit(p);
            // sigmoid's condition number at x is |x| (1 - p): allow for it
            let tol = 4.0 * f64::EPSILON * p * x.abs().max(1.0);
            assert!((sigmoid(x) - p).abs() <= tol, "p = {p}");
        }
        // exact antisymmetry in the middle ranges (1 - p is exact there)
        for &p in &[0.5f32 + 2f32.powi(-20), 0.6, 0.7, 0.75] {
            assert_eq!(logit(1.0 - p), -logit(p), "p = {p}");
        }
        for &p in &[0.8f32, 0.999] {
            let (a, b) = (logit(1.0 - p), -logit(p));
            assert!((a - b).abs() <= 2.0 * f32::EPSILON * b.abs(), "p = {p}");
        }
    }
}
