//! Softmax of int8 logits into int8 or int16 probabilities, bit-exact with
//! the TensorFlow Lite Micro reference kernel (`reference_ops::Softmax`,
//! `internal/reference/softmax.h`) and so with CMSIS-NN `arm_softmax_s8` /
//! `arm_softmax_s8_s16`.
//!
//! # Algorithm (TFLM's, reorganised)
//! For a row with maximum `m`, each difference `d = x - m` (an integer in
//! `[-255, 0]`) is scaled to Q5.26 by `SRDHM(d << shift, multiplier)`,
//! exponentiated by gemmlowp's `exp_on_negative_values` (Q0.31), rescaled
//! to Q12.19 and summed; the sum's reciprocal comes from
//! `one_over_one_plus_x_for_x_in_0_1` on its normalised mantissa; each
//! output is `exp * reciprocal` shifted down to the output's 8 or 16 bits.
//! Differences below `diff_min` contribute 0 and give the smallest code.
//!
//! The difference of two int8 codes takes only 256 values, so the 256
//! exponentials are computed **once, at preparation** ([`SoftmaxI8::new`],
//! a 1 KiB table inside the prepared struct, in flash if the struct is a
//! `const`); inference is then one table load per element and pass, where
//! TFLM and CMSIS-NN evaluate the fixed-point exp twice per element.
//!
//! # Where TFLM is not defined
//! * int8 → int8, a row whose sum of exponentials reaches 512 (in real
//!   terms: e.g. 512 equal elements): TFLM aborts (`TFLITE_CHECK` on the
//!   shift exponent), CMSIS-NN shifts by ≥ 32 (garbage). Here every element
//!   gets −128, the value of the same arithmetic carried out with a wider
//!   shift: each true probability is then at most `1/512`, so −128 is the
//!   correctly rounded result unless `256 p` is within `n * 2^-20` of ½
//!   (a row of exactly 512 equal maxima is such a tie: `p = 1/512`).
//! * A sum of exponentials of 4096 or more (int8 → int16 with thousands of
//!   near-max elements) overflows TFLM's `int32` accumulator. The sum is
//!   kept in 64 bits here (identical below 2^31), so the result is the
//!   natural continuation: correct, never wrapped.

use crate::error::{check_len, Error};
use crate::quant::code::{check_rows, Code};
use crate::quant::fixed_point::{exp_on_negative_values, one_over_one_plus_x, srdhm, srdhm_nonneg};
use crate::quant::params::softmax_i8_params;

/// Output types of [`SoftmaxI8`]: `i8` (scale 1/256, zero point −128) or
/// `i16` (scale 1/65 536, zero point −32 768), TFLite's fixed output
/// quantization for softmax.
///
/// ```
/// let s = logitkit::quant::SoftmaxI8::new(1.0 / 16.0, 1.0)?;
/// let (mut p8, mut p16) = ([0i8; 2], [0i16; 2]);
/// s.softmax(&[0, 0], &mut p8)?; // 0.5 = (0 + 128) / 256
/// s.softmax(&[0, 0], &mut p16)?; // 0.5 = (0 + 32768) / 65536
/// assert_eq!((p8, p16), ([0, 0], [0, 0]));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub trait SoftmaxOutput: Code {}
impl SoftmaxOutput for i8 {}
impl SoftmaxOutput for i16 {}

/// Rows up to this length cannot overflow a `u32` sum of Q12.19 terms
/// (each ≤ 2^19).
const U32_SUM_CHUNK: usize = 8191;

/// Prepared int8 softmax: the TFLite parameters and the 256 exponentials
/// `exp(β · scale · d)`, `d = 0, -1, ..., -255`, in Q0.31.
///
/// Output: `i8` (probability `(q + 128) / 256`) or `i16` (probability
/// `(q + 32768) / 65536`), bit-exact with TFLite Micro's reference kernel
/// (`reference_ops::Softmax`) and CMSIS-NN `arm_softmax_s8` /
/// `arm_softmax_s8_s16` wherever those are defined. TFLM's algorithm
/// (gemmlowp fixed point: Q5.26 differences, `exp_on_negative_values`,
/// a Q12.19 sum, `one_over_one_plus_x_for_x_in_0_1`), with the 256
/// possible exponentials computed once here instead of twice per element
/// at inference.
///
/// # Where TFLM is not defined
/// * int8 → int8, a row whose sum of exponentials reaches 512 (in real
///   terms, e.g. 512 equal elements): TFLM aborts (`TFLITE_CHECK` on the
///   shift), CMSIS-NN shifts by ≥ 32. Here every element gets −128, the
///   same arithmetic with a wider shift: each true probability is then at
///   most 1/512, so −128 is the correctly rounded result except within
///   `n · 2^-20` of a tie (a row of exactly 512 equal maxima is a tie,
///   `256 p = 1/2`, and gets −128).
/// * A sum of 4096 or more (int8 → int16, thousands of near-max elements)
///   overflows TFLM's `int32` accumulator; the sum is 64-bit here
///   (identical below 2^31): the natural continuation, never wrapped.
///
/// # Accuracy (vs the correctly rounded float softmax)
/// int8 output: within 1 LSB (measured: 25 274 of 25 275 outputs exact).
/// int16 output: within `1 + n·p/16` LSB (the Q12.19 sum rounds each term
/// to 2^-20); measured 99.8 % exact, 0.23 % at 1 LSB, 2 outputs at 5-6 LSB.
///
/// Build it once per model (from the input tensor's `f32` scale and β with
/// [`new`](Self::new), or from the precomputed `(multiplier, shift,
/// diff_min)` triple with [`from_raw`](Self::from_raw)); both are `const
/// fn`, so a `const` prepared struct lives in flash (1 036 bytes).
///
/// ```
/// use logitkit::quant::SoftmaxI8;
///
/// // Input scale 1/16 (real = code / 16), beta 1, as TFLite stores it.
/// let sm = SoftmaxI8::new(1.0 / 16.0, 1.0)?;
/// assert_eq!((sm.multiplier(), sm.shift(), sm.diff_min()), (1_073_741_824, 23, -248));
///
/// let logits = [32i8, 16, 0, -16]; // 2.0, 1.0, 0.0, -1.0
/// let mut p = [0i8; 4];
/// sm.softmax(&logits, &mut p)?;   // probability = (p + 128) / 256
/// assert_eq!(p, [37, -67, -106, -120]); // 165/256 = 0.645, 0.238, 0.086, 0.031
///
/// let mut p16 = [0i16; 4];
/// sm.softmax(&logits, &mut p16)?; // probability = (p + 32768) / 65536
/// assert_eq!(p16, [9432, -17244, -27057, -30667]); // 0.6439, 0.2369, 0.0871, 0.0320
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SoftmaxI8 {
    multiplier: i32,
    shift: i32,
    diff_min: i32,
    exp: [i32; 256],
}

impl SoftmaxI8 {
    /// Prepares from the input tensor's scale and β exactly as TFLite does
    /// (`PreprocessSoftmaxScaling` from the `f32` scale widened to `f64`,
    /// 5 integer bits, `diff_min` from `CalculateInputRadius`). The input
    /// zero point is not needed: softmax only sees differences.
    ///
    /// # Errors
    /// `InvalidParameter` if `input_scale` or `beta` is not finite and
    /// `> 0`, or if `beta * input_scale ≤ 2^-26` (≈ 1.49e-8; TFLite refuses
    /// such a model at preparation too).
    ///
    /// ```
    /// use logitkit::{quant::SoftmaxI8, Error};
    ///
    /// const SM: SoftmaxI8 = match SoftmaxI8::new(0.1, 1.0) { Ok(s) => s, Err(_) => panic!() };
    /// assert_eq!(SM.diff_min(), -248);
    /// assert_eq!(SoftmaxI8::new(f32::NAN, 1.0), Err(Error::InvalidParameter));
    /// ```
    pub const fn new(input_scale: f32, beta: f32) -> Result<Self, Error> {
        match softmax_i8_params(input_scale, beta) {
            Ok((m, s, d)) => Self::from_raw(m, s, d),
            Err(e) => Err(e),
        }
    }

    /// Prepares from the fixed-point triple that TFLite's preparation,
    /// converters and CMSIS-NN callers already hold: `multiplier` (Q31),
    /// left `shift`, `diff_min` (the `arm_softmax_s8` arguments).
    ///
    /// # Errors
    /// `InvalidParameter` unless `multiplier > 0`, `0 ≤ shift ≤ 31`,
    /// `diff_min ≤ 0`, and `min(255, -diff_min) << shift` fits in an `i32`
    /// (TFLM's `d * (1 << shift)` would overflow otherwise).
    ///
    /// ```
    /// use logitkit::{quant::SoftmaxI8, Error};
    ///
    /// let sm = SoftmaxI8::from_raw(1_073_741_824, 23, -248)?;
    /// assert_eq!(sm, SoftmaxI8::new(1.0 / 16.0, 1.0)?);
    /// assert_eq!(SoftmaxI8::from_raw(1 << 30, 25, -255), Err(Error::InvalidParameter));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn from_raw(multiplier: i32, shift: i32, diff_min: i32) -> Result<Self, Error> {
        if multiplier <= 0 || shift < 0 || shift > 31 || diff_min > 0 {
            return Err(Error::InvalidParameter);
        }
        let widest: i64 = if diff_min < -255 { 255 } else { -(diff_min as i64) };
        if (widest << shift) > i32::MAX as i64 {
            return Err(Error::InvalidParameter);
        }
        let mut exp = [0i32; 256];
        let mut d = 0;
        while d <= widest {
            // TFLM: MultiplyByQuantizedMultiplierGreaterThanOne(-d, m, shift)
            let scaled = srdhm((-d as i32) << shift, multiplier);
            // d <= widest <= 255: the mask changes nothing but lets the
            // compiler drop the bounds check, the only panic path (ci/no-panic.sh).
            exp[(d & 0xff) as usize] = exp_on_negative_values(scaled, 5);
            d += 1;
        }
        Ok(SoftmaxI8 { multiplier, shift, diff_min, exp })
    }

    /// The Q31 multiplier of `β · scale · 2^26` (TFLite's `input_multiplier`).
    ///
    /// ```
    /// let s = logitkit::quant::SoftmaxI8::new(1.0 / 16.0, 1.0)?;
    /// let _ = s.multiplier(); // the parameter as TFLite stores it
    /// assert_eq!(logitkit::quant::SoftmaxI8::from_raw(s.multiplier(), s.shift(), s.diff_min())?.multiplier(), s.multiplier());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn multiplier(&self) -> i32 {
        self.multiplier
    }

    /// The left shift of the multiplier (TFLite's `input_left_shift`).
    ///
    /// ```
    /// let s = logitkit::quant::SoftmaxI8::new(1.0 / 16.0, 1.0)?;
    /// let _ = s.shift(); // the parameter as TFLite stores it
    /// assert_eq!(logitkit::quant::SoftmaxI8::from_raw(s.multiplier(), s.shift(), s.diff_min())?.shift(), s.shift());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn shift(&self) -> i32 {
        self.shift
    }

    /// The smallest input difference `x - max` that contributes (TFLite's
    /// `diff_min`); smaller differences give probability code `MIN`.
    ///
    /// ```
    /// let s = logitkit::quant::SoftmaxI8::new(1.0 / 16.0, 1.0)?;
    /// let _ = s.diff_min(); // the parameter as TFLite stores it
    /// assert_eq!(logitkit::quant::SoftmaxI8::from_raw(s.multiplier(), s.shift(), s.diff_min())?.diff_min(), s.diff_min());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub const fn diff_min(&self) -> i32 {
        self.diff_min
    }

    /// Softmax of one row of int8 codes into `out` (`i8`: probability
    /// `(q + 128) / 256`; `i16`: `(q + 32768) / 65536`).
    ///
    /// **Exactness**: bit-identical to TFLite Micro's reference kernel (and
    /// CMSIS-NN `arm_softmax_s8`, `arm_softmax_s8_s16`) wherever that kernel
    /// is defined; see [`SoftmaxI8`] for the rows where it is not (int8
    /// output: all −128 once the sum of exponentials reaches 512).
    /// **Error vs the correctly rounded float softmax** (measured on the
    /// checked-in vectors, `tests/data/quant/ACCURACY.md`): int8 output
    /// within 1 LSB (25 274 of 25 275 outputs exact); int16 output 99.8 %
    /// exact, 0.23 % at 1 LSB, 2 outputs at 5-6 LSB.
    ///
    /// No float, no division, no allocation: one table load, one 32×32→64
    /// multiply per element.
    ///
    /// # Errors
    /// `LengthMismatch { expected: x.len(), actual: out.len() }`, then
    /// `Empty`; `out` is left untouched on error.
    ///
    /// ```
    /// use logitkit::{quant::SoftmaxI8, Error};
    ///
    /// let sm = SoftmaxI8::new(1.0 / 16.0, 1.0)?;
    /// let mut p = [0i8; 3];
    /// sm.softmax(&[0, 0, 0], &mut p)?;
    /// assert_eq!(p, [-43; 3]); // 85/256 = 0.332 each
    /// assert_eq!(sm.softmax(&[1, 2], &mut p), Err(Error::LengthMismatch { expected: 2, actual: 3 }));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax<O: SoftmaxOutput>(&self, x: &[i8], out: &mut [O]) -> Result<(), Error> {
        check_len(x.len(), out.len())?;
        if x.is_empty() {
            return Err(Error::Empty);
        }
        self.row(x, out);
        Ok(())
    }

    /// Softmax of each row of a row-major batch (`x.len() / row_len` rows),
    /// each as [`softmax`](Self::softmax) (same exactness).
    ///
    /// # Errors
    /// In the order checked, `out` untouched on error: `InvalidParameter`
    /// if `row_len == 0`; `LengthMismatch { expected: x.len(), actual:
    /// out.len() }`; `LengthMismatch { expected, actual: x.len() }` if
    /// `x.len()` is not a multiple of `row_len` (`expected` = the largest
    /// multiple below); `Empty` if `x` is empty.
    ///
    /// ```
    /// use logitkit::quant::SoftmaxI8;
    ///
    /// let sm = SoftmaxI8::new(1.0 / 16.0, 1.0)?;
    /// let mut p = [0i8; 4];
    /// sm.softmax_rows(&[0, 0, 127, -128], 2, &mut p)?;
    /// assert_eq!(p, [0, 0, 127, -128]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax_rows<O: SoftmaxOutput>(
        &self,
        x: &[i8],
        row_len: usize,
        out: &mut [O],
    ) -> Result<(), Error> {
        check_rows(x.len(), out.len(), row_len)?;
        // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
        // divides by the chunk size); see ci/no-panic.sh.
        let mut outs = out.chunks_exact_mut(row_len);
        for row in x.chunks_exact(row_len) {
            let Some(o) = outs.next() else { break };
            self.row(row, o);
        }
        Ok(())
    }

    /// One non-empty row, `out.len() == x.len()`.
    #[inline]
    fn row<O: SoftmaxOutput>(&self, x: &[i8], out: &mut [O]) {
        let max = x.iter().fold(i8::MIN, |m, &v| m.max(v)) as i32;
        let table = &self.exp;
        // (max - v) is in 0..=255: the u8 index needs no bounds check.
        let exp_of = |v: i8| table[(max - v as i32) as u8 as usize];
        // Sum of RoundingDivideByPOT(exp, 12) (Q12.19 terms ≤ 2^19).
        let mut sum: u64 = 0;
        for chunk in x.chunks(U32_SUM_CHUNK) {
            let mut s: u32 = 0;
            for &v in chunk {
                s += (exp_of(v) as u32 + (1 << 11)) >> 12;
            }
            sum += s as u64;
        }
        // TFLM GetReciprocal(sum, 12): num_bits_over_unit = bitlen - 20;
        // output shift = num_bits_over_unit + 31 - BITS.
        let bitlen = 64 - sum.leading_zeros(); // ≥ 20: the max contributes 2^19
        let exponent = bitlen as i32 - 20 + 31 - O::BITS as i32; // ≥ 15
                                                                 // Mantissa of the sum in [2^31, 2^32) (a left shift, as TFLM, unless
                                                                 // the sum exceeds 32 bits, where TFLM's int32 has overflowed).
        let mantissa =
            if bitlen <= 32 { (sum << (32 - bitlen)) as u32 } else { (sum >> (bitlen - 32)) as u32 };
        let (recip, exponent) = if exponent > 31 {
            // TFLM aborts here (int8 output, sum ≥ 512): every p ≤ 1/512 and
            // the wider shift gives 0 + MIN for all; a zero reciprocal makes
            // the loop below produce exactly that (no separate fill loop).
            (0, 31)
        } else {
            (one_over_one_plus_x((mantissa - (1 << 31)) as i32) as u32, exponent as u32)
        };
        let round = 1u32 << (exponent - 1);
        for (o, &v) in out.iter_mut().zip(x) {
            // RoundingDivideByPOT(SRDHM(recip, exp), exponent) + MIN, clamped
            let p = srdhm_nonneg(recip, exp_of(v) as u32);
            let unsat = ((p + round) >> exponent) as i32;
            *o = O::saturate(unsat + O::MIN_CODE);
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn errors_leave_output_untouched() {
        let sm = SoftmaxI8::new(0.1, 1.0).unwrap();
        let mut out = [7i8; 3];
        assert_eq!(sm.softmax(&[1, 2], &mut out), Err(Error::LengthMismatch { expected: 2, actual: 3 }));
        assert_eq!(sm.softmax::<i8>(&[], &mut []), Err(Error::Empty));
        assert_eq!(sm.softmax_rows(&[1, 2, 3], 0, &mut out), Err(Error::InvalidParameter));
        assert_eq!(
            sm.softmax_rows(&[1, 2, 3, 4], 3, &mut [0i8; 4]),
            Err(Error::LengthMismatch { expected: 3, actual: 4 })
        );
        assert_eq!(sm.softmax_rows::<i8>(&[], 3, &mut []), Err(Error::Empty));
        assert_eq!(out, [7; 3]);
    }

    #[test]
    fn raw_validation() {
        assert_eq!(SoftmaxI8::from_raw(0, 23, -248), Err(Error::InvalidParameter));
        assert_eq!(SoftmaxI8::from_raw(1 << 30, -1, -248), Err(Error::InvalidParameter));
        assert_eq!(SoftmaxI8::from_raw(1 << 30, 32, 0), Err(Error::InvalidParameter));
        assert_eq!(SoftmaxI8::from_raw(1 << 30, 23, 1), Err(Error::InvalidParameter));
        assert!(SoftmaxI8::from_raw(1 << 30, 23, -256).is_ok()); // 255 << 23 fits
        assert!(SoftmaxI8::from_raw(i32::MAX, 31, 0).is_ok());
    }

    #[test]
    fn aborting_rows_give_min() {
        let sm = SoftmaxI8::new(1.0 / 16.0, 1.0).unwrap();
        let x = [5i8; 600];
        let mut p = [0i8; 600];
        sm.softmax(&x, &mut p).unwrap();
        assert!(p.iter().all(|&v| v == -128));
        let mut q = [0i16; 600];
        sm.softmax(&x, &mut q).unwrap();
        // 65536 / 600 = 109.2 -> -32768 + 109
        assert!(q.iter().all(|&v| v == -32768 + 109));
    }

    #[test]
    fn int32_sum_overflow_rows_do_not_wrap() {
        // 10 000 equal elements: TFLM's int32 sum (10 000 * 2^19) overflows.
        let sm = SoftmaxI8::new(1.0 / 16.0, 1.0).unwrap();
        let x = [3i8; 10_000];
        let mut q = [0i16; 10_000];
        sm.softmax(&x, &mut q).unwrap();
        // 65536 / 10 000 = 6.55 -> 7
        assert!(q.iter().all(|&v| v == -32768 + 7));
        // 200 000 elements: 65536 p = 0.33 -> -32768 (the shift exceeds 31)
        let x = std::vec![3i8; 200_000];
        let mut q = std::vec![0i16; 200_000];
        sm.softmax(&x, &mut q).unwrap();
        assert!(q.iter().all(|&v| v == -32768));
    }
}
