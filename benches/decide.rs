//! Decisions against the obvious loop, in the same Criterion run:
//!
//! * `argmax/{crate,plain}/n`: `logitkit::argmax` (NaN rule kept) vs
//!   `if v > m { m = v; i = k }` (ignores NaN);
//! * `top_k/{crate,sort}/k/n`: `top_k_into` vs sorting all indices by score
//!   (stable, into a reused buffer) and keeping the first `k`;
//! * `multilabel/{crate,sigmoid,logit}/n`: `LogitThresholds::decide_into`
//!   (per-class cuts, NaN check, `&mut [bool]`) vs `sigmoid(x_i) >= t_i`
//!   (the obvious loop on probabilities) and vs `x_i >= c_i` (the obvious
//!   logit loop, no NaN check); plus `count` and `mask_u128`.
//!
//! Run: `cargo bench --bench decide`, then `python3 tools/decide_bench_ratios.py`
//! for the ratio table.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use logitkit::{argmax, sigmoid, top_k_into, LogitThresholds};

/// Deterministic logits in about [-8, 8] (xorshift), no NaN.
fn logits(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 16.0 - 8.0
        })
        .collect()
}

fn plain_argmax(x: &[f32]) -> usize {
    let (mut best, mut m) = (0, f32::NEG_INFINITY);
    for (i, &v) in x.iter().enumerate() {
        if v > m {
            m = v;
            best = i;
        }
    }
    best
}

fn sort_top_k(x: &[f32], idx: &mut Vec<usize>, out: &mut [usize]) -> usize {
    idx.clear();
    idx.extend(0..x.len());
    idx.sort_by(|&a, &b| x[b].partial_cmp(&x[a]).unwrap_or(std::cmp::Ordering::Equal));
    let k = out.len().min(x.len());
    out[..k].copy_from_slice(&idx[..k]);
    k
}

fn bench_argmax(c: &mut Criterion) {
    let mut g = c.benchmark_group("argmax");
    for n in [10usize, 100, 1000] {
        let x = logits(n, n as u64);
        g.bench_with_input(BenchmarkId::new("crate", n), &x, |b, x| b.iter(|| argmax(black_box(x))));
        g.bench_with_input(BenchmarkId::new("plain", n), &x, |b, x| b.iter(|| plain_argmax(black_box(x))));
    }
    g.finish();
}

fn bench_top_k(c: &mut Criterion) {
    let mut g = c.benchmark_group("top_k");
    for n in [10usize, 100, 1000] {
        let x = logits(n, 7 + n as u64);
        for k in [1usize, 3, 5] {
            let mut out = vec![0usize; k];
            let mut idx = Vec::with_capacity(n);
            g.bench_with_input(BenchmarkId::new(format!("crate/k{k}"), n), &x, |b, x| {
                b.iter(|| top_k_into(black_box(x), black_box(&mut out)))
            });
            g.bench_with_input(BenchmarkId::new(format!("sort/k{k}"), n), &x, |b, x| {
                b.iter(|| sort_top_k(black_box(x), &mut idx, black_box(&mut out)))
            });
        }
    }
    g.finish();
}

fn multilabel<const N: usize>(c: &mut Criterion) {
    let mut g = c.benchmark_group("multilabel");
    let x = logits(N, 3 * N as u64);
    let t: [f32; N] = core::array::from_fn(|i| 0.3 + 0.4 * (i % 7) as f32 / 7.0);
    let th = LogitThresholds::from_probabilities(&t).unwrap();
    let cuts = *th.cuts();
    let mut out = [false; N];
    g.bench_function(BenchmarkId::new("crate", N), |b| {
        b.iter(|| th.decide_into(black_box(&x), black_box(&mut out)))
    });
    g.bench_function(BenchmarkId::new("sigmoid", N), |b| {
        b.iter(|| {
            let mut n = 0;
            for ((o, &v), &ti) in out.iter_mut().zip(black_box(&x)).zip(&t) {
                *o = sigmoid(v) >= ti;
                n += usize::from(*o);
            }
            n
        })
    });
    g.bench_function(BenchmarkId::new("logit", N), |b| {
        b.iter(|| {
            let mut n = 0;
            for ((o, &v), &ci) in out.iter_mut().zip(black_box(&x)).zip(&cuts) {
                *o = v >= ci;
                n += usize::from(*o);
            }
            n
        })
    });
    g.bench_function(BenchmarkId::new("crate_count", N), |b| b.iter(|| th.count(black_box(&x))));
    if N <= 128 {
        g.bench_function(BenchmarkId::new("crate_mask_u128", N), |b| b.iter(|| th.mask_u128(black_box(&x))));
    }
    g.finish();
}

fn bench_multilabel(c: &mut Criterion) {
    multilabel::<10>(c);
    multilabel::<100>(c);
    multilabel::<1000>(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench_argmax, bench_top_k, bench_multilabel
}
criterion_main!(benches);
