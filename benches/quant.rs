//! Host benches of the `quant` kernels, each against the straightforward
//! float path measured in the same run (dequantize → f32 kernel → quantize):
//! `cargo bench --bench quant`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use logitkit::quant::{self, LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8};
use std::hint::black_box;
use std::time::Duration;

fn codes_i8(n: usize) -> Vec<i8> {
    // deterministic, spread over the whole range
    (0..n).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8 as i8).collect()
}

fn softmax_i8(c: &mut Criterion) {
    let mut g = c.benchmark_group("softmax_i8");
    let sm = SoftmaxI8::new(1.0 / 16.0, 1.0).unwrap();
    for n in [10usize, 100, 1000] {
        let x = codes_i8(n);
        let mut out = vec![0i8; n];
        let mut out16 = vec![0i16; n];
        let (mut f, mut p) = (vec![0.0f32; n], vec![0.0f32; n]);
        g.bench_with_input(BenchmarkId::new("quant_i8_to_i8", n), &n, |b, _| {
            b.iter(|| sm.softmax(black_box(&x), &mut out).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("quant_i8_to_i16", n), &n, |b, _| {
            b.iter(|| sm.softmax(black_box(&x), &mut out16).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("float_path", n), &n, |b, _| {
            b.iter(|| {
                quant::dequantize(black_box(&x), 1.0 / 16.0, 0, &mut f).unwrap();
                logitkit::softmax(&f, &mut p).unwrap();
                quant::quantize(&p, 1.0 / 256.0, -128, &mut out).unwrap();
            })
        });
    }
    g.finish();
}

fn softmax_i16(c: &mut Criterion) {
    let mut g = c.benchmark_group("softmax_i16");
    let sm = SoftmaxI16::new(1.0 / 1024.0, 1.0).unwrap();
    for n in [10usize, 100, 1000] {
        let x: Vec<i16> = codes_i8(n).iter().map(|&v| v as i16 * 64).collect();
        let mut out = vec![0i16; n];
        let (mut f, mut p) = (vec![0.0f32; n], vec![0.0f32; n]);
        g.bench_with_input(BenchmarkId::new("quant", n), &n, |b, _| {
            b.iter(|| sm.softmax(black_box(&x), &mut out).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("float_path", n), &n, |b, _| {
            b.iter(|| {
                quant::dequantize(black_box(&x), 1.0 / 1024.0, 0, &mut f).unwrap();
                logitkit::softmax(&f, &mut p).unwrap();
                quant::quantize(&p, 1.0 / 32768.0, 0, &mut out).unwrap();
            })
        });
    }
    g.finish();
}

fn logistic(c: &mut Criterion) {
    let mut g = c.benchmark_group("logistic");
    let n = 1000;
    let x = codes_i8(n);
    let x16: Vec<i16> = x.iter().map(|&v| v as i16 * 128).collect();
    let l8 = LogisticI8::new(0.1, 0).unwrap();
    let l16 = LogisticI16::new(1.0 / 4096.0).unwrap();
    let (mut out, mut out16) = (vec![0i8; n], vec![0i16; n]);
    let (mut f, mut p) = (vec![0.0f32; n], vec![0.0f32; n]);
    g.bench_function("quant_i8_table_1000", |b| b.iter(|| l8.logistic(black_box(&x), &mut out).unwrap()));
    g.bench_function("float_path_i8_1000", |b| {
        b.iter(|| {
            quant::dequantize(black_box(&x), 0.1, 0, &mut f).unwrap();
            logitkit::sigmoid_slice(&f, &mut p).unwrap();
            quant::quantize(&p, 1.0 / 256.0, -128, &mut out).unwrap();
        })
    });
    g.bench_function("quant_i16_1000", |b| b.iter(|| l16.logistic(black_box(&x16), &mut out16).unwrap()));
    g.bench_function("float_path_i16_1000", |b| {
        b.iter(|| {
            quant::dequantize(black_box(&x16), 1.0 / 4096.0, 0, &mut f).unwrap();
            logitkit::sigmoid_slice(&f, &mut p).unwrap();
            quant::quantize(&p, 1.0 / 32768.0, 0, &mut out16).unwrap();
        })
    });
    g.finish();
}

fn decide(c: &mut Criterion) {
    let mut g = c.benchmark_group("decide_i8");
    let x = codes_i8(1000);
    g.bench_function("argmax_1000", |b| b.iter(|| quant::argmax(black_box(&x)).unwrap()));
    g.bench_function("obvious_argmax_1000", |b| {
        b.iter(|| {
            let x = black_box(&x);
            let mut best = 0;
            for i in 1..x.len() {
                if x[i] > x[best] {
                    best = i;
                }
            }
            best
        })
    });
    let mut idx = [0usize; 5];
    g.bench_function("top5_1000", |b| b.iter(|| quant::top_k_into(black_box(&x), &mut idx).unwrap()));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1)).sample_size(30);
    targets = softmax_i8, softmax_i16, logistic, decide
}
criterion_main!(benches);
