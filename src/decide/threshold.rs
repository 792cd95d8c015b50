//! Exclusive classes with a confidence requirement: predict a class only
//! when its softmax probability is high enough, else abstain.
//!
//! * [`decide_top1`]: one global threshold on the winner's probability.
//! * [`decide_per_class`]: a threshold per class; the decision is the most
//!   probable class among those that reach their own threshold.
//!
//! Probabilities are those [`top1`](fn@super::top1) and
//! [`margin`](fn@super::margin) return (≤ 2.5 ULP, the same bits on every
//! target, see [`top1`](mod@super::top1)), and compare with `≥`: a
//! probability of exactly `t` passes `t`.

use crate::error::{check_len, Error};
use crate::float::Float;

use super::argmax::max_with_index;
use super::cut::check_probability;
use super::top1::RowProbs;

/// The outcome of a thresholded decision: a class, or no prediction.
///
/// ```
/// use logitkit::{decide_top1, Decision};
///
/// assert_eq!(decide_top1(&[4.0f32, 0.0], 0.8)?, Decision::Class(0)); // 0.982
/// assert_eq!(decide_top1(&[1.0f32, 0.0], 0.8)?, Decision::Abstain); // 0.731
/// assert_eq!(Decision::Class(2).class(), Some(2));
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Decision {
    /// Predict this class (an index into the logits).
    Class(usize),
    /// No class is confident enough: ask again, fall back, or report "unknown".
    Abstain,
}

impl Decision {
    /// The class, or `None` for [`Abstain`](Decision::Abstain).
    ///
    /// ```
    /// use logitkit::Decision;
    /// assert_eq!(Decision::Class(2).class(), Some(2));
    /// assert_eq!(Decision::Abstain.class(), None);
    /// ```
    pub fn class(self) -> Option<usize> {
        match self {
            Decision::Class(k) => Some(k),
            Decision::Abstain => None,
        }
    }
}

/// Predict the argmax `k` of `x` if its softmax probability is `≥ t`, else abstain.
///
/// `k` is the lowest index among equal maxima; its probability is the one
/// [`top1`](fn@super::top1) returns (≤ 2.5 ULP, one `exp` per class; `t = 0`
/// needs none): `decide_top1(x, t)` is `Class(k)` iff `top1(x)?.1 ≥ t`.
///
/// # Errors
/// In the order checked:
/// * `InvalidParameter` if `t` is NaN or outside `[0, 1]`;
/// * `Empty`; `Nan { index }` (first NaN); `AllNegInfinite` (a fully
///   masked row has no probabilities).
///
/// ```
/// use logitkit::{decide_top1, Decision};
///
/// let logits = [12.0f32, 10.0, -1.0]; // P(0) = 0.8807
/// assert_eq!(decide_top1(&logits, 0.8)?, Decision::Class(0));
/// assert_eq!(decide_top1(&logits, 0.9)?, Decision::Abstain);
/// assert_eq!(decide_top1(&[0.0f32, 0.0], 0.5)?, Decision::Class(0)); // exactly 0.5 passes 0.5
/// assert_eq!(decide_top1(&logits, 1.5), Err(logitkit::Error::InvalidParameter));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn decide_top1<T: Float>(x: &[T], t: T) -> Result<Decision, Error> {
    check_probability(t)?;
    let (k, m) = max_with_index(x)?;
    if m == T::neg_infinity() {
        return Err(Error::AllNegInfinite);
    }
    if t == T::zero() {
        return Ok(Decision::Class(k));
    }
    let p = RowProbs::new(x, m, k)?.p(m);
    Ok(if p >= t { Decision::Class(k) } else { Decision::Abstain })
}

/// Per-class thresholds: the **candidates** are the classes `i` whose
/// softmax probability `P(i)` is `≥ thresholds[i]`; the decision is the candidate with the
/// highest probability (lowest index on ties); no candidate → abstain.
///
/// This differs from "argmax, then its own threshold": with thresholds
/// `[0.8, 0.8, 0.1]` and probabilities `[0.6, 0.25, 0.15]`, the argmax
/// (class 0) misses its 0.8 but the rare class 2 reaches its 0.1, so the
/// decision is class 2. A class with threshold 0 is always a candidate,
/// a class with threshold 1 only when its probability rounds to 1.
///
/// Probabilities as [`top1`](fn@super::top1) computes them (≤ 2.5 ULP, the
/// same bits on every target); two `exp` per class (one pass for the sum,
/// one for the comparisons); no buffer.
///
/// # Errors
/// In the order checked:
/// * `LengthMismatch { expected: x.len(), actual: thresholds.len() }`;
/// * `InvalidParameter` if a threshold is NaN or outside `[0, 1]`;
/// * `Empty`; `Nan { index }` (first NaN); `AllNegInfinite`.
///
/// ```
/// use logitkit::{decide_per_class, Decision};
///
/// // keyword spotter: "yes", "no", "unknown"; a false "yes" is costly
/// let t = [0.9f32, 0.6, 0.5];
/// // P = [0.883, 0.073, 0.044]: argmax says "yes", but below its 0.9
/// assert_eq!(decide_per_class(&[3.0f32, 0.5, 0.0], &t)?, Decision::Abstain);
/// // P = [0.171, 0.766, 0.063]: "no" reaches its 0.6
/// assert_eq!(decide_per_class(&[1.0f32, 2.5, 0.0], &t)?, Decision::Class(1));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn decide_per_class<T: Float>(x: &[T], thresholds: &[T]) -> Result<Decision, Error> {
    check_len(x.len(), thresholds.len())?;
    for &t in thresholds {
        check_probability(t)?;
    }
    let (k, m) = max_with_index(x)?;
    let probs = RowProbs::new(x, m, k)?;
    let mut best: Option<(usize, T)> = None;
    for (i, (&v, &t)) in x.iter().zip(thresholds).enumerate() {
        let p = probs.p(v);
        if p >= t && best.is_none_or(|(_, bp)| p > bp) {
            best = Some((i, p));
        }
    }
    Ok(best.map_or(Decision::Abstain, |(i, _)| Decision::Class(i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_in_order() {
        assert_eq!(decide_top1(&[f32::NAN], f32::NAN), Err(Error::InvalidParameter));
        assert_eq!(decide_top1::<f32>(&[], 0.5), Err(Error::Empty));
        assert_eq!(decide_top1(&[0.0, f32::NAN], 0.5), Err(Error::Nan { index: 1 }));
        assert_eq!(decide_top1(&[f32::NEG_INFINITY], 0.0), Err(Error::AllNegInfinite));
        assert_eq!(
            decide_per_class(&[1.0f32], &[0.5, 0.5]),
            Err(Error::LengthMismatch { expected: 1, actual: 2 })
        );
        assert_eq!(decide_per_class(&[f32::NAN, 1.0], &[0.5, -0.5]), Err(Error::InvalidParameter));
        assert_eq!(decide_per_class::<f64>(&[], &[]), Err(Error::Empty));
        assert_eq!(decide_per_class(&[f32::NAN, 1.0], &[0.5, 0.5]), Err(Error::Nan { index: 0 }));
        assert_eq!(decide_per_class(&[f32::NEG_INFINITY; 2], &[0.0, 0.0]), Err(Error::AllNegInfinite));
    }

    #[test]
    fn differs_from_argmax() {
        let ln = |p: f64| p.ln();
        let x = [ln(0.6), ln(0.25), ln(0.15)];
        assert_eq!(decide_per_class(&x, &[0.8, 0.8, 0.1]), Ok(Decision::Class(2)));
        assert_eq!(decide_per_class(&x, &[0.8, 0.2, 0.1]), Ok(Decision::Class(1)));
        assert_eq!(decide_per_class(&x, &[0.5, 0.2, 0.1]), Ok(Decision::Class(0)));
        assert_eq!(decide_per_class(&x, &[0.7, 0.3, 0.2]), Ok(Decision::Abstain));
        assert_eq!(decide_per_class(&x, &[1.0, 1.0, 0.0]), Ok(Decision::Class(2)));
        assert_eq!(decide_top1(&x, 0.0), Ok(Decision::Class(0)));
        assert_eq!(decide_top1(&x, 0.7), Ok(Decision::Abstain));
        // +inf entries share the mass
        let y = [f32::INFINITY, 0.0, f32::INFINITY];
        assert_eq!(decide_top1(&y, 0.5), Ok(Decision::Class(0)));
        assert_eq!(decide_top1(&y, 0.6), Ok(Decision::Abstain));
        assert_eq!(decide_per_class(&y, &[0.6, 0.0, 0.5]), Ok(Decision::Class(2)));
    }
}
