//! The f32 sigmoid in integer arithmetic, for microcontrollers without an
//! FPU (the companion of [`crate::softmax_int`], same selection and
//! `--cfg logitkit_integer` on any target).
//!
//! # Algorithm
//! 1. `D = |x|` on the grid 2^-32 from the bits (exact above 2^-32; `|x| <
//!    2^-24` gives 1/2, `|x| ≥ 104` gives 1 or 0: the exact values round
//!    there).
//! 2. `e = e^-D = E · 2^-31 · 2^-s` by the integer exponential of
//!    [`crate::softmax_int`] (Q31 mantissa `E`, relative error below
//!    2^-29).
//! 3. `σ(|x|) = 1/(1 + e)`, `σ(-|x|) = e/(1 + e)`: the numerator (`1` or
//!    `E`) and the denominator `1 + e` in Q30; the denominator's reciprocal
//!    by a minimax line and three Newton-Raphson steps (to 2^-28), one
//!    product, then rounding to nearest at the f32 position or at 2^-149
//!    below the normal range, and the bits assembled. The quotient is
//!    within about 2^-27 of `σ` before that rounding: ≤ 0.5 + 0.15 ULP.
//!
//! No float operation at all: on a Cortex-M0 488 instructions per element
//! in 1 012 bytes of flash (`benches/mcu-results.md`), where the f32 path
//! costs about 5 000 (every f32 operation a library call) and libm's
//! `expf` loop 2 530. Measured error: 0.58 ULP on the rows of
//! `tests/kernel_paths.rs`, 0.598 ULP over all 2^32 inputs (`tests/exhaustive.rs`
//! with `--cfg logitkit_integer`).

use crate::softmax_int::{exp_neg_q32, mulhi};

/// `σ(x)`.
#[inline(always)]
pub(crate) fn sigmoid(x: f32) -> f32 {
    let b = x.to_bits();
    let a = b & 0x7fff_ffff;
    if a > 0x7f80_0000 {
        return x; // NaN
    }
    let neg = b >> 31 != 0;
    if a >= 0x42d0_0000 {
        return if neg { 0.0 } else { 1.0 }; // |x| ≥ 104
    }
    let d = q32(a);
    if d < 1 << 8 {
        // |x| < 2^-24: σ = 1/2 ± |x|/4 rounds to 1/2 (and e < 1 below).
        return 0.5;
    }
    let (e, s) = exp_neg_q32(d);
    // 1 + e in Q30 (e ≤ 1: the sum fits in 31 bits).
    let den = (1 << 30) + e.checked_shr(s + 1).unwrap_or(0);
    let (num, scale) = if neg { (e >> 1, s) } else { (1 << 30, 0) };
    if num >= den {
        return 1.0; // e below 2^-31: σ(|x|) rounds to 1
    }
    divide_round(num, den, scale)
}

/// `|x|` (bits `a`, `|x| < 128`) on the grid 2^-32, truncated.
#[inline(always)]
fn q32(a: u32) -> u64 {
    let e = a >> 23; // ≤ 133
    let m = (a & 0x7f_ffff) | if e == 0 { 0 } else { 0x80_0000 };
    let sh = e.max(1) as i32 - 118; // value m 2^(e - 150), times 2^32
    if sh >= 0 {
        let hi = m.checked_shr(32 - sh as u32).unwrap_or(0); // sh ≤ 15
        ((hi as u64) << 32) | (m << sh) as u64
    } else {
        m.checked_shr(sh.unsigned_abs()).unwrap_or(0) as u64
    }
}

/// `24/17 · 2^30` and `8/17 · 2^31`: `1/d ≈ 24/17 - 8/17 d` on `[1, 2]`
/// (relative error ≤ 1/17: the minimax line, Newton-Raphson's usual start).
const R0_A: u32 = 1_515_870_810;
const R0_B: u32 = 1_010_580_540;

/// `1/d` in Q31 for `d = den/2^30` in `[1, 2)`: the line above, then three
/// Newton-Raphson steps `r (2 - d r)` (1/17 → 2^-8 → 2^-16 → 2^-28: the
/// truncations of the fixed point arithmetic limit the last one).
#[inline(always)]
fn reciprocal(den: u32) -> u32 {
    let dq = den << 1; // Q31
    let mut r = (R0_A - mul(dq, R0_B)) << 1; // Q31
    for _ in 0..3 {
        let w = (1u32 << 31) - mul(dq, r); // (2 - d r) in Q30
        r = mul(r, w) << 2;
    }
    r
}

/// [`mulhi`] out of line: the sigmoid fits in 1 KiB of flash for about 30
/// more instructions per element.
#[inline(never)]
fn mul(a: u32, b: u32) -> u32 {
    mulhi(a, b)
}

/// `(num/den) · 2^-scale` rounded to the nearest f32 (ties to even, down
/// into the subnormals), for `den/4 ≤ num < den`, `2^30 ≤ den < 2^31`.
#[inline(always)]
fn divide_round(num: u32, den: u32, scale: u32) -> f32 {
    // q ≈ (num/den) 2^29 (Q29, a few units low), in [2^27, 2^29).
    let q = mulhi(num, reciprocal(den));
    let lead = if q >= 1 << 28 { 28 } else { 27 };
    let exp = lead as i32 - 29 - scale as i32; // floor(log2 σ)
                                               // Keep 24 bits (normal) or down to 2^-149 (subnormal).
    let sh = if exp >= -126 { lead - 23 } else { (-126 - exp) as u32 + lead - 23 };
    let mut m = q.checked_shr(sh).unwrap_or(0);
    let half = match sh.checked_sub(1) {
        Some(h) => q.checked_shr(h).unwrap_or(0) & 1,
        None => 0,
    };
    // q is truncated: anything below the half bit, or nothing, rounds the
    // same way except at exact ties, which the truncation cannot see.
    if half != 0 {
        m += 1; // may carry into the exponent: still the right bits
    }
    if exp >= -126 {
        f32::from_bits((((exp + 126) as u32) << 23) + m)
    } else {
        f32::from_bits(m)
    }
}

/// `out_i = σ(x_i)`.
#[inline(always)]
pub(crate) fn sigmoid_slice(x: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = sigmoid(v);
    }
}

/// `x_i = σ(x_i)`.
#[inline(always)]
pub(crate) fn sigmoid_in_place(x: &mut [f32]) {
    for v in x.iter_mut() {
        *v = sigmoid(*v);
    }
}
