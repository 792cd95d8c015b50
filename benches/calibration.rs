//! Calibration costs, as ratios to a straightforward implementation measured
//! in the same run:
//!
//! * `fit_temperature/*`: fitting T on 10 000 × 10 logits. Baseline: what a
//!   first implementation does, a golden-section search on T in [0.05, 20]
//!   (tolerance 1e-6 relative, like scipy's bounded scalar minimizer) of the
//!   NLL computed row by row through a softmax buffer and `ln(p_y)`.
//! * `ece_update/*`: one streaming update (10 logits) of ECE/MCE/Brier/NLL/
//!   accuracy. Baseline: softmax into a buffer, argmax, `ln`, per-bin arrays.
//!
//! ```text
//! cargo bench --bench calibration
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use logitkit::calibration::{fit_temperature, CalibrationStats};
use std::hint::black_box;

const ROWS: usize = 10_000;
const CLASSES: usize = 10;

/// Deterministic over-confident synthetic logits: the true class gets a
/// boost, 85 % of the time the model's favourite is right.
fn data() -> (Vec<f32>, Vec<u8>) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut z = Vec::with_capacity(ROWS * CLASSES);
    let mut y = Vec::with_capacity(ROWS);
    for _ in 0..ROWS {
        let label = (next() * CLASSES as f64) as usize % CLASSES;
        let favourite = if next() < 0.85 { label } else { (next() * CLASSES as f64) as usize % CLASSES };
        for c in 0..CLASSES {
            let noise = (next() - 0.5) * 6.0;
            z.push((noise + if c == favourite { 9.0 } else { 0.0 }) as f32);
        }
        y.push(label as u8);
    }
    (z, y)
}

/// Mean NLL of softmax(z / t), through a probability buffer.
fn naive_nll(z: &[f32], y: &[u8], t: f32) -> f64 {
    let mut p = [0.0f32; CLASSES];
    let mut total = 0.0f64;
    for (row, &label) in z.chunks_exact(CLASSES).zip(y) {
        let m = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let mut s = 0.0f32;
        for (o, &v) in p.iter_mut().zip(row) {
            *o = ((v - m) / t).exp();
            s += *o;
        }
        total -= ((p[label as usize] / s).ln()) as f64;
    }
    total / y.len() as f64
}

/// Golden-section search of the NLL over T.
fn naive_fit(z: &[f32], y: &[u8]) -> f32 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.05f64, 20.0f64);
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (naive_nll(z, y, c as f32), naive_nll(z, y, d as f32));
    while (b - a) > 1e-6 * (a + b) / 2.0 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = naive_nll(z, y, c as f32);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = naive_nll(z, y, d as f32);
        }
    }
    ((a + b) / 2.0) as f32
}

/// Straightforward streaming update: same outputs as CalibrationStats.
struct NaiveStats {
    count: [u64; 15],
    correct: [u64; 15],
    conf: [f32; 15],
    nll: f64,
    brier: f64,
    n: u64,
}

impl NaiveStats {
    fn push(&mut self, row: &[f32], label: usize) {
        let mut p = [0.0f32; CLASSES];
        let m = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let mut s = 0.0f32;
        for (o, &v) in p.iter_mut().zip(row) {
            *o = (v - m).exp();
            s += *o;
        }
        for o in p.iter_mut() {
            *o /= s;
        }
        let mut top = 0;
        for j in 1..CLASSES {
            if p[j] > p[top] {
                top = j;
            }
        }
        let c = p[top];
        let b = ((c * 15.0) as usize).min(14);
        self.count[b] += 1;
        self.correct[b] += (top == label) as u64;
        self.conf[b] += c;
        self.nll -= p[label].ln() as f64;
        self.brier +=
            p.iter().enumerate().map(|(j, &v)| (v - (j == label) as u8 as f32).powi(2)).sum::<f32>() as f64;
        self.n += 1;
    }
}

fn bench(c: &mut Criterion) {
    let (z, y) = data();
    let ours = fit_temperature(&z, CLASSES, &y).unwrap();
    let theirs = naive_fit(&z, &y);
    eprintln!("T: logitkit {} ({} passes), golden section {}", ours.temperature, ours.iterations, theirs);

    let mut g = c.benchmark_group("fit_temperature_10000x10");
    g.sample_size(20);
    g.bench_function("logitkit_f32", |b| {
        b.iter(|| fit_temperature(black_box(&z), CLASSES, black_box(&y)).unwrap())
    });
    let z64: Vec<f64> = z.iter().map(|&v| v as f64).collect();
    g.bench_function("logitkit_f64", |b| {
        b.iter(|| fit_temperature(black_box(&z64), CLASSES, black_box(&y)).unwrap())
    });
    g.bench_function("golden_section_naive_f32", |b| b.iter(|| naive_fit(black_box(&z), black_box(&y))));
    g.finish();

    let mut g = c.benchmark_group("ece_update_per_example");
    let rows: Vec<&[f32]> = z.chunks_exact(CLASSES).take(1000).collect();
    g.throughput(criterion::Throughput::Elements(rows.len() as u64));
    g.bench_function("logitkit_f32", |b| {
        b.iter(|| {
            let mut s = CalibrationStats::<f32, 15>::new();
            for (row, &l) in rows.iter().zip(&y) {
                s.push(black_box(row), l).unwrap();
            }
            s.count()
        })
    });
    g.bench_function("naive_f32", |b| {
        b.iter(|| {
            let mut s =
                NaiveStats { count: [0; 15], correct: [0; 15], conf: [0.0; 15], nll: 0.0, brier: 0.0, n: 0 };
            for (row, &l) in rows.iter().zip(&y) {
                s.push(black_box(row), l as usize);
            }
            s.n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
