//! Float kernels against the obvious libm loop and against rten-vecmath (the
//! fastest Rust peer), measured in the same run.
//!
//! ```text
//! cargo bench --manifest-path benches/speed/Cargo.toml                 # everything (~4 min)
//! cargo bench --manifest-path benches/speed/Cargo.toml -- softmax/f32  # a filter
//! python3 benches/speed/ratios.py --markdown                           # the ratio table
//! ```
//!
//! Groups are `<kernel>/<type>/<n>`; functions `libm` (the obvious loop:
//! `exp` per element, then a division), `logitkit`, `rten`. Ratios, not
//! absolute times, are what the README reports: these machines are noisy,
//! and a baseline measured in the same run cancels most of it.

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rten_simd::{SimdOp, SimdUnaryOp};

const SIZES: [usize; 5] = [10, 100, 1_000, 65_536, 1_000_000];
/// Row length of the `softmax_rows` benches (a 10-class classifier).
const ROW: usize = 10;

/// Deterministic logits ~ N(0, 4^2) (a small LCG and Box-Muller).
fn logits(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (next(), next());
            4.0 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        })
        .collect()
}

/// The obvious loops, generic over f32/f64 through a tiny trait.
mod baseline {
    pub trait Libm:
        Copy + PartialOrd + core::ops::Sub<Output = Self> + core::ops::Div<Output = Self>
    {
        const NEG_INF: Self;
        const ZERO: Self;
        const ONE: Self;
        fn exp(self) -> Self;
        fn ln(self) -> Self;
        fn add(self, o: Self) -> Self;
    }
    impl Libm for f32 {
        const NEG_INF: Self = f32::NEG_INFINITY;
        const ZERO: Self = 0.0;
        const ONE: Self = 1.0;
        fn exp(self) -> Self {
            libm::expf(self)
        }
        fn ln(self) -> Self {
            libm::logf(self)
        }
        fn add(self, o: Self) -> Self {
            self + o
        }
    }
    impl Libm for f64 {
        const NEG_INF: Self = f64::NEG_INFINITY;
        const ZERO: Self = 0.0;
        const ONE: Self = 1.0;
        fn exp(self) -> Self {
            libm::exp(self)
        }
        fn ln(self) -> Self {
            libm::log(self)
        }
        fn add(self, o: Self) -> Self {
            self + o
        }
    }
    fn max<T: Libm>(x: &[T]) -> T {
        x.iter().fold(T::NEG_INF, |a, &b| if b > a { b } else { a })
    }
    pub fn softmax<T: Libm>(x: &[T], out: &mut [T]) {
        let m = max(x);
        let mut s = T::ZERO;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = (v - m).exp();
            s = s.add(*o);
        }
        for o in out.iter_mut() {
            *o = *o / s;
        }
    }
    pub fn log_softmax<T: Libm>(x: &[T], out: &mut [T]) {
        let l = logsumexp(x);
        for (o, &v) in out.iter_mut().zip(x) {
            *o = v - l;
        }
    }
    pub fn sigmoid<T: Libm>(x: &[T], out: &mut [T]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = T::ONE / T::ONE.add((T::ZERO - v).exp());
        }
    }
    pub fn logsumexp<T: Libm>(x: &[T]) -> T {
        let m = max(x);
        let s = x.iter().fold(T::ZERO, |s, &v| s.add((v - m).exp()));
        m.add(s.ln())
    }
    pub fn softmax_rows<T: Libm>(x: &[T], row: usize, out: &mut [T]) {
        for (r, o) in x.chunks(row).zip(out.chunks_mut(row)) {
            softmax(r, o);
        }
    }
}

mod rten {
    use super::*;
    pub fn softmax(x: &[f32], out: &mut [MaybeUninit<f32>]) {
        rten_vecmath::Softmax::new(x, out).dispatch();
    }
    pub fn log_softmax(x: &[f32], out: &mut [MaybeUninit<f32>]) {
        rten_vecmath::LogSoftmax::new(x, out).dispatch();
    }
    pub fn sigmoid(x: &[f32], out: &mut [MaybeUninit<f32>]) {
        rten_vecmath::Sigmoid {}.map(x, out);
    }
    pub fn softmax_rows(x: &[f32], row: usize, out: &mut [MaybeUninit<f32>]) {
        for (r, o) in x.chunks(row).zip(out.chunks_mut(row)) {
            rten_vecmath::Softmax::new(r, o).dispatch();
        }
    }
}

macro_rules! group {
    ($c:expr, $name:expr, $n:expr, { $($id:literal => $body:expr),* $(,)? }) => {{
        let mut g = $c.benchmark_group($name);
        g.throughput(Throughput::Elements($n as u64));
        g.warm_up_time(Duration::from_millis(300));
        g.measurement_time(Duration::from_millis(900));
        g.sample_size(20);
        $( g.bench_function(BenchmarkId::new($id, $n), |b| b.iter(|| $body)); )*
        g.finish();
    }};
}

fn bench_f32(c: &mut Criterion) {
    for &n in &SIZES {
        let x: Vec<f32> = logits(n, 42).into_iter().map(|v| v as f32).collect();
        let mut out = vec![0.0f32; n];
        let mut un = vec![MaybeUninit::<f32>::uninit(); n];
        let x = &x[..];
        group!(c, format!("sigmoid/f32/{n}"), n, {
            "libm" => baseline::sigmoid(black_box(x), &mut out),
            "logitkit" => logitkit::sigmoid_slice(black_box(x), &mut out),
            "rten" => rten::sigmoid(black_box(x), &mut un),
        });
        group!(c, format!("softmax/f32/{n}"), n, {
            "libm" => baseline::softmax(black_box(x), &mut out),
            "logitkit" => logitkit::softmax(black_box(x), &mut out),
            "rten" => rten::softmax(black_box(x), &mut un),
        });
        group!(c, format!("log_softmax/f32/{n}"), n, {
            "libm" => baseline::log_softmax(black_box(x), &mut out),
            "logitkit" => logitkit::log_softmax(black_box(x), &mut out),
            "rten" => rten::log_softmax(black_box(x), &mut un),
        });
        group!(c, format!("logsumexp/f32/{n}"), n, {
            "libm" => baseline::logsumexp(black_box(x)),
            "logitkit" => logitkit::logsumexp(black_box(x)),
        });
        if n % ROW == 0 {
            group!(c, format!("softmax_rows10/f32/{n}"), n, {
                "libm" => baseline::softmax_rows(black_box(x), ROW, &mut out),
                "logitkit" => logitkit::softmax_rows(black_box(x), ROW, &mut out),
                "rten" => rten::softmax_rows(black_box(x), ROW, &mut un),
            });
        }
    }
}

fn bench_f64(c: &mut Criterion) {
    for &n in &SIZES {
        let x = logits(n, 42);
        let mut out = vec![0.0f64; n];
        let x = &x[..];
        group!(c, format!("sigmoid/f64/{n}"), n, {
            "libm" => baseline::sigmoid(black_box(x), &mut out),
            "logitkit" => logitkit::sigmoid_slice(black_box(x), &mut out),
        });
        group!(c, format!("softmax/f64/{n}"), n, {
            "libm" => baseline::softmax(black_box(x), &mut out),
            "logitkit" => logitkit::softmax(black_box(x), &mut out),
        });
        group!(c, format!("log_softmax/f64/{n}"), n, {
            "libm" => baseline::log_softmax(black_box(x), &mut out),
            "logitkit" => logitkit::log_softmax(black_box(x), &mut out),
        });
        group!(c, format!("logsumexp/f64/{n}"), n, {
            "libm" => baseline::logsumexp(black_box(x)),
            "logitkit" => logitkit::logsumexp(black_box(x)),
        });
        if n % ROW == 0 {
            group!(c, format!("softmax_rows10/f64/{n}"), n, {
                "libm" => baseline::softmax_rows(black_box(x), ROW, &mut out),
                "logitkit" => logitkit::softmax_rows(black_box(x), ROW, &mut out),
            });
        }
    }
}

criterion_group!(benches, bench_f32, bench_f64);
criterion_main!(benches);
