//! Streaming calibration measures: ECE, MCE, reliability diagram, Brier
//! score, NLL and accuracy, updated one example at a time, mergeable.

use super::{class_index, LossSum};
use crate::compensated::{diff_hi_lo, KahanSum};
use crate::error::Error;
use crate::float::Float;
use crate::scan::scan_max;
use crate::uncertainty::scaled_shifted_exp;

/// One bin of the reliability diagram: examples whose top-label confidence
/// falls in `[lower, upper)` (the last bin includes 1).
///
/// ```
/// use logitkit::CalibrationStats;
///
/// let mut s = CalibrationStats::<f32, 4>::new();
/// s.push(&[2.0, 0.0], 0u8)?; // confidence 0.88, correct
/// let bins = s.reliability();
/// assert_eq!((bins[3].lower, bins[3].upper, bins[3].count), (0.75, 1.0, 1));
/// assert_eq!(bins[3].accuracy, 1.0);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Bin<T> {
    /// Lower edge `i / BINS`.
    pub lower: T,
    /// Upper edge `(i + 1) / BINS`.
    pub upper: T,
    /// Examples in the bin.
    pub count: u64,
    /// Mean top-label confidence of those examples (0 for an empty bin).
    pub confidence: T,
    /// Fraction of them whose top label is the true label (0 for an empty bin).
    pub accuracy: T,
}

/// Per-bin running sums.
#[derive(Debug, Clone, Copy)]
struct BinSums<T> {
    count: u64,
    correct: u64,
    confidence: KahanSum<T>,
}

/// Streaming calibration measures over `BINS` equal-width confidence bins:
/// push each example's logits and label after inference, read the
/// measures at any time, merge accumulators from several cores or devices.
///
/// For each example, with `p = softmax(z / T)` (`T = 1` for
/// [`push`](Self::push)), the top label `k = argmax p` (first index on
/// ties), its confidence `c = p_k`, and the label `y`:
///
/// | measure | formula (means over the `N` examples) |
/// |---|---|
/// | [`ece`](Self::ece) | `Σ_b |Σ_{i∈b} 1[k_i = y_i] - Σ_{i∈b} c_i| / N` = `Σ_b (N_b/N)·|acc_b - conf_b|` |
/// | [`mce`](Self::mce) | `max_b |acc_b - conf_b|` over non-empty bins |
/// | [`brier`](Self::brier) | `mean Σ_j (p_j - 1[j = y])²`, in `[0, 2]` |
/// | [`nll`](Self::nll) | `mean -ln p_y = mean logsumexp(z/T) - z_y/T` |
/// | [`accuracy`](Self::accuracy) | `mean 1[k = y]` |
///
/// **Bins** are those of Guo et al. (2017) and of netcal's `ECE(bins)`
/// (its default `equal_intervals=True`): bin `b` holds confidences in
/// `[e_b, e_{b+1})`, the last bin also holds 1, with the edges computed
/// as numpy's `linspace(0, 1, BINS + 1)` does (`e_b = b · fl(1/BINS)`), so
/// a confidence equal to a rounded edge lands where netcal puts it. (Guo et
/// al.'s code uses `(lower, upper]`; the two differ only for a confidence
/// exactly on an edge.) **Brier** is the multiclass score of Brier (1950),
/// scikit-learn's `brier_score_loss(..., scale_by_half=False)`; the top-label
/// binary Brier `mean (c - 1[k = y])²` is a different quantity.
///
/// **Numerics**: per example one pass over the logits (one `exp` each),
/// the max shift of the crate's softmax, `1 - p_y` and the Brier terms
/// formed from the other classes' weights (no cancellation), `-ln p_y` as
/// `(m - z_y) + ln_1p(S')` like [`log_softmax`](crate::log_softmax); the
/// running sums are compensated. Measured on the digits reference
/// (`tests/calibration.rs`, 10 and 15 bins, `T = 1` and the optimal `T`):
/// ECE, MCE, Brier, NLL, accuracy within 1.3e-14 relative of netcal 1.4.0 /
/// scikit-learn 1.9.1 / mpmath in f64, within 2.3e-6 in f32 (the f32 ECE,
/// a sum of differences, is the least accurate; NLL and Brier ≤ 6e-8).
///
/// **State**: `BINS · (2·u64 + 2·T)` plus a few scalars; no allocation;
/// counters saturate at `u64::MAX`.
///
/// ```
/// use logitkit::CalibrationStats;
///
/// let mut stats = CalibrationStats::<f32, 10>::new();
/// stats.push(&[2.0, 0.0, -1.0], 0)?; // confident and right
/// stats.push(&[3.0, 0.5, 0.0], 2)?;  // confident and wrong
/// let mut other = CalibrationStats::<f32, 10>::new(); // e.g. another core
/// other.push(&[0.1, 0.0, 0.2], 2)?;
/// stats.merge(&other);
/// assert_eq!(stats.count(), 3);
/// assert!((stats.accuracy()? - 2.0 / 3.0).abs() < 1e-6);
/// let diagram = stats.reliability();
/// assert_eq!(diagram.iter().map(|b| b.count).sum::<u64>(), 3);
/// assert!(stats.ece()? > 0.0 && stats.mce()? >= stats.ece()?);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CalibrationStats<T, const BINS: usize> {
    bins: [BinSums<T>; BINS],
    count: u64,
    correct: u64,
    nll: LossSum<T>,
    brier: KahanSum<T>,
}

impl<T: Float, const BINS: usize> Default for CalibrationStats<T, BINS> {
    fn default() -> Self {
        Self::new()
    }
}

/// What one example contributes.
struct Example<T> {
    confidence: T,
    correct: bool,
    nll: T,
    brier: T,
}

/// The example's contribution; the row is validated (non-empty, no NaN,
/// not all `-inf`) and `y < row.len()`.
fn example<T: Float>(row: &[T], y: usize, m: T, k: usize, t: Option<T>) -> Example<T> {
    let zy = row.get(y).copied().unwrap_or(m);
    if m == T::infinity() {
        // The +inf entries share the mass (the softmax limit).
        let kinf = row.iter().filter(|&&v| v == T::infinity()).count();
        let share = T::one() / T::from_usize(kinf);
        let on_y = zy == T::infinity();
        let nll = if on_y { Float::ln(T::from_usize(kinf)) } else { T::infinity() };
        // Σ_j (p_j - 1[j=y])² = kinf·share² - 2·p_y + 1.
        let brier = if on_y {
            (T::from_usize(kinf - 1)) * share * share + (T::one() - share) * (T::one() - share)
        } else {
            share + T::one()
        };
        return Example { confidence: share, correct: k == y, nll, brier };
    }
    // Weights w_j = e^((z_j - m)/T), w_k = 1.
    // Plain sums of positive terms (relative error ≤ (n - 1)ε); the
    // accumulator's sums across examples are compensated.
    let mut sp = T::zero(); // S' = Σ_{j≠k} w_j
    let mut not_y = T::zero(); // Σ_{j≠y} w_j
    let mut sq_not_y = T::zero(); // Σ_{j≠y} w_j²
    for (j, &v) in row.iter().enumerate() {
        let w = if j == k { T::one() } else { scaled_shifted_exp(v, m, t) };
        if j != k {
            sp = sp + w;
        }
        if j != y {
            not_y = not_y + w;
            sq_not_y = sq_not_y + w * w;
        }
    }
    let s = T::one() + sp;
    let rest = not_y / s; // 1 - p_y
    let brier = sq_not_y / (s * s) + rest * rest;
    // z_y - m = lo + hi exactly (this order cannot overflow inside TwoSum).
    let (lo_h, lo_l) = diff_hi_lo(zy, m);
    let gap = match t {
        _ if lo_h.is_infinite() => -lo_h, // m - z_y overflows (or z_y = -inf)
        None => -(lo_h + lo_l),
        Some(t) => {
            // Divided by T, not multiplied by 1/T (which overflows for a
            // subnormal T); an infinite quotient is the limit on its own.
            let g = lo_h / t;
            if g.is_infinite() {
                -g
            } else {
                -(g + lo_l / t)
            }
        }
    };
    Example { confidence: T::one() / s, correct: k == y, nll: gap + Float::ln_1p(sp), brier }
}

impl<T: Float, const BINS: usize> CalibrationStats<T, BINS> {
    const NONZERO: () = assert!(BINS > 0, "CalibrationStats needs at least one bin");

    /// An empty accumulator. `BINS = 0` does not compile.
    ///
    /// ```
    /// let s = logitkit::CalibrationStats::<f64, 15>::new(); // Guo et al.'s 15 bins
    /// assert_eq!(s.ece(), Err(logitkit::Error::Empty));
    /// ```
    pub fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::NONZERO;
        CalibrationStats {
            bins: [BinSums { count: 0, correct: 0, confidence: KahanSum::new() }; BINS],
            count: 0,
            correct: 0,
            nll: LossSum::new(),
            brier: KahanSum::new(),
        }
    }

    /// Number of examples pushed or merged.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f32, 10>::new();
    /// s.push(&[0.0, 1.0], 1)?;
    /// assert_eq!(s.count(), 1);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Add one example: its logits (one per class) and its label.
    ///
    /// O(classes), one `exp` per logit, no allocation. `-inf` logits get
    /// probability 0; `+inf` logits share the mass (the softmax limit).
    ///
    /// # Errors
    /// In the order checked; the accumulator is unchanged on error:
    /// * `Empty` if `logits` is empty;
    /// * `Nan { index }` for the first NaN in `logits`;
    /// * `AllNegInfinite` if every logit is `-inf`;
    /// * `InvalidLabel { index: 0 }` if `label` is negative or `≥ logits.len()`.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 10>::new();
    /// s.push(&[0.0, 0.0], 1u8)?;
    /// assert_eq!(s.nll()?, core::f64::consts::LN_2);
    /// assert_eq!(s.push(&[0.0, 0.0], 2u8), Err(logitkit::Error::InvalidLabel { index: 0 }));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn push<L: Copy + TryInto<usize>>(&mut self, logits: &[T], label: L) -> Result<(), Error> {
        self.push_inner(logits, label, None)
    }

    /// Add one example whose probabilities are `softmax(logits / t)`
    /// (temperature scaling, see [`fit_temperature`](crate::fit_temperature)).
    ///
    /// `(z_j - m)` is formed exactly and multiplied by `1/t`, so the
    /// weights carry about `|z_j - m|/t` ε of relative error (the division
    /// [`softmax_with_temperature`](crate::softmax_with_temperature) avoids
    /// with an fma; here a per-example cost matters more).
    ///
    /// # Errors
    /// `InvalidParameter` unless `t` is finite and `> 0`, then as
    /// [`push`](Self::push); the accumulator is unchanged on error.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 10>::new();
    /// s.push_with_temperature(&[2.0, 0.0], 0, 2.0)?; // = push(&[1.0, 0.0], 0)
    /// assert!((s.nll()? - 0.31326168751822286).abs() < 1e-15);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn push_with_temperature<L: Copy + TryInto<usize>>(
        &mut self,
        logits: &[T],
        label: L,
        t: T,
    ) -> Result<(), Error> {
        if !(t > T::zero() && t < T::infinity()) {
            return Err(Error::InvalidParameter);
        }
        self.push_inner(logits, label, if t == T::one() { None } else { Some(t) })
    }

    fn push_inner<L: Copy + TryInto<usize>>(
        &mut self,
        logits: &[T],
        label: L,
        t: Option<T>,
    ) -> Result<(), Error> {
        let max = scan_max(logits)?;
        if max.value == T::neg_infinity() {
            return Err(Error::AllNegInfinite);
        }
        let y = class_index(label, logits.len()).ok_or(Error::InvalidLabel { index: 0 })?;
        let ex = example(logits, y, max.value, max.index, t);
        let b = self.bin_of(ex.confidence);
        if let Some(bin) = self.bins.get_mut(b) {
            bin.count = bin.count.saturating_add(1);
            bin.correct = bin.correct.saturating_add(u64::from(ex.correct));
            bin.confidence.add(ex.confidence);
        }
        self.count = self.count.saturating_add(1);
        self.correct = self.correct.saturating_add(u64::from(ex.correct));
        self.nll.add(ex.nll);
        self.brier.add(ex.brier);
        Ok(())
    }

    /// Lower edge of bin `b` as numpy's `linspace(0, 1, BINS + 1)[b]`.
    fn edge(b: usize) -> T {
        if b >= BINS {
            T::one()
        } else {
            T::from_usize(b) * (T::one() / T::from_usize(BINS))
        }
    }

    /// The bin of confidence `c` in `[0, 1]`: the largest `b < BINS` with
    /// `edge(b) ≤ c` (numpy's `searchsorted(edges, c, 'right') - 1`, with
    /// `c = 1` in the last bin).
    fn bin_of(&self, c: T) -> usize {
        let guess = (c * T::from_usize(BINS)).floor().to_usize().unwrap_or(0);
        let mut b = guess.min(BINS - 1);
        while b > 0 && c < Self::edge(b) {
            b -= 1;
        }
        while b + 1 < BINS && c >= Self::edge(b + 1) {
            b += 1;
        }
        b
    }

    /// Fold another accumulator in (examples split across cores, devices or
    /// time). The result is the accumulator of all examples, up to the
    /// order of the compensated sums (a few ε).
    ///
    /// ```
    /// use logitkit::CalibrationStats;
    /// let mut a = CalibrationStats::<f64, 5>::new();
    /// let mut b = CalibrationStats::<f64, 5>::new();
    /// a.push(&[1.0, 0.0], 0)?;
    /// b.push(&[0.0, 3.0], 0)?;
    /// a.merge(&b);
    /// assert_eq!((a.count(), a.accuracy()?), (2, 0.5));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.bins.iter_mut().zip(other.bins.iter()) {
            a.count = a.count.saturating_add(b.count);
            a.correct = a.correct.saturating_add(b.correct);
            a.confidence.add_sum(&b.confidence);
        }
        self.count = self.count.saturating_add(other.count);
        self.correct = self.correct.saturating_add(other.correct);
        self.nll.merge(&other.nll);
        self.brier.add_sum(&other.brier);
    }

    fn n(&self) -> Result<T, Error> {
        if self.count == 0 {
            Err(Error::Empty)
        } else {
            Ok(to_float(self.count))
        }
    }

    /// Expected calibration error `Σ_b |correct_b - Σ_{i∈b} c_i| / N`
    /// (see the [type docs](Self) for the bins).
    ///
    /// # Errors
    /// `Empty` if no example was pushed.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 10>::new();
    /// s.push(&[0.0, 0.0], 0)?; // confidence 0.5, right
    /// s.push(&[0.0, 0.0], 1)?; // confidence 0.5, wrong (top is class 0)
    /// assert_eq!(s.ece()?, 0.0); // 50 % confident, 50 % right
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn ece(&self) -> Result<T, Error> {
        let n = self.n()?;
        let mut sum = KahanSum::new();
        for bin in &self.bins {
            sum.add((to_float::<T>(bin.correct) - bin.confidence.value()).abs());
        }
        Ok(sum.value() / n)
    }

    /// Maximum calibration error `max_b |acc_b - conf_b|` over the
    /// non-empty bins (netcal's `MCE`).
    ///
    /// # Errors
    /// `Empty` if no example was pushed.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f32, 4>::new();
    /// s.push(&[0.0, 0.0], 1)?; // confidence 0.5, wrong
    /// assert_eq!(s.mce()?, 0.5);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn mce(&self) -> Result<T, Error> {
        self.n()?;
        let mut worst = T::zero();
        for bin in self.reliability() {
            if bin.count > 0 {
                worst = worst.max((bin.accuracy - bin.confidence).abs());
            }
        }
        Ok(worst)
    }

    /// The reliability diagram: for each bin its edges, count, mean
    /// confidence and accuracy (Guo et al.'s Figure 1 plots accuracy
    /// against the bin; a calibrated model has accuracy = confidence).
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 4>::new();
    /// s.push(&[3.0, 0.0], 0)?; // confidence 0.95: last bin
    /// let d = s.reliability();
    /// assert_eq!((d[3].lower, d[3].upper, d[3].count, d[3].accuracy), (0.75, 1.0, 1, 1.0));
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn reliability(&self) -> [Bin<T>; BINS] {
        core::array::from_fn(|b| {
            let sums = self.bins.get(b).copied().unwrap_or(BinSums {
                count: 0,
                correct: 0,
                confidence: KahanSum::new(),
            });
            let (confidence, accuracy) = if sums.count == 0 {
                (T::zero(), T::zero())
            } else {
                let n = to_float::<T>(sums.count);
                (sums.confidence.value() / n, to_float::<T>(sums.correct) / n)
            };
            Bin { lower: Self::edge(b), upper: Self::edge(b + 1), count: sums.count, confidence, accuracy }
        })
    }

    /// Mean multiclass Brier score `Σ_j (p_j - 1[j = y])²` (in `[0, 2]`).
    ///
    /// # Errors
    /// `Empty` if no example was pushed.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 10>::new();
    /// s.push(&[0.0, 0.0], 0)?; // p = [0.5, 0.5]: 0.25 + 0.25
    /// assert_eq!(s.brier()?, 0.5);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn brier(&self) -> Result<T, Error> {
        Ok(self.brier.value() / self.n()?)
    }

    /// Mean negative log-likelihood `-ln p_y` (nats); `+inf` if a label had
    /// probability 0 (its logit `-inf`, or another logit `+inf`) or if the
    /// sum of the losses exceeds the float range (never NaN).
    ///
    /// # Errors
    /// `Empty` if no example was pushed.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f32, 10>::new();
    /// s.push(&[1e30, 0.0], 1)?; // hopelessly wrong: -ln p = 1e30, not inf
    /// assert_eq!(s.nll()?, 1e30);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn nll(&self) -> Result<T, Error> {
        Ok(self.nll.value() / self.n()?)
    }

    /// Fraction of examples whose top label (first index on ties) is the label.
    ///
    /// # Errors
    /// `Empty` if no example was pushed.
    ///
    /// ```
    /// let mut s = logitkit::CalibrationStats::<f64, 10>::new();
    /// s.push(&[1.0, 1.0], 1)?; // tie: the top label is class 0
    /// assert_eq!(s.accuracy()?, 0.0);
    /// # Ok::<(), logitkit::Error>(())
    /// ```
    pub fn accuracy(&self) -> Result<T, Error> {
        Ok(to_float::<T>(self.correct) / self.n()?)
    }
}

/// `n` as a float (rounded to nearest).
fn to_float<T: Float>(n: u64) -> T {
    <T as num_traits::NumCast>::from(n).unwrap_or_else(T::infinity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_numpy_edges() {
        let s = CalibrationStats::<f64, 10>::new();
        assert_eq!(s.bin_of(0.0), 0);
        assert_eq!(s.bin_of(1.0), 9);
        assert_eq!(s.bin_of(0.3), 2); // 0.3 < fl(3 * 0.1) = 0.30000000000000004
        assert_eq!(s.bin_of(0.30000000000000004), 3);
        assert_eq!(s.bin_of(0.1), 1);
        assert_eq!(s.bin_of(0.999_999_999), 9);
        let one = CalibrationStats::<f32, 1>::new();
        assert_eq!(one.bin_of(0.5), 0);
        assert_eq!(one.bin_of(1.0), 0);
    }

    #[test]
    fn push_errors_leave_state() {
        let mut s = CalibrationStats::<f32, 10>::new();
        assert_eq!(s.push(&[], 0), Err(Error::Empty));
        assert_eq!(s.push(&[0.0, f32::NAN], 0), Err(Error::Nan { index: 1 }));
        assert_eq!(s.push(&[f32::NEG_INFINITY; 2], 0), Err(Error::AllNegInfinite));
        assert_eq!(s.push(&[0.0, 1.0], 2), Err(Error::InvalidLabel { index: 0 }));
        assert_eq!(s.push(&[0.0, 1.0], -1), Err(Error::InvalidLabel { index: 0 }));
        assert_eq!(s.push_with_temperature(&[0.0, 1.0], 0, 0.0), Err(Error::InvalidParameter));
        assert_eq!(s.push_with_temperature(&[0.0, 1.0], 0, f32::INFINITY), Err(Error::InvalidParameter));
        assert_eq!(s.count(), 0);
        assert_eq!(s.ece(), Err(Error::Empty));
        assert_eq!(s.mce(), Err(Error::Empty));
        assert_eq!(s.brier(), Err(Error::Empty));
        assert_eq!(s.nll(), Err(Error::Empty));
        assert_eq!(s.accuracy(), Err(Error::Empty));
    }

    #[test]
    fn infinities_and_extremes() {
        let mut s = CalibrationStats::<f32, 10>::new();
        s.push(&[f32::INFINITY, 0.0, f32::INFINITY], 2).unwrap();
        assert_eq!(s.nll().unwrap(), core::f32::consts::LN_2);
        assert_eq!(s.brier().unwrap(), 0.5);
        assert_eq!(s.accuracy().unwrap(), 0.0); // top is the first +inf
        let mut t = CalibrationStats::<f32, 10>::new();
        t.push(&[f32::MAX, -f32::MAX], 1).unwrap();
        assert_eq!(t.nll().unwrap(), f32::INFINITY); // MAX - (-MAX) overflows: p_y underflows to 0 anyway
        assert_eq!(t.brier().unwrap(), 2.0);
        let mut u = CalibrationStats::<f32, 10>::new();
        u.push(&[f32::NEG_INFINITY, 0.0], 0).unwrap();
        assert_eq!(u.nll().unwrap(), f32::INFINITY);
        assert_eq!(u.ece().unwrap(), 1.0);
    }
}
