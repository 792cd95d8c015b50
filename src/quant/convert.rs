//! Quantize and dequantize between `f32` and int8 / int16 codes, with
//! TFLite's rounding (reference `AffineQuantize` and `Dequantize`):
//!
//! ```text
//! quantize(x)   = clamp(round_half_away(x / scale) + zero_point, MIN, MAX)   (x / scale in f32)
//! dequantize(q) = f32(scale * (q - zero_point))                              (product exact in f64)
//! ```
//!
//! Out-of-range values saturate (TFLite's cast is undefined there), `±inf`
//! saturates to `MAX` / `MIN`, NaN is an error.

use crate::error::{check_len, Error};
use crate::quant::code::Code;
use crate::quant::params::is_positive_finite;

/// `Ok(())` for a finite scale `> 0` and a zero point in `T`'s range.
fn check_params<T: Code>(scale: f32, zero_point: i32) -> Result<(), Error> {
    if is_positive_finite(scale) && (T::MIN_CODE..=T::MAX_CODE).contains(&zero_point) {
        Ok(())
    } else {
        Err(Error::InvalidParameter)
    }
}

/// `x / scale` rounded half away from zero, plus the zero point, saturated.
#[inline]
fn quantize_unchecked<T: Code>(x: f32, scale: f32, zero_point: i32) -> T {
    let r = libm::roundf(x / scale);
    // Saturate in f32 before the integer conversion (the i32 cast of a
    // finite r outside the range also saturates, but r + zp must not wrap).
    let lo = (T::MIN_CODE - zero_point) as f32;
    let hi = (T::MAX_CODE - zero_point) as f32;
    let clamped = if r < lo {
        lo
    } else if r > hi {
        hi
    } else {
        r
    };
    T::saturate(clamped as i32 + zero_point)
}

/// `f32(scale * (q - zero_point))`, the product formed exactly in `f64`.
#[inline]
pub(crate) fn dequantize_code(q: i32, scale: f32, zero_point: i32) -> f32 {
    (scale as f64 * (q - zero_point) as f64) as f32
}

/// Quantizes one value: `clamp(round(x / scale) + zero_point)`, ties away
/// from zero, as TFLite's `QUANTIZE` op.
///
/// # Errors
/// `InvalidParameter` if `scale` is not finite and `> 0` or `zero_point` is
/// outside `T`'s range; `Nan { index: 0 }` if `x` is NaN.
///
/// ```
/// use logitkit::quant::quantize_one;
///
/// assert_eq!(quantize_one::<i8>(0.25, 0.1, 3)?, 6);     // 2.5 -> 3, + 3
/// assert_eq!(quantize_one::<i8>(-0.25, 0.1, 3)?, 0);    // -2.5 -> -3, + 3
/// assert_eq!(quantize_one::<i8>(1e9, 0.1, 3)?, 127);    // saturates
/// assert_eq!(quantize_one::<i16>(f32::NEG_INFINITY, 0.1, 0)?, i16::MIN);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn quantize_one<T: Code>(x: f32, scale: f32, zero_point: i32) -> Result<T, Error> {
    check_params::<T>(scale, zero_point)?;
    if x.is_nan() {
        return Err(Error::Nan { index: 0 });
    }
    Ok(quantize_unchecked(x, scale, zero_point))
}

/// Quantizes a slice (each element as [`quantize_one`]).
///
/// # Errors
/// In the order checked, `out` untouched on error: `InvalidParameter`
/// (scale, zero point), `LengthMismatch { expected: x.len(), actual:
/// out.len() }`, `Nan { index }` for the first NaN.
///
/// ```
/// let mut q = [0i8; 3];
/// logitkit::quant::quantize(&[0.0, 1.0, -1.0], 1.0 / 16.0, 0, &mut q)?;
/// assert_eq!(q, [0, 16, -16]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn quantize<T: Code>(x: &[f32], scale: f32, zero_point: i32, out: &mut [T]) -> Result<(), Error> {
    check_params::<T>(scale, zero_point)?;
    check_len(x.len(), out.len())?;
    if let Some(index) = x.iter().position(|v| v.is_nan()) {
        return Err(Error::Nan { index });
    }
    for (o, &v) in out.iter_mut().zip(x) {
        *o = quantize_unchecked(v, scale, zero_point);
    }
    Ok(())
}

/// Dequantizes one code: `scale * (q - zero_point)`, exact product rounded
/// once to `f32` (TFLite's `DEQUANTIZE`: ≤ ½ ULP).
///
/// # Errors
/// `InvalidParameter` if `scale` is not finite and `> 0` or `zero_point` is
/// outside `T`'s range.
///
/// ```
/// assert_eq!(logitkit::quant::dequantize_one(77i8, 1.0 / 256.0, -128)?, 0.80078125);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn dequantize_one<T: Code>(q: T, scale: f32, zero_point: i32) -> Result<f32, Error> {
    check_params::<T>(scale, zero_point)?;
    Ok(dequantize_code(q.to_i32(), scale, zero_point))
}

/// Dequantizes a slice (each element as [`dequantize_one`]).
///
/// # Errors
/// `InvalidParameter` (scale, zero point), then `LengthMismatch { expected:
/// x.len(), actual: out.len() }`; `out` untouched on error.
///
/// ```
/// let mut p = [0.0f32; 2];
/// logitkit::quant::dequantize(&[-128i8, 127], 1.0 / 256.0, -128, &mut p)?;
/// assert_eq!(p, [0.0, 0.99609375]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn dequantize<T: Code>(x: &[T], scale: f32, zero_point: i32, out: &mut [f32]) -> Result<(), Error> {
    check_params::<T>(scale, zero_point)?;
    check_len(x.len(), out.len())?;
    for (o, &q) in out.iter_mut().zip(x) {
        *o = dequantize_code(q.to_i32(), scale, zero_point);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_leave_output_untouched() {
        let mut q = [9i8; 2];
        assert_eq!(quantize(&[1.0, f32::NAN], 0.1, 0, &mut q), Err(Error::Nan { index: 1 }));
        assert_eq!(quantize(&[1.0], 0.1, 0, &mut q), Err(Error::LengthMismatch { expected: 1, actual: 2 }));
        assert_eq!(quantize(&[1.0, 2.0], 0.0, 0, &mut q), Err(Error::InvalidParameter));
        assert_eq!(quantize(&[1.0, 2.0], 0.1, -200, &mut q), Err(Error::InvalidParameter));
        assert_eq!(q, [9; 2]);
        let mut f = [3.0f32; 1];
        assert_eq!(dequantize(&[1i16], f32::NAN, 0, &mut f), Err(Error::InvalidParameter));
        assert_eq!(f, [3.0]);
        assert_eq!(quantize_one::<i8>(f32::NAN, 1.0, 0), Err(Error::Nan { index: 0 }));
    }

    #[test]
    fn round_trip() {
        for q in i16::MIN..=i16::MAX {
            let x = dequantize_one(q, 0.0123, -7).unwrap();
            assert_eq!(quantize_one::<i16>(x, 0.0123, -7).unwrap(), q);
        }
        assert_eq!(quantize_one::<i8>(1e38, 1e-38, -128).unwrap(), 127);
        assert_eq!(quantize_one::<i8>(-1e38, 1e-38, 127).unwrap(), -128);
    }
}
