//! The winner's probability without writing a softmax: [`top1`] and the
//! gap to the runner-up, [`margin`].
//!
//! # Why is the winner 0.88 when the logits are 12 and 10?
//! Softmax only sees differences: `P(top1) = e^12 / (e^12 + e^10)
//! = 1 / (1 + e^(10 - 12)) = 1 / (1 + e^-2) = 1 / 1.1353 = 0.8808`. A gap of
//! 2 nats is odds of `e^2 = 7.39` to 1, whatever the logits' size (`[2, 0]`
//! gives the same 0.8808). In log space: `ln P(top1) = x1 - logsumexp(x)
//! = 12 - 12.1269 = -0.1269`, and `P(top1) / P(top2) = e^(x1 - x2)`.
//!
//! # How the probabilities are computed
//! With `m` the maximum (first at index `k`) and `S' = Σ_{i ≠ k} e^(x_i - m)`:
//! `P(i) = e^(x_i - m) / (1 + S')`, `P(k) = 1 / (1 + S')`. The differences
//! `x_i - m` are exact (`hi + lo` into the exp kernel), `S'` is a
//! compensated sum, one `exp` per class and no output buffer.
//! **Error ≤ 2.5 ULP**: measured in f32 against an f64 reference, 2.17 ULP
//! for the winner and 2.37 ULP for the runner-up (max over 200 000 random
//! rows of 1 to 30 logits, scales 1 to 100); f64 runs the same algorithm
//! (same bound by the same analysis, not measured). The arithmetic is the type's own on every
//! target (no f64 for f32, no SIMD path), so a decision computed on a host
//! is the decision the microcontroller takes, bit for bit. These values can
//! differ from [`softmax`](fn@crate::softmax)'s output (≤ 4 ULP, computed
//! differently on hosts) in the last bits; thresholds compare the values
//! these functions return.

use crate::error::Error;
use crate::float::Float;
use crate::logsumexp::{shifted_exp, sum_shifted_exp_except};

use super::argmax::max_with_index;
use super::top_k::top_k;

/// The probabilities of a validated row (see the [module docs](self)).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowProbs<T> {
    /// The row's maximum.
    m: T,
    /// `1 + S'`, or, when `m = +inf`, the share `1/k` of each `+inf`.
    denom: T,
}

impl<T: Float> RowProbs<T> {
    /// `x` must be NaN-free with maximum `m`, first at index `k`.
    ///
    /// # Errors
    /// `AllNegInfinite` if `m` is `-inf`.
    pub(crate) fn new(x: &[T], m: T, k: usize) -> Result<Self, Error> {
        if m == T::neg_infinity() {
            return Err(Error::AllNegInfinite);
        }
        if m == T::infinity() {
            let count = x.iter().filter(|&&v| v == T::infinity()).count();
            return Ok(RowProbs { m, denom: T::one() / T::from_usize(count) });
        }
        Ok(RowProbs { m, denom: T::one() + sum_shifted_exp_except(x, m, k) })
    }

    /// `P(i)` for the element `v = x_i`.
    #[inline]
    pub(crate) fn p(&self, v: T) -> T {
        if self.m == T::infinity() {
            if v == T::infinity() {
                self.denom
            } else {
                T::zero()
            }
        } else if v == self.m {
            T::one() / self.denom
        } else {
            shifted_exp(v, self.m) / self.denom
        }
    }
}

/// The winning class and its softmax probability, `(k, P(k))` with
/// `k = argmax(x)` (lowest index on ties) and
/// `P(k) = e^(x_k) / Σ e^(x_j) = exp(x_k - logsumexp(x))`, computed from the
/// logits (no output buffer). See the [module docs](self) for the
/// 12-and-10 arithmetic.
///
/// **Error**: ≤ 2.5 ULP (see the [module docs](self); the same bits on
/// every target).
///
/// **Special values**: `-inf` logits count as probability 0; `k` entries
/// `+inf` share the mass (`P = 1/k`), as in softmax.
///
/// # Errors
/// In the order checked: `Empty`; `Nan { index }` (first NaN);
/// `AllNegInfinite` (no distribution; [`argmax`](fn@super::argmax) still
/// accepts such a row).
///
/// ```
/// use logitkit::top1;
///
/// let (k, p) = top1(&[12.0f32, 10.0])?;
/// assert_eq!(k, 0);
/// assert!((p - 0.880_797).abs() < 1e-6); // 1 / (1 + e^-2)
/// assert_eq!(top1(&[2.0f32, 0.0])?, top1(&[12.0f32, 10.0])?); // only the gap matters
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn top1<T: Float>(x: &[T]) -> Result<(usize, T), Error> {
    let (k, m) = max_with_index(x)?;
    let probs = RowProbs::new(x, m, k)?;
    Ok((k, probs.p(m)))
}

/// The two best classes and how far apart they are: the confidence margin
/// of a prediction (small margin: the model hesitates between two classes).
///
/// Returned by [`margin`].
///
/// ```
/// let m = logitkit::margin(&[12.0f64, 10.0, -3.0])?;
/// assert_eq!((m.first, m.second, m.log_ratio), (0, Some(1), 2.0));
/// assert!((m.p_first / m.p_second - 2f64.exp()).abs() < 1e-12); // odds e^2
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Margin<T> {
    /// The winning class (lowest index on ties).
    pub first: usize,
    /// The runner-up (next in the [`top_k`](fn@super::top_k) order), `None` for
    /// a single class.
    pub second: Option<usize>,
    /// `x_first - x_second = ln(P(first) / P(second))` ≥ 0: the log odds of
    /// the winner against the runner-up, exact up to one rounding of the
    /// subtraction, no exp. `0` for a tie (two `+inf` included), `+inf`
    /// when the runner-up is `-inf` or absent.
    pub log_ratio: T,
    /// `P(first)`, the winner's softmax probability (≤ 2.5 ULP).
    pub p_first: T,
    /// `P(second)` (≤ 2.5 ULP; `0` without a runner-up).
    pub p_second: T,
}

impl<T: Float> Margin<T> {
    /// `p_first - p_second`, the probability margin, in `[0, 1]`.
    ///
    /// ```
    /// let m = logitkit::margin(&[1.0f32, 1.0, -10.0])?;
    /// assert!(m.probability_margin() == 0.0 && m.log_ratio == 0.0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn probability_margin(&self) -> T {
        self.p_first - self.p_second
    }
}

/// The winner, the runner-up, their log-odds `x1 - x2` and their softmax
/// probabilities, from the logits in one validating scan, one pass for the
/// two best, and one `exp` per class for the probabilities.
///
/// `P(first) / P(second) = e^(x1 - x2)` whatever the other classes: the
/// log ratio needs no exp, and is the quantity to threshold when only "is the
/// winner clear?" matters.
///
/// **Error**: `log_ratio` is one rounded subtraction; `p_first`,
/// `p_second` ≤ 2.5 ULP, as [`top1`].
///
/// # Errors
/// In the order checked: `Empty`; `Nan { index }`; `AllNegInfinite`.
///
/// ```
/// use logitkit::margin;
///
/// let m = margin(&[12.0f32, 10.0, 3.0])?;
/// assert_eq!((m.first, m.second), (0, Some(1)));
/// assert_eq!(m.log_ratio, 2.0); // P(0) / P(1) = e^2 = 7.39
/// assert!((m.p_first - 0.880_701).abs() < 1e-6 && (m.p_second - 0.119_190).abs() < 1e-6);
/// let single = margin(&[0.5f64])?;
/// assert_eq!((single.second, single.log_ratio, single.p_first), (None, f64::INFINITY, 1.0));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn margin<T: Float>(x: &[T]) -> Result<Margin<T>, Error> {
    let best = top_k::<T, 2>(x)?;
    let (first, x1) = best.first().copied().ok_or(Error::Empty)?;
    let probs = RowProbs::new(x, x1, first)?;
    let p_first = probs.p(x1);
    Ok(match best.get(1).copied() {
        None => Margin { first, second: None, log_ratio: T::infinity(), p_first, p_second: T::zero() },
        Some((second, x2)) => {
            // x1 >= x2; equal (two +inf included) gives 0, not inf - inf.
            let log_ratio = if x1 == x2 { T::zero() } else { x1 - x2 };
            Margin { first, second: Some(second), log_ratio, p_first, p_second: probs.p(x2) }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials() {
        assert_eq!(top1::<f32>(&[]), Err(Error::Empty));
        assert_eq!(top1(&[0.0f32, f32::NAN]), Err(Error::Nan { index: 1 }));
        assert_eq!(top1(&[f32::NEG_INFINITY; 2]), Err(Error::AllNegInfinite));
        assert_eq!(margin(&[f32::NEG_INFINITY; 2]), Err(Error::AllNegInfinite));
        assert_eq!(top1(&[f32::INFINITY, 1.0, f32::INFINITY]), Ok((0, 0.5)));
        assert_eq!(top1(&[f64::NEG_INFINITY, 3.0]), Ok((1, 1.0)));
        assert_eq!(top1(&[1000.0f32, 0.0]), Ok((0, 1.0)));
        let m = margin(&[f32::INFINITY, 1.0, f32::INFINITY]).unwrap();
        assert_eq!((m.first, m.second, m.log_ratio, m.p_first, m.p_second), (0, Some(2), 0.0, 0.5, 0.5));
        let m = margin(&[f32::INFINITY, 1.0]).unwrap();
        assert_eq!((m.log_ratio, m.p_first, m.p_second), (f32::INFINITY, 1.0, 0.0));
        let m = margin(&[2.0f32, f32::NEG_INFINITY]).unwrap();
        assert_eq!((m.second, m.log_ratio, m.p_second), (Some(1), f32::INFINITY, 0.0));
        let m = margin(&[f32::MAX, -f32::MAX]).unwrap();
        assert_eq!(m.log_ratio, f32::INFINITY);
    }
}
