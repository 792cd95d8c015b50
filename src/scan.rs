//! The validating first pass of every reduction: the maximum, where it
//! first occurs, and the first NaN.

use crate::error::Error;
use crate::float::Float;
use crate::lanes::{blocks, LANES};

/// The largest element of a NaN-free, non-empty slice and the index of its
/// first occurrence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Max<T> {
    pub(crate) value: T,
    pub(crate) index: usize,
}

/// `Err(Empty)` for an empty slice, `Err(Nan { index })` for the first NaN,
/// else the maximum (`-inf` if every element is `-inf`).
///
/// One pass in blocks ([`crate::lanes`]) with a running max and a NaN flag
/// per lane, no early exit, so that it vectorizes; the first NaN is looked
/// for only when there is one.
///
/// With one lane (microcontrollers) the loop is a compare and a rarely taken
/// branch per element instead (a new max or a NaN), the same result in about
/// half the instructions.
#[inline(always)]
pub(crate) fn max_value<T: Float>(x: &[T]) -> Result<T, Error> {
    if x.is_empty() {
        return Err(Error::Empty);
    }
    if LANES == 1 {
        return scan_one_lane(x).map(|m| m.value);
    }
    let mut mx = [T::neg_infinity(); LANES];
    let mut nan = [false; LANES];
    blocks(
        x,
        T::neg_infinity(),
        #[inline(always)]
        |s| {
            for j in 0..LANES {
                let v = s[j];
                mx[j] = if v > mx[j] { v } else { mx[j] };
                nan[j] |= v.is_nan();
            }
        },
    );
    if nan.iter().any(|&b| b) {
        let index = x.iter().position(|v| v.is_nan()).unwrap_or(0);
        return Err(Error::Nan { index });
    }
    Ok(mx.iter().fold(T::neg_infinity(), |a, &b| if b > a { b } else { a }))
}

/// [`max_value`] for one lane: the max, its first index and the first NaN
/// in one pass, one compare and a rarely taken branch per element.
#[inline(always)]
fn scan_one_lane<T: Float>(x: &[T]) -> Result<Max<T>, Error> {
    let mut m = T::neg_infinity();
    let mut index = 0;
    // With an FPU: unrolled by 4 by hand (VFP loads take no register offset,
    // so a loop per element pays an address update and a counter for each
    // load); the indices are computed on the rare path only. Without one,
    // the compare is a library call that dominates: a plain loop, smaller.
    if !crate::lanes::EXP_TABLE {
        for (i, &v) in x.iter().enumerate() {
            consider(&mut m, &mut index, v, i)?;
        }
        return Ok(Max { value: m, index });
    }
    let mut chunks = x.chunks_exact(4);
    while let Some(c) = chunks.next() {
        if let Ok(&[a, b, c, d]) = <&[T; 4]>::try_from(c) {
            let base = x.len() - x.len() % 4 - 4 * (chunks.len() + 1);
            consider(&mut m, &mut index, a, base)?;
            consider(&mut m, &mut index, b, base + 1)?;
            consider(&mut m, &mut index, c, base + 2)?;
            consider(&mut m, &mut index, d, base + 3)?;
        }
    }
    let tail = chunks.remainder();
    for (k, &v) in tail.iter().enumerate() {
        consider(&mut m, &mut index, v, x.len() - tail.len() + k)?;
    }
    Ok(Max { value: m, index })
}

/// One element of [`scan_one_lane`]: a new max or the first NaN.
// `!(v <= m)` on purpose: one compare sends both a larger value and a NaN
// to the rare branch.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
#[inline(always)]
fn consider<T: Float>(m: &mut T, index: &mut usize, v: T, i: usize) -> Result<(), Error> {
    if !(v <= *m) {
        if v.is_nan() {
            return Err(Error::Nan { index: i });
        }
        *m = v;
        *index = i;
    }
    Ok(())
}

/// [`max_value`] and the index of the max's first occurrence.
#[inline]
pub(crate) fn scan_max<T: Float>(x: &[T]) -> Result<Max<T>, Error> {
    if LANES == 1 {
        if x.is_empty() {
            return Err(Error::Empty);
        }
        return scan_one_lane(x);
    }
    let value = crate::dispatch::max_value(x)?;
    Ok(Max { value, index: first_index_of(x, value) })
}

/// Index of the first element equal to `v` (0 if none).
#[inline]
pub(crate) fn first_index_of<T: Float>(x: &[T], v: T) -> usize {
    x.iter().position(|&e| e == v).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_first_index_and_errors() {
        assert_eq!(scan_max::<f32>(&[]), Err(Error::Empty));
        assert_eq!(scan_max(&[1.0f32, f32::NAN, f32::NAN]), Err(Error::Nan { index: 1 }));
        assert_eq!(scan_max(&[1.0f32, 3.0, 3.0]), Ok(Max { value: 3.0, index: 1 }));
        assert_eq!(scan_max(&[f64::NEG_INFINITY; 3]), Ok(Max { value: f64::NEG_INFINITY, index: 0 }));
        assert_eq!(scan_max(&[-0.0f32, 0.0]), Ok(Max { value: -0.0, index: 0 }));
        for n in 1..40 {
            let mut x: [f64; 40] = core::array::from_fn(|i| -(i as f64));
            x[n / 2] = 5.0;
            x[n - 1] = 5.0;
            assert_eq!(scan_max(&x[..n]), Ok(Max { value: 5.0, index: n / 2 }));
            x[n - 1] = f64::NAN;
            x[(n - 1) / 3] = f64::NAN;
            assert_eq!(max_value(&x[..n]), Err(Error::Nan { index: (n - 1) / 3 }));
        }
    }
}
