//! `logsumexp(x) = ln Σ e^(x_i)`, over a slice or as a one-pass streaming
//! accumulator ([`LogSumExp`]).
//!
//! # Numerics
//! With `m = max x_i` at index `k`,
//!
//! ```text
//! logsumexp(x) = m + ln_1p(S'),   S' = Σ_{i ≠ k} e^(x_i - m)  in [0, n - 1]
//! ```
//!
//! (Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and
//! softmax functions", IMA J. Numer. Anal. 41, 2021: shifting by the max and
//! using `ln_1p` for the remaining sum is the accurate form). On top of that:
//! `x_i - m` is computed exactly as `hi + lo` and the exp kernel takes both
//! parts, and `S'` is a compensated (Kahan) sum, so `S'` is accurate to about
//! 1 ULP for any `n` and `ln_1p(S')` to under 2.
//!
//! The one ill-conditioned case is inherent to the function, not to the
//! method: when every logit is negative, `m + ln_1p(S')` can cancel
//! (`logsumexp([-0.7, -0.7]) = -0.0069`), and the result is then accurate
//! to 2 ULP of `ln_1p(S')` rather than of itself. The bound below states it.

use crate::compensated::{diff_hi_lo, two_sum, KahanSum};
use crate::error::Error;
use crate::float::Float;

/// `e^(x - m)`, with `x - m` carried exactly into the exp kernel.
/// `x = -inf` (or a difference that overflows to `-inf`) gives 0.
#[inline(always)]
pub(crate) fn shifted_exp<T: Float>(x: T, m: T) -> T {
    let (hi, lo) = two_sum(x, -m);
    T::exp_hi_lo(hi, lo)
}

/// `2^64 e^(x - m)`, `x - m` exact: a term whose `e^(x - m)` would be
/// subnormal (and so rounded to a coarse grid, or flushed), computed where
/// it keeps full precision. `2^-64` times a sum of such terms rounds once.
#[inline(always)]
pub(crate) fn shifted_exp_x2p64<T: Float>(x: T, m: T) -> T {
    let (hi, lo) = diff_hi_lo(x, m);
    let (c_hi, c_lo) = T::LN2_X64;
    let (h, l) = two_sum(hi, c_hi); // l is NaN only where h = -inf: then ignored
    T::exp_hi_lo(h, l + (lo + c_lo))
}

/// `2^-64`, exact in f32 and f64.
#[inline(always)]
pub(crate) fn two_pow_m64<T: Float>() -> T {
    T::lit(5.421_010_862_427_522e-20)
}

/// `s · e^(a - b)` for `a <= b`, for every part of `s`, keeping the product
/// when it is representable although `e^(a - b)` alone is not (gaps beyond
/// 87 nats in f32): past 60 nats the factor is applied in two halves, so the
/// product rounds once.
#[inline]
fn scale_by_exp_diff<T: Float>(parts: &mut [&mut KahanSum<T>], a: T, b: T) {
    let (hi, lo) = diff_hi_lo(a, b);
    if hi >= T::lit(-60.0) {
        let f = T::exp_hi_lo(hi, lo);
        for p in parts.iter_mut() {
            p.scale(f);
        }
    } else {
        let half = T::exp_hi_lo(hi * T::lit(0.5), lo * T::lit(0.5));
        for p in parts.iter_mut() {
            p.scale(half);
            p.scale(half);
        }
    }
}

/// `Σ_{i ≠ skip} e^(x_i - m)`, compensated.
#[inline]
pub(crate) fn sum_shifted_exp_except<T: Float>(x: &[T], m: T, skip: usize) -> T {
    let mut s = KahanSum::new();
    for (i, &v) in x.iter().enumerate() {
        if i != skip {
            s.add(shifted_exp(v, m));
        }
    }
    s.value()
}

/// `ln Σ e^(x_i)`, computed without overflow or underflow for any input.
///
/// **Error** (measured on the reference data, f32 and f64; README table):
/// ≤ 2 ULP of the result `y`. When every logit is negative and the result is
/// much closer to 0 than the largest logit `m` (cancellation in `m + L`,
/// `L = y - m = ln Σ e^(x_i - m)` in `[0, ln n]`), the error is ≤ 2 ULP of
/// `L` instead: `|error| ≤ 2 ulp(max(|y|, L))`.
///
/// **Special values**: any `+inf` → `+inf`; all `-inf` → `-inf`
/// (`ln 0`, not an error); `-inf` elements otherwise contribute nothing;
/// logits up to `±MAX` never overflow (`logsumexp([MAX, MAX]) = MAX + ln 2`
/// rounds to `MAX`).
///
/// # Errors
/// * `Empty` if `x` is empty;
/// * `Nan { index }` for the first NaN in `x`.
///
/// ```
/// use logitkit::logsumexp;
///
/// let y = logsumexp(&[1000.0f32, 1000.0])?; // e^1000 overflows; this does not
/// assert!((y - (1000.0 + core::f32::consts::LN_2)).abs() < 1e-4);
/// assert_eq!(logsumexp(&[f64::NEG_INFINITY; 2])?, f64::NEG_INFINITY);
/// assert_eq!(logsumexp::<f32>(&[]), Err(logitkit::Error::Empty));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn logsumexp<T: Float>(x: &[T]) -> Result<T, Error> {
    let m = crate::dispatch::max_value(x)?;
    if m.is_infinite() {
        return Ok(m);
    }
    Ok(T::k_logsumexp(x, m))
}

/// Rescale the running sum when the running max moves this far above its
/// reference point (in nats). Terms of the sum are at most `e^64`, so `n`
/// terms stay finite for `n` below `e^(88.7 - 64) ≈ 5e10` in f32; the
/// `2^64`-scaled tiny terms are below `e^(-87 + 44.4)`.
const RESCALE_GAP: f64 = 64.0;

/// One-pass, mergeable log-sum-exp: fold logits in as they are produced
/// (the last layer of a network, a stream, a sensor), or give each core a
/// part and [`merge`](LogSumExp::merge) the partial results.
///
/// The value is the one [`logsumexp`] returns for the same elements, to its
/// error bound (≤ 2 ULP, with the same cancellation caveat), in any order
/// and any merge tree. The state is a few floats and two counters; no
/// allocation, no panic.
///
/// # How
/// The accumulator keeps the running max `m` with the index of its first
/// occurrence, a reference point `r ≤ m`, and the compensated sum
/// `S_r = Σ_{i ≠ argmax} e^(x_i - r)`. A new max moves the old max's term
/// (`e^(m_old - r)`) into the sum; `r` only moves (rescaling the sum by
/// `e^(r_old - r_new)`, one rounding) when `m` runs more than 64 nats
/// above it, so an increasing stream is not rescaled at
/// every element as in the usual online algorithm. The value is
/// `m + ln_1p(S_r · e^(r - m))`.
///
/// # Special values
/// As [`logsumexp`]: a NaN makes [`value`](LogSumExp::value) return
/// `Err(Nan { index })` with the index of the first NaN in push order
/// (merged streams count `self`'s elements first); `+inf` gives `+inf`; only
/// `-inf` gives `-inf`; nothing pushed gives `Err(Empty)`.
///
/// ```
/// use logitkit::{logsumexp, LogSumExp};
///
/// let x = [0.5f32, -1.0, 3.0, 2.5];
/// let mut acc = LogSumExp::new();
/// for &v in &x {
///     acc.push(v);
/// }
/// let mut left: LogSumExp<f32> = x[..2].iter().collect();
/// let right: LogSumExp<f32> = x[2..].iter().collect();
/// left.merge(&right);
/// let want = logsumexp(&x)?;
/// assert!((acc.value()? - want).abs() <= 2.0 * f32::EPSILON * want);
/// assert!((left.value()? - want).abs() <= 2.0 * f32::EPSILON * want);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LogSumExp<T> {
    /// Running max (`-inf` until a larger element arrives).
    max: T,
    /// Reference point of `sum` (meaningful once `max` is finite).
    reference: T,
    /// `Σ e^(x_i - reference)` over the elements but the max whose term is
    /// a normal number.
    sum: KahanSum<T>,
    /// `Σ 2^64 e^(x_i - reference)` over the others (terms that would be
    /// subnormal: they keep their precision here).
    tiny: KahanSum<T>,
    /// Elements pushed (NaN included).
    count: usize,
    /// Push index of the first NaN.
    nan_index: Option<usize>,
}

impl<T: Float> Default for LogSumExp<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> LogSumExp<T> {
    /// An empty accumulator (its [`value`](Self::value) is `Err(Empty)`).
    ///
    /// ```
    /// let acc = logitkit::LogSumExp::<f64>::new();
    /// assert_eq!(acc.value(), Err(logitkit::Error::Empty));
    /// ```
    pub fn new() -> Self {
        LogSumExp {
            max: T::neg_infinity(),
            reference: T::neg_infinity(),
            sum: KahanSum::new(),
            tiny: KahanSum::new(),
            count: 0,
            nan_index: None,
        }
    }

    /// Number of elements pushed so far (NaN and `-inf` included).
    ///
    /// ```
    /// let mut acc = logitkit::LogSumExp::new();
    /// acc.push(1.0f32);
    /// acc.push(f32::NAN);
    /// assert_eq!(acc.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` if nothing was pushed.
    ///
    /// ```
    /// assert!(logitkit::LogSumExp::<f32>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Fold one logit in. O(1), one `exp` (two when `x` is a new max).
    ///
    /// ```
    /// let mut acc = logitkit::LogSumExp::new();
    /// acc.push(0.0f64);
    /// acc.push(0.0);
    /// assert!((acc.value()? - core::f64::consts::LN_2).abs() < 1e-16);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn push(&mut self, x: T) {
        let index = self.count;
        self.count = self.count.saturating_add(1);
        if self.nan_index.is_some() || self.max == T::infinity() {
            // The value is decided (Err(Nan) or +inf); only the count moves,
            // except that a first NaN after +inf must still be recorded.
            if x.is_nan() && self.nan_index.is_none() {
                self.nan_index = Some(index);
            }
            return;
        }
        if x > self.max {
            if x == T::infinity() {
                self.max = x;
                return;
            }
            let old = self.max;
            if old > T::neg_infinity() {
                // The old max becomes an ordinary term (>= 1 in this frame).
                self.sum.add(shifted_exp(old, self.reference));
            } else {
                self.reference = x;
            }
            self.max = x;
            if x - self.reference > T::lit(RESCALE_GAP) {
                // Move to the frame of x in two stages, via the old max, so
                // that a jump of any size keeps the terms it does not flush.
                let r = self.reference;
                let (sum, tiny) = (&mut self.sum, &mut self.tiny);
                scale_by_exp_diff(&mut [&mut *sum, &mut *tiny], r, old);
                scale_by_exp_diff(&mut [sum, tiny], old, x);
                self.reference = x;
            }
        } else if x.is_nan() {
            self.nan_index = Some(index);
        } else if x > T::neg_infinity() {
            self.add_term(x);
        }
    }

    /// Adds `e^(x - reference)` to `sum`, or to `tiny` where it would be
    /// subnormal.
    fn add_term(&mut self, x: T) {
        if x - self.reference < T::EXP_SUBNORMAL_ARG {
            self.tiny.add(shifted_exp_x2p64(x, self.reference));
        } else {
            self.sum.add(shifted_exp(x, self.reference));
        }
    }

    /// Fold another accumulator in, as if its elements had been pushed after
    /// this one's (this matters only for the index of a NaN).
    ///
    /// ```
    /// use logitkit::LogSumExp;
    ///
    /// let mut a: LogSumExp<f32> = [1.0f32, 2.0].iter().collect();
    /// let b: LogSumExp<f32> = [3.0f32, f32::NAN].iter().collect();
    /// a.merge(&b);
    /// assert_eq!(a.value(), Err(logitkit::Error::Nan { index: 3 }));
    /// ```
    pub fn merge(&mut self, other: &Self) {
        if self.nan_index.is_none() {
            if let Some(i) = other.nan_index {
                self.nan_index = Some(self.count.saturating_add(i));
            }
        }
        self.count = self.count.saturating_add(other.count);
        if other.max == T::neg_infinity() || other.max.is_nan() {
            return; // nothing finite to add
        }
        if self.max == T::neg_infinity() {
            self.max = other.max;
            self.reference = other.reference;
            self.sum = other.sum;
            self.tiny = other.tiny;
            return;
        }
        if self.max == T::infinity() || other.max == T::infinity() {
            self.max = T::infinity();
            return;
        }
        // Both finite: bring both to the frame of the larger max (the lower
        // one via its own max, as in `push`), then add the lower max's term.
        let (mut hi, mut lo) = if other.max > self.max { (*other, *self) } else { (*self, *other) };
        let m = hi.max;
        scale_by_exp_diff(&mut [&mut hi.sum, &mut hi.tiny], hi.reference, m);
        scale_by_exp_diff(&mut [&mut lo.sum, &mut lo.tiny], lo.reference, lo.max);
        scale_by_exp_diff(&mut [&mut lo.sum, &mut lo.tiny], lo.max, m);
        hi.sum.add_sum(&lo.sum);
        hi.tiny.add_sum(&lo.tiny);
        hi.reference = m;
        hi.add_term(lo.max);
        self.max = m;
        self.reference = m;
        self.sum = hi.sum;
        self.tiny = hi.tiny;
    }

    /// `ln Σ e^(x_i)` over everything pushed or merged so far; error ≤ 2 ULP
    /// as for [`logsumexp`].
    ///
    /// # Errors
    /// `Empty` if nothing was pushed; `Nan { index }` (first NaN, push order).
    ///
    /// ```
    /// let acc: logitkit::LogSumExp<f32> = [f32::NEG_INFINITY].iter().collect();
    /// assert_eq!(acc.value(), Ok(f32::NEG_INFINITY));
    /// ```
    pub fn value(&self) -> Result<T, Error> {
        if let Some(index) = self.nan_index {
            return Err(Error::Nan { index });
        }
        if self.count == 0 {
            return Err(Error::Empty);
        }
        let m = self.max;
        if m.is_infinite() {
            return Ok(m);
        }
        let s = self.sum.value() + self.tiny.value() * two_pow_m64();
        Ok(m + Float::ln_1p(s * shifted_exp(self.reference, m)))
    }
}

impl<T: Float> Extend<T> for LogSumExp<T> {
    /// Push every element of the iterator, in order.
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

impl<'a, T: Float> Extend<&'a T> for LogSumExp<T> {
    /// Push every element of the iterator, in order.
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        for &x in iter {
            self.push(x);
        }
    }
}

impl<T: Float> FromIterator<T> for LogSumExp<T> {
    /// An accumulator holding every element of the iterator.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut acc = Self::new();
        acc.extend(iter);
        acc
    }
}

impl<'a, T: Float> FromIterator<&'a T> for LogSumExp<T> {
    /// An accumulator holding every element of the iterator.
    fn from_iter<I: IntoIterator<Item = &'a T>>(iter: I) -> Self {
        let mut acc = Self::new();
        acc.extend(iter);
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_specials() {
        assert_eq!(logsumexp::<f32>(&[]), Err(Error::Empty));
        assert_eq!(logsumexp(&[0.0f32, f32::NAN]), Err(Error::Nan { index: 1 }));
        assert_eq!(logsumexp(&[f32::NEG_INFINITY, f32::INFINITY]), Ok(f32::INFINITY));
        assert_eq!(logsumexp(&[f64::NEG_INFINITY]), Ok(f64::NEG_INFINITY));
        assert_eq!(logsumexp(&[f32::MAX, f32::MAX]), Ok(f32::MAX));
        assert_eq!(logsumexp(&[-f32::MAX, f32::MAX]), Ok(f32::MAX));
        assert_eq!(logsumexp(&[2.5f32]), Ok(2.5));
        assert_eq!(logsumexp(&[f32::NEG_INFINITY, 2.5]), Ok(2.5));
        let y = logsumexp(&[0.0f64; 4]).unwrap();
        assert!((y - 4f64.ln()).abs() <= 4f64.ln() * f64::EPSILON);
    }

    #[test]
    fn stream_matches_slice_in_any_order_and_split() {
        let x: [f32; 9] = [3.0, -2.0, 100.0, 99.5, -1e4, 250.0, 249.0, f32::NEG_INFINITY, 0.0];
        let want = logsumexp(&x).unwrap();
        let close = |v: f32| (v - want).abs() <= 2.0 * f32::EPSILON * want.abs();
        let fwd: LogSumExp<f32> = x.iter().collect();
        assert!(close(fwd.value().unwrap()));
        let rev: LogSumExp<f32> = x.iter().rev().collect();
        assert!(close(rev.value().unwrap()));
        for split in 0..=x.len() {
            let mut a: LogSumExp<f32> = x[..split].iter().collect();
            let b: LogSumExp<f32> = x[split..].iter().collect();
            a.merge(&b);
            assert!(close(a.value().unwrap()), "split {split}");
            assert_eq!(a.len(), x.len());
        }
    }

    #[test]
    fn stream_specials() {
        let mut a = LogSumExp::<f32>::new();
        assert_eq!(a.value(), Err(Error::Empty));
        a.push(f32::NEG_INFINITY);
        assert_eq!(a.value(), Ok(f32::NEG_INFINITY));
        a.push(f32::INFINITY);
        a.push(1.0);
        assert_eq!(a.value(), Ok(f32::INFINITY));
        a.push(f32::NAN);
        assert_eq!(a.value(), Err(Error::Nan { index: 3 }));
        let mut e = LogSumExp::<f32>::new();
        e.merge(&a);
        assert_eq!(e.value(), Err(Error::Nan { index: 3 }));
        let mut b: LogSumExp<f32> = [1.0f32].iter().collect();
        b.merge(&LogSumExp::new());
        assert_eq!(b.value(), Ok(1.0));
    }

    #[test]
    fn increasing_stream_keeps_precision() {
        // 0, 0.25, ..., 1000: the max climbs by 250 nats in f32 steps.
        let x: [f32; 4001] = core::array::from_fn(|i| i as f32 * 0.25);
        let want = logsumexp(&x).unwrap();
        let acc: LogSumExp<f32> = x.iter().collect();
        assert!((acc.value().unwrap() - want).abs() <= 2.0 * f32::EPSILON * want);
    }
}
