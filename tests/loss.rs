//! Losses and gradients: against mpmath on the digits data, finite
//! differences, the extremes (|x| up to f32::MAX), and error handling.

mod calibration_data;

use calibration_data::{binary, digits, reference, rel, row_metrics, CLASSES};
use logitkit::loss::*;
use logitkit::Error;
use proptest::prelude::*;

#[test]
fn cross_entropy_per_row_and_mean_against_mpmath() {
    let d = digits();
    let z = d.logits64();
    let (mut w64, mut w32) = ([0.0f64; 2], [0.0f64; 2]);
    for (((row, row32), &y), want) in
        z.chunks_exact(CLASSES).zip(d.logits.chunks_exact(CLASSES)).zip(&d.labels).zip(row_metrics())
    {
        w64[0] = w64[0].max(rel(cross_entropy(row, y).unwrap(), want[4]));
        w64[1] = w64[1].max(rel(cross_entropy_smoothed(row, y, 0.1).unwrap(), want[5]));
        w32[0] = w32[0].max(rel(cross_entropy(row32, y).unwrap() as f64, want[4]));
        w32[1] = w32[1].max(rel(cross_entropy_smoothed(row32, y, 0.1).unwrap() as f64, want[5]));
    }
    eprintln!("per row f64 {w64:?} f32 {w32:?}");
    assert!(w64[0] <= 4.0 * f64::EPSILON && w64[1] <= 6.0 * f64::EPSILON);
    assert!(w32[0] <= 4.0 * f32::EPSILON as f64 && w32[1] <= 6.0 * f32::EPSILON as f64);

    let m64 = cross_entropy_mean(&z, CLASSES, &d.labels, 0.0).unwrap();
    let s64 = cross_entropy_mean(&z, CLASSES, &d.labels, 0.1).unwrap();
    let m32 = cross_entropy_mean(&d.logits, CLASSES, &d.labels, 0.0).unwrap() as f64;
    let s32 = cross_entropy_mean(&d.logits, CLASSES, &d.labels, 0.1f32).unwrap() as f64;
    let (rm, rs) = (reference("mean_cross_entropy"), reference("mean_cross_entropy_smoothed"));
    eprintln!("mean f64 {:e} {:e} f32 {:e} {:e}", rel(m64, rm), rel(s64, rs), rel(m32, rm), rel(s32, rs));
    assert!(rel(m64, rm) <= 1e-9 && rel(s64, rs) <= 1e-9);
    assert!(rel(m32, rm) <= 1e-5 && rel(s32, rs) <= 1e-5);
    assert!(rel(m64, reference("sklearn_log_loss_t1")) <= 1e-9);
}

#[test]
fn bce_mean_against_mpmath_and_sklearn() {
    let (s, y) = binary();
    let s64: Vec<f64> = s.iter().map(|&v| v as f64).collect();
    let y64: Vec<f64> = y.iter().map(|&v| v as f64).collect();
    let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let a = bce_with_logits_mean(&s64, &y64, None).unwrap();
    let b = bce_with_logits_mean(&s64, &y64, Some(2.0)).unwrap();
    let c = bce_with_logits_mean(&s, &y32, None).unwrap() as f64;
    let e = bce_with_logits_mean(&s, &y32, Some(2.0)).unwrap() as f64;
    let (ra, rb) = (reference("bce_mean"), reference("bce_mean_pos_weight_2"));
    eprintln!("bce f64 {:e} {:e} f32 {:e} {:e}", rel(a, ra), rel(b, rb), rel(c, ra), rel(e, rb));
    assert!(rel(a, ra) <= 1e-9 && rel(b, rb) <= 1e-9);
    assert!(rel(c, ra) <= 1e-5 && rel(e, rb) <= 1e-5);
    assert!(rel(a, reference("sklearn_log_loss_binary")) <= 1e-9);
}

#[test]
fn bce_extremes_never_nan() {
    for &x in &[f32::MAX, -f32::MAX, 1e38, -1e38, f32::MIN_POSITIVE, 0.0] {
        for &y in &[0.0f32, 0.25, 0.5, 1.0] {
            let l = bce_with_logits(x, y);
            assert!(l.is_finite() && l >= 0.0, "{x} {y} {l}");
            // 3·y·softplus(-x) exceeds MAX at x = -MAX: only smaller |x| here.
            if x.abs() <= 1e38 {
                let w = bce_with_logits_weighted(x, y, 3.0);
                assert!(w.is_finite() && w >= 0.0, "{x} {y} {w}");
            }
        }
    }
    assert_eq!(bce_with_logits(f32::MAX, 1.0), 0.0);
    assert_eq!(bce_with_logits(f32::MAX, 0.0), f32::MAX);
    assert_eq!(bce_with_logits(f32::MAX, 0.5), f32::MAX / 2.0);
    assert_eq!(bce_with_logits(-f32::MAX, 0.0), 0.0);
    assert_eq!(bce_with_logits(f64::INFINITY, 1.0), 0.0);
    assert_eq!(bce_with_logits(f64::INFINITY, 0.9), f64::INFINITY);
    assert!(bce_with_logits(f64::NAN, 1.0).is_nan());
    assert!(bce_with_logits(0.0f64, f64::NAN).is_nan());
    assert!(bce_with_logits_weighted(0.0f64, 1.0, -1.0).is_nan());
    // Soft label near 1: (1 - y) is exact, no cancellation of x - y·x.
    let y = 1.0 - 1e-12f64;
    let want = (1.0 - y) * (16.0 + (-16.0f64).exp().ln_1p()) + y * (-16.0f64).exp().ln_1p();
    assert!(rel(bce_with_logits(16.0, y), want) < 4.0 * f64::EPSILON);
    // The mean stays +inf (not NaN) with an infinite term.
    assert_eq!(bce_with_logits_mean(&[f64::INFINITY, 0.0], &[0.0, 1.0], None), Ok(f64::INFINITY));
    // A sum that overflows gives +inf, not NaN.
    assert_eq!(bce_with_logits_mean(&[f32::MAX, f32::MAX, f32::MAX], &[0.0; 3], None), Ok(f32::INFINITY));
}

/// Central differences of `f` at `z`, step `h`.
fn numeric_grad(f: impl Fn(&[f64]) -> f64, z: &[f64], h: f64) -> Vec<f64> {
    (0..z.len())
        .map(|i| {
            let mut a = z.to_vec();
            let mut b = z.to_vec();
            a[i] += h;
            b[i] -= h;
            (f(&a) - f(&b)) / (2.0 * h)
        })
        .collect()
}

#[test]
fn gradients_match_finite_differences() {
    let d = digits();
    let z: Vec<f64> = d.logits64()[..5 * CLASSES].to_vec();
    let labels = &d.labels[..5];
    for &eps in &[0.0, 0.1] {
        let mut g = vec![0.0; z.len()];
        let l = cross_entropy_mean_grad(&z, CLASSES, labels, eps, &mut g).unwrap();
        assert_eq!(l, cross_entropy_mean(&z, CLASSES, labels, eps).unwrap());
        let num = numeric_grad(|v| cross_entropy_mean(v, CLASSES, labels, eps).unwrap(), &z, 1e-6);
        for (a, b) in g.iter().zip(&num) {
            assert!((a - b).abs() < 1e-8, "{a} {b}");
        }
        // Each row's gradient sums to 0 (softmax and target both sum to 1).
        for row in g.chunks_exact(CLASSES) {
            assert!(row.iter().sum::<f64>().abs() < 1e-16);
        }
    }
    let t: Vec<f64> = (0..z.len()).map(|i| ((i * 7) % 10) as f64 / 45.0).collect();
    let mut g = vec![0.0; z.len()];
    cross_entropy_soft_mean_grad(&z, &t, CLASSES, &mut g).unwrap();
    let num = numeric_grad(|v| cross_entropy_soft_mean(v, &t, CLASSES).unwrap(), &z, 1e-6);
    for (a, b) in g.iter().zip(&num) {
        assert!((a - b).abs() < 1e-8, "{a} {b}");
    }
    let (s, y) = binary();
    let x: Vec<f64> = s[..20].iter().map(|&v| v as f64).collect();
    let yy: Vec<f64> = y[..20].iter().map(|&v| if v == 1 { 0.9 } else { 0.05 }).collect();
    for w in [None, Some(2.5)] {
        let mut g = vec![0.0; x.len()];
        bce_with_logits_grad(&x, &yy, w, &mut g).unwrap();
        let num = numeric_grad(|v| bce_with_logits_mean(v, &yy, w).unwrap(), &x, 1e-6);
        for (a, b) in g.iter().zip(&num) {
            assert!((a - b).abs() < 1e-9, "{a} {b}");
        }
    }
}

#[test]
fn single_example_gradients() {
    let z = [2.0f64, -1.0, 0.5];
    let mut g = [0.0; 3];
    let l = cross_entropy_grad(&z, 0, 0.0, &mut g).unwrap();
    assert_eq!(l, cross_entropy(&z, 0).unwrap());
    let mut p = [0.0; 3];
    logitkit::softmax(&z, &mut p).unwrap();
    assert!((g[0] - (p[0] - 1.0)).abs() < 1e-16 && (g[1] - p[1]).abs() < 1e-17);
    // Confident and right: p_y - 1 = -Σ others, no cancellation.
    let mut g2 = [0.0f32; 2];
    cross_entropy_grad(&[30.0f32, 0.0], 0, 0.0, &mut g2).unwrap();
    assert!(rel(g2[0] as f64, -(-30.0f64).exp() / (1.0 + (-30.0f64).exp())) < 1e-6, "{g2:?}");
    let mut gs = [0.0f64; 3];
    cross_entropy_soft_grad(&z, &[1.0, 0.0, 0.0], &mut gs).unwrap();
    assert!(gs.iter().zip(&g).all(|(a, b)| (a - b).abs() < 1e-16));
    // Infinite logits: the mass is shared, the loss stays defined.
    let mut gi = [0.0f32; 3];
    let li = cross_entropy_grad(&[f32::INFINITY, 0.0, f32::INFINITY], 2, 0.0, &mut gi).unwrap();
    assert_eq!((li, gi), (core::f32::consts::LN_2, [0.5, 0.0, -0.5]));
    assert_eq!(cross_entropy(&[f32::NEG_INFINITY, 0.0], 0), Ok(f32::INFINITY));
    assert_eq!(cross_entropy(&[f32::MAX, -f32::MAX], 1), Ok(f32::INFINITY));
    assert_eq!(cross_entropy_smoothed(&[f32::NEG_INFINITY, 0.0], 1, 0.1), Ok(f32::INFINITY));
    assert_eq!(cross_entropy_soft(&[f32::NEG_INFINITY, 0.0], &[0.0, 1.0]), Ok(0.0));
}

#[test]
fn errors_leave_grad_untouched() {
    let mut g = [7.0f32; 4];
    assert_eq!(cross_entropy_grad(&[0.0, 1.0], 0, 1.5, &mut g[..2]), Err(Error::InvalidParameter));
    assert_eq!(
        cross_entropy_grad(&[0.0, 1.0], 0, 0.0, &mut g),
        Err(Error::LengthMismatch { expected: 2, actual: 4 })
    );
    assert_eq!(cross_entropy_grad::<f32, u8>(&[], 0, 0.0, &mut []), Err(Error::Empty));
    assert_eq!(cross_entropy_grad(&[0.0, f32::NAN], 0, 0.0, &mut g[..2]), Err(Error::Nan { index: 1 }));
    assert_eq!(cross_entropy_grad(&[f32::NEG_INFINITY; 2], 0, 0.0, &mut g[..2]), Err(Error::AllNegInfinite));
    assert_eq!(cross_entropy_grad(&[0.0, 1.0], 2, 0.0, &mut g[..2]), Err(Error::InvalidLabel { index: 0 }));
    assert_eq!(cross_entropy_mean_grad(&[0.0; 4], 0, &[0u8, 0], 0.0, &mut g), Err(Error::InvalidParameter));
    assert_eq!(
        cross_entropy_mean_grad(&[0.0; 4], 2, &[0u8], 0.0, &mut g),
        Err(Error::LengthMismatch { expected: 2, actual: 1 })
    );
    assert_eq!(
        cross_entropy_mean_grad(&[0.0; 3], 2, &[0u8], 0.0, &mut g[..3]),
        Err(Error::LengthMismatch { expected: 2, actual: 3 })
    );
    assert_eq!(
        cross_entropy_mean_grad(&[0.0, 0.0, 0.0, f32::NAN], 2, &[0u8, 9], 0.0, &mut g),
        Err(Error::Nan { index: 3 })
    );
    assert_eq!(
        cross_entropy_mean_grad(&[0.0; 4], 2, &[0u8, 9], 0.0, &mut g),
        Err(Error::InvalidLabel { index: 1 })
    );
    assert_eq!(
        cross_entropy_soft_mean_grad(&[0.0; 4], &[0.5, 0.5, 0.5, -0.1], 2, &mut g),
        Err(Error::InvalidLabel { index: 3 })
    );
    assert_eq!(
        cross_entropy_soft_grad(&[0.0; 2], &[0.5, f32::NAN], &mut g[..2]),
        Err(Error::InvalidLabel { index: 1 })
    );
    assert_eq!(bce_with_logits_grad(&[0.0; 4], &[0.0; 4], Some(-1.0), &mut g), Err(Error::InvalidParameter));
    assert_eq!(
        bce_with_logits_grad(&[0.0; 4], &[0.0; 3], None, &mut g),
        Err(Error::LengthMismatch { expected: 4, actual: 3 })
    );
    assert_eq!(
        bce_with_logits_grad(&[0.0; 4], &[0.0; 4], None, &mut g[..3]),
        Err(Error::LengthMismatch { expected: 4, actual: 3 })
    );
    assert_eq!(bce_with_logits_grad::<f32>(&[], &[], None, &mut []), Err(Error::Empty));
    assert_eq!(
        bce_with_logits_grad(&[0.0, f32::NAN, 0.0, 0.0], &[0.0; 4], None, &mut g),
        Err(Error::Nan { index: 1 })
    );
    assert_eq!(
        bce_with_logits_grad(&[0.0; 4], &[0.0, 0.0, 1.5, 0.0], None, &mut g),
        Err(Error::InvalidLabel { index: 2 })
    );
    assert_eq!(g, [7.0; 4]);
}

proptest! {
    #[test]
    fn bce_finite_for_finite_logits(x in prop::num::f32::NORMAL | prop::num::f32::SUBNORMAL | prop::num::f32::ZERO, y in 0.0f32..=1.0) {
        let l = bce_with_logits(x, y);
        prop_assert!(l.is_finite() && l >= 0.0, "{} {} {}", x, y, l);
    }

    #[test]
    fn cross_entropy_never_nan(z in prop::collection::vec(prop_oneof![-1e38f32..1e38, -30.0f32..30.0, Just(f32::MAX), Just(-f32::MAX)], 1..12), eps in 0.0f32..=1.0) {
        let n = z.len();
        let mut g = vec![0.0f32; n];
        let l = cross_entropy_grad(&z, n - 1, eps, &mut g).unwrap();
        prop_assert!(!l.is_nan() && l >= 0.0);
        prop_assert!(g.iter().all(|v| v.is_finite()));
    }
}
