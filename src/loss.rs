//! Losses on logits and their gradients, for evaluation and for on-device
//! fine-tuning of a last layer: binary cross-entropy with logits (soft
//! labels, positive-class weight), softmax cross-entropy with an integer
//! label (with optional label smoothing) or soft targets, batch means over
//! row-major batches, and gradients written into a caller's buffer.
//!
//! # Numerics
//! * `bce_with_logits(x, y) = (1 - y)·softplus(x) + y·softplus(-x)`
//!   (`= softplus(x) - y·x`), a sum of two terms `≥ 0`: no cancellation,
//!   no `inf - inf` at `|x| = MAX` (where `softplus(x) - y·x` gives NaN in
//!   candle, issue 2561), and a zero weight never multiplies an infinity.
//!   With a positive-class weight `w`: `(1 - y)·softplus(x) + w·y·softplus(-x)`
//!   (PyTorch's `pos_weight`).
//! * `-ln p_i = (m - z_i) + ln_1p(S')` with `m - z_i` exact, as in
//!   [`log_softmax`](crate::log_softmax): never `ln(softmax)`, so a
//!   confident wrong class gets its true loss (`1e30`, not `inf`).
//! * Gradients: `softmax - target` and `sigmoid - y`; the label's entry
//!   `p_y - 1` is formed as `-Σ_{j≠y} p_j` (no cancellation when `p_y ≈ 1`),
//!   and `σ(x) - y` as `(1 - y)·σ(x) - y·σ(-x)`.
//!
//! Every function checks all its inputs before writing anything: on `Err`
//! the gradient buffer is untouched.

use crate::calibration::{class_index, LossSum};
use crate::compensated::{diff_hi_lo, KahanSum};
use crate::error::{check_len, Error};
use crate::float::Float;
use crate::logsumexp::shifted_exp;
use crate::scan::{scan_max, Max};
use crate::sigmoid::{binary_probabilities, softplus};

/// `(1 - y)·softplus(x) + w·y·softplus(-x)`, each term skipped when its
/// weight is 0 (so `x = ±inf` with a matching label gives 0, not NaN).
#[inline(always)]
pub(crate) fn bce_parts<T: Float>(x: T, y: T, w: T) -> T {
    let neg = T::one() - y;
    let pos = w * y;
    let a = if neg == T::zero() { T::zero() } else { neg * softplus(x) };
    let b = if pos == T::zero() { T::zero() } else { pos * softplus(-x) };
    a + b
}

/// `d/dx bce = (1 - y)·σ(x) - w·y·σ(-x)`.
#[inline(always)]
fn bce_slope<T: Float>(x: T, y: T, w: T) -> T {
    let [q, p] = binary_probabilities(x);
    (T::one() - y) * p - w * y * q
}

/// `y` in `[0, 1]` (NaN fails).
#[inline(always)]
fn is_probability<T: Float>(y: T) -> bool {
    y >= T::zero() && y <= T::one()
}

/// Binary cross-entropy of a logit against a label or soft label `y` in
/// `[0, 1]`: `-[y ln σ(x) + (1 - y) ln σ(-x)]`, computed as
/// `(1 - y)·softplus(x) + y·softplus(-x)` (module docs).
///
/// **Error**: ≤ 2 ULP for hard labels (one `softplus` times an exact
/// weight of 1), a few ULP for soft labels; the mean over the 1438 digits
/// SVM scores is within 1.5e-16 (f64) and 9.0e-8 (f32) of mpmath.
///
/// **Special values**: finite for every finite `x`, `|x| = MAX` included
/// (`bce(MAX, 1) = 0`, `bce(MAX, 0) = MAX`); `bce(±inf, y)` is 0 when the
/// label agrees and `+inf` otherwise; NaN `x`, or `y` outside `[0, 1]` or
/// NaN, give NaN (this scalar form never fails; the batch forms return
/// `Err`).
///
/// ```
/// use logitkit::loss::bce_with_logits;
///
/// assert_eq!(bce_with_logits(f32::MAX, 1.0), 0.0);       // candle: NaN
/// assert_eq!(bce_with_logits(-f32::MAX, 1.0), f32::MAX);
/// assert!((bce_with_logits(0.0f64, 0.3) - 2f64.ln()).abs() < 1e-16);
/// assert!(bce_with_logits(0.0f32, 1.5).is_nan());
/// ```
pub fn bce_with_logits<T: Float>(x: T, y: T) -> T {
    bce_with_logits_weighted(x, y, T::one())
}

/// [`bce_with_logits`] with a positive-class weight `w` (PyTorch's
/// `pos_weight`): `-[w·y ln σ(x) + (1 - y) ln σ(-x)]`, for unbalanced data
/// (`w = N₋ / N₊` weighs the classes equally).
///
/// **Error** and **special values** as [`bce_with_logits`]; `w` negative,
/// infinite or NaN gives NaN.
///
/// ```
/// use logitkit::loss::{bce_with_logits, bce_with_logits_weighted};
///
/// let x = -1.0f64;
/// assert_eq!(bce_with_logits_weighted(x, 1.0, 3.0), 3.0 * bce_with_logits(x, 1.0));
/// assert_eq!(bce_with_logits_weighted(x, 0.0, 3.0), bce_with_logits(x, 0.0));
/// ```
pub fn bce_with_logits_weighted<T: Float>(x: T, y: T, w: T) -> T {
    if !(is_probability(y) && w >= T::zero() && w < T::infinity()) {
        return T::nan();
    }
    bce_parts(x, y, w)
}

/// Checks of the binary batch functions, in order.
fn check_binary<T: Float>(x: &[T], y: &[T], pos_weight: Option<T>) -> Result<T, Error> {
    let w = pos_weight.unwrap_or_else(T::one);
    if !(w >= T::zero() && w < T::infinity()) {
        return Err(Error::InvalidParameter);
    }
    check_len(x.len(), y.len())?;
    if x.is_empty() {
        return Err(Error::Empty);
    }
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        if a.is_nan() {
            return Err(Error::Nan { index: i });
        }
        if !is_probability(b) {
            return Err(Error::InvalidLabel { index: i });
        }
    }
    Ok(w)
}

/// Mean of [`bce_with_logits_weighted`] over a batch: `x[i]` a logit,
/// `y[i]` its label or soft label, `pos_weight` `None` for 1.
///
/// **Error**: the terms' plus a compensated sum; measured against mpmath
/// on the digits SVM scores: f64 ≤ 1.5e-16 relative, f32 ≤ 9.0e-8 (with
/// `pos_weight` 2: f64 exact, f32 1.6e-8). A sum beyond the float range
/// gives `+inf` (never NaN).
///
/// # Errors
/// In the order checked: `InvalidParameter` if `pos_weight` is negative,
/// infinite or NaN; `LengthMismatch { expected: x.len(), actual: y.len() }`;
/// `Empty`; then element by element `Nan { index }` for a NaN logit and
/// `InvalidLabel { index }` for a `y` outside `[0, 1]` or NaN.
///
/// ```
/// use logitkit::loss::bce_with_logits_mean;
///
/// let x = [2.0f32, -1.0, 0.5];
/// let y = [1.0, 0.0, 0.8];
/// let l = bce_with_logits_mean(&x, &y, None)?;
/// assert!((l - 0.338_089).abs() < 1e-6);
/// assert_eq!(bce_with_logits_mean(&x, &[1.0, 0.0, 2.0], None), Err(logitkit::Error::InvalidLabel { index: 2 }));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn bce_with_logits_mean<T: Float>(x: &[T], y: &[T], pos_weight: Option<T>) -> Result<T, Error> {
    let w = check_binary(x, y, pos_weight)?;
    let mut s = LossSum::new();
    for (&a, &b) in x.iter().zip(y) {
        s.add(bce_parts(a, b, w));
    }
    Ok(s.value() / T::from_usize(x.len()))
}

/// The mean binary cross-entropy (returned) and its gradient with respect
/// to each logit, written into `grad`:
/// `grad[i] = ((1 - y_i)·σ(x_i) - w·y_i·σ(-x_i)) / N` (`= (σ(x_i) - y_i)/N`
/// for `w = 1`).
///
/// **Error**: each gradient entry ≤ 4 ULP of its two terms (exact when
/// `y` is 0 or 1 and `w = 1`, apart from `σ`'s 2 ULP and the division).
///
/// # Errors
/// In the order checked, `grad` untouched on error: as
/// [`bce_with_logits_mean`], then `LengthMismatch { expected: x.len(),
/// actual: grad.len() }` (checked right after the first length check).
///
/// ```
/// use logitkit::loss::bce_with_logits_grad;
///
/// let mut g = [0.0f64; 2];
/// let l = bce_with_logits_grad(&[0.0, 0.0], &[1.0, 0.0], None, &mut g)?;
/// assert_eq!(g, [-0.25, 0.25]); // (σ(0) - y) / 2
/// assert!((l - 2f64.ln()).abs() < 1e-16);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn bce_with_logits_grad<T: Float>(
    x: &[T],
    y: &[T],
    pos_weight: Option<T>,
    grad: &mut [T],
) -> Result<T, Error> {
    let w = pos_weight.unwrap_or_else(T::one);
    if !(w >= T::zero() && w < T::infinity()) {
        return Err(Error::InvalidParameter);
    }
    check_len(x.len(), y.len())?;
    check_len(x.len(), grad.len())?;
    check_binary(x, y, pos_weight)?;
    let n = T::from_usize(x.len());
    let mut s = LossSum::new();
    for ((g, &a), &b) in grad.iter_mut().zip(x).zip(y) {
        s.add(bce_parts(a, b, w));
        *g = bce_slope(a, b, w) / n;
    }
    Ok(s.value() / n)
}

/// A validated softmax row: its max, `L = ln_1p(S')`, the number of `+inf`.
#[derive(Clone, Copy)]
struct Row<T> {
    max: Max<T>,
    shift: T,
    infinities: usize,
}

fn row_max<T: Float>(z: &[T]) -> Result<Max<T>, Error> {
    let max = scan_max(z)?;
    if max.value == T::neg_infinity() {
        return Err(Error::AllNegInfinite);
    }
    Ok(max)
}

/// `-ln p_i` for logit `zi` of a row with stats `r`.
#[inline(always)]
fn neg_log_p<T: Float>(zi: T, r: &Row<T>) -> T {
    let m = r.max.value;
    if m == T::infinity() {
        return if zi == T::infinity() { r.shift } else { T::infinity() };
    }
    // zi - m = hi + lo exactly (this order cannot overflow inside TwoSum
    // for finite m; m - zi can: m = -8.7e37, zi = -MAX in f32).
    let (hi, lo) = diff_hi_lo(zi, m);
    if hi.is_infinite() {
        -hi
    } else {
        (r.shift - hi) - lo
    }
}

/// Label smoothing `ε` in `[0, 1]`.
fn check_eps<T: Float>(eps: T) -> Result<(), Error> {
    if eps >= T::zero() && eps <= T::one() {
        Ok(())
    } else {
        Err(Error::InvalidParameter)
    }
}

/// Cross-entropy of a validated row against the smoothed one-hot target;
/// if `grad` is given, `(p - t) / scale` is written into it.
fn ce_row<T: Float>(z: &[T], max: Max<T>, y: usize, eps: T, grad: Option<(&mut [T], T)>) -> T {
    let m = max.value;
    let off = eps / T::from_usize(z.len()); // target of every class j ≠ y
    let t_gap = eps - off; // p_y - t_y = t_gap - (1 - p_y)
    if m == T::infinity() {
        let k = z.iter().filter(|&&v| v == T::infinity()).count();
        let row = Row { max, shift: Float::ln(T::from_usize(k)), infinities: k };
        if let Some((g, scale)) = grad {
            let share = T::one() / T::from_usize(k);
            for (j, (o, &v)) in g.iter_mut().zip(z).enumerate() {
                let p = if v == T::infinity() { share } else { T::zero() };
                let d = if j == y { t_gap - (T::one() - p) } else { p - off };
                *o = d / scale;
            }
        }
        return smoothed_loss(z, &row, y, eps);
    }
    let sp = match grad {
        None => crate::logsumexp::sum_shifted_exp_except(z, m, max.index),
        Some((g, scale)) => {
            // One pass of exps into the buffer: S' (all but the max) and
            // Σ_{j≠y} w_j, then normalize in place.
            let mut sp = KahanSum::new();
            let mut not_y = KahanSum::new();
            for (j, (o, &v)) in g.iter_mut().zip(z).enumerate() {
                let w = if j == max.index { T::one() } else { shifted_exp(v, m) };
                *o = w;
                if j != max.index {
                    sp.add(w);
                }
                if j != y {
                    not_y.add(w);
                }
            }
            let sp = sp.value();
            let total = T::one() + sp;
            let rest_y = not_y.value() / total;
            for (j, o) in g.iter_mut().enumerate() {
                let d = if j == y { t_gap - rest_y } else { *o / total - off };
                *o = d / scale;
            }
            sp
        }
    };
    let row = Row { max, shift: Float::ln_1p(sp), infinities: 0 };
    smoothed_loss(z, &row, y, eps)
}

/// `(1 - ε)·(-ln p_y) + ε·mean_j(-ln p_j)`, zero-weight terms skipped.
fn smoothed_loss<T: Float>(z: &[T], row: &Row<T>, y: usize, eps: T) -> T {
    let zy = z.get(y).copied().unwrap_or(row.max.value);
    let main = T::one() - eps;
    let mut loss = if main == T::zero() { T::zero() } else { main * neg_log_p(zy, row) };
    if eps > T::zero() {
        // Mean of the terms, each divided first: the terms reach MAX, their
        // sum must not overflow.
        let n = T::from_usize(z.len());
        let mut s = LossSum::new();
        for &v in z {
            s.add(neg_log_p(v, row) / n);
        }
        loss = loss + eps * s.value();
    }
    loss
}

/// Softmax cross-entropy of one example: `-ln softmax(z)_label =
/// logsumexp(z) - z_label`.
///
/// **Error**: ≤ 4 ULP relative (as [`log_softmax`](crate::log_softmax));
/// measured against mpmath on 200 digits rows: f64 ≤ 2.2e-16, f32
/// ≤ 1.2e-7.
///
/// **Special values**: a `-inf` label logit (or another logit `+inf`) gives
/// `+inf`; `k` logits `+inf` including the label's give `ln k`.
///
/// # Errors
/// In the order checked: `Empty`, `Nan { index }`, `AllNegInfinite`,
/// `InvalidLabel { index: 0 }` for a label `≥ z.len()` or negative.
///
/// ```
/// use logitkit::loss::cross_entropy;
///
/// assert!((cross_entropy(&[2.0f64, 0.0], 0)? - 0.126_928_011_042_972_5).abs() < 3e-17);
/// assert_eq!(cross_entropy(&[1e30f32, 0.0], 1)?, 1e30); // not inf
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy<T: Float, L: Copy + TryInto<usize>>(z: &[T], label: L) -> Result<T, Error> {
    let max = row_max(z)?;
    let y = class_index(label, z.len()).ok_or(Error::InvalidLabel { index: 0 })?;
    Ok(ce_row(z, max, y, T::zero(), None))
}

/// Cross-entropy with label smoothing `ε` (Szegedy et al., "Rethinking the
/// Inception Architecture", 2016): the target is
/// `(1 - ε)·onehot(label) + ε/n`, so the loss is
/// `(1 - ε)·(-ln p_label) + ε·mean_j(-ln p_j)` (both terms `≥ 0`).
/// `ε = 0` is [`cross_entropy`]. PyTorch's `label_smoothing` has the same
/// definition.
///
/// **Error**: ≤ 6 ULP (asserted); measured against mpmath on 200 digits
/// rows with ε = 0.1: f64 ≤ 3.6e-16, f32 ≤ 1.9e-7.
///
/// **Special values**: with `ε > 0` any `-inf` logit makes the loss `+inf`
/// (its target is `ε/n > 0`).
///
/// # Errors
/// `InvalidParameter` unless `0 ≤ ε ≤ 1`, then as [`cross_entropy`].
///
/// ```
/// use logitkit::loss::{cross_entropy, cross_entropy_smoothed};
///
/// let z = [3.0f64, 1.0, 0.0];
/// assert_eq!(cross_entropy_smoothed(&z, 0, 0.0)?, cross_entropy(&z, 0)?);
/// assert!(cross_entropy_smoothed(&z, 0, 0.1)? > cross_entropy(&z, 0)?);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_smoothed<T: Float, L: Copy + TryInto<usize>>(
    z: &[T],
    label: L,
    eps: T,
) -> Result<T, Error> {
    check_eps(eps)?;
    let max = row_max(z)?;
    let y = class_index(label, z.len()).ok_or(Error::InvalidLabel { index: 0 })?;
    Ok(ce_row(z, max, y, eps, None))
}

/// Cross-entropy (returned) and its gradient `softmax(z) - t` written into
/// `grad`, with `t = (1 - ε)·onehot(label) + ε/n` (`ε = 0`: plain one-hot).
/// The label's entry is `ε(1 - 1/n) - Σ_{j≠label} p_j`: no cancellation as
/// `p_label → 1`.
///
/// **Error**: each gradient entry ≤ 5 ULP of `p_j` (as
/// [`softmax`](fn@crate::softmax)) plus the subtraction of `ε/n`.
///
/// # Errors
/// In the order checked, `grad` untouched on error: `InvalidParameter`
/// unless `0 ≤ ε ≤ 1`; `LengthMismatch { expected: z.len(), actual:
/// grad.len() }`; `Empty`; `Nan { index }`; `AllNegInfinite`;
/// `InvalidLabel { index: 0 }`.
///
/// ```
/// use logitkit::loss::cross_entropy_grad;
///
/// let mut g = [0.0f32; 3];
/// let l = cross_entropy_grad(&[0.0, 0.0, 0.0], 1, 0.0, &mut g)?;
/// assert!((l - 3f32.ln()).abs() < 1e-6);
/// assert!((g[1] + 2.0 / 3.0).abs() < 1e-7 && (g[0] - 1.0 / 3.0).abs() < 1e-7);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_grad<T: Float, L: Copy + TryInto<usize>>(
    z: &[T],
    label: L,
    eps: T,
    grad: &mut [T],
) -> Result<T, Error> {
    check_eps(eps)?;
    check_len(z.len(), grad.len())?;
    let max = row_max(z)?;
    let y = class_index(label, z.len()).ok_or(Error::InvalidLabel { index: 0 })?;
    Ok(ce_row(z, max, y, eps, Some((grad, T::one()))))
}

/// Validate a soft-target row: each `t_j` in `[0, 1]`.
fn check_targets<T: Float>(t: &[T], base: usize) -> Result<(), Error> {
    for (j, &v) in t.iter().enumerate() {
        if !is_probability(v) {
            return Err(Error::InvalidLabel { index: base + j });
        }
    }
    Ok(())
}

/// `Σ_j t_j·(-ln p_j)` (zero targets skipped) and optionally the gradient
/// `(Σ t)·p - t`, divided by `scale`.
fn soft_row<T: Float>(z: &[T], max: Max<T>, t: &[T], grad: Option<(&mut [T], T)>) -> T {
    let m = max.value;
    let (sp, row) = if m == T::infinity() {
        let k = z.iter().filter(|&&v| v == T::infinity()).count();
        (T::zero(), Row { max, shift: Float::ln(T::from_usize(k)), infinities: k })
    } else {
        let sp = crate::logsumexp::sum_shifted_exp_except(z, m, max.index);
        (sp, Row { max, shift: Float::ln_1p(sp), infinities: 0 })
    };
    let mut loss = LossSum::new();
    let mut mass = KahanSum::new();
    for (&v, &tj) in z.iter().zip(t) {
        mass.add(tj);
        if tj > T::zero() {
            loss.add(tj * neg_log_p(v, &row));
        }
    }
    if let Some((g, scale)) = grad {
        let total = mass.value();
        let denom = T::one() + sp;
        let share = if row.infinities > 0 { T::one() / T::from_usize(row.infinities) } else { T::zero() };
        for ((o, &v), &tj) in g.iter_mut().zip(z).zip(t) {
            let p = if m == T::infinity() {
                if v == T::infinity() {
                    share
                } else {
                    T::zero()
                }
            } else {
                shifted_exp(v, m) / denom
            };
            *o = (total * p - tj) / scale;
        }
    }
    loss.value()
}

/// Cross-entropy against soft targets `t` (a distribution over the
/// classes, e.g. a teacher's probabilities): `-Σ_j t_j ln p_j`, each term
/// `≥ 0`, zero targets skipped (so a `-inf` logit with target 0 adds
/// nothing). The targets need not sum to 1 (the loss is linear in them).
///
/// **Error**: ≤ 4 ULP per term plus a compensated sum.
///
/// # Errors
/// In the order checked: `LengthMismatch { expected: z.len(), actual:
/// t.len() }`; `Empty`; `Nan { index }`; `AllNegInfinite`;
/// `InvalidLabel { index }` for the first target outside `[0, 1]` or NaN.
///
/// ```
/// use logitkit::loss::{cross_entropy, cross_entropy_soft};
///
/// let z = [1.0f64, 2.0, 0.5];
/// assert!((cross_entropy_soft(&z, &[0.0, 1.0, 0.0])? - cross_entropy(&z, 1)?).abs() < 1e-16);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_soft<T: Float>(z: &[T], t: &[T]) -> Result<T, Error> {
    check_len(z.len(), t.len())?;
    let max = row_max(z)?;
    check_targets(t, 0)?;
    Ok(soft_row(z, max, t, None))
}

/// [`cross_entropy_soft`] (returned) and its gradient `(Σ t)·softmax(z) - t`
/// (`softmax(z) - t` when the targets sum to 1) written into `grad`.
///
/// # Errors
/// In the order checked, `grad` untouched on error: as
/// [`cross_entropy_soft`], with `LengthMismatch { expected: z.len(),
/// actual: grad.len() }` right after the targets' length check.
///
/// ```
/// use logitkit::loss::cross_entropy_soft_grad;
///
/// let mut g = [0.0f64; 2];
/// cross_entropy_soft_grad(&[0.0, 0.0], &[0.25, 0.75], &mut g)?;
/// assert_eq!(g, [0.25, -0.25]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_soft_grad<T: Float>(z: &[T], t: &[T], grad: &mut [T]) -> Result<T, Error> {
    check_len(z.len(), t.len())?;
    check_len(z.len(), grad.len())?;
    let max = row_max(z)?;
    check_targets(t, 0)?;
    Ok(soft_row(z, max, t, Some((grad, T::one()))))
}

/// Checks of the row-major batch functions: rows of `row_len`, and the
/// number of rows.
fn check_batch<T: Float>(z: &[T], row_len: usize) -> Result<usize, Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    let rem = z.len() % row_len;
    if rem != 0 {
        return Err(Error::LengthMismatch { expected: z.len() - rem, actual: z.len() });
    }
    if z.is_empty() {
        return Err(Error::Empty);
    }
    Ok(z.len() / row_len)
}

/// Validate each row (NaN, all `-inf`) and its label.
fn check_rows<T: Float, L: Copy + TryInto<usize>>(
    z: &[T],
    row_len: usize,
    labels: &[L],
) -> Result<(), Error> {
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut label_iter = labels.iter();
    for (r, row) in z.chunks_exact(row_len).enumerate() {
        let Some(&l) = label_iter.next() else { break };
        row_max(row).map_err(|e| match e {
            Error::Nan { index } => Error::Nan { index: r * row_len + index },
            other => other,
        })?;
        class_index(l, row_len).ok_or(Error::InvalidLabel { index: r })?;
    }
    Ok(())
}

/// Mean softmax cross-entropy over a row-major batch (`row_len` logits per
/// example, `labels[r]` the class of row `r`), with label smoothing `ε`
/// (0 for none): PyTorch's `cross_entropy(..., reduction="mean",
/// label_smoothing=ε)`.
///
/// **Error**: per row as [`cross_entropy_smoothed`], compensated mean
/// (all 1438 digits rows against mpmath: f64 ≤ 1.9e-16, f32 ≤ 6.1e-8
/// relative, ε = 0 and 0.1). A sum beyond the float range gives `+inf`.
///
/// # Errors
/// In the order checked: `InvalidParameter` if `row_len == 0` or `ε` is
/// outside `[0, 1]`; `LengthMismatch { expected, actual: z.len() }` if
/// `z.len()` is not a multiple of `row_len`; `Empty`; `LengthMismatch {
/// expected: rows, actual: labels.len() }`; then row by row `Nan { index }`
/// (index into `z`), `AllNegInfinite`, `InvalidLabel { index }` (the row).
///
/// ```
/// use logitkit::loss::cross_entropy_mean;
///
/// let z = [2.0f32, 0.0, 0.0, 2.0]; // two rows of two
/// let l = cross_entropy_mean(&z, 2, &[0u8, 1], 0.0)?;
/// assert!((l - 0.126_928).abs() < 1e-6);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_mean<T: Float, L: Copy + TryInto<usize>>(
    z: &[T],
    row_len: usize,
    labels: &[L],
    eps: T,
) -> Result<T, Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    check_eps(eps)?;
    let rows = check_batch(z, row_len)?;
    check_len(rows, labels.len())?;
    check_rows(z, row_len, labels)?;
    let mut s = LossSum::new();
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut label_iter = labels.iter();
    for row in z.chunks_exact(row_len) {
        let Some(&l) = label_iter.next() else { break };
        let max = row_max(row)?;
        let y = class_index(l, row_len).unwrap_or(0);
        s.add(ce_row(row, max, y, eps, None));
    }
    Ok(s.value() / T::from_usize(rows))
}

/// [`cross_entropy_mean`] (returned) and its gradient with respect to every
/// logit, `(softmax(z_r) - t_r) / N` row by row, written into `grad` (same
/// layout as `z`).
///
/// # Errors
/// In the order checked, `grad` untouched on error: `InvalidParameter`
/// (`row_len == 0` or `ε` outside `[0, 1]`); `LengthMismatch { expected:
/// z.len(), actual: grad.len() }`; then as [`cross_entropy_mean`].
///
/// ```
/// use logitkit::loss::cross_entropy_mean_grad;
///
/// let mut g = [0.0f64; 4];
/// cross_entropy_mean_grad(&[0.0, 0.0, 0.0, 0.0], 2, &[0u8, 1], 0.0, &mut g)?;
/// assert_eq!(g, [-0.25, 0.25, 0.25, -0.25]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_mean_grad<T: Float, L: Copy + TryInto<usize>>(
    z: &[T],
    row_len: usize,
    labels: &[L],
    eps: T,
    grad: &mut [T],
) -> Result<T, Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    check_eps(eps)?;
    check_len(z.len(), grad.len())?;
    let rows = check_batch(z, row_len)?;
    check_len(rows, labels.len())?;
    check_rows(z, row_len, labels)?;
    let n = T::from_usize(rows);
    let mut s = LossSum::new();
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let (mut grads, mut label_iter) = (grad.chunks_exact_mut(row_len), labels.iter());
    for row in z.chunks_exact(row_len) {
        let (Some(g), Some(&l)) = (grads.next(), label_iter.next()) else { break };
        let max = row_max(row)?;
        let y = class_index(l, row_len).unwrap_or(0);
        s.add(ce_row(row, max, y, eps, Some((g, n))));
    }
    Ok(s.value() / n)
}

/// Mean soft-target cross-entropy over a row-major batch: `targets` has
/// the layout of `z`.
///
/// # Errors
/// In the order checked: `InvalidParameter` if `row_len == 0`;
/// `LengthMismatch { expected: z.len(), actual: targets.len() }`;
/// `LengthMismatch { expected, actual: z.len() }` if `z.len()` is not a
/// multiple of `row_len`; `Empty`; then row by row `Nan { index }`,
/// `AllNegInfinite`, `InvalidLabel { index }` (index into `targets`).
///
/// ```
/// use logitkit::loss::cross_entropy_soft_mean;
///
/// let l = cross_entropy_soft_mean(&[0.0f64, 0.0, 5.0, 5.0], &[0.5, 0.5, 1.0, 0.0], 2)?;
/// assert!((l - 2f64.ln()).abs() < 1e-16);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_soft_mean<T: Float>(z: &[T], targets: &[T], row_len: usize) -> Result<T, Error> {
    soft_mean(z, targets, row_len, None)
}

/// [`cross_entropy_soft_mean`] (returned) and its gradient
/// `((Σ t_r)·softmax(z_r) - t_r) / N` written into `grad`.
///
/// # Errors
/// As [`cross_entropy_soft_mean`], with `LengthMismatch { expected:
/// z.len(), actual: grad.len() }` right after the targets' length check;
/// `grad` untouched on error.
///
/// ```
/// use logitkit::loss::cross_entropy_soft_mean_grad;
///
/// let mut g = [0.0f64; 4];
/// cross_entropy_soft_mean_grad(&[0.0, 0.0, 0.0, 0.0], &[1.0, 0.0, 0.5, 0.5], 2, &mut g)?;
/// assert_eq!(g, [-0.25, 0.25, 0.0, 0.0]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn cross_entropy_soft_mean_grad<T: Float>(
    z: &[T],
    targets: &[T],
    row_len: usize,
    grad: &mut [T],
) -> Result<T, Error> {
    soft_mean(z, targets, row_len, Some(grad))
}

fn soft_mean<T: Float>(z: &[T], targets: &[T], row_len: usize, grad: Option<&mut [T]>) -> Result<T, Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    check_len(z.len(), targets.len())?;
    if let Some(g) = grad.as_ref() {
        check_len(z.len(), g.len())?;
    }
    let rows = check_batch(z, row_len)?;
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut target_rows = targets.chunks_exact(row_len);
    for (r, row) in z.chunks_exact(row_len).enumerate() {
        let Some(t) = target_rows.next() else { break };
        row_max(row).map_err(|e| match e {
            Error::Nan { index } => Error::Nan { index: r * row_len + index },
            other => other,
        })?;
        check_targets(t, r * row_len)?;
    }
    let n = T::from_usize(rows);
    let mut s = LossSum::new();
    match grad {
        Some(g) => {
            // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its
            // length divides by the chunk size); see ci/no-panic.sh.
            let (mut target_rows, mut grads) = (targets.chunks_exact(row_len), g.chunks_exact_mut(row_len));
            for row in z.chunks_exact(row_len) {
                let (Some(t), Some(gr)) = (target_rows.next(), grads.next()) else { break };
                let max = row_max(row)?;
                s.add(soft_row(row, max, t, Some((gr, n))));
            }
        }
        None => {
            // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
            // divides by the chunk size); see ci/no-panic.sh.
            let mut target_rows = targets.chunks_exact(row_len);
            for row in z.chunks_exact(row_len) {
                let Some(t) = target_rows.next() else { break };
                let max = row_max(row)?;
                s.add(soft_row(row, max, t, None));
            }
        }
    }
    Ok(s.value() / n)
}
