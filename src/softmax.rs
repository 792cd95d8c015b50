//! Softmax and log-softmax: `softmax`, `softmax_in_place`, `log_softmax`,
//! `log_softmax_in_place`, `softmax_with_temperature`, `softmax_rows`.
//!
//! # Numerics
//! With `m = max x_j` (first at index `k`) and `d_i = x_i - m`:
//!
//! ```text
//! softmax(x)_i     = e^(d_i) / Σ_j e^(d_j)
//! log_softmax(x)_i = d_i - ln_1p(Σ_{j ≠ k} e^(d_j))
//! ```
//!
//! * `d_i` is never rounded before the exponential. Rounding it first, as
//!   numpy, scipy, ONNX Runtime and rten do, costs up to 63 ULP when `|x_i|`
//!   and `|m|` differ in magnitude (`x = [100, -0.00123]` in f32). f32
//!   kernels on hosts compute `d_i` exactly in f64 (`crate::wide`); f64
//!   kernels and f32 on microcontrollers carry it as `hi + lo` into the exp
//!   kernel (`crate::narrow`).
//! * The denominator is summed in f64 (f32 on hosts) or compensated (Kahan)
//!   lane by lane: plain summation of 4096 terms drifts by tens of ULP.
//! * `log_softmax` is never `ln(softmax)`: the dominant class of `[30, 0]`
//!   gets `-ln_1p(e^-30) ≈ -9.4e-14`, not 0, and a class with probability
//!   1e-300 in f64 gets its true log-probability, not `-inf`.
//!
//! # Special values (all functions)
//! * NaN anywhere: `Err(Nan { index })`, the first NaN.
//! * Every element `-inf` (a fully masked row): `Err(AllNegInfinite)`.
//! * Some `-inf` elements: probability 0 (log-probability `-inf`).
//! * Some `+inf` elements: they share the mass equally (`1/k` each, `k` the
//!   number of `+inf`), the others get 0: the limit of the finite case.
//! * Finite inputs of any magnitude never give NaN: `[1000, 0, -1000]` in
//!   f32 gives `[1, e^-1000 = 0, 0]`.
//!
//! On `Err`, output and in-place slices are left untouched.

use crate::dispatch;
use crate::error::{check_len, Error};
use crate::float::Float;

/// Validates a row: its max, unless it is empty, holds a NaN or is all `-inf`.
#[inline]
fn row_max<T: Float>(x: &[T]) -> Result<T, Error> {
    let m = dispatch::max_value(x)?;
    if m == T::neg_infinity() {
        return Err(Error::AllNegInfinite);
    }
    Ok(m)
}

/// `1/k`, `k` the number of `+inf` entries of `x`.
fn infinity_share<T: Float>(x: &[T]) -> T {
    T::one() / T::from_usize(x.iter().filter(|&&v| v == T::infinity()).count())
}

/// `1/k` for the `+inf` entries, 0 elsewhere.
fn share_among_infinities<T: Float>(x: &[T], out: &mut [T]) {
    let share = infinity_share(x);
    for (o, &v) in out.iter_mut().zip(x) {
        *o = if v == T::infinity() { share } else { T::zero() };
    }
}

/// `-ln k` for the `+inf` entries, `-inf` elsewhere.
fn log_share_among_infinities<T: Float>(x: &[T], out: &mut [T]) {
    let log_share = Float::ln(infinity_share(x));
    for (o, &v) in out.iter_mut().zip(x) {
        *o = if v == T::infinity() { log_share } else { T::neg_infinity() };
    }
}

/// The softmax `p_i = e^(x_i) / Σ_j e^(x_j)`: mutually exclusive classes,
/// probabilities that sum to 1.
///
/// **Error**: ≤ 4 ULP per element (measured on the reference data, f32 and
/// f64, README table), for every input including subnormal probabilities;
/// `Σ p_i` is within 4ε of 1 for `n ≤ 4096` (ε = machine epsilon).
///
/// **Special values**: see the [module docs](mod@crate::softmax): `-inf` → 0,
/// `+inf` entries share the mass, finite inputs never give NaN.
///
/// # Errors
/// In the order checked; `out` is left untouched on every error:
/// * `LengthMismatch { expected: x.len(), actual: out.len() }`;
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN;
/// * `AllNegInfinite` if every element is `-inf`.
///
/// ```
/// use logitkit::softmax;
///
/// let mut p = [0.0f32; 4];
/// softmax(&[-0.5, 1.2, -0.1, 2.4], &mut p)?;
/// let want = [0.0383, 0.2094, 0.0571, 0.6953];
/// assert!(p.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-4));
///
/// let mut q = [0.0f32; 3];
/// softmax(&[1000.0, 0.0, -1000.0], &mut q)?; // no overflow, no NaN
/// assert_eq!(q, [1.0, 0.0, 0.0]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn softmax<T: Float>(x: &[T], out: &mut [T]) -> Result<(), Error> {
    check_len(x.len(), out.len())?;
    let m = row_max(x)?;
    if m == T::infinity() {
        share_among_infinities(x, out);
    } else {
        T::k_softmax(x, m, out);
    }
    Ok(())
}

/// [`softmax`] in place: `x` is replaced by its softmax.
///
/// Same error bound (≤ 4 ULP) and special values as [`softmax`].
///
/// # Errors
/// `Empty`, `Nan { index }`, `AllNegInfinite`, as [`softmax`]; `x` is left
/// untouched on error.
///
/// ```
/// let mut x = [2.0f64, 2.0];
/// logitkit::softmax_in_place(&mut x)?;
/// assert_eq!(x, [0.5, 0.5]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn softmax_in_place<T: Float>(x: &mut [T]) -> Result<(), Error> {
    let m = row_max(x)?;
    if m == T::infinity() {
        let share = infinity_share(x);
        for v in x.iter_mut() {
            *v = if *v == T::infinity() { share } else { T::zero() };
        }
    } else {
        T::k_softmax_in_place(x, m);
    }
    Ok(())
}

/// The log-softmax `ln p_i = x_i - logsumexp(x)`, computed from the
/// log-sum-exp (never as `ln(softmax)`).
///
/// **Error**: ≤ 4 ULP relative per element, including the dominant class
/// (measured on the reference data, f32 and f64; README table). Every
/// result is ≤ 0.
///
/// **Special values**: `-inf` inputs → `-inf`; with `k` entries `+inf`,
/// those get `-ln k` and the rest `-inf`; finite inputs never give NaN.
///
/// # Errors
/// As [`softmax`], in the same order; `out` untouched on error.
///
/// ```
/// use logitkit::log_softmax;
///
/// let mut out = [0.0f64; 2];
/// log_softmax(&[30.0, 0.0], &mut out)?;
/// assert_eq!(out[0], -9.357622968839737e-14); // -ln(1 + e^-30), not 0
/// assert!((out[1] + 30.000000000000092).abs() < 1e-13);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn log_softmax<T: Float>(x: &[T], out: &mut [T]) -> Result<(), Error> {
    check_len(x.len(), out.len())?;
    let m = row_max(x)?;
    if m == T::infinity() {
        log_share_among_infinities(x, out);
    } else {
        T::k_log_softmax(x, m, out);
    }
    Ok(())
}

/// [`log_softmax`] in place.
///
/// Same error bound (≤ 4 ULP) and special values as [`log_softmax`].
///
/// # Errors
/// `Empty`, `Nan { index }`, `AllNegInfinite`, as [`softmax`]; `x` untouched
/// on error.
///
/// ```
/// let mut x = [0.0f32, 0.0];
/// logitkit::log_softmax_in_place(&mut x)?;
/// assert_eq!(x, [-core::f32::consts::LN_2; 2]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn log_softmax_in_place<T: Float>(x: &mut [T]) -> Result<(), Error> {
    let m = row_max(x)?;
    if m == T::infinity() {
        let log_share = Float::ln(infinity_share(x));
        for v in x.iter_mut() {
            *v = if *v == T::infinity() { log_share } else { T::neg_infinity() };
        }
    } else {
        T::k_log_softmax_in_place(x, m);
    }
    Ok(())
}

/// Softmax of `x / t`: temperature scaling. `t > 1` flattens the
/// distribution (calibrates an over-confident network, Guo et al. 2017),
/// `t < 1` sharpens it; `t = 1` is [`softmax`], to the bit (it calls it).
///
/// `(x_i - m) / t` is computed as an unevaluated sum `hi + lo` (TwoSum, then
/// the division's exact remainder by a fused multiply-add), so the division
/// by `t` costs no accuracy. A difference beyond the float range (logits
/// near ±MAX, whose `(x_i - m) / t` is moderate for a huge `t`) is formed at
/// half scale in a rare second pass, not lost; a tiny (subnormal) `t` is
/// scaled by `2^64` first, so that the remainder stays exact.
///
/// **Error**: ≤ 4 ULP per element (measured, README table), as [`softmax`].
///
/// **Special values**: as [`softmax`]; `t` tiny or huge never overflows
/// (`x / t` beyond the float range simply gives probability 0 or a uniform
/// distribution).
///
/// # Errors
/// In the order checked; `out` untouched on error:
/// * `InvalidParameter` unless `t` is finite and `> 0` (NaN, 0, negative,
///   `inf` are refused);
/// * then as [`softmax`]: `LengthMismatch`, `Empty`, `Nan { index }`,
///   `AllNegInfinite`.
///
/// ```
/// use logitkit::softmax_with_temperature;
///
/// let mut p = [0.0f32; 2];
/// softmax_with_temperature(&[2.0, 0.0], 2.0, &mut p)?; // = softmax([1, 0])
/// assert!((p[0] - 0.731_058_6).abs() < 1e-7);
/// assert_eq!(
///     softmax_with_temperature(&[2.0, 0.0], 0.0, &mut p),
///     Err(logitkit::Error::InvalidParameter)
/// );
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn softmax_with_temperature<T: Float>(x: &[T], t: T, out: &mut [T]) -> Result<(), Error> {
    if !(t > T::zero() && t < T::infinity()) {
        return Err(Error::InvalidParameter);
    }
    check_len(x.len(), out.len())?;
    let m = row_max(x)?;
    if m == T::infinity() {
        share_among_infinities(x, out);
        return Ok(());
    }
    if t == T::one() {
        // The same bits as `softmax` on every target (the microcontroller
        // kernels of the two differ).
        T::k_softmax(x, m, out);
    } else {
        T::k_softmax_temperature(x, m, t, out);
    }
    Ok(())
}

/// Softmax of each row of a row-major batch: `x` holds `x.len() / row_len`
/// rows of `row_len` logits; `out` receives the rows' softmax in the same
/// layout. Each row as [`softmax`].
///
/// All rows are validated before anything is written, so on `Err` `out` is
/// untouched.
///
/// **Error**: ≤ 4 ULP per element, as [`softmax`].
///
/// # Errors
/// In the order checked:
/// * `InvalidParameter` if `row_len == 0`;
/// * `LengthMismatch { expected: x.len(), actual: out.len() }` if the
///   buffers differ in length;
/// * `LengthMismatch { expected, actual: x.len() }` if `x.len()` is not a
///   multiple of `row_len`, with `expected` the largest multiple below it;
/// * `Empty` if `x` is empty;
/// * `Nan { index }` (index into `x`) or `AllNegInfinite` for the first row,
///   in order, that holds a NaN or is all `-inf`.
///
/// ```
/// use logitkit::softmax_rows;
///
/// let x = [0.0f32, 0.0, 0.0, f32::NEG_INFINITY, 3.0, 3.0]; // 2 rows of 3
/// let mut p = [0.0f32; 6];
/// softmax_rows(&x, 3, &mut p)?;
/// assert!((p[0] - 1.0 / 3.0).abs() < 1e-7 && (p[4] - 0.5).abs() < 1e-7);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn softmax_rows<T: Float>(x: &[T], row_len: usize, out: &mut [T]) -> Result<(), Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    check_len(x.len(), out.len())?;
    let rem = x.len() % row_len;
    if rem != 0 {
        return Err(Error::LengthMismatch { expected: x.len() - rem, actual: x.len() });
    }
    if x.is_empty() {
        return Err(Error::Empty);
    }
    for (r, row) in x.chunks_exact(row_len).enumerate() {
        row_max(row).map_err(|e| match e {
            Error::Nan { index } => Error::Nan { index: r * row_len + index },
            other => other,
        })?;
    }
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut outs = out.chunks_exact_mut(row_len);
    for row in x.chunks_exact(row_len) {
        let Some(o) = outs.next() else { break };
        softmax(row, o)?; // validated: cannot fail
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_leave_output_untouched() {
        let mut out = [9.0f32; 3];
        assert_eq!(softmax(&[1.0, 2.0], &mut out), Err(Error::LengthMismatch { expected: 2, actual: 3 }));
        assert_eq!(softmax::<f32>(&[], &mut []), Err(Error::Empty));
        assert_eq!(softmax(&[1.0, f32::NAN, 0.0], &mut out), Err(Error::Nan { index: 1 }));
        assert_eq!(softmax(&[f32::NEG_INFINITY; 3], &mut out), Err(Error::AllNegInfinite));
        assert_eq!(log_softmax(&[f32::NEG_INFINITY; 3], &mut out), Err(Error::AllNegInfinite));
        assert_eq!(log_softmax(&[0.0, 0.0, f32::NAN], &mut out), Err(Error::Nan { index: 2 }));
        for t in [0.0f32, -1.0, f32::NAN, f32::INFINITY] {
            assert_eq!(softmax_with_temperature(&[1.0, 2.0, 3.0], t, &mut out), Err(Error::InvalidParameter));
        }
        assert_eq!(out, [9.0; 3]);
        let mut x = [1.0f32, f32::NAN];
        assert_eq!(softmax_in_place(&mut x), Err(Error::Nan { index: 1 }));
        assert_eq!(log_softmax_in_place(&mut x), Err(Error::Nan { index: 1 }));
        assert_eq!(x[0], 1.0);
    }

    #[test]
    fn infinities() {
        let x = [f32::INFINITY, 0.0, f32::INFINITY, f32::NEG_INFINITY];
        let mut p = [0.0f32; 4];
        softmax(&x, &mut p).unwrap();
        assert_eq!(p, [0.5, 0.0, 0.5, 0.0]);
        let mut q = x;
        softmax_in_place(&mut q).unwrap();
        assert_eq!(q, p);
        softmax_with_temperature(&x, 3.0, &mut p).unwrap();
        assert_eq!(p, [0.5, 0.0, 0.5, 0.0]);
        log_softmax(&x, &mut p).unwrap();
        assert_eq!(
            p,
            [-core::f32::consts::LN_2, f32::NEG_INFINITY, -core::f32::consts::LN_2, f32::NEG_INFINITY]
        );
        let mut one = [0.0f64, f64::INFINITY];
        log_softmax_in_place(&mut one).unwrap();
        assert_eq!(one, [f64::NEG_INFINITY, 0.0]);
        let mut r = [0.0f32; 3];
        softmax(&[f32::NEG_INFINITY, 1.0, f32::NEG_INFINITY], &mut r).unwrap();
        assert_eq!(r, [0.0, 1.0, 0.0]);
        log_softmax(&[f32::NEG_INFINITY, 1.0, f32::NEG_INFINITY], &mut r).unwrap();
        assert_eq!(r, [f32::NEG_INFINITY, 0.0, f32::NEG_INFINITY]);
    }

    #[test]
    fn extremes_never_nan() {
        let mut p = [0.0f32; 3];
        softmax(&[1000.0, 0.0, -1000.0], &mut p).unwrap();
        assert_eq!(p, [1.0, 0.0, 0.0]);
        softmax(&[f32::MAX, -f32::MAX, f32::MAX], &mut p).unwrap();
        assert_eq!(p, [0.5, 0.0, 0.5]);
        log_softmax(&[f32::MAX, -f32::MAX, 0.0], &mut p).unwrap();
        assert_eq!(p, [0.0, f32::NEG_INFINITY, -f32::MAX]);
        softmax_with_temperature(&[f32::MAX, -f32::MAX, 0.0], 1e-30, &mut p).unwrap();
        assert_eq!(p, [1.0, 0.0, 0.0]);
        softmax_with_temperature(&[f32::MAX, -f32::MAX, 0.0], f32::MAX, &mut p).unwrap();
        assert!(p.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn two_sum_overflow_near_max_is_not_nan() {
        // x - m is finite, but TwoSum's intermediate s - x overflows.
        let x = [f32::MAX, 8.544_783e37];
        let mut out = [0.0f32; 2];
        log_softmax(&x, &mut out).unwrap();
        assert_eq!(out[0], 0.0);
        assert_eq!(out[1], 8.544_783e37 - f32::MAX);
        softmax_with_temperature(&[f32::MAX, -f32::MAX], 1e37, &mut out).unwrap();
        assert!(out.iter().all(|v| v.is_finite()));
        softmax_with_temperature(&x, 1e37, &mut out).unwrap();
        assert!(out.iter().all(|v| v.is_finite()) && out[0] > out[1]);
    }

    #[test]
    fn temperature_one_is_softmax() {
        let x = [0.3f64, -2.0, 5.5, 1e-3, -100.0];
        let (mut a, mut b) = ([0.0; 5], [0.0; 5]);
        softmax(&x, &mut a).unwrap();
        softmax_with_temperature(&x, 1.0, &mut b).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rows() {
        let mut out = [7.0f32; 6];
        assert_eq!(softmax_rows(&[0.0f32; 6], 0, &mut out), Err(Error::InvalidParameter));
        assert_eq!(
            softmax_rows(&[0.0f32; 5], 2, &mut out[..5]),
            Err(Error::LengthMismatch { expected: 4, actual: 5 })
        );
        assert_eq!(
            softmax_rows(&[0.0f32; 6], 2, &mut out[..5]),
            Err(Error::LengthMismatch { expected: 6, actual: 5 })
        );
        assert_eq!(softmax_rows::<f32>(&[], 2, &mut []), Err(Error::Empty));
        let bad = [0.0f32, 1.0, 2.0, f32::NAN, 1.0, 1.0];
        assert_eq!(softmax_rows(&bad, 2, &mut out), Err(Error::Nan { index: 3 }));
        let masked = [0.0f32, 1.0, f32::NEG_INFINITY, f32::NEG_INFINITY, 1.0, 1.0];
        assert_eq!(softmax_rows(&masked, 2, &mut out), Err(Error::AllNegInfinite));
        assert_eq!(out, [7.0; 6]);
        let x = [0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0];
        softmax_rows(&x, 3, &mut out).unwrap();
        let mut want = [0.0f32; 3];
        softmax(&x[3..], &mut want).unwrap();
        assert_eq!(&out[3..], &want);
    }
}
