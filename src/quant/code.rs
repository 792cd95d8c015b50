//! The quantized integer types (`i8`, `i16`) as one sealed trait.

use core::fmt::Debug;

mod sealed {
    pub trait Sealed {}
    impl Sealed for i8 {}
    impl Sealed for i16 {}
}

/// A quantized code type: `i8` or `i16` (sealed: no other type implements
/// it). A code `q` of a tensor with scale `s > 0` and zero point `z` stands
/// for the real value `s * (q - z)`; as `s > 0`, comparing codes compares
/// the real values.
///
/// ```
/// use logitkit::quant::Code;
///
/// assert_eq!(<i8 as Code>::MIN_CODE, -128);
/// assert_eq!(<i16 as Code>::BITS, 16);
/// assert_eq!(i8::saturate(300), 127);
/// assert_eq!(Code::to_i32(-5i16), -5);
/// ```
pub trait Code: Copy + Ord + Debug + Default + sealed::Sealed + 'static {
    /// Width in bits (8 or 16).
    const BITS: u32;
    /// The smallest code, as `i32`.
    const MIN_CODE: i32;
    /// The largest code, as `i32`.
    const MAX_CODE: i32;
    /// The code as an `i32` (exact).
    fn to_i32(self) -> i32;
    /// `v` clamped to `[MIN_CODE, MAX_CODE]`.
    fn saturate(v: i32) -> Self;
}

impl Code for i8 {
    const BITS: u32 = 8;
    const MIN_CODE: i32 = i8::MIN as i32;
    const MAX_CODE: i32 = i8::MAX as i32;
    #[inline(always)]
    fn to_i32(self) -> i32 {
        self as i32
    }
    #[inline(always)]
    fn saturate(v: i32) -> Self {
        v.clamp(Self::MIN_CODE, Self::MAX_CODE) as i8
    }
}

impl Code for i16 {
    const BITS: u32 = 16;
    const MIN_CODE: i32 = i16::MIN as i32;
    const MAX_CODE: i32 = i16::MAX as i32;
    #[inline(always)]
    fn to_i32(self) -> i32 {
        self as i32
    }
    #[inline(always)]
    fn saturate(v: i32) -> Self {
        v.clamp(Self::MIN_CODE, Self::MAX_CODE) as i16
    }
}

/// Checks the shape of a row-major batch: `Ok(())` or the documented error
/// (`InvalidParameter` for `row_len == 0`, `LengthMismatch` for `out`, then
/// for a partial last row, `Empty`).
pub(crate) fn check_rows(n_in: usize, n_out: usize, row_len: usize) -> Result<(), crate::Error> {
    use crate::Error;
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    crate::error::check_len(n_in, n_out)?;
    let rem = n_in % row_len;
    if rem != 0 {
        return Err(Error::LengthMismatch { expected: n_in - rem, actual: n_in });
    }
    if n_in == 0 {
        return Err(Error::Empty);
    }
    Ok(())
}
