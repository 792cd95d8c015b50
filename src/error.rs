//! The crate's one error type.

use core::fmt;

/// Why a kernel refused its input.
///
/// Every fallible function of the crate returns `Result<_, Error>` and
/// documents which variants it can return. On `Err`, a function never writes
/// to its output (or in-place) slice: the caller's buffers hold what they held
/// before the call.
///
/// The enum is `#[non_exhaustive]`: later versions may add variants, so a
/// `match` on it needs a wildcard arm.
///
/// ```
/// use logitkit::{softmax, Error};
///
/// let mut out = [0.0f32; 3];
/// assert_eq!(softmax(&[1.0, 2.0], &mut out), Err(Error::LengthMismatch { expected: 2, actual: 3 }));
/// assert_eq!(softmax(&[1.0, f32::NAN], &mut out[..2]), Err(Error::Nan { index: 1 }));
/// assert_eq!(out, [0.0; 3]); // untouched
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The input slice (or stream) holds no element, and the function needs
    /// at least one (a reduction such as `logsumexp` or `softmax`).
    Empty,
    /// Two slices that must have related lengths do not: `expected` is the
    /// length the function needed (derived from the input), `actual` the
    /// length it was given.
    LengthMismatch {
        /// The length the function needed.
        expected: usize,
        /// The length it was given.
        actual: usize,
    },
    /// The input holds a NaN; `index` is the position of the first one.
    Nan {
        /// Position of the first NaN in the input.
        index: usize,
    },
    /// Every element of a row is `-inf` (a fully masked row): there is no
    /// probability distribution to return.
    AllNegInfinite,
    /// A scalar parameter is outside its documented domain (a temperature
    /// that is not finite and positive, a probability threshold outside
    /// `[0, 1]`, a row length of zero, ...).
    InvalidParameter,
    /// A class label is not a valid class (negative, or `≥` the number of
    /// classes), or a target that must be a probability is outside `[0, 1]`
    /// or NaN; `index` is the position of the first such label or target
    /// (an example's position for per-example labels, an element's for
    /// per-element targets).
    InvalidLabel {
        /// Position of the first invalid label or target.
        index: usize,
    },
    /// An input that must be finite (a logit given to a calibration fit) is
    /// `±inf`; `index` is the position of the first one.
    NotFinite {
        /// Position of the first infinite value.
        index: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Empty => f.write_str("input is empty"),
            Error::LengthMismatch { expected, actual } => {
                write!(f, "length mismatch: expected {expected}, got {actual}")
            }
            Error::Nan { index } => write!(f, "input holds NaN at index {index}"),
            Error::AllNegInfinite => f.write_str("every element is -inf (fully masked row)"),
            Error::InvalidParameter => f.write_str("parameter outside its valid domain"),
            Error::InvalidLabel { index } => write!(f, "invalid label or target at index {index}"),
            Error::NotFinite { index } => write!(f, "input is infinite at index {index}"),
        }
    }
}

impl core::error::Error for Error {}

/// `Ok(())` when `actual == expected`, else the `LengthMismatch` error.
#[inline]
pub(crate) fn check_len(expected: usize, actual: usize) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::LengthMismatch { expected, actual })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn display_names_the_problem() {
        assert_eq!(Error::Empty.to_string(), "input is empty");
        assert_eq!(
            Error::LengthMismatch { expected: 3, actual: 2 }.to_string(),
            "length mismatch: expected 3, got 2"
        );
        assert_eq!(Error::Nan { index: 7 }.to_string(), "input holds NaN at index 7");
        assert!(Error::AllNegInfinite.to_string().contains("-inf"));
        assert!(Error::InvalidParameter.to_string().contains("parameter"));
        assert_eq!(Error::InvalidLabel { index: 4 }.to_string(), "invalid label or target at index 4");
        assert_eq!(Error::NotFinite { index: 2 }.to_string(), "input is infinite at index 2");
    }

    #[test]
    fn is_a_core_error() {
        fn takes(_: &dyn core::error::Error) {}
        takes(&Error::Empty);
    }
}
