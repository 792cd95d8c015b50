//! Softmax of int16 logits into int16 probabilities, bit-exact with the
//! TensorFlow Lite Micro reference kernel (`reference_ops::SoftmaxInt16`,
//! `internal/reference/softmax.h`) and so with CMSIS-NN `arm_softmax_s16`.
//!
//! # Algorithm (TFLM's)
//! Each difference `d = x - max` is scaled by the quantized multiplier so
//! that `[-65535, 0]` covers `[-10, 0]` in real terms, recentred to the
//! int16 range and looked up, with linear interpolation, in a 513-entry
//! `exp` table (Q0.15); the exponentials are cached in the output buffer
//! and summed in 32 bits. The sum is normalised, its reciprocal is looked up
//! in a 513-entry `1/(1+x)` table, and each output is `exp * reciprocal`
//! shifted back to Q0.15 (probability = code / 32768).
//!
//! The tables are TFLM's `gen_lut` outputs (float32 steps, `expf`),
//! reproduced by `tests/data/quant/gen_tflm.py` into a `static` (2 KiB of
//! flash, no RAM).
//!
//! # Accuracy (measured, `tests/data/quant/ACCURACY.md`)
//! This is TFLM's algorithm, with TFLM's error: against the correctly
//! rounded float softmax, 64 % of outputs exact, 11 % at 1 LSB, 24 % at
//! 2 LSB, 0.8 % further off; differences below `-10` (real) count as
//! `e^-10 ≈ 4.5e-5` instead of less, so a row with many such elements
//! (e.g. scale 4, β 1) is off by up to ~500 LSB. The int8 kernels are far
//! more accurate (≤ 1 LSB).
//!
//! # Where TFLM is not defined
//! * A difference whose `d << shift` overflows `int32` (scale · β ≥ 5,
//!   TFLM: undefined behaviour) saturates at the bottom of the table (its
//!   value is far below `-10` in real terms).
//! * Rows of more than 65 537 elements (the `int32` sum overflows in TFLM):
//!   the sum is kept in 64 bits here, identical below 2^31.

use crate::error::{check_len, Error};
use crate::quant::code::check_rows;
use crate::quant::fixed_point::mul_by_quantized_multiplier;
use crate::quant::params::softmax_i16_params;
use crate::quant::tables::{EXP_LUT, ONE_OVER_ONE_PLUS_X_LUT};

/// TFLM `LUTLookup` for int16: 9 bits of index, 7 of interpolation.
#[inline(always)]
pub(crate) fn lut_lookup(value: i32, lut: &[i16; 513]) -> i32 {
    let index = ((256 + (value >> 7)) & 511) as usize; // value in i16 range: identity mask
    let offset = value & 0x7f;
    let base = lut[index] as i32;
    let slope = lut[index + 1] as i32 - base;
    let delta = (slope * offset + 64) >> 7;
    (base + delta) as i16 as i32
}

/// Prepared int16 softmax (input zero point 0, output scale 1/32 768, zero
/// point 0): the quantized multiplier and shift of
/// `β · scale / (10 / 65535)`.
///
/// ```
/// use logitkit::quant::SoftmaxI16;
///
/// let sm = SoftmaxI16::new(1.0 / 1024.0, 1.0)?; // real = code / 1024
/// let mut p = [0i16; 4];
/// sm.softmax(&[2048, 1024, 0, -1024], &mut p)?; // logits 2, 1, 0, -1
/// assert_eq!(p, [21098, 7763, 2855, 1051]);     // p = code / 32768: 0.6439, 0.2369, ...
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftmaxI16 {
    multiplier: i32,
    shift: i32,
    /// Differences below this overflow `d << shift`: they saturate.
    min_diff: i32,
}

impl SoftmaxI16 {
    /// Prepares from the input tensor's `f32` scale and β as TFLM's
    /// `CalculateSoftmaxParams` does (`QuantizeMultiplier(scale * β /
    /// (10 / 65535))` in `f64`).
    ///
    /// # Errors
    /// `InvalidParameter` if `input_scale` or `beta` is not finite and `> 0`.
    ///
    /// ```
    /// use logitkit::{quant::SoftmaxI16, Error};
    ///
    /// let sm = SoftmaxI16::new(1.0 / 1024.0, 1.0)?;
    /// assert_eq!((sm.multiplier(), sm.shift()), (1_717_960_704, 3));
    /// assert_eq!(SoftmaxI16::new(-1.0, 1.0), Err(Error::InvalidParameter));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn new(input_scale: f32, beta: f32) -> Result<Self, Error> {
        match softmax_i16_params(input_scale, beta) {
            Ok((m, s)) => Self::from_raw(m, s),
            Err(e) => Err(e),
        }
    }

    /// Prepares from a precomputed `(multiplier, shift)` pair (TFLite's
    /// `input_multiplier`, `input_left_shift`; CMSIS-NN `arm_softmax_s16`'s
    /// `mult`, `shift`).
    ///
    /// # Errors
    /// `InvalidParameter` unless `0 ≤ multiplier` and `-31 ≤ shift ≤ 31`.
    ///
    /// ```
    /// use logitkit::quant::SoftmaxI16;
    ///
    /// assert_eq!(SoftmaxI16::from_raw(1_717_960_704, 3)?, SoftmaxI16::new(1.0 / 1024.0, 1.0)?);
    /// assert!(SoftmaxI16::from_raw(-1, 3).is_err());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn from_raw(multiplier: i32, shift: i32) -> Result<Self, Error> {
        if multiplier < 0 || shift < -31 || shift > 31 {
            return Err(Error::InvalidParameter);
        }
        let left = if shift > 0 { shift } else { 0 };
        // d << left fits in i32 iff d ≥ -2^(31 - left) (d ≤ 0)
        let min_diff = (-(1i64 << (31 - left))) as i32;
        Ok(SoftmaxI16 { multiplier, shift, min_diff })
    }

    /// TFLite's `input_multiplier` (Q31).
    pub const fn multiplier(&self) -> i32 {
        self.multiplier
    }

    /// TFLite's `input_left_shift` (negative: a right shift).
    pub const fn shift(&self) -> i32 {
        self.shift
    }

    /// Softmax of one row of int16 codes; probability = `out[i] / 32768`.
    ///
    /// **Exactness**: bit-identical to TFLite Micro's `SoftmaxInt16` (and
    /// CMSIS-NN `arm_softmax_s16`) wherever that kernel is defined (see the
    /// [module docs](self)); TFLM's accuracy, not better (module docs).
    ///
    /// # Errors
    /// `LengthMismatch { expected: x.len(), actual: out.len() }`, then
    /// `Empty`; `out` untouched on error.
    ///
    /// ```
    /// use logitkit::quant::SoftmaxI16;
    ///
    /// let sm = SoftmaxI16::new(0.001, 1.0)?;
    /// let mut p = [0i16; 2];
    /// sm.softmax(&[-32768, 32767], &mut p)?;
    /// assert_eq!(p, [2, 32766]); // the exp table stops at e^-10: TFLM's 2/32768, not 0
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax(&self, x: &[i16], out: &mut [i16]) -> Result<(), Error> {
        check_len(x.len(), out.len())?;
        if x.is_empty() {
            return Err(Error::Empty);
        }
        self.row(x, out);
        Ok(())
    }

    /// Softmax of each row of a row-major batch, each as
    /// [`softmax`](Self::softmax).
    ///
    /// # Errors
    /// As [`SoftmaxI8::softmax_rows`](crate::quant::SoftmaxI8::softmax_rows):
    /// `InvalidParameter` (`row_len == 0`), `LengthMismatch` (buffers, then
    /// a partial last row), `Empty`; `out` untouched on error.
    ///
    /// ```
    /// use logitkit::quant::SoftmaxI16;
    ///
    /// let sm = SoftmaxI16::new(0.001, 1.0)?;
    /// let mut p = [0i16; 4];
    /// sm.softmax_rows(&[5, 5, 9, 9], 2, &mut p)?;
    /// assert_eq!(p, [16384; 4]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax_rows(&self, x: &[i16], row_len: usize, out: &mut [i16]) -> Result<(), Error> {
        check_rows(x.len(), out.len(), row_len)?;
        for (row, o) in x.chunks_exact(row_len).zip(out.chunks_exact_mut(row_len)) {
            self.row(row, o);
        }
        Ok(())
    }

    /// `exp(d)` in Q0.15 from the table (TFLM `SoftMaxCalculateExp`).
    #[inline(always)]
    fn exp(&self, diff: i32) -> i32 {
        let sym = if diff < self.min_diff {
            -32768
        } else {
            let scaled = mul_by_quantized_multiplier(diff, self.multiplier, self.shift);
            scaled.saturating_add(32767).clamp(-32768, 32767)
        };
        lut_lookup(sym, &EXP_LUT)
    }

    fn row(&self, x: &[i16], out: &mut [i16]) {
        let max = x.iter().fold(i16::MIN, |m, &v| m.max(v)) as i32;
        let mut sum: u64 = 0;
        for (o, &v) in out.iter_mut().zip(x) {
            let e = self.exp(v as i32 - max);
            *o = e as i16; // cached, as TFLM does
            sum += e as u64; // each e is in [0, 32767]
        }
        // TFLM: headroom_plus_one = clz32(sum); shifted_sum = round(sum / 2^(b - 17)),
        // b = bit length of the sum (≥ 15: the maximum contributes 32767).
        let b = 64 - sum.leading_zeros();
        let shifted_sum = if b <= 31 {
            ((sum << (31 - b)) + (1 << 13)) >> 14
        } else {
            (sum + (1u64 << (b - 18))) >> (b - 17)
        } as i32;
        let sym = (shifted_sum - ((1 << 15) + (1 << 16))).clamp(-32768, 32767);
        let recip = lut_lookup(sym, &ONE_OVER_ONE_PLUS_X_LUT) as i64;
        // right_shift = 31 - headroom_plus_one = b - 1 (≥ 14)
        let right_shift = b - 1;
        let round = 1i64 << (right_shift - 1);
        for o in out.iter_mut() {
            let r = (*o as i64 * recip + round) >> right_shift;
            *o = r.clamp(0, 32767) as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_validation() {
        let sm = SoftmaxI16::new(0.001, 1.0).unwrap();
        let mut out = [3i16; 2];
        assert_eq!(sm.softmax(&[1], &mut out), Err(Error::LengthMismatch { expected: 1, actual: 2 }));
        assert_eq!(sm.softmax(&[], &mut []), Err(Error::Empty));
        assert_eq!(sm.softmax_rows(&[1, 2], 0, &mut out), Err(Error::InvalidParameter));
        assert_eq!(out, [3; 2]);
        assert_eq!(SoftmaxI16::from_raw(1, 32), Err(Error::InvalidParameter));
        assert_eq!(SoftmaxI16::from_raw(1, -32), Err(Error::InvalidParameter));
        assert_eq!(SoftmaxI16::new(1.0, f32::INFINITY), Err(Error::InvalidParameter));
    }

    #[test]
    fn huge_scale_saturates_instead_of_overflowing() {
        let sm = SoftmaxI16::new(1e30, 1.0).unwrap();
        assert_eq!(sm.shift(), 31);
        let mut p = [0i16; 3];
        sm.softmax(&[-32768, 0, 1], &mut p).unwrap();
        assert!(p[2] >= 32760);
        assert!(p[0] <= 2 && p[1] <= 2);
    }

    #[test]
    fn long_rows_do_not_wrap() {
        let sm = SoftmaxI16::new(0.001, 1.0).unwrap();
        let x = [7i16; 70_000];
        let mut p = [0i16; 70_000];
        sm.softmax(&x, &mut p).unwrap();
        // 32768 / 70000 = 0.47 -> 0
        assert!(p.iter().all(|&v| v == 0));
    }
}
