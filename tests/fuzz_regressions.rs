//! Inputs found by the fuzz targets (fuzz/, `bash ci/fuzz.sh`), kept as
//! regression tests. Each asserts the documented behaviour on an input that
//! once broke it, and names the cause that was fixed.

use logitkit::calibration::{fit_temperature, CalibrationStats, FitStatus};
use logitkit::uncertainty::energy;
use logitkit::{log_softmax, logsumexp, softmax, softmax_with_temperature, LogSumExp};

/// Σ v with Neumaier compensation (so that the test's own rounding does
/// not count against the kernel).
fn sum(v: &[f64]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
    }
    s + c
}

/// softmax target: 135 equal f64 logits. The probabilities sum to 1 within
/// 4ε (a plain f64 sum of them is 1 + 1.1e-15: the checker's error).
#[test]
fn softmax_of_many_equal_f64_sums_to_one() {
    let x = [0.0f64; 135];
    let mut p = [0.0f64; 135];
    softmax(&x, &mut p).unwrap();
    assert!((sum(&p) - 1.0).abs() <= 4.0 * f64::EPSILON);
}

/// softmax target: `LogSumExp<f32>` of `[-110, -60, 0]` is `0`, not
/// `ln(1 + e^-60 + e^-110) = 8.7565e-27`. `LogSumExp::push` (src/logsumexp.rs)
/// rescales its sum by `e^(reference - x)` in one step when a new max `x`
/// arrives; the jump from the reference -110 to 0 underflows that factor to
/// 0 (f32: gaps above 103.97; f64: above 745.13) and every earlier term is
/// lost, although the rescaled sum (e^50 · e^-110) is representable. Gaps
/// above 87.3 (f64: 708.4) make the factor subnormal and lose precision:
/// `[-97.15625, -33.195313, -33.195313, 0]` gives 7.66316e-15 instead of
/// 7.66459e-15 (2.9e7 ULP).
#[test]
fn streaming_logsumexp_keeps_terms_across_a_large_jump() {
    let x = [-110.0f32, -60.0, 0.0];
    let acc: LogSumExp<f32> = x.iter().collect();
    let want = logsumexp(&x).unwrap(); // 8.756511e-27
    assert!((want - 8.7565e-27).abs() < 1e-30);
    assert_eq!(acc.value().unwrap(), want);
    let x = [-97.15625f32, -33.195313, -33.195313, 0.0];
    let acc: LogSumExp<f32> = x.iter().collect();
    let want = logsumexp(&x).unwrap();
    assert!(
        (acc.value().unwrap() - want).abs() <= 4.0 * f32::EPSILON * want,
        "{:e} vs {want:e}",
        acc.value().unwrap()
    );
}

/// softmax target: the dominant class of `[-0.0039, 105.0039, 0 × 594]` in
/// f32 gets log-probability `0` (wide and narrow kernels) instead of
/// `-ln(1 + Σ e^(x_j - m)) = -1.4856e-43` (an f32 subnormal, 106 steps of
/// 2^-149): every term `e^-105` is below the f32 subnormal range and is
/// dropped (wide) or rounded (narrow) one by one, while their sum is not.
/// Same cause: `[0, 103, 0 × 600]` gives -8.42e-43 instead of -1.113e-42 on
/// the narrow (microcontroller) path. The documented bound is 4 ULP.
#[test]
fn f32_log_softmax_keeps_the_sum_of_subnormal_terms() {
    let mut x = vec![0.0f32; 596];
    x[0] = -0.00390625;
    x[1] = 105.00391;
    let mut out = vec![0.0f32; x.len()];
    log_softmax(&x, &mut out).unwrap();
    let xd: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let mut outd = vec![0.0f64; x.len()];
    log_softmax(&xd, &mut outd).unwrap();
    let want = outd[1]; // -1.4855834666884877e-43
    assert!(((out[1] as f64) - want).abs() <= 4.5 * 2f64.powi(-149), "{:e} vs {want:e}", out[1]);
}

/// uncertainty_loss target: `energy(&[0f32, 0.0], 1e-40)` is `Ok(NaN)`:
/// `1 / t` overflows to `inf` for a temperature below `1 / MAX` and the
/// tied max gives `(m - m) · inf = NaN` (src/uncertainty.rs, `energy`). The
/// limit is `-max - t·ln k` (k = 2 tied entries): `-6.9e-41`, or `-0`.
#[test]
fn energy_with_a_subnormal_temperature_is_not_nan() {
    let e = energy(&[0.0f32, 0.0], 1e-40).unwrap();
    assert!(!e.is_nan() && e <= 0.0 && e > -1e-39, "{e:e}");
    let e = energy(&[0.0f64, 0.0], 1e-320).unwrap();
    assert!(!e.is_nan() && e <= 0.0, "{e:e}");
}

/// calibration target: the same overflow of `1 / t` in
/// `CalibrationStats::push_with_temperature` (f32 row `[0, 0]`, label 1,
/// `t = 2.7e-43`) puts a NaN into the statistics: `ece()` is `Ok(NaN)`.
#[test]
fn calibration_stats_with_a_subnormal_temperature_stay_finite() {
    let mut s = CalibrationStats::<f32, 10>::new();
    s.push_with_temperature(&[0.0, 0.0], 1u8, 2.7465e-43).unwrap();
    let ece = s.ece().unwrap();
    assert!((0.0..=1.0).contains(&ece), "{ece:e}");
}

/// calibration target: `fit_temperature` ends with `IterationLimit` (400
/// passes), which its docs say is never observed, on a row whose top logit
/// beats the label by `1e-300`: the NLL is flat to the last bit over a huge
/// range of temperatures. (The returned temperature's NLL equals the limit
/// `ln 2 / 2` to rounding; the status is what is wrong.)
#[test]
fn temperature_fit_does_not_hit_its_iteration_limit() {
    let x = [0.0f64, 1.0, 0.0, 1e-300];
    let fit = fit_temperature(&x, 2, &[1u8, 0]).unwrap();
    assert_ne!(fit.status, FitStatus::IterationLimit, "{fit:?}");
}

/// calibration target: `fit_temperature` returns `Converged` with
/// `temperature = +inf`; the docs reserve `Converged` for a finite optimum
/// and report `T = +inf` as `Uninformative`. Here the mean NLL decreases
/// monotonically to `ln 5` as `T` grows (checked with mpmath from `T = 1`
/// to `1e38`): the status should be `Uninformative`.
#[test]
fn temperature_fit_at_infinity_is_uninformative() {
    let mut x = [0.0f32; 35];
    x[..13].copy_from_slice(&[
        0.0,
        63.07422,
        0.0,
        -1.2845657e17,
        -1.2845658e17,
        -1.2845659e17,
        -1.284566e17,
        -1.28456605e17,
        -1.2845661e17,
        -1.2845662e17,
        -1.2845663e17,
        -1.2845664e17,
        -1.2845665e17,
    ]);
    let fit = fit_temperature(&x, 5, &[0u8, 0, 0, 0, 0, 2, 0]).unwrap();
    if fit.temperature == f32::INFINITY {
        assert_eq!(fit.status, FitStatus::Uninformative, "{fit:?}");
    } else {
        assert!(fit.temperature.is_finite() && fit.status == FitStatus::Converged, "{fit:?}");
    }
}

/// softmax target (microcontroller path, and f64 everywhere):
/// `softmax_with_temperature` of `[1e38, -2.927261e38, -0.5, 0 × 130]` with
/// `t = 1e38` dropped the term of `-2.927261e38`: `x - m` overflows to
/// `-inf` although `(x - m) / t = -3.93` (first element 2.063709e-2
/// instead of 2.0623494e-2, 280 ULP). Fixed by a second pass at half scale.
#[test]
fn temperature_softmax_keeps_differences_beyond_the_float_range() {
    let mut x = vec![0.0f32; 137];
    x[..7].copy_from_slice(&[
        1e38,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
        -2.927261e38,
        f32::NEG_INFINITY,
        -3.4028233e38,
        -0.5,
    ]);
    let mut p = vec![0.0f32; x.len()];
    softmax_with_temperature(&x, 1e38, &mut p).unwrap();
    // Reference: the same logits divided by t exactly (powers of two apart
    // from the f64 rounding of x / t, far below f32's ULP).
    let xd: Vec<f64> = x.iter().map(|&v| v as f64 / 1e38f32 as f64).collect();
    let mut want = vec![0.0f64; x.len()];
    softmax(&xd, &mut want).unwrap();
    for (i, (&a, &b)) in p.iter().zip(&want).enumerate() {
        assert!(
            ((a as f64) - b).abs() <= 4.0 * f32::EPSILON as f64 * b.max(f32::MIN_POSITIVE as f64),
            "[{i}] {a:e} vs {b:e}"
        );
    }
    assert!(p[3] > 0.0);

    let x = [1e308f64, -1.7e308, -0.5, 0.0];
    let mut p = [0.0f64; 4];
    softmax_with_temperature(&x, 1e308, &mut p).unwrap();
    let z = [0.0f64, -2.7, -1.0, -1.0]; // (x - m) / t, exact to 1e-16
    let s: f64 = z.iter().map(|v| v.exp()).sum();
    for i in 0..4 {
        assert!((p[i] - z[i].exp() / s).abs() <= 1e-14 * p[i], "[{i}] {:e}", p[i]);
    }
}

/// softmax target (Cortex-M4F path): `softmax_with_temperature` with
/// `t = 1` is documented as `softmax`; the table kernels of the two differed
/// in the last bit. Now it calls `softmax`.
#[test]
fn temperature_one_is_softmax_to_the_bit() {
    let x = [1.375f32, 0.03125, -1.0, -1.3125, 7.5, -30.0];
    let (mut p, mut q) = ([0.0f32; 6], [0.0f32; 6]);
    softmax(&x, &mut p).unwrap();
    softmax_with_temperature(&x, 1.0, &mut q).unwrap();
    assert_eq!(p.map(f32::to_bits), q.map(f32::to_bits));
}

/// softmax target (microcontroller path, and f64 everywhere):
/// `softmax_with_temperature(&[0, 1.9185778e-38, 0 × 12], 6.6263e-40)`:
/// with a subnormal temperature the division's remainder (about 2^-24·t)
/// fell into the subnormal range and lost bits: 2.6635177e-13 instead of
/// 2.6635200e-13 (7 ULP). Fixed by scaling tiny temperatures by 2^64.
#[test]
fn temperature_softmax_with_a_subnormal_temperature_keeps_its_accuracy() {
    let mut x = [0.0f32; 14];
    x[1] = 1.9185778e-38;
    let t = 6.6263e-40f32;
    let mut p = [0.0f32; 14];
    softmax_with_temperature(&x, t, &mut p).unwrap();
    let q = -(x[1] as f64) / t as f64; // exact to 1e-16
    let s = 1.0 + 13.0 * q.exp();
    let want = [q.exp() / s, 1.0 / s];
    for (got, want) in [(p[0], want[0]), (p[1], want[1])] {
        assert!(((got as f64) - want).abs() <= 4.0 * f32::EPSILON as f64 * want, "{got:e} vs {want:e}");
    }

    let x = [0.0f64, 3e-308, 0.0];
    let t = 1e-309f64;
    let mut p = [0.0f64; 3];
    softmax_with_temperature(&x, t, &mut p).unwrap();
    // q = -x1 / t (about -30) as q_hi + q_lo: scaled by 2^1000 (exact), the
    // quotient's remainder by a fused multiply-add; e^q = e^q_hi (1 + q_lo).
    let (a, b) = (-x[1] * 2f64.powi(1000), t * 2f64.powi(1000));
    let q_hi = a / b;
    let q_lo = (-q_hi).mul_add(b, a) / b;
    let e = q_hi.exp() * (1.0 + q_lo);
    let want = e / (1.0 + 2.0 * e);
    assert!((p[0] - want).abs() <= 4.0 * f64::EPSILON * want, "{:e} vs {want:e}", p[0]);
}

/// calibration target: f64 logits in the subnormal range (two classes,
/// gaps of one or a few units of 2^-1074, labels mixed) gave `Converged`
/// with `temperature = 0`, which the docs reserve for `Separable`: the
/// optimum is below the smallest positive f64. Now that smallest value.
#[test]
fn temperature_fit_below_the_float_range_is_positive() {
    let x: Vec<f64> = [
        1u64, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
        24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    ]
    .iter()
    .map(|&k| f64::from_bits(k))
    .collect();
    let labels = [0u8, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    let fit = fit_temperature(&x, 2, &labels).unwrap();
    if fit.status == FitStatus::Converged {
        assert!(fit.temperature > 0.0 && fit.temperature.is_finite(), "{fit:?}");
    }
}
