//! Exhaustive f32 check: every one of the 2^32 inputs of `sigmoid`,
//! `binary_probabilities`, `log_sigmoid`, `softplus` and `Float::exp`, and
//! every `p` for `logit` (each `p` in `[0, 1]` measured, every other input
//! required to give NaN), the elementwise functions in their scalar, slice
//! and in-place forms (the slice kernels are separate code), against references computed in f64 by std's
//! `exp`/`ln`/`ln_1p` (a few f64 ULP, i.e. ~1e-8 f32 ULP). Asserts the same
//! bounds as `tests/accuracy.rs` (2 ULP; 1 ULP for exp).
//!
//! Ignored by default: about 850 s of CPU in release mode, so about 7 minutes
//! on 2 idle cores (21-23 minutes measured on a busy shared machine). Run it for both
//! kernel paths of an x86-64/AArch64 host (the second is the
//! microcontroller code):
//!
//! ```text
//! cargo test --release --test exhaustive -- --ignored --nocapture
//! RUSTFLAGS="--cfg logitkit_narrow" cargo test --release --test exhaustive -- --ignored --nocapture
//! ```
//!
//! ULP convention as in `tests/common/mod.rs`, with one difference forced by
//! the f64 reference: when the reference is exactly a power of two `2^e`,
//! an `r` below it is measured in the ULP of the binade below (`2^(e-24)`),
//! which is the stricter choice. Overflow to `inf` counts as `2^128`.

mod common;

use common::{exponent, is_pow2, table, ulp_at, Stat};
use logitkit::Float;

/// Error of `r` in f32 ULP of the (f64) reference `y`.
fn err32(r: f32, y: f64) -> f64 {
    if y.is_nan() {
        return if r.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if r.is_nan() {
        return f64::INFINITY;
    }
    if y.is_infinite() || (y as f32).is_infinite() && y.abs() >= 2f64.powi(128) {
        // beyond 2^128 the correctly rounded value is inf, whatever the convention
        return if r as f64 == y.signum() * f64::INFINITY { 0.0 } else { f64::INFINITY };
    }
    let r = if r.is_infinite() { r.signum() as f64 * 2f64.powi(128) } else { r as f64 };
    let ulp = if y == 0.0 {
        ulp_at::<f32>(-126)
    } else {
        let e = exponent(y);
        if is_pow2(y) && r.abs() < y.abs() {
            ulp_at::<f32>(e - 1)
        } else {
            ulp_at::<f32>(e)
        }
    };
    ((r - y) / ulp).abs()
}

/// `logit(p)` in f64 for an f32 `p` in `[0, 1]`, each branch using only
/// exact subtractions (f32 inputs in f64).
fn logit_ref(p: f64) -> f64 {
    if p == 0.0 {
        f64::NEG_INFINITY
    } else if p == 1.0 {
        f64::INFINITY
    } else if p < 0.25 {
        (p / (1.0 - p)).ln()
    } else if p < 0.5 {
        -((1.0 - 2.0 * p) / p).ln_1p()
    } else if p <= 0.75 {
        ((2.0 * p - 1.0) / (1.0 - p)).ln_1p()
    } else {
        (p / (1.0 - p)).ln()
    }
}

const FUNCTIONS: [(&str, f64); N] = [
    ("sigmoid", 2.0),
    ("sigmoid_slice, _in_place", 2.0),
    ("binary_probabilities", 2.0),
    ("log_sigmoid", 2.0),
    ("log_sigmoid_slice, _in_place", 2.0),
    ("softplus", 2.0),
    ("softplus_slice, _in_place", 2.0),
    ("Float::exp", 1.0),
    ("logit", 2.0),
    ("logit_slice, _in_place", 2.0),
];
const N: usize = 10;

/// Inputs over the bound kept per function (the largest errors).
const KEEP: usize = 8;

#[derive(Clone, Copy)]
struct Acc {
    max: f64,
    worst: u32,
    over: u64,
    count: u64,
    /// The KEEP largest errors above the bound, largest first.
    top: [(f64, u32); KEEP],
}

impl Acc {
    const EMPTY: Acc = Acc { max: -1.0, worst: 0, over: 0, count: 0, top: [(-1.0, 0); KEEP] };

    #[inline(always)]
    fn add(&mut self, err: f64, bits: u32, bound: f64) {
        self.count += 1;
        if err > self.max {
            self.max = err;
            self.worst = bits;
        }
        if err > bound {
            self.over += 1;
            self.keep(err, bits);
        }
    }

    fn keep(&mut self, err: f64, bits: u32) {
        if err > self.top[KEEP - 1].0 {
            self.top[KEEP - 1] = (err, bits);
            self.top.sort_by(|a, b| b.0.total_cmp(&a.0));
        }
    }

    fn merge(&mut self, a: &Acc) {
        self.count += a.count;
        self.over += a.over;
        if a.max > self.max {
            self.max = a.max;
            self.worst = a.worst;
        }
        for &(e, b) in a.top.iter().filter(|t| t.0 >= 0.0) {
            self.keep(e, b);
        }
    }
}

type SliceFn = fn(&[f32], &mut [f32]) -> Result<(), logitkit::Error>;

/// `(slice form, in-place form)` of `f` over `x`.
fn forms(x: &[f32], slice: SliceFn, in_place: fn(&mut [f32])) -> (Vec<f32>, Vec<f32>) {
    let mut out = vec![0.0; x.len()];
    slice(x, &mut out).expect("slice form");
    let mut v = x.to_vec();
    in_place(&mut v);
    (out, v)
}

/// Measures every function over the inputs `chunk << 20 ..= chunk << 20 | 0xfffff`
/// of each chunk (the slice forms see the chunk as one slice).
fn run(chunks: impl Iterator<Item = u32>) -> [Acc; N] {
    use logitkit as lk;
    let mut acc = [Acc::EMPTY; N];
    for c in chunks {
        let xs: Vec<f32> = ((c << 20)..=((c << 20) | 0xf_ffff)).map(f32::from_bits).collect();
        let sig = forms(&xs, lk::sigmoid_slice, lk::sigmoid_in_place);
        let lsig = forms(&xs, lk::log_sigmoid_slice, lk::log_sigmoid_in_place);
        let sp = forms(&xs, lk::softplus_slice, lk::softplus_in_place);
        let lg = forms(&xs, lk::logit_slice, lk::logit_in_place);
        let worse =
            |(a, b): &(Vec<f32>, Vec<f32>), i: usize, want: f64| err32(a[i], want).max(err32(b[i], want));
        for (i, &x) in xs.iter().enumerate() {
            let bits = x.to_bits();
            let xd = x as f64;
            // e = e^-|x|, l = ln(1 + e): softplus(x) = max(x, 0) + l, log_sigmoid(x) = -(max(-x, 0) + l).
            let e = (-xd.abs()).exp();
            let big = 1.0 / (1.0 + e); // sigmoid(|x|)
            let small = e / (1.0 + e); // sigmoid(-|x|)
            let (s_pos, s_neg) = if xd >= 0.0 {
                (big, small)
            } else if xd < 0.0 {
                (small, big)
            } else {
                (xd, xd)
            };
            let l = e.ln_1p();
            let softplus = if xd > 0.0 { xd + l } else { l };
            let log_sigmoid = if xd < 0.0 { xd - l } else { -l };
            let logit = if (0.0..=1.0).contains(&xd) { logit_ref(xd) } else { f64::NAN };

            acc[0].add(err32(lk::sigmoid(x), s_pos), bits, 2.0);
            acc[1].add(worse(&sig, i, s_pos), bits, 2.0);
            let [p0, p1] = lk::binary_probabilities(x);
            acc[2].add(err32(p0, s_neg).max(err32(p1, s_pos)), bits, 2.0);
            acc[3].add(err32(lk::log_sigmoid(x), log_sigmoid), bits, 2.0);
            acc[4].add(worse(&lsig, i, log_sigmoid), bits, 2.0);
            acc[5].add(err32(lk::softplus(x), softplus), bits, 2.0);
            acc[6].add(worse(&sp, i, softplus), bits, 2.0);
            acc[7].add(err32(Float::exp(x), xd.exp()), bits, 1.0);
            acc[8].add(err32(lk::logit(x), logit), bits, 2.0);
            acc[9].add(worse(&lg, i, logit), bits, 2.0);
        }
    }
    acc
}

#[test]
#[ignore = "exhaustive over 2^32 f32 inputs: run with --release -- --ignored"]
fn exhaustive_f32() {
    let start = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8) as u32;
    // Interleaved chunks of 2^20 inputs so that every thread gets a fair mix.
    let chunks: u32 = 1 << 12;
    let handles: Vec<_> = (0..threads)
        .map(|t| std::thread::spawn(move || run((t..chunks).step_by(threads as usize))))
        .collect();
    let mut total = [Acc::EMPTY; N];
    for h in handles {
        for (t, a) in total.iter_mut().zip(h.join().expect("worker panicked")) {
            t.merge(&a);
        }
    }
    let rows: Vec<Stat> = FUNCTIONS
        .iter()
        .zip(&total)
        .map(|(&(name, bound), a)| {
            let x = f32::from_bits(a.worst);
            Stat {
                function: name.to_string(),
                ty: "f32 (all 2^32 inputs)",
                bound,
                unit: "ULP",
                cases: a.count as usize,
                max: a.max,
                worst: format!("x = {x:?} (0x{:08x})", a.worst),
                over: a.over as usize,
            }
        })
        .collect();
    eprintln!(
        "\nkernels: {}\n{}\nreference: f64 (std exp/ln/ln_1p), ~1e-8 f32 ULP; {} threads, {:.1} s\n",
        common::kernel_path(),
        table(&rows),
        threads,
        start.elapsed().as_secs_f64()
    );
    for (&(name, bound), a) in FUNCTIONS.iter().zip(&total).filter(|(_, a)| a.over > 0) {
        let list: Vec<String> = a
            .top
            .iter()
            .filter(|t| t.0 >= 0.0)
            .map(|&(e, b)| format!("{:?} (0x{b:08x}): {e:.3}", f32::from_bits(b)))
            .collect();
        eprintln!("{name}: {} inputs above {bound} ULP; largest: {}", a.over, list.join(", "));
    }
    assert_eq!(total[0].count, 1u64 << 32);
    common::assert_rows(&rows);
}

/// The reference and the measure on a few known values (fast, not ignored).
#[test]
fn reference_sanity() {
    assert_eq!(err32(0.5, 0.5), 0.0);
    assert_eq!(err32(1.0 + f32::EPSILON, 1.0), 1.0);
    assert_eq!(err32(1.0 - f32::EPSILON / 2.0, 1.0), 1.0); // below a power of two: finer ULP
    assert_eq!(err32(f32::INFINITY, f64::INFINITY), 0.0);
    assert_eq!(err32(f32::MAX, 1e39), f64::INFINITY);
    assert_eq!(err32(f32::INFINITY, f32::MAX as f64), 1.0);
    assert_eq!(err32(f32::from_bits(1), 0.0), 1.0);
    assert!(err32(0.0, f64::NAN).is_infinite());
    assert!((logit_ref(0.75) - 3f64.ln()).abs() < 1e-15);
    let p = 0.3f32 as f64; // 1 - p is exact
    assert!((logit_ref(p) + logit_ref(1.0 - p)).abs() < 1e-16);
    assert_eq!(logit_ref(0.5), 0.0);
}
