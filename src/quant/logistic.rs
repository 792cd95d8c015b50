//! Logistic (sigmoid) on quantized data: int8 → int8 (output scale 1/256,
//! zero point −128) and int16 → int16 (input zero point 0, output scale
//! 2^-15), bit-exact with the TensorFlow Lite Micro reference kernels
//! (`reference_integer_ops::Logistic`, `internal/reference/integer_ops/
//! logistic.h`, parameters from `kernels/logistic_common.cc`).
//!
//! * int8, [`LogisticI8::new`]: TFLM's algorithm (input rescaled to Q4.27,
//!   gemmlowp's fixed-point `logistic`, rounded to Q0.8) evaluated for the
//!   256 possible codes at preparation; inference is one table load.
//! * int8, [`LogisticI8::correctly_rounded`]: a 256-entry table of the
//!   correctly rounded `round(256 σ(scale (x - zp))) - 128` (what full
//!   TFLite's `LUTPopulate` table computes in `f32`), computed in `f64`.
//! * int16, [`LogisticI16`]: TFLite's `sigmoid_table_uint16` (256 entries,
//!   `σ(i/24)` in Q0.16) with linear interpolation, per element.

use crate::error::{check_len, Error};
use crate::quant::fixed_point::{logistic_q4, mul_by_quantized_multiplier, rdbp};
use crate::quant::params::{is_positive_finite, logistic_i16_params, logistic_i8_params};
use crate::quant::tables::SIGMOID_TABLE;

/// Prepared int8 logistic: the output code of each of the 256 input codes.
///
/// ```
/// use logitkit::quant::LogisticI8;
///
/// // Input: real = (code - 10) / 16. Output: probability = (code + 128) / 256.
/// let tflm = LogisticI8::new(1.0 / 16.0, 10)?;
/// let mut y = [0i8; 4];
/// tflm.logistic(&[10, 26, -6, 127], &mut y)?; // sigmoid(0), sigmoid(1), sigmoid(-1), sigmoid(7.3)
/// assert_eq!(y, [0, 59, -59, 127]);
/// assert_eq!(tflm.eval(26), 59);              // 187/256 = 0.7305 (exact: 0.7311)
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LogisticI8 {
    table: [i8; 256],
}

impl LogisticI8 {
    /// Prepares TFLite Micro's int8 logistic for an input tensor with
    /// `input_scale` and `zero_point`: each table entry is TFLM's
    /// fixed-point result, so [`logistic`](Self::logistic) is bit-exact with
    /// TFLM on every input.
    ///
    /// **Accuracy** (TFLM's, measured on all 256 codes × 70 (scale, zero
    /// point) pairs): every output equal to the correctly rounded float,
    /// except for input scales ≥ 8, where TFLM's range check (radius 0)
    /// maps the zero point to −128 instead of 0 (reproduced: it is TFLM's
    /// defined behaviour; use [`correctly_rounded`](Self::correctly_rounded)
    /// for the exact value).
    ///
    /// Costs 256 fixed-point logistic evaluations (no float after the
    /// parameters).
    ///
    /// # Errors
    /// `InvalidParameter` if `input_scale` is not finite and `> 0` or below
    /// `2^-28` (TFLM shifts by a negative amount there), or `zero_point` is
    /// outside `[-128, 127]`.
    ///
    /// ```
    /// use logitkit::{quant::LogisticI8, Error};
    ///
    /// assert_eq!(LogisticI8::new(0.1, 200), Err(Error::InvalidParameter));
    /// assert_eq!(LogisticI8::new(16.0, 0)?.eval(0), -128); // TFLM's radius-0 quirk
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn new(input_scale: f32, zero_point: i32) -> Result<Self, Error> {
        if !(-128..=127).contains(&zero_point) {
            return Err(Error::InvalidParameter);
        }
        let (multiplier, shift, radius) = logistic_i8_params(input_scale)?;
        let mut table = [0i8; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let input = i as u8 as i8 as i32 - zero_point;
            *t = if input <= -radius {
                i8::MIN
            } else if input >= radius {
                i8::MAX
            } else {
                // |input| < radius: input << shift fits in i32
                let q4 = mul_by_quantized_multiplier(input, multiplier, shift);
                let q8 = rdbp(logistic_q4(q4), 31 - 8);
                (q8 - 128).clamp(-128, 127) as i8
            };
        }
        Ok(LogisticI8 { table })
    }

    /// Prepares the correctly rounded table: entry `x` is
    /// `round(256 σ(scale (x - zero_point))) - 128`, clamped to
    /// `[-128, 127]`, ties away from zero, with σ evaluated in `f64`.
    ///
    /// **Accuracy**: 0 LSB against the correctly rounded result on all 256
    /// codes × 70 (scale, zero point) pairs of the vectors (mpmath
    /// reference). Full TFLite builds the same table in `f32`
    /// (`LUTPopulate`), which can differ by 1 LSB where `f32` rounding
    /// crosses a half.
    ///
    /// # Errors
    /// `InvalidParameter` if `input_scale` is not finite and `> 0`, or
    /// `zero_point` is outside `[-128, 127]`.
    ///
    /// ```
    /// use logitkit::quant::LogisticI8;
    ///
    /// let t = LogisticI8::correctly_rounded(16.0, 0)?;
    /// assert_eq!((t.eval(0), t.eval(1), t.eval(-1)), (0, 127, -128));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn correctly_rounded(input_scale: f32, zero_point: i32) -> Result<Self, Error> {
        if !is_positive_finite(input_scale) || !(-128..=127).contains(&zero_point) {
            return Err(Error::InvalidParameter);
        }
        let mut table = [0i8; 256];
        for (i, t) in table.iter_mut().enumerate() {
            let real = input_scale as f64 * (i as u8 as i8 as i32 - zero_point) as f64;
            let p = crate::sigmoid::sigmoid(real);
            let code = libm::floor(p * 256.0 + 0.5) as i32 - 128;
            *t = code.clamp(-128, 127) as i8;
        }
        Ok(LogisticI8 { table })
    }

    /// The output code of one input code (a table load).
    ///
    /// ```
    /// let t = logitkit::quant::LogisticI8::new(0.1, 0)?;
    /// assert_eq!(t.eval(0), 0); // sigmoid(0) = 128/256
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    #[inline]
    pub fn eval(&self, x: i8) -> i8 {
        self.table[x as u8 as usize]
    }

    /// The 256 output codes, indexed by the input code as `u8` (TFLite's
    /// LUT layout: `0, 1, ..., 127, -128, ..., -1`).
    ///
    /// ```
    /// let t = logitkit::quant::LogisticI8::new(0.1, 0)?;
    /// assert_eq!(t.table()[0], 0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn table(&self) -> &[i8; 256] {
        &self.table
    }

    /// Logistic of every input code (probability = `(out[i] + 128) / 256`).
    /// Exactness as the constructor used (bit-exact with TFLM for
    /// [`new`](Self::new)).
    ///
    /// # Errors
    /// `LengthMismatch { expected: x.len(), actual: out.len() }`; `out`
    /// untouched on error. An empty input is fine (nothing to do).
    ///
    /// ```
    /// let t = logitkit::quant::LogisticI8::new(0.1, 0)?;
    /// let mut y = [0i8; 2];
    /// t.logistic(&[-128, 127], &mut y)?;
    /// assert_eq!(y, [-128, 127]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn logistic(&self, x: &[i8], out: &mut [i8]) -> Result<(), Error> {
        check_len(x.len(), out.len())?;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = self.eval(v);
        }
        Ok(())
    }
}

/// Prepared int16 logistic (input zero point 0, output scale 2^-15, zero
/// point 0: probability = code / 32768).
///
/// **Exactness**: bit-identical to TFLM's int16 `Logistic` on every input.
/// **Accuracy** (TFLM's; 94 320 outputs over 10 scales vs the correctly
/// rounded float): 68 % exact, 29 % at 1 LSB, 2.5 % at 2-3 LSB, 0.04 % at
/// 4 LSB.
///
/// ```
/// use logitkit::quant::LogisticI16;
///
/// let l = LogisticI16::new(1.0 / 4096.0)?; // real = code / 4096
/// let mut y = [0i16; 3];
/// l.logistic(&[0, 4096, -4096], &mut y)?;
/// assert_eq!(y, [16384, 23956, 8812]); // 0.5, 0.7311, 0.2689
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LogisticI16 {
    multiplier: i32,
    left_shift: u32,
}

impl LogisticI16 {
    /// Prepares from the input tensor's scale as TFLM's
    /// `CalculateArithmeticOpDataLogistic` does (`CheckedLog2` in `f32`
    /// for the power-of-two case, else a multiplier ≤ 32767 and shift).
    ///
    /// # Errors
    /// `InvalidParameter` if `input_scale` is not finite and `> 0`, above
    /// 2.6666 (TFLM's multiplier would exceed 32767: it `DCHECK`s), or
    /// below 2^-44 (the multiplier truncates to 0).
    ///
    /// ```
    /// use logitkit::{quant::LogisticI16, Error};
    ///
    /// assert_eq!(LogisticI16::new(3.0), Err(Error::InvalidParameter));
    /// assert_eq!((LogisticI16::new(0.001)?.multiplier(), LogisticI16::new(0.001)?.left_shift()), (25165, 11));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn new(input_scale: f32) -> Result<Self, Error> {
        let (m, s) = logistic_i16_params(input_scale)?;
        Self::from_raw(m, s)
    }

    /// Prepares from TFLM's `(input_multiplier, input_left_shift)`;
    /// multiplier 0 means the power-of-two scale `2^-12` (×3).
    ///
    /// # Errors
    /// `InvalidParameter` unless `0 ≤ multiplier ≤ 32767` and
    /// `0 ≤ left_shift ≤ 31` (and `left_shift == 0` when `multiplier == 0`).
    ///
    /// ```
    /// use logitkit::quant::LogisticI16;
    ///
    /// assert_eq!(LogisticI16::from_raw(0, 0)?, LogisticI16::new(1.0 / 4096.0)?);
    /// assert!(LogisticI16::from_raw(40000, 3).is_err());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn from_raw(multiplier: i32, left_shift: i32) -> Result<Self, Error> {
        if !(0..=32767).contains(&multiplier) || !(0..=31).contains(&left_shift) {
            return Err(Error::InvalidParameter);
        }
        if multiplier == 0 {
            if left_shift != 0 {
                return Err(Error::InvalidParameter);
            }
            // TFLM's power-of-two case: input_multiplier = 3 << 0, no shift.
            return Ok(LogisticI16 { multiplier: 3, left_shift: 0 });
        }
        Ok(LogisticI16 { multiplier, left_shift: left_shift as u32 })
    }

    /// The multiplier applied to the input code (3 for the power-of-two
    /// scale `2^-12`).
    ///
    /// ```
    /// let l = logitkit::quant::LogisticI16::new(1.0 / 4096.0)?;
    /// assert_eq!((l.multiplier(), l.left_shift()), (3, 0));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn multiplier(&self) -> i32 {
        self.multiplier
    }

    /// The right shift after the multiplication (rounding half up).
    ///
    /// ```
    /// let l = logitkit::quant::LogisticI16::new(1.0 / 4096.0)?;
    /// assert_eq!(l.left_shift(), 0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn left_shift(&self) -> u32 {
        self.left_shift
    }

    /// The logistic of one input code.
    ///
    /// ```
    /// let l = logitkit::quant::LogisticI16::new(1.0 / 4096.0)?;
    /// assert_eq!((l.eval(i16::MIN), l.eval(i16::MAX)), (11, 32757)); // sigmoid(∓8)
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    #[inline]
    pub fn eval(&self, x: i16) -> i16 {
        let round = if self.left_shift > 0 { 1i32 << (self.left_shift - 1) } else { 0 };
        // |x * m| ≤ 32768 * 32767 < 2^30: no overflow
        let d = (x as i32 * self.multiplier + round) >> self.left_shift;
        let a = d.unsigned_abs();
        let i = (a >> 9) as usize;
        let r: u32 = if i < 255 {
            let ua = SIGMOID_TABLE[i] as u32;
            let ub = SIGMOID_TABLE[i + 1] as u32; // ≥ ua: the table increases
            (ua << 9) + (a & 0x1ff) * (ub - ua)
        } else {
            0x7fff << 10
        };
        let r = if d >= 0 { r + (1 << 9) } else { (1 << 25) - r + (1 << 9) - 1 };
        (r >> 10) as i16
    }

    /// Logistic of every input code (probability = `out[i] / 32768`).
    ///
    /// # Errors
    /// `LengthMismatch { expected: x.len(), actual: out.len() }`; `out`
    /// untouched on error.
    ///
    /// ```
    /// let l = logitkit::quant::LogisticI16::new(0.001)?;
    /// let mut y = [0i16; 1];
    /// l.logistic(&[1000], &mut y)?; // sigmoid(1.0) = 0.7311
    /// assert_eq!(y, [23956]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn logistic(&self, x: &[i16], out: &mut [i16]) -> Result<(), Error> {
        check_len(x.len(), out.len())?;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = self.eval(v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors() {
        let t = LogisticI8::new(0.1, 0).unwrap();
        let mut out = [5i8; 2];
        assert_eq!(t.logistic(&[1], &mut out), Err(Error::LengthMismatch { expected: 1, actual: 2 }));
        assert_eq!(out, [5; 2]);
        assert_eq!(LogisticI8::new(f32::NAN, 0), Err(Error::InvalidParameter));
        assert_eq!(LogisticI8::correctly_rounded(0.0, 0), Err(Error::InvalidParameter));
        assert_eq!(LogisticI8::correctly_rounded(0.1, -129), Err(Error::InvalidParameter));
        assert_eq!(LogisticI16::new(f32::INFINITY), Err(Error::InvalidParameter));
        assert_eq!(LogisticI16::new(1e-30), Err(Error::InvalidParameter));
        assert_eq!(LogisticI16::from_raw(0, 3), Err(Error::InvalidParameter));
    }

    #[test]
    fn symmetric_and_monotone() {
        let l = LogisticI16::new(0.0007).unwrap();
        let mut prev = 0;
        for x in (i16::MIN..=i16::MAX).step_by(7) {
            let y = l.eval(x);
            assert!(y >= prev);
            prev = y;
        }
        let t = LogisticI8::new(0.05, 0).unwrap();
        for x in -127i8..=127 {
            // (y(x) + 128) + (y(-x) + 128) = 256 within the rounding of each
            let s = t.eval(x) as i32 + t.eval(-x) as i32;
            assert!(s == 0 || s == -1, "{x}: {s}");
        }
    }
}
