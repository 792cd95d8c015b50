//! Rows chosen to stress each f32 kernel path (the path this build selects:
//! host default, `--cfg logitkit_narrow`, `--cfg logitkit_exp_table`,
//! `--cfg logitkit_integer`), against f64 references: logits near the
//! table path's shift boundaries (±256), near the integer path's grid change
//! (2^29) and far beyond, `-inf` elements, subnormal inputs and outputs,
//! near-ties and long rows. Asserts the documented bounds (softmax and
//! log-softmax ≤ 4 ULP per element, Σ softmax within 4ε of 1, log-sum-exp
//! ≤ 2 ULP of `max(|y|, L)`, sigmoid ≤ 2 ULP).
//!
//! `cargo test --release --test kernel_paths -- --nocapture` prints the
//! measured maxima.

use logitkit::{log_softmax, logsumexp, sigmoid, sigmoid_slice, softmax, softmax_in_place};

/// ULP of the real `y` in f32 (2^-149 below the normal range).
fn ulp(y: f64) -> f64 {
    let a = y.abs();
    let e = if a < f32::MIN_POSITIVE as f64 { -126 } else { a.log2().floor() as i32 };
    // log2 can round up just below a power of two
    let e = if 2f64.powi(e) > a && a >= f32::MIN_POSITIVE as f64 { e - 1 } else { e };
    2f64.powi(e.max(-126) - 23)
}

fn ulp_err(r: f32, y: f64) -> f64 {
    if r as f64 == y {
        return 0.0;
    }
    (r as f64 - y).abs() / ulp(y)
}

/// xorshift64*, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-300), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * core::f64::consts::PI * v).cos()
    }
}

/// The test rows.
fn rows() -> Vec<Vec<f32>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rows = Vec::new();
    for &n in &[1usize, 2, 3, 7, 16, 100, 1000, 4096] {
        for &(offset, scale) in &[
            (0.0f64, 0.1f64),
            (0.0, 1.0),
            (0.0, 4.0),
            (0.0, 20.0),
            (0.0, 60.0),
            (3.0, 1e-6),
            (127.9, 4.0),
            (-127.9, 4.0),
            (255.5, 30.0),
            (256.5, 30.0),
            (-256.5, 30.0),
            (300.0, 4.0),
            (1000.0, 40.0),
            (-5e5, 20.0),
            (5.36e8, 40.0),
            (-5.37e8, 40.0),
            (3e9, 1e3),
            (1e30, 1e24),
            (-1e30, 1e24),
            (3.3e38, 1e32),
        ] {
            let row: Vec<f32> = (0..n).map(|_| (offset + scale * rng.normal()) as f32).collect();
            rows.push(row);
        }
    }
    // Subnormal outputs: terms e^-88 .. e^-104 next to a max of 0.
    for k in 0..40 {
        let mut row = vec![0.0f32];
        for j in 0..20 {
            row.push(-(86.0 + 0.45 * j as f32 + 0.013 * k as f32));
        }
        rows.push(row);
    }
    // -inf, subnormal inputs, huge negatives, ties.
    rows.push(vec![f32::NEG_INFINITY, 0.0, -1e-40, 1e-45, f32::NEG_INFINITY]);
    rows.push(vec![-f32::MAX, f32::MAX, f32::MAX, 0.0, -f32::MAX]);
    rows.push(vec![f32::MAX, f32::MAX - 1e31, -1e38]);
    rows.push(vec![2.0f32; 4096]);
    rows.push((0..4096).map(|i| if i == 17 { 30.0 } else { -(i as f32) * 1e-3 }).collect());
    rows.push((0..4096).map(|i| 50.0 - (i % 7) as f32 * 1e-6).collect());
    rows.push(vec![1e-20f32, -1e-20, 0.0, -0.0]);
    rows.push(vec![-0.0f32, 0.0]);
    rows.push(vec![62.597_02, 2.06e-6]);
    // Log-sum-exp of a max of 0 and many terms each far below the
    // subnormals, whose sum is not: y = L is a few subnormal ULP.
    rows.push((0..4096).map(|i| if i == 0 { 0.0 } else { -110.0 }).collect());
    rows.push((0..4096).map(|i| if i == 9 { 0.0 } else { -106.5 - (i % 5) as f32 }).collect());
    rows.push((0..300).map(|i| if i == 0 { -1e-44 } else { -105.0 }).collect());
    rows
}

/// f64 softmax, and `ln_1p(Σ_{i ≠ argmax} e^(x_i - m))`.
fn reference(x: &[f32]) -> (Vec<f64>, f64, f64) {
    let m = x.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64));
    let imax = x.iter().position(|&v| v as f64 == m).unwrap();
    let e: Vec<f64> = x.iter().map(|&v| (v as f64 - m).exp()).collect();
    let s: f64 = e.iter().sum();
    let rest: f64 = e.iter().enumerate().filter(|&(i, _)| i != imax).map(|(_, v)| v).sum();
    (e.iter().map(|v| v / s).collect(), m, rest.ln_1p())
}

#[test]
fn softmax_family_within_bounds() {
    let (mut w_sm, mut w_sum, mut w_lse, mut w_lsm) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for x in rows() {
        let (p, m, l) = reference(&x);
        let mut out = vec![0.0f32; x.len()];
        softmax(&x, &mut out).unwrap();
        let mut inplace = x.clone();
        softmax_in_place(&mut inplace).unwrap();
        assert_eq!(
            out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            inplace.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        for (i, (&r, &y)) in out.iter().zip(&p).enumerate() {
            let e = ulp_err(r, y);
            assert!(
                e <= 4.0,
                "softmax {e} ULP at row {:?}.. (n {}) [{i}] x {} -> {r} want {y}",
                &x[..x.len().min(4)],
                x.len(),
                x[i]
            );
            w_sm = w_sm.max(e);
        }
        let sum: f64 = out.iter().map(|&v| v as f64).sum();
        let d = (sum - 1.0).abs() / f32::EPSILON as f64;
        assert!(d <= 4.0, "sum of softmax off by {d} eps (n {})", x.len());
        w_sum = w_sum.max(d);

        let y = logsumexp(&x).unwrap();
        let want = m + l;
        let e = (y as f64 - want).abs() / ulp(want.abs().max(l));
        assert!(
            e <= 2.0,
            "logsumexp {e} ULP* (n {}, {:?}..) -> {y} want {want}",
            x.len(),
            &x[..x.len().min(4)]
        );
        w_lse = w_lse.max(e);

        log_softmax(&x, &mut out).unwrap();
        for (i, (&r, &v)) in out.iter().zip(&x).enumerate() {
            let want = (v as f64 - m) - l;
            if want < -(f32::MAX as f64) {
                // beyond the format (or -inf): -inf, or -MAX within rounding
                assert!(r == f32::NEG_INFINITY || r == -f32::MAX, "log_softmax [{i}] -> {r} want {want}");
                continue;
            }
            let e = ulp_err(r, want);
            assert!(e <= 4.0, "log_softmax {e} ULP (n {}) [{i}] x {v} -> {r} want {want}", x.len());
            w_lsm = w_lsm.max(e);
        }
    }
    println!("softmax {w_sm:.3} ULP, |sum - 1| {w_sum:.3} eps, logsumexp {w_lse:.3} ULP*, log_softmax {w_lsm:.3} ULP");
}

#[test]
fn sigmoid_within_bounds() {
    let mut worst = 0.0f64;
    let mut rng = Rng(7);
    let mut xs: Vec<f32> = (0..200_000).map(|_| (rng.normal() * 30.0) as f32).collect();
    xs.extend((0..200_000).map(|_| f32::from_bits(rng.next() as u32)).filter(|v| !v.is_nan()));
    // Around the subnormal threshold and the rounding-to-1 threshold.
    xs.extend((0..20_000).map(|i| -86.0 - i as f32 * 0.001));
    xs.extend((0..20_000).map(|i| 16.0 + i as f32 * 0.0001));
    xs.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, -f32::MAX, 1e-45, -1e-45]);
    let mut out = vec![0.0f32; xs.len()];
    sigmoid_slice(&xs, &mut out).unwrap();
    for (&x, &r) in xs.iter().zip(&out) {
        assert_eq!(r.to_bits(), sigmoid(x).to_bits(), "slice and scalar differ at {x}");
        let xd = x as f64;
        let want = if xd >= 0.0 { 1.0 / (1.0 + (-xd).exp()) } else { xd.exp() / (1.0 + xd.exp()) };
        let e = ulp_err(r, want);
        assert!(e <= 2.0, "sigmoid({x:e}) = {r:e}, want {want:e}: {e} ULP");
        worst = worst.max(e);
    }
    assert!(sigmoid(f32::NAN).is_nan());
    println!("sigmoid {worst:.3} ULP");
}
