//! The `k` best classes, best first: [`top_k_into`] (indices into a
//! caller's buffer, `k` = its length) and [`top_k`] (`(index, score)` pairs
//! in a `heapless::Vec` of capacity `K`).
//!
//! # Algorithm and cost
//! A validating scan first (the [`argmax`](fn@super::argmax) loop: NaN and
//! empty input are refused before anything is written), then one pass
//! keeping the best `k` seen so far sorted: an element that does not beat
//! the current `k`-th costs one compare; one that does is inserted by
//! shifting the smaller ones down. O(n) on typical data, O(n·k) in the worst
//! case (increasing input); meant for small `k` (up to a few dozen).
//! Exp-free.
//!
//! # Order
//! By score, largest first; equal scores by index, lowest first (the order of
//! a stable descending sort, `numpy.argsort(-x, kind="stable")`). `-0.0`
//! and `+0.0` are equal. `k > n` gives all `n` classes.

use crate::error::Error;
use crate::float::Float;

use super::argmax::max_with_index;

/// The indices of the `k = out.len()` largest elements of `x`, best first,
/// ties by lower index, written to `out[..m]` with `m = min(k, x.len())`;
/// returns `m`. `out[m..]` is left as it was.
///
/// O(n) typical, O(n·k) worst case; exp-free (see the [module docs](self)).
///
/// # Errors
/// In the order checked; `out` untouched on error:
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN.
///
/// ```
/// use logitkit::top_k_into;
///
/// let logits = [0.1f32, 2.5, -1.0, 2.5, 0.7];
/// let mut best = [0usize; 3];
/// assert_eq!(top_k_into(&logits, &mut best)?, 3);
/// assert_eq!(best, [1, 3, 4]); // 2.5 (index 1 before 3), then 0.7
///
/// let mut all = [usize::MAX; 8];
/// assert_eq!(top_k_into(&[1.0f32, 2.0], &mut all)?, 2); // k > n: all n
/// assert_eq!(all[..3], [1, 0, usize::MAX]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn top_k_into<T: Float>(x: &[T], out: &mut [usize]) -> Result<usize, Error> {
    max_with_index(x)?; // validates: nothing is written on error
    let k = out.len().min(x.len());
    let out = out.get_mut(..k).unwrap_or_default();
    if k == 0 {
        return Ok(0);
    }
    let score = |j: usize| x.get(j).copied().unwrap_or_else(T::neg_infinity);
    let mut len = 0;
    let mut worst = T::neg_infinity(); // score of out[k - 1] once full
    for (i, &v) in x.iter().enumerate() {
        if len == k {
            // Full: v must beat the k-th (strictly: the earlier index wins
            // ties; x is NaN-free here, so `<=` is the negation of `>`).
            if v <= worst {
                continue;
            }
        } else {
            len += 1;
        }
        // Slot len - 1 is free (or holds the dropped k-th): shift the kept
        // indices with a smaller score down by one, then put i in the gap.
        let mut pos = len - 1;
        while let Some(&prev) = pos.checked_sub(1).and_then(|p| out.get(p)) {
            if score(prev) >= v {
                break;
            }
            if let Some(slot) = out.get_mut(pos) {
                *slot = prev;
            }
            pos -= 1;
        }
        if let Some(slot) = out.get_mut(pos) {
            *slot = i;
        }
        if len == k {
            worst = out.last().map_or_else(T::neg_infinity, |&j| score(j));
        }
    }
    Ok(k)
}

/// The `K` largest elements of `x` as `(index, score)` pairs, best first,
/// ties by lower index, in a `heapless::Vec` (no allocation); fewer when
/// `x` has fewer than `K` elements.
///
/// Same algorithm and order as [`top_k_into`].
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN.
///
/// ```
/// use logitkit::top_k;
///
/// let logits = [0.1f32, 2.5, -1.0, 2.5, 0.7];
/// let best = top_k::<f32, 2>(&logits)?;
/// assert_eq!(best.as_slice(), &[(1, 2.5), (3, 2.5)]);
/// assert_eq!(top_k::<f32, 4>(&[3.0, f32::NEG_INFINITY])?.as_slice(), &[(0, 3.0), (1, f32::NEG_INFINITY)]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn top_k<T: Float, const K: usize>(x: &[T]) -> Result<heapless::Vec<(usize, T), K>, Error> {
    max_with_index(x)?;
    let mut best: heapless::Vec<(usize, T), K> = heapless::Vec::new();
    for (i, &v) in x.iter().enumerate() {
        if best.is_full() {
            match best.last() {
                Some(&(_, worst)) if v > worst => {}
                _ => continue, // also K = 0
            }
            best.pop();
        }
        // Not full here: cannot fail. Then move it up past smaller scores.
        let _ = best.push((i, v));
        // (Pairs through a slice pattern: no index, so no bounds check and no
        // panic path survives, see ci/no-panic.sh.)
        let mut pos = best.len().saturating_sub(1);
        while pos > 0 {
            match best.get_mut(pos - 1..=pos) {
                Some([a, b]) if a.1 < v => core::mem::swap(a, b),
                _ => break,
            }
            pos -= 1;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases() {
        let mut out = [7usize; 3];
        assert_eq!(top_k_into::<f32>(&[], &mut out), Err(Error::Empty));
        assert_eq!(top_k_into(&[1.0f32, f32::NAN], &mut out), Err(Error::Nan { index: 1 }));
        assert_eq!(out, [7; 3]);
        assert_eq!(top_k_into(&[1.0f32], &mut []), Ok(0));
        assert_eq!(top_k_into(&[f32::NEG_INFINITY; 4], &mut out), Ok(3));
        assert_eq!(out, [0, 1, 2]);
        assert_eq!(top_k_into(&[-0.0f32, 0.0, -0.0], &mut out), Ok(3));
        assert_eq!(out, [0, 1, 2]);
        let x: [f64; 10] = core::array::from_fn(|i| i as f64);
        assert_eq!(top_k_into(&x, &mut out), Ok(3));
        assert_eq!(out, [9, 8, 7]);
        assert_eq!(top_k::<f32, 0>(&[1.0]).map(|v| v.len()), Ok(0));
        assert_eq!(top_k::<f32, 3>(&[f32::NAN]), Err(Error::Nan { index: 0 }));
        assert_eq!(top_k::<f64, 2>(&x).unwrap().as_slice(), &[(9, 9.0), (8, 8.0)]);
        let y = [1.0f32, f32::INFINITY, 3.0, f32::INFINITY];
        assert_eq!(
            top_k::<f32, 3>(&y).unwrap().as_slice(),
            &[(1, f32::INFINITY), (3, f32::INFINITY), (2, 3.0)]
        );
    }
}
