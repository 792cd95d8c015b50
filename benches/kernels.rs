//! Float kernels against the obvious libm loop, measured in the same run.
//!
//! `cargo bench --bench kernels` (add `-- softmax/f32` etc. to filter).
//! Ratios, not absolute times, are what the README reports: these machines
//! are noisy, and a baseline measured in the same run cancels most of it.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Deterministic logits ~ N(0, 4^2) (a small LCG and Box-Muller).
fn logits(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (next(), next());
            (4.0 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
        })
        .collect()
}

mod baseline {
    pub fn softmax(x: &[f32], out: &mut [f32]) {
        let m = x.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let mut s = 0.0;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = libm::expf(v - m);
            s += *o;
        }
        for o in out.iter_mut() {
            *o /= s;
        }
    }
    pub fn sigmoid(x: &[f32], out: &mut [f32]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = 1.0 / (1.0 + libm::expf(-v));
        }
    }
    pub fn logsumexp(x: &[f32]) -> f32 {
        let m = x.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        m + libm::logf(x.iter().map(|&v| libm::expf(v - m)).sum::<f32>())
    }
}

const SIZES: [usize; 5] = [10, 100, 1_000, 65_536, 1_000_000];

fn bench_f32(c: &mut Criterion) {
    for &n in &SIZES {
        let x = logits(n, 42);
        let mut out = vec![0.0f32; n];
        let mut g = c.benchmark_group(format!("softmax/f32/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("libm", n), |b| {
            b.iter(|| baseline::softmax(black_box(&x), black_box(&mut out)))
        });
        g.bench_function(BenchmarkId::new("logitkit", n), |b| {
            b.iter(|| logitkit::softmax(black_box(&x), black_box(&mut out)))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("sigmoid/f32/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("libm", n), |b| {
            b.iter(|| baseline::sigmoid(black_box(&x), black_box(&mut out)))
        });
        g.bench_function(BenchmarkId::new("logitkit", n), |b| {
            b.iter(|| logitkit::sigmoid_slice(black_box(&x), black_box(&mut out)))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("logsumexp/f32/{n}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("libm", n), |b| b.iter(|| baseline::logsumexp(black_box(&x))));
        g.bench_function(BenchmarkId::new("logitkit", n), |b| b.iter(|| logitkit::logsumexp(black_box(&x))));
        g.finish();
    }
}

criterion_group!(benches, bench_f32);
criterion_main!(benches);
