//! Decisions on quantized data without dequantizing: argmax, top-k and
//! probability thresholds converted once into integer codes.
//!
//! A code `q` of a tensor with scale `s > 0` and zero point `z` stands for
//! `s (q - z)`, an increasing function of `q`: the argmax and the ranking of
//! the codes are those of the real values, and a threshold on the real
//! value is a threshold on the code. Same rules as the float decisions:
//! ties go to the **lowest index**, top-k is **best first**, thresholds
//! compare with **≥** (a probability exactly at the threshold passes).

use crate::error::{check_len, Error};
use crate::quant::code::Code;
use crate::quant::convert::dequantize_code;
use crate::quant::params::is_positive_finite;

/// Index of the largest code, the lowest index among equals.
///
/// O(n), no float. On the logits of a quantized model this is the argmax
/// of the real logits (scale > 0).
///
/// # Errors
/// `Empty` for an empty slice.
///
/// ```
/// use logitkit::quant::argmax;
///
/// assert_eq!(argmax(&[-3i8, 17, 17, 4])?, 1);
/// assert_eq!(argmax(&[i16::MIN; 3])?, 0);
/// assert_eq!(argmax::<i8>(&[]), Err(logitkit::Error::Empty));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn argmax<T: Code>(x: &[T]) -> Result<usize, Error> {
    let (&first, rest) = x.split_first().ok_or(Error::Empty)?;
    let mut best = (0, first);
    for (i, &v) in rest.iter().enumerate() {
        if v > best.1 {
            best = (i + 1, v);
        }
    }
    Ok(best.0)
}

/// The `idx.len()` best classes (or all `n` if fewer), best first, ties by
/// lower index, written to `idx`; returns how many were written
/// (`min(idx.len(), x.len())`). O(n·k) comparisons: meant for small k.
///
/// # Errors
/// `Empty` if `x` is empty; `idx` untouched on error.
///
/// ```
/// use logitkit::quant::top_k_into;
///
/// let mut idx = [0usize; 3];
/// assert_eq!(top_k_into(&[5i8, -2, 9, 5, 0], &mut idx)?, 3);
/// assert_eq!(idx, [2, 0, 3]);
/// let mut all = [9usize; 4];
/// assert_eq!(top_k_into(&[1i16, 2], &mut all)?, 2);
/// assert_eq!(all, [1, 0, 9, 9]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn top_k_into<T: Code>(x: &[T], idx: &mut [usize]) -> Result<usize, Error> {
    if x.is_empty() {
        return Err(Error::Empty);
    }
    let k = idx.len().min(x.len());
    for slot in 0..k {
        // the best element not yet taken: taken ones are above it in the
        // (value desc, index asc) order, i.e. before `prev`
        let prev = if slot == 0 { None } else { idx.get(slot - 1).and_then(|&p| x.get(p).map(|&v| (v, p))) };
        let mut best: Option<(T, usize)> = None;
        for (i, &v) in x.iter().enumerate() {
            let after_prev = match prev {
                None => true,
                Some((pv, pi)) => v < pv || (v == pv && i > pi),
            };
            if after_prev && best.is_none_or(|(bv, _)| v > bv) {
                best = Some((v, i));
            }
        }
        if let (Some((_, i)), Some(s)) = (best, idx.get_mut(slot)) {
            *s = i;
        }
    }
    Ok(k)
}

/// [`top_k_into`] as a `heapless::Vec` of `(index, code)`, best first, at
/// most `K` entries.
///
/// # Errors
/// `Empty` if `x` is empty.
///
/// ```
/// let top = logitkit::quant::top_k::<i8, 2>(&[3, 9, -1])?;
/// assert_eq!(top.as_slice(), &[(1, 9), (0, 3)]);
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn top_k<T: Code, const K: usize>(x: &[T]) -> Result<heapless::Vec<(usize, T), K>, Error> {
    let mut idx = [0usize; K];
    let k = top_k_into(x, &mut idx)?;
    let mut out = heapless::Vec::new();
    for &i in idx.iter().take(k) {
        if let Some(&v) = x.get(i) {
            let _ = out.push((i, v)); // k ≤ K: cannot fail
        }
    }
    Ok(out)
}

/// A real-valued threshold `t` turned into an integer code once: for every
/// code `q`, `passes(q)` ⇔ `dequantize(q) ≥ t`, where `dequantize(q)` is
/// [`dequantize_one`](crate::quant::dequantize_one)`(q, scale, zero_point)` (`s (q - z)` rounded to
/// `f32`, as TFLite dequantizes). Exact at the boundary: a code whose
/// dequantized value equals `t` passes.
///
/// ```
/// use logitkit::quant::CodeThreshold;
///
/// // int8 softmax output (p = (q + 128) / 256): "p ≥ 0.8" is "q ≥ 77" (77 → 0.80078).
/// let th = CodeThreshold::softmax_i8(0.8)?;
/// assert_eq!(th.min_code(), 77);
/// assert!(th.passes(77i8) && !th.passes(76i8));
/// // exactly representable: p = 0.75 is q = 64, and it passes
/// assert!(CodeThreshold::softmax_i8(0.75)?.passes(64i8));
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CodeThreshold {
    min_code: i32,
}

impl CodeThreshold {
    /// The smallest code of type `T` whose dequantized value is `≥ t`
    /// (`T::MAX_CODE + 1` if none: nothing passes).
    ///
    /// # Errors
    /// `InvalidParameter` if `t` is NaN, `scale` is not finite and `> 0`,
    /// or `zero_point` is outside `T`'s range.
    ///
    /// ```
    /// use logitkit::quant::CodeThreshold;
    ///
    /// // logits with scale 0.05, zero point 3: "x ≥ 1.0" is "q ≥ 23"
    /// let th = CodeThreshold::new::<i8>(1.0, 0.05, 3)?;
    /// assert_eq!(th.min_code(), 23);
    /// assert!(!CodeThreshold::new::<i8>(100.0, 0.05, 3)?.passes(127i8)); // never
    /// assert!(CodeThreshold::new::<i8>(f32::NEG_INFINITY, 0.05, 3)?.passes(-128i8)); // always
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn new<T: Code>(t: f32, scale: f32, zero_point: i32) -> Result<Self, Error> {
        if t.is_nan() || !is_positive_finite(scale) || !(T::MIN_CODE..=T::MAX_CODE).contains(&zero_point) {
            return Err(Error::InvalidParameter);
        }
        let deq = |q: i32| dequantize_code(q, scale, zero_point);
        // Binary search over [MIN, MAX + 1] for the first code passing:
        // dequantize is non-decreasing in q.
        let (mut lo, mut hi) = (T::MIN_CODE, T::MAX_CODE + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if deq(mid) >= t {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(CodeThreshold { min_code: lo })
    }

    /// A probability threshold `p ≥ t` on an int8 softmax / logistic output
    /// (scale 1/256, zero point −128).
    ///
    /// # Errors
    /// `InvalidParameter` unless `0 ≤ t ≤ 1`.
    ///
    /// ```
    /// use logitkit::quant::CodeThreshold;
    /// assert_eq!(CodeThreshold::softmax_i8(0.0)?.min_code(), -128); // always
    /// assert_eq!(CodeThreshold::softmax_i8(1.0)?.min_code(), 128);  // never: 127 is 255/256
    /// assert!(CodeThreshold::softmax_i8(1.5).is_err());
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax_i8(t: f32) -> Result<Self, Error> {
        Self::probability::<i8>(t, 1.0 / 256.0, -128)
    }

    /// A probability threshold on an int8 → int16 softmax output (scale
    /// 1/65 536, zero point −32 768).
    ///
    /// # Errors
    /// `InvalidParameter` unless `0 ≤ t ≤ 1`.
    ///
    /// ```
    /// let th = logitkit::quant::CodeThreshold::softmax_i8_to_i16(0.5)?;
    /// assert_eq!(th.min_code(), 0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax_i8_to_i16(t: f32) -> Result<Self, Error> {
        Self::probability::<i16>(t, 1.0 / 65536.0, -32768)
    }

    /// A probability threshold on an int16 softmax or logistic output
    /// (scale 1/32 768 = 2^-15, zero point 0).
    ///
    /// # Errors
    /// `InvalidParameter` unless `0 ≤ t ≤ 1`.
    ///
    /// ```
    /// let th = logitkit::quant::CodeThreshold::softmax_i16(0.8)?;
    /// assert_eq!(th.min_code(), 26215); // 26214/32768 = 0.79998
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn softmax_i16(t: f32) -> Result<Self, Error> {
        Self::probability::<i16>(t, 1.0 / 32768.0, 0)
    }

    fn probability<T: Code>(t: f32, scale: f32, zero_point: i32) -> Result<Self, Error> {
        if !(0.0..=1.0).contains(&t) {
            return Err(Error::InvalidParameter);
        }
        Self::new::<T>(t, scale, zero_point)
    }

    /// The smallest passing code (may be `MAX_CODE + 1`: nothing passes).
    ///
    /// ```
    /// let t = logitkit::quant::CodeThreshold::softmax_i8(0.8)?;
    /// assert_eq!(t.min_code(), 77); // (77 + 128) / 256 = 0.80078
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn min_code(&self) -> i32 {
        self.min_code
    }

    /// `true` iff `q`'s dequantized value is `≥` the threshold: one integer
    /// compare.
    ///
    /// ```
    /// let t = logitkit::quant::CodeThreshold::softmax_i8(0.8)?;
    /// assert!(t.passes(77i8) && !t.passes(76i8));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    #[inline]
    pub fn passes<T: Code>(&self, q: T) -> bool {
        q.to_i32() >= self.min_code
    }

    /// The argmax of `x` if its code passes, else `None` (abstain): "predict
    /// only when confident".
    ///
    /// # Errors
    /// `Empty` for an empty slice.
    ///
    /// ```
    /// use logitkit::quant::CodeThreshold;
    ///
    /// let th = CodeThreshold::softmax_i8(0.8)?;
    /// assert_eq!(th.argmax_at_least(&[-120i8, 90, -100])?, Some(1));
    /// assert_eq!(th.argmax_at_least(&[-20i8, 10, -100])?, None);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn argmax_at_least<T: Code>(&self, x: &[T]) -> Result<Option<usize>, Error> {
        let i = argmax(x)?;
        Ok(x.get(i).filter(|&&v| self.passes(v)).map(|_| i))
    }

    /// Multi-label: `out[i] = passes(x[i])`; returns the number of `true`.
    ///
    /// # Errors
    /// `LengthMismatch { expected: x.len(), actual: out.len() }`; `out`
    /// untouched on error.
    ///
    /// ```
    /// use logitkit::quant::CodeThreshold;
    ///
    /// let th = CodeThreshold::softmax_i16(0.5)?; // sigmoid outputs, int16
    /// let mut present = [false; 3];
    /// assert_eq!(th.mask(&[16384i16, 16383, 30000], &mut present)?, 2);
    /// assert_eq!(present, [true, false, true]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask<T: Code>(&self, x: &[T], out: &mut [bool]) -> Result<usize, Error> {
        check_len(x.len(), out.len())?;
        let mut count = 0;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = self.passes(v);
            count += *o as usize;
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_exact_at_every_code() {
        for &t in &[0.0f32, 0.1, 0.25, 0.5, 0.8, 0.8000001, 0.99, 1.0, 0.00390625, 0.99609375] {
            let th = CodeThreshold::softmax_i8(t).unwrap();
            for q in -128..=127i32 {
                let p = dequantize_code(q, 1.0 / 256.0, -128);
                assert_eq!(th.passes(q as i8), p >= t, "t {t} q {q}");
            }
        }
        assert_eq!(CodeThreshold::new::<i8>(f32::NAN, 1.0, 0), Err(Error::InvalidParameter));
        assert_eq!(CodeThreshold::new::<i8>(0.5, 1.0, 128), Err(Error::InvalidParameter));
        assert_eq!(CodeThreshold::new::<i16>(0.5, 0.0, 0), Err(Error::InvalidParameter));
    }

    #[test]
    fn top_k_ties_and_errors() {
        let mut idx = [7usize; 2];
        assert_eq!(top_k_into::<i8>(&[], &mut idx), Err(Error::Empty));
        assert_eq!(idx, [7; 2]);
        assert_eq!(top_k_into(&[4i8, 4, 4], &mut idx), Ok(2));
        assert_eq!(idx, [0, 1]);
        assert_eq!(top_k_into(&[1i8], &mut []), Ok(0));
    }
}
