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
