//! Multi-label decisions in logit space: [`LogitThreshold`] (one threshold
//! for every class, any number of classes) and [`LogitThresholds`] (one per
//! class, `N` classes), prepared once from probabilities, then one compare
//! per class and no `exp` per inference.
//!
//! Outputs: a caller's slice (`bool`, `u8`, `f32`, ... anything
//! `From<bool>`), a bit mask (`u32`, `u64`, `u128`: bit `i` is class `i`),
//! or just the count.
//!
//! The rule (exact in f32, see [`cut`](super::cut)): class `i` is present iff
//! the correctly rounded `sigmoid(x_i)` is `≥ t_i`. Each threshold is stored
//! as its *cut* `c_i`, the smallest logit that passes, and the decision is
//! `x_i ≥ c_i`.

use crate::error::{check_len, Error};
use crate::float::Float;
use crate::lanes::HOST_SIMD;

use super::cut::cut_for_probability;

/// Checks the logit cuts a user gives directly: anything but NaN.
#[inline]
fn check_cut<T: Float>(c: T) -> Result<T, Error> {
    if c.is_nan() {
        Err(Error::InvalidParameter)
    } else {
        Ok(c)
    }
}

/// `x ≥ c` for a non-NaN `c`; `Err(Nan { index })` for a NaN `x` (scalar form).
#[inline(always)]
fn passes<T: Float>(x: T, c: T, index: usize) -> Result<bool, Error> {
    if x >= c {
        Ok(true)
    } else if x < c {
        Ok(false)
    } else {
        Err(Error::Nan { index })
    }
}

/// Number of `i` with `x_i ≥ cut(i)`; `Err(Nan { index })` at the first NaN.
///
/// The loop counts `x_i ≥ c_i` and `x_i < c_i` (two conditional adds after
/// one compare, no branch); a NaN is neither, so the counts fall short of
/// `n` and a second, rare loop finds the first NaN.
#[inline(always)]
fn count_with<T: Float>(x: &[T], cut: impl Fn(usize) -> T) -> Result<usize, Error> {
    let (mut ge, mut lt) = (0usize, 0usize);
    for (i, &v) in x.iter().enumerate() {
        let c = cut(i);
        ge = ge.wrapping_add(usize::from(v >= c));
        lt = lt.wrapping_add(usize::from(v < c));
    }
    if ge.wrapping_add(lt) != x.len() {
        if let Some(index) = x.iter().position(|v| v.is_nan()) {
            return Err(Error::Nan { index });
        }
    }
    Ok(ge)
}

/// Index of the first NaN in `x`, if any. The common case (none) is one
/// pass without early exit inside a block: on hosts, blocks of 16 that
/// vectorize; on microcontrollers, blocks of 4 with one compare and branch
/// per pair (`a.is_nan() || b.is_nan()` is a single unordered compare of
/// `a` with `b`). The position is only searched when a NaN was seen.
#[inline(always)]
fn first_nan<T: Float>(x: &[T]) -> Option<usize> {
    let seen = if HOST_SIMD { any_nan_blocks(x) } else { any_nan_pairs(x) };
    if seen {
        x.iter().position(|v| v.is_nan())
    } else {
        None
    }
}

/// Hosts: blocks of 16 without early exit inside a block (vectorizes).
#[inline(always)]
fn any_nan_blocks<T: Float>(x: &[T]) -> bool {
    let chunks = x.chunks_exact(16);
    let tail = chunks.remainder();
    chunks.into_iter().any(|c| c.iter().fold(false, |a, v| a | v.is_nan())) || tail.iter().any(|v| v.is_nan())
}

/// Microcontrollers: four elements per iteration, one unordered compare and
/// branch per pair.
#[inline(always)]
fn any_nan_pairs<T: Float>(x: &[T]) -> bool {
    let (quads, tail) = x.as_chunks::<4>();
    for &[a, b, c, d] in quads {
        if a.is_nan() || b.is_nan() || c.is_nan() || d.is_nan() {
            return true;
        }
    }
    tail.iter().any(|v| v.is_nan())
}

/// Validates (NaN scan), then writes `out[i] = x_i ≥ cut(i)` and counts.
#[inline(always)]
fn decide_with<T: Float, O: From<bool>>(
    x: &[T],
    out: &mut [O],
    cut: impl Fn(usize) -> T,
) -> Result<usize, Error> {
    check_len(x.len(), out.len())?;
    if let Some(index) = first_nan(x) {
        return Err(Error::Nan { index });
    }
    let mut n = 0usize;
    for (i, (o, &v)) in out.iter_mut().zip(x).enumerate() {
        let pass = v >= cut(i);
        n = n.wrapping_add(usize::from(pass));
        *o = O::from(pass);
    }
    Ok(n)
}

macro_rules! mask_with {
    ($name:ident, $t:ty) => {
        /// Bit `i` set iff `x_i ≥ cut(i)`; `x` at most as long as the mask.
        /// One pass, 32 classes per word (the word loop vectorizes on
        /// hosts); NaN detected as in [`count_with`].
        #[inline(always)]
        fn $name<T: Float>(x: &[T], cut: impl Fn(usize) -> T) -> Result<$t, Error> {
            const BITS: usize = <$t>::BITS as usize;
            if x.len() > BITS {
                return Err(Error::LengthMismatch { expected: BITS, actual: x.len() });
            }
            let mut mask: $t = 0;
            let mut lt = 0usize;
            for (w, chunk) in x.chunks(32).enumerate() {
                let base = w * 32; // < BITS
                let mut word = 0u32;
                for (j, &v) in chunk.iter().enumerate() {
                    let c = cut(base + j);
                    word |= u32::from(v >= c) << j; // j < 32
                    lt = lt.wrapping_add(usize::from(v < c));
                }
                mask |= <$t>::from(word).wrapping_shl(base as u32);
            }
            if (mask.count_ones() as usize).wrapping_add(lt) != x.len() {
                if let Some(index) = x.iter().position(|v| v.is_nan()) {
                    return Err(Error::Nan { index });
                }
            }
            Ok(mask)
        }
    };
}
mask_with!(mask_u32_with, u32);
mask_with!(mask_u64_with, u64);
mask_with!(mask_u128_with, u128);

/// One probability threshold shared by every class, prepared once as a
/// logit cut: `sigmoid(x) ≥ t` is decided as `x ≥ cut`, one compare, no exp.
///
/// **Rule** (see [`cut`](super::cut) for the proof sketch and the
/// exhaustive test): a logit passes iff its **correctly rounded** sigmoid
/// is `≥ t`; `≥`, so a probability of exactly `t` passes. Exact in f32 for
/// every `x` and `t`; in f64 it can differ from the correctly rounded
/// decision only when the exact `σ(x)` is within 2 ULP of `t`.
///
/// * `t = 0`: every logit passes, `-inf` included (cut `-inf`).
/// * `t = 1`: the logits whose sigmoid **rounds** to 1: `x ≥ 17.32868` in
///   f32 (`σ(x) > 1 - 2^-25`), `x ≥ 37.42995` in f64. For "only `+inf`", use [`from_logit`](Self::from_logit)`(+inf)`.
/// * The cut is not `logit(t)`: both `logit(t)` and `sigmoid(x)` are
///   rounded, and the cut is the smallest logit that passes on the float
///   grid. `t = 0.8f32`: cut `1.3862944`, `logit(0.8f32) = 1.3862945`; for
///   761 of the 999 f32 thresholds `t = i/1000`, `logit(t)` is off the cut
///   by at least one float.
///
/// **Cost**: preparing is a bisection on the float grid, 32 (f32) or 64
/// (f64) sigmoid evaluations, a few of them in f64 for f32 (soft float on a
/// Cortex-M4F: prepare once at start-up, or on the host and use
/// [`from_logit`](Self::from_logit) with the printed [`cut`](Self::cut)).
/// Deciding is one compare per class.
///
/// **NaN**: a NaN logit is an error (`Err(Nan { index })`), never a silent
/// "absent".
///
/// ```
/// use logitkit::{sigmoid, LogitThreshold};
///
/// let t = LogitThreshold::from_probability(0.8f32)?;
/// let logits = [2.0f32, 1.0, -3.0, 1.5];
/// let mut present = [false; 4];
/// assert_eq!(t.decide_into(&logits, &mut present)?, 2);
/// assert_eq!(present, [true, false, false, true]);
/// assert_eq!(t.mask_u32(&logits)?, 0b1001);
/// assert_eq!(t.count(&logits)?, 2);
/// for &x in &logits {
///     assert_eq!(t.decide(x)?, sigmoid(x) >= 0.8); // same as on probabilities
/// }
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LogitThreshold<T> {
    cut: T,
}

impl<T: Float> LogitThreshold<T> {
    /// Prepares the probability threshold `t`: see the type's docs for the
    /// rule and the cost.
    ///
    /// # Errors
    /// `InvalidParameter` if `t` is NaN or outside `[0, 1]`.
    ///
    /// ```
    /// use logitkit::{Error, LogitThreshold};
    ///
    /// let t = LogitThreshold::from_probability(0.5f32)?;
    /// assert!(t.decide(0.0)?);
    /// assert_eq!(LogitThreshold::from_probability(1.5f32), Err(Error::InvalidParameter));
    /// assert_eq!(LogitThreshold::from_probability(f64::NAN), Err(Error::InvalidParameter));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_probability(t: T) -> Result<Self, Error> {
        Ok(LogitThreshold { cut: cut_for_probability(t)? })
    }

    /// A threshold given directly as a logit cut: `x` passes iff `x ≥ c`.
    /// `-inf` passes everything, `+inf` only `+inf`.
    ///
    /// For a strict `x > c`, pass the next float up (`c.next_up()`).
    ///
    /// # Errors
    /// `InvalidParameter` if `c` is NaN.
    ///
    /// ```
    /// use logitkit::LogitThreshold;
    ///
    /// // A cut prepared on the host: LogitThreshold::from_probability(0.8f32)?.cut()
    /// let t = LogitThreshold::from_logit(1.386_294_4f32)?;
    /// assert_eq!(t, LogitThreshold::from_probability(0.8)?);
    /// let only_inf = LogitThreshold::from_logit(f32::INFINITY)?;
    /// assert!(!only_inf.decide(1e38)? && only_inf.decide(f32::INFINITY)?);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn from_logit(c: T) -> Result<Self, Error> {
        Ok(LogitThreshold { cut: check_cut(c)? })
    }

    /// The cut: the smallest logit that passes.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.0f64)?;
    /// assert_eq!(t.cut(), f64::NEG_INFINITY);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn cut(&self) -> T {
        self.cut
    }

    /// Does the logit `x` pass? (`x ≥ cut`.)
    ///
    /// # Errors
    /// `Nan { index: 0 }` if `x` is NaN.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.9f32)?;
    /// assert!(t.decide(2.2)? && !t.decide(2.1)?); // logit(0.9) = 2.197
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    #[inline]
    pub fn decide(&self, x: T) -> Result<bool, Error> {
        passes(x, self.cut, 0)
    }

    /// `out[i] = x[i] passes` for every class (`out` of `bool`, `u8`, ...
    /// any `From<bool>`); returns how many passed.
    ///
    /// Two passes: the first counts and checks for NaN, the second writes,
    /// so `out` is untouched on error.
    ///
    /// # Errors
    /// In the order checked; `out` untouched on error:
    /// * `LengthMismatch { expected: x.len(), actual: out.len() }`;
    /// * `Nan { index }` for the first NaN in `x`.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.5f32)?;
    /// let mut out = [7u8; 3];
    /// assert_eq!(t.decide_into(&[0.1, -0.1, 3.0], &mut out)?, 2);
    /// assert_eq!(out, [1, 0, 1]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn decide_into<O: From<bool>>(&self, x: &[T], out: &mut [O]) -> Result<usize, Error> {
        let c = self.cut;
        decide_with(x, out, |_| c)
    }

    /// How many classes pass. One pass.
    ///
    /// # Errors
    /// `Nan { index }` for the first NaN in `x`.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.5f64)?;
    /// assert_eq!(t.count(&[1.0, 2.0, -1.0])?, 2);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn count(&self, x: &[T]) -> Result<usize, Error> {
        let c = self.cut;
        count_with(x, |_| c)
    }

    /// Bit `i` set iff class `i` passes, for up to 32 classes. One pass.
    ///
    /// # Errors
    /// * `LengthMismatch { expected: 32, actual: x.len() }` if `x` has more
    ///   than 32 elements;
    /// * `Nan { index }` for the first NaN.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.5f32)?;
    /// assert_eq!(t.mask_u32(&[1.0, -1.0, 1.0])?, 0b101);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u32(&self, x: &[T]) -> Result<u32, Error> {
        let c = self.cut;
        mask_u32_with(x, |_| c)
    }

    /// As [`mask_u32`](Self::mask_u32), for up to 64 classes.
    ///
    /// # Errors
    /// `LengthMismatch { expected: 64, actual }` if `x` is longer; `Nan { index }`.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.5f32)?;
    /// assert_eq!(t.mask_u64(&[1.0; 40])?, (1 << 40) - 1);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u64(&self, x: &[T]) -> Result<u64, Error> {
        let c = self.cut;
        mask_u64_with(x, |_| c)
    }

    /// As [`mask_u32`](Self::mask_u32), for up to 128 classes.
    ///
    /// # Errors
    /// `LengthMismatch { expected: 128, actual }` if `x` is longer; `Nan { index }`.
    ///
    /// ```
    /// let t = logitkit::LogitThreshold::from_probability(0.5f32)?;
    /// assert_eq!(t.mask_u128(&[-1.0; 128])?, 0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u128(&self, x: &[T]) -> Result<u128, Error> {
        let c = self.cut;
        mask_u128_with(x, |_| c)
    }
}

/// `N` per-class probability thresholds, prepared once as logit cuts: class
/// `i` is present iff `x_i ≥ cut_i` ⇔ the correctly rounded `sigmoid(x_i)`
/// is `≥ t_i` (same rule, exactness and cost per class as
/// [`LogitThreshold`]). Validation happens at construction, so a firmware
/// pays it once, not per inference.
///
/// ```
/// use logitkit::LogitThresholds;
///
/// // person, car, dog: a rare class may be reported at 0.3
/// let th = LogitThresholds::from_probabilities(&[0.5f32, 0.5, 0.3])?;
/// let logits = [0.2f32, -1.0, -0.6]; // sigmoid: 0.55, 0.27, 0.35
/// let mut present = [false; 3];
/// assert_eq!(th.decide_into(&logits, &mut present)?, 2);
/// assert_eq!(present, [true, false, true]);
/// assert_eq!(th.mask_u32(&logits)?, 0b101);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LogitThresholds<T, const N: usize> {
    cuts: [T; N],
}

impl<T: Float, const N: usize> LogitThresholds<T, N> {
    /// Prepares `N` probability thresholds (each in `[0, 1]`).
    ///
    /// # Errors
    /// `InvalidParameter` if any threshold is NaN or outside `[0, 1]`.
    ///
    /// ```
    /// use logitkit::{Error, LogitThresholds};
    ///
    /// assert!(LogitThresholds::from_probabilities(&[0.1f64, 0.9]).is_ok());
    /// assert_eq!(LogitThresholds::from_probabilities(&[0.1f32, -0.2]), Err(Error::InvalidParameter));
    /// ```
    pub fn from_probabilities(t: &[T; N]) -> Result<Self, Error> {
        let mut cuts = [T::zero(); N];
        for (c, &p) in cuts.iter_mut().zip(t) {
            *c = cut_for_probability(p)?;
        }
        Ok(LogitThresholds { cuts })
    }

    /// `N` logit cuts given directly (class `i` present iff `x_i ≥ c_i`).
    ///
    /// # Errors
    /// `InvalidParameter` if any cut is NaN.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_logits(&[0.0f32, f32::NEG_INFINITY])?;
    /// assert_eq!(th.count(&[-1.0, -1.0])?, 1);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn from_logits(c: &[T; N]) -> Result<Self, Error> {
        for &v in c {
            check_cut(v)?;
        }
        Ok(LogitThresholds { cuts: *c })
    }

    /// The cuts, one per class.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.0f32, 1.0])?;
    /// assert_eq!(th.cuts()[0], f32::NEG_INFINITY);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn cuts(&self) -> &[T; N] {
        &self.cuts
    }

    /// `x[..N]` as a checked array view: `LengthMismatch` unless `x.len() == N`.
    #[inline(always)]
    fn check(&self, x: &[T]) -> Result<(), Error> {
        check_len(N, x.len())
    }

    #[inline(always)]
    fn cut_at(&self) -> impl Fn(usize) -> T + '_ {
        |i| self.cuts.get(i).copied().unwrap_or_else(T::nan)
    }

    /// `out[i] = class i present`; returns how many are present. Two passes
    /// (count and NaN check, then write).
    ///
    /// # Errors
    /// In the order checked; `out` untouched on error:
    /// * `LengthMismatch { expected: N, actual: x.len() }`;
    /// * `LengthMismatch { expected: N, actual: out.len() }`;
    /// * `Nan { index }` for the first NaN in `x`.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.5f32, 0.9])?;
    /// let mut out = [0u8; 2];
    /// assert_eq!(th.decide_into(&[1.0, 1.0], &mut out)?, 1);
    /// assert_eq!(out, [1, 0]);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn decide_into<O: From<bool>>(&self, x: &[T], out: &mut [O]) -> Result<usize, Error> {
        self.check(x)?;
        decide_with(x, out, self.cut_at())
    }

    /// How many classes are present. One pass.
    ///
    /// # Errors
    /// `LengthMismatch { expected: N, actual: x.len() }`; `Nan { index }`.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.5f64; 3])?;
    /// assert_eq!(th.count(&[1.0, 0.0, -1.0])?, 2);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn count(&self, x: &[T]) -> Result<usize, Error> {
        self.check(x)?;
        count_with(x, self.cut_at())
    }

    /// Bit `i` set iff class `i` is present (`N ≤ 32`). One pass.
    ///
    /// # Errors
    /// `LengthMismatch { expected: N, actual: x.len() }`;
    /// `LengthMismatch { expected: 32, actual: N }` if `N > 32`;
    /// `Nan { index }`.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.5f32, 0.5])?;
    /// assert_eq!(th.mask_u32(&[-1.0, 1.0])?, 0b10);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u32(&self, x: &[T]) -> Result<u32, Error> {
        self.check(x)?;
        mask_u32_with(x, self.cut_at())
    }

    /// As [`mask_u32`](Self::mask_u32), `N ≤ 64`.
    ///
    /// # Errors
    /// As [`mask_u32`](Self::mask_u32) with 64.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.5f32; 64])?;
    /// assert_eq!(th.mask_u64(&[1.0; 64])?, u64::MAX);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u64(&self, x: &[T]) -> Result<u64, Error> {
        self.check(x)?;
        mask_u64_with(x, self.cut_at())
    }

    /// As [`mask_u32`](Self::mask_u32), `N ≤ 128`.
    ///
    /// # Errors
    /// As [`mask_u32`](Self::mask_u32) with 128.
    ///
    /// ```
    /// let th = logitkit::LogitThresholds::from_probabilities(&[0.5f32; 100])?;
    /// assert_eq!(th.mask_u128(&[1.0; 100])?.count_ones(), 100);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mask_u128(&self, x: &[T]) -> Result<u128, Error> {
        self.check(x)?;
        mask_u128_with(x, self.cut_at())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_leave_out_untouched() {
        let t = LogitThreshold::from_probability(0.5f32).unwrap();
        let mut out = [9u8; 3];
        assert_eq!(t.decide_into(&[1.0, f32::NAN, 2.0], &mut out), Err(Error::Nan { index: 1 }));
        assert_eq!(
            t.decide_into(&[1.0, 2.0], &mut out),
            Err(Error::LengthMismatch { expected: 2, actual: 3 })
        );
        assert_eq!(out, [9; 3]);
        assert_eq!(t.count(&[f32::NAN, f32::NAN]), Err(Error::Nan { index: 0 }));
        assert_eq!(t.mask_u32(&[0.0; 33]), Err(Error::LengthMismatch { expected: 32, actual: 33 }));
        assert_eq!(t.mask_u64(&[0.0; 65]), Err(Error::LengthMismatch { expected: 64, actual: 65 }));
        assert_eq!(t.mask_u128(&[0.0; 129]), Err(Error::LengthMismatch { expected: 128, actual: 129 }));
        assert_eq!(t.mask_u32(&[0.0, f32::NAN]), Err(Error::Nan { index: 1 }));
        assert_eq!(t.decide(f32::NAN), Err(Error::Nan { index: 0 }));
        assert_eq!(t.count(&[]), Ok(0));
        assert_eq!(t.mask_u32(&[]), Ok(0));
        assert_eq!(LogitThreshold::from_logit(f32::NAN), Err(Error::InvalidParameter));

        let th = LogitThresholds::from_probabilities(&[0.5f64, 0.5]).unwrap();
        let mut out = [true; 2];
        assert_eq!(th.decide_into(&[1.0], &mut out), Err(Error::LengthMismatch { expected: 2, actual: 1 }));
        assert_eq!(
            th.decide_into(&[1.0, 1.0], &mut out[..1]),
            Err(Error::LengthMismatch { expected: 2, actual: 1 })
        );
        assert_eq!(th.decide_into(&[-1.0, f64::NAN], &mut out), Err(Error::Nan { index: 1 }));
        assert_eq!(out, [true; 2]);
        let big = LogitThresholds::from_logits(&[0.0f32; 40]).unwrap();
        assert_eq!(big.mask_u32(&[1.0; 40]), Err(Error::LengthMismatch { expected: 32, actual: 40 }));
        assert_eq!(big.mask_u64(&[1.0; 40]), Ok((1 << 40) - 1));
        assert_eq!(LogitThresholds::from_logits(&[0.0f32, f32::NAN]), Err(Error::InvalidParameter));
    }

    #[test]
    fn infinities_and_extremes() {
        let all = LogitThreshold::from_probability(0.0f32).unwrap();
        assert_eq!(all.count(&[f32::NEG_INFINITY, -f32::MAX, 0.0]), Ok(3));
        let one = LogitThreshold::from_probability(1.0f32).unwrap();
        assert_eq!(one.count(&[17.0, 17.5, 1e38, f32::INFINITY]), Ok(3));
        let one64 = LogitThreshold::from_probability(1.0f64).unwrap();
        assert!(one64.cut() > 36.0 && one64.cut() < 38.0, "{}", one64.cut());
        let mut out = [0.0f32; 2];
        assert_eq!(all.decide_into(&[f32::NEG_INFINITY, 1.0], &mut out), Ok(2));
        assert_eq!(out, [1.0, 1.0]);
    }
}
