//! Calibration: fit a temperature ([`fit_temperature`]) or Platt's sigmoid
//! ([`fit_platt`]) on held-out data, and measure calibration as you go
//! ([`CalibrationStats`]: ECE, MCE, reliability diagram, Brier, NLL,
//! accuracy).
//!
//! Networks trained with cross-entropy are over-confident: a model that says
//! 0.95 is right far less than 95 % of the time (Guo, Pleiss, Sun and
//! Weinberger, "On Calibration of Modern Neural Networks", ICML 2017). The
//! standard fix divides the logits by one temperature `T` fitted on held-out
//! data; the standard measure is the expected calibration error (ECE) over
//! equal-width confidence bins.
//!
//! ```
//! use logitkit::calibration::{fit_temperature, CalibrationStats, FitStatus};
//!
//! // Held-out logits (3 classes, row-major) and their labels.
//! let logits = [4.0f64, 0.0, -1.0, 3.0, 2.5, 0.0, 0.0, 5.0, 1.0, 2.0, 0.0, 2.2];
//! let labels = [0u8, 1, 1, 2];
//! let fit = fit_temperature(&logits, 3, &labels)?;
//! assert_eq!(fit.status, FitStatus::Converged);
//!
//! let mut before = CalibrationStats::<f64, 10>::new();
//! let mut after = CalibrationStats::<f64, 10>::new();
//! for (row, &y) in logits.chunks_exact(3).zip(&labels) {
//!     before.push(row, y)?;
//!     after.push_with_temperature(row, y, fit.temperature)?;
//! }
//! assert!(after.nll()? < before.nll()?); // the fit minimizes exactly this
//! # Ok::<(), logitkit::Error>(())
//! ```

mod metrics;
mod platt;
mod temperature;

pub use metrics::{Bin, CalibrationStats};
pub use platt::{fit_platt, PlattFit, PlattTargets};
pub use temperature::{fit_temperature, TemperatureFit};

use crate::compensated::KahanSum;
use crate::float::Float;

/// How a fit ended.
///
/// The two degenerate cases are properties of the data, not failures: the
/// fit reports the limit its parameter runs to.
///
/// ```
/// use logitkit::{fit_temperature, FitStatus};
///
/// // Every top logit is the label: no finite temperature is optimal.
/// let fit = fit_temperature(&[3.0f64, 0.0, 0.0, 2.0], 2, &[0u8, 1])?;
/// assert_eq!(fit.status, FitStatus::Separable);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FitStatus {
    /// The optimum is finite and was reached to the documented tolerance.
    Converged,
    /// The labels are perfectly predicted (every label is its row's top
    /// logit; for Platt scaling, a threshold on the score separates the
    /// classes or only one class occurs): the likelihood keeps growing as
    /// the model is sharpened, and the maximum-likelihood parameter is at
    /// infinity (temperature → 0, Platt slope → ±∞). See each fit for the
    /// value it returns then.
    Separable,
    /// The logits carry no information about the labels that a positive
    /// temperature can use (the NLL does not decrease from `T = ∞`): the
    /// optimum is the uniform distribution, temperature `+∞`.
    Uninformative,
    /// The iteration limit was reached before the tolerance. Not observed
    /// for [`fit_temperature`] on finite data (its bracketing bounds the
    /// passes); [`fit_platt`] reaches it on subnormal scores, whose optimal
    /// slope is beyond the float range (fuzzing found it). The returned
    /// parameters are then the last iterate, never NaN.
    IterationLimit,
}

/// The class index `l` as a `usize`, if it is one and is `< n`.
#[inline(always)]
pub(crate) fn class_index<L: Copy + TryInto<usize>>(l: L, n: usize) -> Option<usize> {
    l.try_into().ok().filter(|&c| c < n)
}

/// A power of two `s` such that `max_abs * s` lies in `[1, 2)` (or below 1
/// for tiny `max_abs`: `s` stops at `2^120`; `s = 1` for `max_abs = 0`).
///
/// Multiplying by `s` is exact (no rounding) for every normal product, so a
/// fit on `x * s` is the same computation as on `x`, bit for bit, away from
/// overflow and underflow, which it removes: logits up to `±MAX` can then be
/// differenced and multiplied without reaching infinity.
pub(crate) fn pow2_scale<T: Float>(max_abs: T) -> T {
    let two = T::lit(2.0);
    let half = T::lit(0.5);
    let cap = T::lit(1.329_227_995_784_916e36); // 2^120
    let mut s = T::one();
    if !(max_abs > T::zero() && max_abs.is_finite()) {
        return s;
    }
    let mut v = max_abs;
    while v >= two {
        v = v * half;
        s = s * half;
    }
    while v < T::one() && s < cap {
        v = v * two;
        s = s * two;
    }
    s
}

/// A compensated sum of non-negative terms that may be `+inf` or overflow
/// (Kahan's correction turns an infinite term or an overflowing sum into
/// NaN; here either makes the sum `+inf`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LossSum<T> {
    sum: KahanSum<T>,
    infinite: bool,
}

impl<T: Float> LossSum<T> {
    #[inline(always)]
    pub(crate) fn new() -> Self {
        LossSum { sum: KahanSum::new(), infinite: false }
    }
    #[inline(always)]
    pub(crate) fn add(&mut self, v: T) {
        if v == T::infinity() {
            self.infinite = true;
        } else {
            self.sum.add(v);
            if !self.sum.value().is_finite() {
                self.infinite = true;
            }
        }
    }
    #[inline(always)]
    pub(crate) fn merge(&mut self, other: &Self) {
        self.infinite |= other.infinite;
        self.sum.add_sum(&other.sum);
        if !self.sum.value().is_finite() {
            self.infinite = true;
        }
    }
    #[inline(always)]
    pub(crate) fn value(&self) -> T {
        if self.infinite {
            T::infinity()
        } else {
            self.sum.value()
        }
    }
}

/// `sqrt(ε)` of the type, the Newton stopping threshold of the fits
/// (2^-26 for f64, 2^-12 for f32, 2^-(p/2) rounded down in general).
pub(crate) fn sqrt_epsilon<T: Float>() -> T {
    let eps = T::epsilon();
    // eps is 2^(1-p); halve the exponent by repeated squaring from 1.
    let mut r = T::one();
    while r * r > eps {
        r = r * T::lit(0.5);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_a_power_of_two_into_one_two() {
        for &m in &[1e-30f64, 0.3, 1.0, 1.5, 2.0, 1e300, f64::MAX] {
            let s = pow2_scale(m);
            let v = m * s;
            assert!((1.0..2.0).contains(&v), "{m} {s} {v}");
            assert_eq!(s, 2f64.powi(s.log2() as i32));
        }
        assert_eq!(pow2_scale(f64::MIN_POSITIVE), 2f64.powi(120));
        assert_eq!(pow2_scale(f32::MAX) * f32::MAX, f32::MAX / 2f32.powi(127));
        assert_eq!(pow2_scale(0.0f32), 1.0);
        let tiny = pow2_scale(f32::from_bits(1));
        assert_eq!(tiny, 2f32.powi(120));
        assert_eq!(sqrt_epsilon::<f64>(), 2f64.powi(-26));
        assert_eq!(sqrt_epsilon::<f32>(), 2f32.powi(-12));
    }

    #[test]
    fn class_index_refuses_out_of_range_and_negative() {
        assert_eq!(class_index(3u8, 4), Some(3));
        assert_eq!(class_index(4u8, 4), None);
        assert_eq!(class_index(-1i32, 4), None);
        assert_eq!(class_index(true, 2), Some(1));
    }
}
