//! `argmax`, `argmin`, `max_with_index`, `min_with_index`: the best class,
//! exp-free, one compare per element.
//!
//! # The hot loop
//! The scan looks for the next element that is *not* `<= m` (the running
//! maximum). That one unordered-aware compare finds both a new maximum and a
//! NaN (a NaN is never `<= m`), so the common element (neither) costs a
//! load, a compare and a loop branch, like the plain `if v > m` loop that
//! ignores NaN. Only when the compare fires (a new maximum, about `ln n`
//! times on random data, or a NaN, once) does the slow path run: it checks
//! for NaN and returns `Err(Nan { index })` at once, which is the *first*
//! NaN because the scan runs in index order and stops there.
//!
//! Measured on the Cortex-M4F (opt-level `s`, n = 100): 6.6 instructions
//! per element, against 7.2 for the plain `if v > m` loop that ignores NaN
//! (`benches/mcu-results-decide.md`).
//!
//! On hosts with SIMD (x86-64, AArch64, ...) and from 256 elements on,
//! [`max_with_index`] uses the crate's vectorized validating max scan instead
//! (the one `softmax` and `logsumexp` start with), then the first index of
//! the maximum: same results, about 2× faster at n = 1000 (below 256 the
//! scalar loop wins: the vector scan's fixed cost is 20 ns).

use crate::error::Error;
use crate::float::Float;
use crate::lanes::HOST_SIMD;
use crate::scan::scan_max;

/// The scan shared by the max and min forms: `better(v, m)` is the one
/// compare per element (`!(v <= m)` or `!(v >= m)`), true for a new best
/// value or a NaN.
#[inline(always)]
fn scan<T: Float>(x: &[T], init: T, better: impl Fn(T, T) -> bool) -> Result<(usize, T), Error> {
    if x.is_empty() {
        return Err(Error::Empty);
    }
    let mut best = (0, init);
    // One iterator over the whole slice: the fast loop is a pointer walk,
    // and the index is recovered from the remaining length only when the
    // compare fires.
    let mut it = x.iter();
    while let Some(&v) = it.find(|&&v| better(v, best.1)) {
        let index = x.len().wrapping_sub(it.len()).wrapping_sub(1);
        if v.is_nan() {
            return Err(Error::Nan { index });
        }
        best = (index, v);
    }
    Ok(best)
}

/// `v > m` or `v` NaN, in one compare (the unordered result counts as "above").
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)] // the negation is the point: NaN must answer true
fn above_or_nan<T: Float>(v: T, m: T) -> bool {
    !(v <= m)
}

/// `v < m` or `v` NaN, in one compare.
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)] // as above
fn below_or_nan<T: Float>(v: T, m: T) -> bool {
    !(v >= m)
}

/// The largest element of `x` and the index of its first occurrence:
/// `(i, x[i])` with `x[i] >= x[j]` for every `j` and `i` the lowest such index.
///
/// Exp-free, O(n): one compare per element on microcontrollers, a
/// vectorized scan on hosts (see the [module docs](self)).
///
/// **Ties** go to the lowest index (as `numpy.argmax` and `torch.argmax`);
/// `-0.0` and `+0.0` compare equal, so they tie too.
///
/// **Special values**: `-inf` everywhere is a valid input and gives
/// `(0, -inf)`; `+inf` is the largest value (first `+inf` wins).
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` if `x` holds a NaN, `index` the first one, wherever the
///   maximum is (NumPy returns the NaN's index, PyTorch too, Rust's
///   `f32::max` ignores it: a NaN is a broken model output, so it is an error
///   here, never a silent winner or loser).
///
/// ```
/// use logitkit::{max_with_index, Error};
///
/// assert_eq!(max_with_index(&[0.5f32, 2.0, -1.0, 2.0])?, (1, 2.0)); // first of the tie
/// assert_eq!(max_with_index(&[f64::NEG_INFINITY; 3])?, (0, f64::NEG_INFINITY));
/// assert_eq!(max_with_index(&[9.0f32, f32::NAN, f32::NAN]), Err(Error::Nan { index: 1 }));
/// assert_eq!(max_with_index::<f32>(&[]), Err(Error::Empty));
/// # Ok::<(), Error>(())
/// ```
#[inline]
pub fn max_with_index<T: Float>(x: &[T]) -> Result<(usize, T), Error> {
    if HOST_SIMD && x.len() >= 256 {
        let index = scan_max(x)?.index;
        // x[index], not the scan's value: -0.0 and +0.0 tie, the first one is returned
        return Ok((index, x.get(index).copied().unwrap_or_else(T::neg_infinity)));
    }
    scan(x, T::neg_infinity(), above_or_nan)
}

/// The smallest element of `x` and the index of its first occurrence; the
/// mirror of [`max_with_index`] (same cost, ties to the lowest index,
/// `+inf` everywhere gives `(0, +inf)`).
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN.
///
/// ```
/// use logitkit::min_with_index;
///
/// assert_eq!(min_with_index(&[3.0f32, -1.0, -1.0])?, (1, -1.0));
/// assert_eq!(min_with_index(&[f32::INFINITY; 2])?, (0, f32::INFINITY));
/// # Ok::<(), logitkit::Error>(())
/// ```
#[inline]
pub fn min_with_index<T: Float>(x: &[T]) -> Result<(usize, T), Error> {
    scan(x, T::infinity(), below_or_nan)
}

/// The index of the largest element (the predicted class for logits or
/// probabilities): [`max_with_index`] without the value.
///
/// Exp-free, O(n) (see [`max_with_index`]). Ties go to the **lowest
/// index**; all `-inf` gives 0.
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN, wherever the maximum is.
///
/// ```
/// use logitkit::{argmax, Error};
///
/// assert_eq!(argmax(&[-0.5f32, 1.2, -0.1, 2.4])?, 3);
/// assert_eq!(argmax(&[1.0f32, 1.0])?, 0); // tie: lowest index
/// assert_eq!(argmax(&[f32::NEG_INFINITY; 4])?, 0);
/// assert_eq!(argmax(&[1.0f32, f32::NAN]), Err(Error::Nan { index: 1 }));
/// # Ok::<(), Error>(())
/// ```
#[inline]
pub fn argmax<T: Float>(x: &[T]) -> Result<usize, Error> {
    max_with_index(x).map(|(i, _)| i)
}

/// The index of the smallest element: [`min_with_index`] without the value.
/// Ties go to the lowest index; all `+inf` gives 0.
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN.
///
/// ```
/// use logitkit::argmin;
///
/// assert_eq!(argmin(&[-0.5f32, 1.2, -0.1, -0.5])?, 0);
/// assert_eq!(argmin(&[f64::INFINITY, 2.0])?, 1);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[inline]
pub fn argmin<T: Float>(x: &[T]) -> Result<usize, Error> {
    min_with_index(x).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_nan_empty_infinities() {
        assert_eq!(argmax::<f32>(&[]), Err(Error::Empty));
        assert_eq!(argmin::<f64>(&[]), Err(Error::Empty));
        assert_eq!(argmax(&[f32::NAN]), Err(Error::Nan { index: 0 }));
        assert_eq!(argmax(&[f32::INFINITY, f32::NAN]), Err(Error::Nan { index: 1 }));
        assert_eq!(argmin(&[f32::NEG_INFINITY, 0.0, f32::NAN, f32::NAN]), Err(Error::Nan { index: 2 }));
        assert_eq!(argmax(&[2.0f32, 1.0, 2.0]), Ok(0));
        assert_eq!(argmax(&[-0.0f32, 0.0]), Ok(0));
        assert_eq!(argmax(&[0.0f32, -0.0]), Ok(0));
        assert_eq!(argmin(&[1.0f64, 0.0, 0.0]), Ok(1));
        assert_eq!(argmax(&[f32::NEG_INFINITY, f32::NEG_INFINITY]), Ok(0));
        assert_eq!(argmax(&[f32::NEG_INFINITY, -f32::MAX]), Ok(1));
        assert_eq!(argmax(&[f32::MAX, f32::INFINITY, f32::INFINITY]), Ok(1));
        assert_eq!(argmin(&[f64::INFINITY; 3]), Ok(0));
        assert_eq!(max_with_index(&[1e-45f32, 0.0]), Ok((0, 1e-45)));
        // increasing input: every element is a new maximum (slow path each time)
        let x: [f32; 50] = core::array::from_fn(|i| i as f32);
        assert_eq!(max_with_index(&x), Ok((49, 49.0)));
        assert_eq!(min_with_index(&x), Ok((0, 0.0)));
    }
}
