//! Temperature scaling, Platt scaling and the calibration measures against
//! the references of `tests/data/calibration/gen.py` (mpmath at 50 digits,
//! netcal 1.4.0, scikit-learn 1.9.1).

mod calibration_data;

use calibration_data::{binary, digits, reference, reference_str, rel, CLASSES};
use logitkit::calibration::{fit_platt, fit_temperature, CalibrationStats, FitStatus, PlattTargets};
use logitkit::Float;

#[test]
fn temperature_matches_mpmath_f64() {
    let d = digits();
    let fit = fit_temperature(&d.logits64(), CLASSES, &d.labels).unwrap();
    let want = reference("temperature");
    eprintln!(
        "f64 T {} want {} rel {:e} iters {}",
        fit.temperature,
        want,
        rel(fit.temperature, want),
        fit.iterations
    );
    eprintln!("nll {:e}", rel(fit.nll, reference("nll_at_temperature")));
    assert_eq!(fit.status, FitStatus::Converged);
    assert!(rel(fit.temperature, want) <= 1e-6);
}

#[test]
fn temperature_matches_mpmath_f32() {
    let d = digits();
    let fit = fit_temperature(&d.logits, CLASSES, &d.labels).unwrap();
    let want = reference("temperature");
    eprintln!(
        "f32 T {} rel {:e} iters {}",
        fit.temperature,
        rel(fit.temperature as f64, want),
        fit.iterations
    );
    eprintln!("nll {:e}", rel(fit.nll as f64, reference("nll_at_temperature")));
    assert_eq!(fit.status, FitStatus::Converged);
    assert!(rel(fit.temperature as f64, want) <= 1e-4);
}

fn stats<T: Float, const B: usize>(z: &[T], labels: &[u8], t: Option<T>) -> CalibrationStats<T, B> {
    let mut s = CalibrationStats::<T, B>::new();
    for (row, &y) in z.chunks_exact(CLASSES).zip(labels) {
        match t {
            None => s.push(row, y).unwrap(),
            Some(t) => s.push_with_temperature(row, y, t).unwrap(),
        }
    }
    s
}

fn report<T: Float + Into<f64>, const B: usize>(s: &CalibrationStats<T, B>, tag: &str) -> f64 {
    let b = B;
    let pairs = [
        (s.ece().unwrap().into(), reference(&format!("netcal_ece{b}_{tag}"))),
        (s.mce().unwrap().into(), reference(&format!("netcal_mce{b}_{tag}"))),
        (s.brier().unwrap().into(), reference(&format!("brier_{tag}"))),
        (s.brier().unwrap().into(), reference(&format!("sklearn_brier_{tag}"))),
        (s.nll().unwrap().into(), reference(&format!("nll_{tag}"))),
        (s.nll().unwrap().into(), reference(&format!("sklearn_log_loss_{tag}"))),
        (s.accuracy().unwrap().into(), reference(&format!("accuracy_{tag}"))),
    ];
    let names = ["ece", "mce", "brier", "sk_brier", "nll", "sk_logloss", "acc"];
    let mut worst = 0.0f64;
    for (n, (a, w)) in names.iter().zip(pairs) {
        eprintln!("{} {tag} B={b} {n}: {:e}", core::any::type_name::<T>(), rel(a, w));
        worst = worst.max(rel(a, w));
    }
    worst
}

#[test]
fn metrics_match_netcal_sklearn_mpmath() {
    let d = digits();
    let z64 = d.logits64();
    let t = reference("temperature");
    let w64 = [
        report(&stats::<f64, 10>(&z64, &d.labels, None), "t1"),
        report(&stats::<f64, 15>(&z64, &d.labels, None), "t1"),
        report(&stats::<f64, 10>(&z64, &d.labels, Some(t)), "tstar"),
        report(&stats::<f64, 15>(&z64, &d.labels, Some(t)), "tstar"),
    ];
    let w32 = [
        report(&stats::<f32, 10>(&d.logits, &d.labels, None), "t1"),
        report(&stats::<f32, 15>(&d.logits, &d.labels, None), "t1"),
        report(&stats::<f32, 10>(&d.logits, &d.labels, Some(t as f32)), "tstar"),
        report(&stats::<f32, 15>(&d.logits, &d.labels, Some(t as f32)), "tstar"),
    ];
    for w in w64 {
        assert!(w <= 1e-9, "{w64:?}");
    }
    for w in w32 {
        assert!(w <= 1e-5, "{w32:?}");
    }
}

#[test]
fn platt_matches_mpmath() {
    let (s, y) = binary();
    let s64: Vec<f64> = s.iter().map(|&v| v as f64).collect();
    let f = fit_platt(&s64, &y, PlattTargets::Labels).unwrap();
    eprintln!(
        "platt f64 a {:e} b {:e} nll {:e} it {}",
        rel(f.a, reference("platt_a")),
        rel(f.b, reference("platt_b")),
        rel(f.nll, reference("platt_nll")),
        f.iterations
    );
    let g = fit_platt(&s, &y, PlattTargets::Labels).unwrap();
    eprintln!(
        "platt f32 a {:e} b {:e} it {}",
        rel(g.a as f64, reference("platt_a")),
        rel(g.b as f64, reference("platt_b")),
        g.iterations
    );
    let h = fit_platt(&s64, &y, PlattTargets::Smoothed).unwrap();
    eprintln!(
        "smoothed f64 a {:e} b {:e} it {} vs sklearn a {:e} b {:e}",
        rel(h.a, reference("platt_smoothed_a")),
        rel(h.b, reference("platt_smoothed_b")),
        h.iterations,
        rel(h.a, reference("sklearn_platt_a")),
        rel(h.b, reference("sklearn_platt_b"))
    );
    assert_eq!(f.status, FitStatus::Converged);
    assert!(rel(f.a, reference("platt_a")) <= 1e-6);
    assert!(rel(f.b, reference("platt_b")) <= 1e-6);
    assert!(rel(g.a as f64, reference("platt_a")) <= 1e-4);
    assert!(rel(g.b as f64, reference("platt_b")) <= 1e-4);
    assert!(rel(h.a, reference("platt_smoothed_a")) <= 1e-6);
    assert!(rel(h.b, reference("platt_smoothed_b")) <= 1e-6);
    let _ = reference_str("platt_a");
}

#[test]
fn reliability_diagram_matches_reference() {
    let d = digits();
    let z = d.logits64();
    let t = reference("temperature");
    for (tag, temp) in [("t1", None), ("tstar", Some(t))] {
        let s = stats::<f64, 15>(&z, &d.labels, temp);
        let s32 = stats::<f32, 15>(&d.logits, &d.labels, temp.map(|v| v as f32));
        for (i, (bin, bin32)) in s.reliability().iter().zip(s32.reliability()).enumerate() {
            let want: Vec<&str> =
                reference_str(&format!("reliability15_{tag}_{i:02}")).split_whitespace().collect();
            let (n, acc, conf): (u64, f64, f64) =
                (want[0].parse().unwrap(), want[1].parse().unwrap(), want[2].parse().unwrap());
            assert_eq!(bin.count, n, "{tag} bin {i}");
            assert_eq!(bin32.count, n, "{tag} bin {i} f32");
            assert!(
                (bin.accuracy - acc).abs() <= 1e-15
                    && (bin.confidence - conf).abs() <= 1e-12 * conf.max(1e-300)
            );
            assert!((bin32.confidence as f64 - conf).abs() <= 1e-5 * conf.max(1e-300));
            assert_eq!(bin.lower, i as f64 * (1.0 / 15.0));
        }
    }
}

#[test]
fn merge_equals_one_pass() {
    let d = digits();
    let z = d.logits64();
    let whole = stats::<f64, 15>(&z, &d.labels, None);
    let cut = [0, 300, 301, 900, d.rows];
    let mut merged = CalibrationStats::<f64, 15>::new();
    for w in cut.windows(2) {
        let part = stats::<f64, 15>(&z[w[0] * CLASSES..w[1] * CLASSES], &d.labels[w[0]..w[1]], None);
        merged.merge(&part);
    }
    assert_eq!(merged.count(), whole.count());
    for (a, b) in [
        (merged.ece(), whole.ece()),
        (merged.mce(), whole.mce()),
        (merged.brier(), whole.brier()),
        (merged.nll(), whole.nll()),
        (merged.accuracy(), whole.accuracy()),
    ] {
        // ECE is a sum of |correct - Σ confidence| per bin: the order of the
        // compensated sums moves it by a few ε of the confidence sums.
        assert!(rel(a.unwrap(), b.unwrap()) <= 1e-13, "{a:?} {b:?}");
    }
    let counts = |s: &CalibrationStats<f64, 15>| s.reliability().map(|b| b.count);
    assert_eq!(counts(&merged), counts(&whole));
}

#[test]
fn temperature_scaling_improves_calibration() {
    let d = digits();
    let fit = fit_temperature(&d.logits, CLASSES, &d.labels).unwrap();
    let before = stats::<f32, 15>(&d.logits, &d.labels, None);
    let after = stats::<f32, 15>(&d.logits, &d.labels, Some(fit.temperature));
    assert!(after.ece().unwrap() < 0.5 * before.ece().unwrap());
    assert!(after.nll().unwrap() < before.nll().unwrap());
    assert_eq!(after.accuracy(), before.accuracy()); // T > 0 keeps the argmax
    assert!((after.nll().unwrap() - fit.nll).abs() <= 1e-6 * fit.nll);
}

#[test]
fn temperature_fit_at_extreme_scales() {
    // The digits logits times 2^k: T scales by 2^k, bit for bit in the
    // scaled arithmetic, up to logits near f32::MAX.
    let d = digits();
    let base = fit_temperature(&d.logits, CLASSES, &d.labels).unwrap();
    for k in [-100i32, -20, 20, 100, 120] {
        let c = 2f32.powi(k);
        let z: Vec<f32> = d.logits.iter().map(|&v| v * c).collect();
        let fit = fit_temperature(&z, CLASSES, &d.labels).unwrap();
        assert_eq!(fit.status, FitStatus::Converged);
        assert!(rel((fit.temperature / c) as f64, base.temperature as f64) <= 1e-6, "{k} {fit:?}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn batch() -> impl Strategy<Value = (Vec<f32>, Vec<u8>, usize)> {
        (1usize..6, 1usize..40).prop_flat_map(|(n, rows)| {
            (
                prop::collection::vec(
                    prop_oneof![8 => -20.0f32..20.0, 1 => -1e38f32..1e38, 1 => Just(0.0f32), 1 => Just(f32::MAX)],
                    n * rows,
                ),
                prop::collection::vec(0u8..n as u8, rows),
                Just(n),
            )
        })
    }

    proptest! {
        #[test]
        fn temperature_fit_never_panics_and_is_a_minimum((z, y, n) in batch()) {
            let fit = fit_temperature(&z, n, &y).unwrap();
            prop_assert!(fit.status != FitStatus::IterationLimit, "{:?}", fit);
            prop_assert!(fit.iterations < 400);
            match fit.status {
                FitStatus::Converged => {
                    prop_assert!(fit.temperature > 0.0, "{:?}", fit);
                    // NLL at the fit is no worse than at nearby temperatures.
                    if fit.temperature.is_finite() && fit.temperature > 1e-30 {
                        let nll = |t: f32| {
                            let mut s = CalibrationStats::<f64, 1>::new();
                            let z64: Vec<f64> = z.iter().map(|&v| v as f64).collect();
                            for (row, &l) in z64.chunks_exact(n).zip(&y) {
                                s.push_with_temperature(row, l, t as f64).unwrap();
                            }
                            s.nll().unwrap()
                        };
                        let at = nll(fit.temperature);
                        let up = fit.temperature * 1.01;
                        if up.is_finite() {
                            prop_assert!(at <= nll(up) + 1e-5 * at.abs().max(1e-30));
                        }
                        prop_assert!(at <= nll(fit.temperature / 1.01) + 1e-5 * at.abs().max(1e-30));
                    }
                }
                FitStatus::Separable => prop_assert_eq!(fit.temperature, 0.0),
                FitStatus::Uninformative => prop_assert_eq!(fit.temperature, f32::INFINITY),
                _ => {}
            }
        }

        #[test]
        fn platt_never_panics(s in prop::collection::vec(prop_oneof![-10.0f32..10.0, -1e38f32..1e38, Just(0.0f32)], 1..40), seed in any::<u64>()) {
            let y: Vec<u8> = s.iter().enumerate().map(|(i, _)| ((seed >> (i % 64)) & 1) as u8).collect();
            for t in [PlattTargets::Labels, PlattTargets::Smoothed] {
                let f = fit_platt(&s, &y, t).unwrap();
                prop_assert!(f.a.is_finite() && f.b.is_finite(), "{:?}", f);
                prop_assert!(f.status != FitStatus::IterationLimit, "{:?}", f);
            }
        }

        #[test]
        fn stats_never_nan((z, y, n) in batch(), t in 0.01f32..100.0) {
            let mut s = CalibrationStats::<f32, 7>::new();
            for (row, &l) in z.chunks_exact(n).zip(&y) {
                s.push_with_temperature(row, l, t).unwrap();
            }
            for v in [s.ece(), s.mce(), s.brier(), s.accuracy()] {
                let v = v.unwrap();
                prop_assert!((0.0..=2.0).contains(&v), "{}", v);
            }
            prop_assert!(s.nll().unwrap() >= 0.0);
            prop_assert_eq!(s.reliability().iter().map(|b| b.count).sum::<u64>(), y.len() as u64);
        }
    }
}
