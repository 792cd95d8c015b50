//! Temperature scaling: the `T > 0` that minimizes the held-out negative
//! log-likelihood of `softmax(z / T)` (Guo et al. 2017).

use super::{class_index, pow2_scale, sqrt_epsilon, FitStatus};
use crate::compensated::KahanSum;
use crate::error::Error;
use crate::float::Float;

/// Passes allowed. Expansion from `β = 1/s` by ×16 to the largest float
/// takes at most 1100/4 ≈ 275 passes (f64), bisection of a ×16 bracket to
/// `4ε` relative width another 58: the loop cannot exceed 400.
const MAX_PASSES: u32 = 400;

/// What [`fit_temperature`] found.
///
/// ```
/// use logitkit::{fit_temperature, FitStatus};
///
/// // Five rows [2, 0], the first class right four times: 2/T = ln 4.
/// let logits = [2.0f64, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0];
/// let fit = fit_temperature(&logits, 2, &[0u8, 0, 0, 0, 1])?;
/// assert_eq!(fit.status, FitStatus::Converged);
/// assert!((fit.temperature - 2.0 / 4f64.ln()).abs() < 1e-9);
/// # Ok::<(), logitkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TemperatureFit<T> {
    /// The fitted temperature: use it as `softmax_with_temperature(z, T)`.
    /// `0` when [`status`](Self::status) is `Separable` (the limit: argmax),
    /// `+inf` when it is `Uninformative` (the limit: uniform); neither is
    /// accepted by [`softmax_with_temperature`](crate::softmax_with_temperature),
    /// so a caller cannot use a degenerate fit by accident.
    pub temperature: T,
    /// Mean NLL (nats per example) at the last evaluated temperature
    /// (within one Newton step of [`temperature`](Self::temperature): the
    /// difference is second order, below the NLL's own rounding); for
    /// `Separable` the limit `mean ln(k)` (`k` the number of logits tied
    /// for a row's max, so 0 without ties), for `Uninformative` `ln n`.
    pub nll: T,
    /// Newton passes over the data (each: one `exp` per logit, one `ln_1p`
    /// per row). The fit also makes two cheap passes without `exp`: the
    /// validating scan and the gradient at `β = 0`.
    pub iterations: u32,
    /// How the fit ended; see [`FitStatus`].
    pub status: FitStatus,
}

/// NLL, gradient and curvature with respect to `β` at one `β` (scaled
/// logits), means over the rows.
#[derive(Clone, Copy, Debug)]
struct Eval<T> {
    nll: T,
    grad: T,
    curv: T,
}

/// What the validating pass learns.
struct Scan<T> {
    rows: usize,
    max_abs: T,
    /// Every label is a (possibly tied) max of its row.
    all_top: bool,
    /// `Σ ln(k_r)` over rows, `k_r` the number of entries equal to the max.
    tie_log_sum: KahanSum<T>,
}

/// Validate, in the documented order, and collect what the fit needs.
fn scan<T: Float, L: Copy + TryInto<usize>>(
    logits: &[T],
    row_len: usize,
    labels: &[L],
) -> Result<Scan<T>, Error> {
    if row_len == 0 {
        return Err(Error::InvalidParameter);
    }
    let rem = logits.len() % row_len;
    if rem != 0 {
        return Err(Error::LengthMismatch { expected: logits.len() - rem, actual: logits.len() });
    }
    if logits.is_empty() {
        return Err(Error::Empty);
    }
    let rows = logits.len() / row_len;
    if labels.len() != rows {
        return Err(Error::LengthMismatch { expected: rows, actual: labels.len() });
    }
    let mut max_abs = T::zero();
    let mut all_top = true;
    let mut tie_log_sum = KahanSum::new();
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut label_iter = labels.iter();
    for (r, row) in logits.chunks_exact(row_len).enumerate() {
        let Some(&label) = label_iter.next() else { break };
        let base = r * row_len;
        let mut m = T::neg_infinity();
        for (i, &v) in row.iter().enumerate() {
            if v.is_nan() {
                return Err(Error::Nan { index: base + i });
            }
            if v.is_infinite() {
                return Err(Error::NotFinite { index: base + i });
            }
            max_abs = max_abs.max(v.abs());
            m = m.max(v);
        }
        let y = class_index(label, row_len).ok_or(Error::InvalidLabel { index: r })?;
        if all_top {
            if row.get(y).copied() == Some(m) {
                let ties = row.iter().filter(|&&v| v == m).count();
                if ties > 1 {
                    tie_log_sum.add(Float::ln(T::from_usize(ties)));
                }
            } else {
                all_top = false;
            }
        }
    }
    Ok(Scan { rows, max_abs, all_top, tie_log_sum })
}

/// One streaming pass at `beta` over the logits multiplied by `s`.
///
/// Per row, with `m` its max (first index `k`), `d_i = s (z_i - m) ≤ 0`,
/// `w_i = e^(β d_i)`, `S' = Σ_{i≠k} w_i`:
/// `nll = β s (m - z_y) + ln_1p(S')`, `grad = s (m - z_y) + Σ w_i d_i / S`,
/// `curv = Σ w_i d_i² / S - (Σ w_i d_i / S)²` (a variance, clamped at 0),
/// `S = 1 + S'`. The gradient's two terms have opposite signs only when the
/// label is not the max; it is the one quantity the root depends on, and
/// it is summed with compensation across rows.
fn evaluate<T: Float, L: Copy + TryInto<usize>>(
    logits: &[T],
    row_len: usize,
    labels: &[L],
    s: T,
    beta: T,
    rows: usize,
) -> Eval<T> {
    let mut nll = KahanSum::new();
    let mut grad = KahanSum::new();
    let mut curv = KahanSum::new();
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    // `row_len >= 1` (checked by `scan`); `max(1)` tells the compiler, which
    // then drops `chunks_exact`'s panicking assertion.
    let mut label_iter = labels.iter();
    for row in logits.chunks_exact(row_len.max(1)) {
        let Some(&label) = label_iter.next() else { break };
        let mut m = T::neg_infinity();
        let mut k = 0;
        for (i, &v) in row.iter().enumerate() {
            if v > m {
                m = v;
                k = i;
            }
        }
        let zy = class_index(label, row_len).and_then(|y| row.get(y).copied()).unwrap_or(m);
        // Scale first: the scaled logits are below 2 in magnitude, so no
        // difference overflows (m - z_y can for logits near ±MAX).
        let (ms, a) = (m * s, m * s - zy * s);
        // Plain sums within a row: terms of one sign, relative error
        // ≤ (row_len - 1)·ε; the compensated sums are across rows.
        let mut sp = T::zero();
        let mut swd = T::zero();
        let mut swd2 = T::zero();
        for (i, &v) in row.iter().enumerate() {
            if i == k {
                continue;
            }
            let d = v * s - ms;
            let w = Float::exp(beta * d);
            let wd = w * d;
            sp = sp + w;
            swd = swd + wd;
            swd2 = swd2 + wd * d;
        }
        let total = T::one() + sp;
        let mu = swd / total;
        nll.add(beta * a + Float::ln_1p(sp));
        grad.add(a + mu);
        curv.add((swd2 / total - mu * mu).max(T::zero()));
    }
    let n = T::from_usize(rows);
    Eval { nll: nll.value() / n, grad: grad.value() / n, curv: curv.value() / n }
}

/// `L'(0)` (up to the factor `1/rows`): at `β = 0` every weight is 1, so
/// `Σ_r [mean_i d_i + s (m - z_y)]`, no exp.
fn grad_at_zero<T: Float, L: Copy + TryInto<usize>>(logits: &[T], row_len: usize, labels: &[L], s: T) -> T {
    let n = T::from_usize(row_len);
    let mut g = KahanSum::new();
    // Not `zip`: `Zip::new` over `ChunksExact` keeps a panic path (its length
    // divides by the chunk size); see ci/no-panic.sh.
    let mut label_iter = labels.iter();
    for row in logits.chunks_exact(row_len) {
        let Some(&label) = label_iter.next() else { break };
        let m = row.iter().fold(T::neg_infinity(), |a, &b| a.max(b));
        let zy = class_index(label, row_len).and_then(|y| row.get(y).copied()).unwrap_or(m);
        let ms = m * s;
        let mut sd = KahanSum::new();
        for &v in row {
            sd.add(v * s - ms);
        }
        g.add(sd.value() / n + (ms - zy * s));
    }
    g.value()
}

/// Fit the temperature `T > 0` that minimizes the mean negative
/// log-likelihood of the labels under `softmax(z / T)`, on held-out logits.
///
/// `logits` is row-major, `row_len` classes per example; `labels[r]` is the
/// class of row `r` (any integer type, or `bool` for two classes).
///
/// # Method
/// With `β = 1/T`, the mean NLL
/// `L(β) = mean_r [logsumexp(β z_r) - β z_{r,y_r}]` is convex, with
/// `L'(β) = mean_r [E_p[z_r] - z_{r,y_r}]` and
/// `L''(β) = mean_r Var_p[z_r] ≥ 0` (`p = softmax(β z_r)`). Each iteration is
/// one streaming pass computing `L`, `L'` and `L''` exactly (no buffer of
/// probabilities; every `-inf`-free row costs one `exp` per logit). The
/// root of `L'` is found by a safeguarded Newton method (Numerical
/// Recipes' `rtsafe`): the bracket `[lo, hi]` with `L'(lo) < 0 < L'(hi)`
/// starts at `[0, ?)`, is found by ×16 expansion from `T = 1`, and a Newton
/// step that leaves the bracket or does not halve the step before last is
/// replaced by bisection. The logits are first multiplied by a power of two
/// (exact) so that their largest magnitude is in `[1, 2)`: logits up to
/// `±MAX` neither overflow nor lose accuracy.
///
/// **Tolerance**: the fit stops when the Newton step is below `√ε`
/// relative (2^-26 in f64, 2^-12 in f32) and returns the point after that
/// step; Newton's quadratic convergence puts it within a few ε of the
/// exact minimizer of the given data, up to the rounding of the gradient.
/// Measured on the digits reference (1438 × 10 logits, `tests/calibration.rs`)
/// against a 50-digit mpmath optimum: f64 equal to the rounded optimum
/// (relative error 0) in 7 Newton passes, f32 within 1.1e-8 relative in
/// 6; on 10 000 × 10 synthetic logits, 4 passes (`benches/calibration.rs`).
///
/// # Degenerate data
/// * Every label is its row's top logit (ties allowed): the NLL decreases
///   for ever as `T → 0`. Returns `status: Separable`, `temperature: 0`
///   (the limit is argmax) and the limit NLL. Also returned when the optimum
///   `β` is beyond the largest float (numerically separable).
/// * An optimum below the smallest positive float (logits deep in the
///   subnormal range, their gaps a few units of the last place): `status:
///   Converged` with that smallest positive value (2^-149, 2^-1074) as the
///   temperature, never 0.
/// * `L'(0) ≥ 0`: no positive temperature beats the uniform distribution
///   (labels independent of the logits, or every row constant). Returns
///   `status: Uninformative`, `temperature: +inf`, `nll: ln(row_len)`.
///
/// # Errors
/// In the order checked; nothing is fitted on error:
/// * `InvalidParameter` if `row_len == 0`;
/// * `LengthMismatch { expected, actual: logits.len() }` if `logits.len()`
///   is not a multiple of `row_len` (`expected`: the largest multiple below);
/// * `Empty` if `logits` is empty;
/// * `LengthMismatch { expected: rows, actual: labels.len() }`;
/// * then row by row: `Nan { index }` (index into `logits`) for a NaN,
///   `NotFinite { index }` for `±inf` (a masked class has no place in a
///   calibration set), `InvalidLabel { index }` (index into `labels`) for a
///   label `≥ row_len` or negative.
///
/// ```
/// use logitkit::calibration::{fit_temperature, FitStatus};
/// use logitkit::softmax_with_temperature;
///
/// // An over-confident model: right 3 times out of 4, always sure.
/// let z = [6.0f32, 0.0, 0.0, 6.0, 6.0, 0.0, 0.0, 6.0];
/// let fit = fit_temperature(&z, 2, &[0u8, 1, 1, 1])?;
/// assert_eq!(fit.status, FitStatus::Converged);
/// // Calibrated: P(top class) = 3/4 exactly, i.e. 6/T = ln 3.
/// let mut p = [0.0f32; 2];
/// softmax_with_temperature(&z[..2], fit.temperature, &mut p)?;
/// assert!((p[0] - 0.75).abs() < 1e-5);
///
/// // Every label is the top logit: T -> 0.
/// let sep = fit_temperature(&z, 2, &[0u8, 1, 0, 1])?;
/// assert_eq!((sep.status, sep.temperature), (FitStatus::Separable, 0.0));
/// # Ok::<(), logitkit::Error>(())
/// ```
pub fn fit_temperature<T: Float, L: Copy + TryInto<usize>>(
    logits: &[T],
    row_len: usize,
    labels: &[L],
) -> Result<TemperatureFit<T>, Error> {
    let sc = scan(logits, row_len, labels)?;
    let s = pow2_scale(sc.max_abs);
    let eval = |beta: T| evaluate(logits, row_len, labels, s, beta, sc.rows);

    let mut passes = 0u32;
    let g0 = grad_at_zero(logits, row_len, labels, s);
    if g0 >= T::zero() || g0.is_nan() {
        return Ok(TemperatureFit {
            temperature: T::infinity(),
            nll: Float::ln(T::from_usize(row_len)),
            iterations: passes,
            status: FitStatus::Uninformative,
        });
    }
    let separable = |passes| TemperatureFit {
        temperature: T::zero(),
        nll: sc.tie_log_sum.value() / T::from_usize(sc.rows),
        iterations: passes,
        status: FitStatus::Separable,
    };
    if sc.all_top {
        return Ok(separable(passes));
    }

    let tol = sqrt_epsilon::<T>();
    let four_eps = T::lit(4.0) * T::epsilon();
    let sixteen = T::lit(16.0);
    let big = T::max_value() / sixteen;
    // Start at T = 1, i.e. β = 1/s in scaled units.
    let mut beta = (T::one() / s).max(T::lit(1e-30)).min(T::lit(1e30));
    let mut lo = T::zero();
    let mut hi = T::infinity();
    let mut dx = T::infinity();
    let mut dx_old;
    let finish = |beta: T, nll: T, passes: u32, status: FitStatus| {
        let temperature = (T::one() / beta) * (T::one() / s);
        if temperature == T::zero() {
            // The optimum is below the smallest positive float (logits
            // themselves deep in the subnormal range): that value, the
            // nearest usable temperature (a fuzz finding: it was 0).
            let tiny = T::min_positive_value() * T::epsilon();
            return TemperatureFit { temperature: tiny, nll, iterations: passes, status };
        }
        if temperature == T::infinity() {
            // β underflowed: the optimum is beyond the float range, the
            // documented limit of uninformative data.
            return TemperatureFit {
                temperature,
                nll: Float::ln(T::from_usize(row_len)),
                iterations: passes,
                status: FitStatus::Uninformative,
            };
        }
        TemperatureFit { temperature, nll, iterations: passes, status }
    };
    // Newton's step on an exponential tail (the NLL of data that are almost
    // separable behaves like e^-β) is about 1 whatever β: while no upper
    // bracket is known and the steps do not shrink, double β instead.
    let mut prev_step = T::infinity();
    while passes < MAX_PASSES {
        let e = eval(beta);
        passes += 1;
        if e.grad == T::zero() {
            return Ok(finish(beta, e.nll, passes, FitStatus::Converged));
        }
        if e.grad < T::zero() {
            lo = beta;
        } else {
            hi = beta;
        }
        dx_old = dx;
        let step = e.grad / e.curv;
        let cand = beta - step;
        let newton = e.curv > T::zero()
            && cand > lo
            && cand < hi
            && (hi.is_infinite() || step.abs() * T::lit(2.0) <= dx_old.abs());
        let crawling =
            hi.is_infinite() && step.abs() * T::lit(2.0) > prev_step.abs() && cand < beta * T::lit(2.0);
        prev_step = step;
        let next = if newton && !crawling {
            cand
        } else if hi.is_infinite() {
            if beta > big {
                return Ok(separable(passes));
            }
            if crawling {
                beta * T::lit(2.0)
            } else {
                beta * sixteen
            }
        } else {
            lo + (hi - lo) * T::lit(0.5)
        };
        dx = next - beta;
        if newton && !crawling && dx.abs() <= tol * next {
            return Ok(finish(next, e.nll, passes, FitStatus::Converged));
        }
        if hi < T::infinity() && hi - lo <= four_eps * hi {
            return Ok(finish(next, e.nll, passes, FitStatus::Converged));
        }
        beta = next;
    }
    let e = eval(beta);
    Ok(finish(beta, e.nll, passes, FitStatus::IterationLimit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_class_closed_form() {
        // Five rows [2, 0]; label 0 four times: optimum 2/T = logit(4/5) = ln 4.
        let z = [2.0f64, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0];
        let fit = fit_temperature(&z, 2, &[0u8, 0, 0, 0, 1]).unwrap();
        assert_eq!(fit.status, FitStatus::Converged);
        let want = 2.0 / 4f64.ln();
        assert!((fit.temperature - want).abs() <= 1e-14 * want, "{fit:?}");
        let sep = fit_temperature(&z, 2, &[0u8; 5]).unwrap();
        assert_eq!((sep.status, sep.temperature, sep.nll), (FitStatus::Separable, 0.0, 0.0));
        // Ties on the max: the limit NLL is ln 2 for the tied row.
        let tied = fit_temperature(&[1.0f64, 1.0, 3.0, 0.0], 2, &[0u8, 0]).unwrap();
        assert_eq!(tied.status, FitStatus::Separable);
        assert!((tied.nll - 2f64.ln() / 2.0).abs() < 1e-16);
    }

    #[test]
    fn uninformative_and_constant_rows() {
        let fit = fit_temperature(&[1.0f32, 1.0, 3.0, 3.0], 2, &[0, 1]).unwrap();
        assert_eq!(fit.status, FitStatus::Uninformative);
        assert_eq!(fit.temperature, f32::INFINITY);
        assert!((fit.nll - core::f32::consts::LN_2).abs() < 1e-7);
        // Labels always on the smaller logit: no positive T helps.
        let fit = fit_temperature(&[1.0f64, 0.0, 0.0, 1.0], 2, &[1, 0]).unwrap();
        assert_eq!(fit.status, FitStatus::Uninformative);
    }

    #[test]
    fn errors_in_order() {
        let z = [0.0f32, 1.0, 2.0, 3.0];
        assert_eq!(fit_temperature(&z, 0, &[0]), Err(Error::InvalidParameter));
        assert_eq!(fit_temperature(&z, 3, &[0]), Err(Error::LengthMismatch { expected: 3, actual: 4 }));
        assert_eq!(fit_temperature::<f32, u8>(&[], 2, &[]), Err(Error::Empty));
        assert_eq!(fit_temperature(&z, 2, &[0]), Err(Error::LengthMismatch { expected: 2, actual: 1 }));
        assert_eq!(fit_temperature(&[0.0, 1.0, f32::NAN, 1.0], 2, &[0, 5]), Err(Error::Nan { index: 2 }));
        assert_eq!(
            fit_temperature(&[0.0, 1.0, 0.0, -f32::INFINITY], 2, &[0, 0]),
            Err(Error::NotFinite { index: 3 })
        );
        assert_eq!(fit_temperature(&z, 2, &[0, 2]), Err(Error::InvalidLabel { index: 1 }));
        assert_eq!(fit_temperature(&z, 2, &[-1, 0]), Err(Error::InvalidLabel { index: 0 }));
    }

    #[test]
    fn scale_invariance_up_to_max() {
        let z = [6.0f32, 0.0, 0.0, 6.0, 6.0, 0.0, 0.0, 6.0];
        let labels = [0u8, 1, 1, 1];
        let base = fit_temperature(&z, 2, &labels).unwrap();
        for &c in &[1e-30f32, 1e-3, 1e6, 1e30, f32::MAX / 6.0] {
            let zs = z.map(|v| v * c);
            let fit = fit_temperature(&zs, 2, &labels).unwrap();
            assert_eq!(fit.status, FitStatus::Converged);
            let rel = (fit.temperature / c - base.temperature).abs() / base.temperature;
            assert!(rel < 1e-5, "{c}: {:?} vs {:?}", fit, base);
        }
    }
}
