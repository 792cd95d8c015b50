//! A binary classifier with **one** logit.
//!
//! # Is a sigmoid output a probability?
//! For a model trained with a logistic loss (binary cross-entropy on
//! `sigmoid(x)`), yes, the model's:
//!
//! * `P(class 1) = sigmoid(x) = 1 / (1 + e^-x)`;
//! * `P(class 0) = 1 - sigmoid(x) = sigmoid(-x)`. Compute it as
//!   `sigmoid(-x)`, never as `1 - sigmoid(x)`: for `x = 20` in f32,
//!   `1 - sigmoid(20)` is `0` while `sigmoid(-20)` is `2.06e-9`.
//!   [`binary_probabilities`](crate::binary_probabilities) returns both.
//! * A two-logit softmax `[a, b]` is the same model: `softmax([a, b])[1]
//!   = e^b / (e^a + e^b) = 1 / (1 + e^-(b - a)) = sigmoid(b - a)`. A
//!   two-output network is a one-logit network on the difference of its
//!   logits (tested numerically in `tests/decide_props.rs`).
//! * `x` is the log-odds: `x = ln(P(1) / P(0)) = logit(P(1))`; `x = 0` is
//!   50/50, `x = 2.2` is 90 %, `x = 4.6` is 99 %.
//!
//! Whether those probabilities are *calibrated* (of the cases given 0.9,
//! 90 % are class 1) depends on the training; temperature scaling
//! ([`softmax_with_temperature`](fn@crate::softmax_with_temperature), or
//! `sigmoid(x / T)`) is the usual fix.
//!
//! # Deciding
//! [`binary_decision`]`(x, t)` is `true` (class 1) iff the correctly rounded
//! `sigmoid(x) ≥ t` (the rule of [`LogitThreshold`](super::LogitThreshold),
//! exact in f32), one `exp`. For a fixed threshold in a hot loop, prepare a
//! [`LogitThreshold`](super::LogitThreshold) once and call its `decide`: one
//! compare, no `exp`, same answers.

use crate::error::Error;
use crate::float::Float;

use super::cut::{check_probability, reaches};

/// Class 1 (`true`) iff the correctly rounded `sigmoid(x)` is `≥ t`, for a
/// binary classifier's single logit `x`.
///
/// Same rule as [`LogitThreshold`](super::LogitThreshold) (exact in f32;
/// in f64 it may differ from the correctly rounded decision only when
/// `σ(x)` is within 2 ULP of `t`), and the same answers as
/// `LogitThreshold::from_probability(t)?.decide(x)` without the
/// preparation: one `sigmoid`, plus an f64 check when `sigmoid(x)` lies
/// within 3 floats of `t` (f32). `t = 0` is always class 1,
/// `t = 1` needs `sigmoid(x)` to round to 1 (`x ≥ 17.33` in f32).
///
/// # Errors
/// In the order checked:
/// * `InvalidParameter` if `t` is NaN or outside `[0, 1]`;
/// * `Nan { index: 0 }` if `x` is NaN.
///
/// ```
/// use logitkit::{binary_decision, binary_probabilities, softmax};
///
/// let x = 1.2f32; // the model's logit for "anomaly"
/// let [p0, p1] = binary_probabilities(x); // [0.2315, 0.7685]
/// assert!(binary_decision(x, 0.75)? && !binary_decision(x, 0.8)?);
/// assert!((p0 + p1 - 1.0).abs() < 1e-7);
///
/// // a two-logit head [a, b] is sigmoid(b - a)
/// let mut p = [0.0f32; 2];
/// softmax(&[0.3, 1.5], &mut p)?;
/// assert!((p[1] - logitkit::sigmoid(1.5f32 - 0.3)).abs() < 1e-7);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn binary_decision<T: Float>(x: T, t: T) -> Result<bool, Error> {
    check_probability(t)?;
    if x.is_nan() {
        return Err(Error::Nan { index: 0 });
    }
    Ok(t == T::zero() || reaches(x, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials() {
        assert_eq!(binary_decision(f32::NAN, 0.5), Err(Error::Nan { index: 0 }));
        assert_eq!(binary_decision(0.0f32, f32::NAN), Err(Error::InvalidParameter));
        assert_eq!(binary_decision(0.0f64, 1.01), Err(Error::InvalidParameter));
        assert_eq!(binary_decision(f32::NEG_INFINITY, 0.0), Ok(true));
        assert_eq!(binary_decision(f32::NEG_INFINITY, 1e-45), Ok(false));
        assert_eq!(binary_decision(f32::INFINITY, 1.0), Ok(true));
        assert_eq!(binary_decision(17.0f32, 1.0), Ok(false));
        assert_eq!(binary_decision(17.5f32, 1.0), Ok(true));
        assert_eq!(binary_decision(0.0f32, 0.5), Ok(true));
        assert_eq!(binary_decision(-1e-30f32, 0.5), Ok(true)); // σ rounds to 1/2
        assert_eq!(binary_decision(-1e-7f32, 0.5), Ok(false));
    }
}
