//! Softmax, log-sum-exp and log-softmax in f32 arithmetic on the table
//! exponential ([`crate::exp_table`]): the f32 kernels for microcontrollers
//! with a single-precision FPU (Cortex-M4F/M7/M33; `--cfg logitkit_exp_table`
//! selects them on any target, for tests).
//!
//! # Softmax
//! One pass computes `e_i = e^(x_i - K ln 2) · 2^(S0 + KMIN)` for the row's
//! integer `K ≈ max/ln 2` (softmax is shift-invariant, so the shift need not
//! be the max itself: the integer `K` goes into the exponent bits, and no
//! `x_i - max` is ever rounded), stores it and adds it to a Kahan sum; a
//! second pass divides by the sum (`VDIV`: one instruction, 14 cycles on a
//! Cortex-M4F; a product by `1/S` would need a fused multiply-add to stay
//! within the bound). The common scale cancels, so a subnormal probability
//! is rounded once, by the division. Errors: `e_i` ≤ 0.65 ULP (0.57
//! measured), the sum ≤ 0.5 ULP + the terms' errors, the division 0.5 ULP:
//! ≤ 2.4 ULP per element in the worst alignment of all three; 2.33 ULP
//! measured (reference data of `tests/accuracy.rs` and the rows of
//! `tests/kernel_paths.rs`), `Σ p` within 0.9ε of 1. Rows whose max is
//! `|m| ≥ 256` subtract `m` first (exact where it matters, see
//! [`Row`]); that copy of the loop costs one more instruction per element.
//!
//! # Log-sum-exp
//! `m + ln_1p(S')` with `S' = Σ_{i ≠ argmax} e^(x_i - m)` (Blanchard, Higham
//! and Higham, IMA J. Numer. Anal. 41, 2021). The common path sums the
//! scaled terms whose table step is below the max's (one unsigned compare
//! also catches dropped terms); the max itself, the elements within ln2/32
//! of it and dropped terms take a cold out-of-line path that leaves out the
//! first element equal to the max and sums the others apart, so `S'` is a
//! compensated sum of its own terms whatever the order (a sum that included
//! the max and subtracted it would lose every term below 2^-24 of it). `S'`
//! is then multiplied once per row by `e^(K ln 2 - m)` as an exact
//! double-word product (Dekker), and `ln_1p` takes the double-word `S'` (a
//! first-order correction of libm's `log1pf`). 0.83 ULP of `max(|y|, L)`
//! measured.
//!
//! # Log-softmax
//! `(x_i - m) - L` with `L = ln_1p(S')` as above and `x_i - m` exact
//! (TwoSum), as in [`crate::narrow`]: 1.45 ULP measured.
//!
//! Cost on a Cortex-M4F (n = 100, `opt-level = "s"`, `benches/mcu-results.md`):
//! softmax 40.8 instructions per element, log-sum-exp 37.1, log-softmax 55.2.

use crate::compensated::diff_hi_lo;
use crate::exp_table::{exp_scaled, exp_scaled_below, exp_scaled_parts_lo, Row, Scale, KMIN, S0};

/// `2^-(S0 + KMIN)`: removes the scale of [`exp_scaled`]'s results.
const UNSCALE: f32 = 1.0 / (1u128 << (S0 + KMIN)) as f32;
/// ln 2 to 15 bits (`K · LN2_HI` is exact for `|K| < 2^9`) and the rest.
const LN2_HI: f32 = f32::from_bits(0x3f31_7200);
const LN2_LO: f32 = f32::from_bits(0x35bf_be8e);

/// A Kahan sum of non-negative terms: `sum - c` is the sum.
#[derive(Clone, Copy)]
struct Kahan {
    sum: f32,
    c: f32,
}

impl Kahan {
    #[inline(always)]
    fn new() -> Self {
        Kahan { sum: 0.0, c: 0.0 }
    }
    #[inline(always)]
    fn add(&mut self, v: f32) {
        let y = v - self.c;
        let t = self.sum + y;
        self.c = (t - self.sum) - y;
        self.sum = t;
    }
}

/// `f(x_i - shift)` for each element, with the subtraction only when the
/// shift is not 0 (two copies of the loop: the common row pays nothing).
#[inline(always)]
fn for_each_shifted(x: &[f32], shift: f32, mut f: impl FnMut(f32)) {
    if shift == 0.0 {
        for &v in x {
            f(v);
        }
    } else {
        for &v in x {
            f(v - shift);
        }
    }
}

/// 0 for a dropped term, produced on its own (rare) path: a plain `0.0`
/// would be hoisted into every iteration as a register copy.
#[inline(always)]
fn zero() -> f32 {
    core::hint::black_box(0.0)
}

/// `out_i = e_i` (scaled, see the module docs), returning `Σ e_i`.
#[inline(always)]
fn exps_into(x: &[f32], out: &mut [f32], row: Row) -> f32 {
    let mut acc = Kahan::new();
    let mut term = |o: &mut f32, v: f32| {
        let e = exp_scaled(v, row.scale).unwrap_or_else(zero);
        *o = e;
        acc.add(e);
    };
    if row.shift == 0.0 {
        for (o, &v) in out.iter_mut().zip(x) {
            term(o, v);
        }
    } else {
        for (o, &v) in out.iter_mut().zip(x) {
            term(o, v - row.shift);
        }
    }
    acc.sum - acc.c
}

/// Softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn softmax(x: &[f32], m: f32, out: &mut [f32]) {
    let s = exps_into(x, out, Row::new(m));
    for o in out.iter_mut() {
        *o /= s;
    }
}

/// [`softmax`] in place.
#[inline(always)]
pub(crate) fn softmax_in_place(x: &mut [f32], m: f32) {
    let row = Row::new(m);
    let mut acc = Kahan::new();
    let mut term = |v: &mut f32, a: f32| {
        let e = exp_scaled(a, row.scale).unwrap_or_else(zero);
        acc.add(e);
        *v = e;
    };
    if row.shift == 0.0 {
        for v in x.iter_mut() {
            term(v, *v);
        }
    } else {
        for v in x.iter_mut() {
            term(v, *v - row.shift);
        }
    }
    let s = acc.sum - acc.c;
    for v in x.iter_mut() {
        *v /= s;
    }
}

/// `(p, e)` with `p = fl(a b)` and `p + e = a b` exactly (Dekker's
/// product with Veltkamp's splitting; no overflow for `|a|, |b| < 2^100`).
#[inline(always)]
fn two_prod(a: f32, b: f32) -> (f32, f32) {
    const SPLIT: f32 = 4097.0; // 2^12 + 1
    let split = |v: f32| {
        let c = SPLIT * v;
        let h = c - (c - v);
        (h, v - h)
    };
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let p = a * b;
    let e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
    (p, e)
}

/// The rare path of [`log1p_sum_except_max`], out of line and cold (so
/// that the common path falls through): a dropped term (adds 0), the max
/// (left out once), or an element within about ln2/32 of it (added to its
/// own compensated sum).
#[cold]
#[inline(never)]
fn near_max_term(a: f32, ms: f32, row: &Row, acc: &mut Kahan, max_seen: &mut bool) {
    let (h, l) = exp_scaled_parts_lo(a, 0.0, row.scale);
    if a == ms && !*max_seen {
        *max_seen = true;
    } else {
        acc.add(h + l);
    }
}

/// `L = ln_1p(S')`, `S' = Σ_{i ≠ argmax} e^(x_i - m)` (module docs).
#[inline(always)]
fn log1p_sum_except_max(x: &[f32], m: f32) -> f32 {
    let row = Row::new(m);
    let ms = m - row.shift;
    let mut acc = Kahan::new();
    let mut near = Kahan::new();
    let mut max_seen = false;
    for_each_shifted(x, row.shift, |a| match exp_scaled_below(a, &row) {
        Some(e) => acc.add(e),
        None => near_max_term(a, ms, &row, &mut near, &mut max_seen),
    });
    acc.add(near.sum);
    acc.add(-near.c);
    // S' e^(m' - K ln2) 2^(S0+KMIN).
    let s = (acc.sum - acc.c) * UNSCALE;
    // e^(K ln2 - m') as e + e_lo, K ln2 - m' = u + u_lo exactly (|u| ≤ 0.72).
    let k = row.k as f32;
    let (u, u_err) = crate::compensated::two_sum(k * LN2_HI, -ms);
    let (eh, el) = exp_scaled_parts_lo(u, u_err + k * LN2_LO, Scale::K0);
    let e = eh + el;
    let (e, e_lo) = (e * UNSCALE, ((eh - e) + el) * UNSCALE);
    let (p, p_err) = two_prod(s, e);
    let p_lo = p_err + s * e_lo;
    libm::log1pf(p) + p_lo / (1.0 + p)
}

/// `m + ln_1p(S')`.
#[inline(always)]
pub(crate) fn logsumexp(x: &[f32], m: f32) -> f32 {
    m + log1p_sum_except_max(x, m)
}

/// `(x - m) - L` with `x - m` exact, `-inf` where it overflows.
#[inline(always)]
fn log_softmax_one(v: f32, m: f32, l: f32) -> f32 {
    let (hi, lo) = diff_hi_lo(v, m);
    (hi - l) + lo
}

/// Log-softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn log_softmax(x: &[f32], m: f32, out: &mut [f32]) {
    let l = log1p_sum_except_max(x, m);
    for (o, &v) in out.iter_mut().zip(x) {
        *o = log_softmax_one(v, m, l);
    }
}

/// [`log_softmax`] in place.
#[inline(always)]
pub(crate) fn log_softmax_in_place(x: &mut [f32], m: f32) {
    let l = log1p_sum_except_max(x, m);
    for v in x.iter_mut() {
        *v = log_softmax_one(*v, m, l);
    }
}
