//! The validating first pass of every reduction: the maximum, where it
//! first occurs, and the first NaN.

use crate::error::Error;
use crate::float::Float;

/// The largest element of a NaN-free, non-empty slice and the index of its
/// first occurrence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Max<T> {
    pub(crate) value: T,
    pub(crate) index: usize,
}

/// `Err(Empty)` for an empty slice, `Err(Nan { index })` for the first NaN,
/// else the maximum (`-inf` if every element is `-inf`) and its first index.
#[inline]
pub(crate) fn scan_max<T: Float>(x: &[T]) -> Result<Max<T>, Error> {
    let mut best = Max { value: T::neg_infinity(), index: 0 };
    if x.is_empty() {
        return Err(Error::Empty);
    }
    for (index, &v) in x.iter().enumerate() {
        if v > best.value {
            best = Max { value: v, index };
        } else if v.is_nan() {
            return Err(Error::Nan { index });
        }
    }
    Ok(best)
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
    }
}
