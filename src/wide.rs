//! The f32 kernels on targets with an f64 FPU and SIMD (x86-64, AArch64,
//! ...; see [`crate::lanes::HOST_SIMD`]): evaluated in f64 and rounded once
//! to f32.
//!
//! In f64 the difficulties of the f32 kernels disappear: `x_i - m` of two
//! f32 values is exact (or within 2^-46 absolute, where it no longer
//! matters), an f64 sum of up to 2^20 terms in `(0, 1]` is accurate to
//! 2^-33, and the exponential needs only a degree-7 polynomial
//! ([`exp_neg_f64_for_f32`]) with no error-free transformations. The
//! results are within about half an ULP of the correctly rounded value
//! before the final rounding(s) to f32: the log-domain kernels round once
//! (≤ 0.5 ULP + 2^-10); softmax rounds `e^(x_i - m)` to f32 and scales it by
//! `1/Σ` in f32 (≤ 1.5 ULP). The same data in f32 arithmetic (the
//! microcontroller path, [`crate::narrow`]) needs TwoSum, Kahan sums and a
//! double-word exponential, and, for logsumexp, cannot avoid the
//! cancellation of `m + ln Σ` when every logit is negative.
//!
//! The sigmoid is not here: with 8 f64 lanes per AVX-512 operation instead
//! of 16 f32 lanes, the f64 evaluation was 1.5x slower than the f32 one,
//! which is within its bound anyway.
//!
//! Every function here takes a row already validated by the caller: not
//! empty, no NaN, and a finite maximum `m`.

use crate::exp::{exp_neg_f64_for_f32, EXP_F32_ZERO_ARG, EXP_F64_NORMAL_ARG};
use crate::lanes::{blocks, blocks_in_place, blocks_into, LANES};
use crate::map::{apply_in_place, apply_into};

/// Sum of the lanes of an f64 accumulator, pairwise (fixed order).
#[inline(always)]
fn lane_sum(acc: &[f64; LANES]) -> f64 {
    let mut a = *acc;
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for j in 0..w {
            a[j] += a[j + w];
        }
    }
    a[0]
}

/// `Σ e^(x_i - m)` in f64, optionally storing each term rounded to f32.
#[inline(always)]
fn exp_terms(src: &[f32; LANES], dst: &mut [f32; LANES], acc: &mut [f64; LANES], m: f64) {
    for j in 0..LANES {
        let e = exp_neg_f64_for_f32(src[j] as f64 - m, EXP_F32_ZERO_ARG);
        dst[j] = e as f32;
        acc[j] += e;
    }
}

/// `out_i *= inv` in f32 (`e_i` rounded, `1/Σ` rounded, product rounded:
/// ≤ 1.5 ULP with the f64 terms).
#[inline(always)]
fn scale(out: &mut [f32], s: f64) {
    let inv = (1.0 / s) as f32;
    for o in out.iter_mut() {
        *o *= inv;
    }
}

/// Softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn softmax_f32(x: &[f32], m: f32, out: &mut [f32]) {
    let mut acc = [0.0f64; LANES];
    blocks_into(
        x,
        out,
        f32::NEG_INFINITY,
        #[inline(always)]
        |s, d| exp_terms(s, d, &mut acc, m as f64),
    );
    scale(out, lane_sum(&acc));
}

/// [`softmax_f32`] in place.
#[inline(always)]
pub(crate) fn softmax_f32_in_place(x: &mut [f32], m: f32) {
    let mut acc = [0.0f64; LANES];
    blocks_in_place(
        x,
        f32::NEG_INFINITY,
        #[inline(always)]
        |s, d| exp_terms(s, d, &mut acc, m as f64),
    );
    scale(x, lane_sum(&acc));
}

/// `L = ln Σ e^(x_i - m) = ln_1p(S')`: `ln(1 + S')` would lose `S'` below
/// 2^-53 (the dominant class of `log_softmax([30, 0])` needs
/// `L = 9.4e-14` to 7 digits), so the terms equal to 1 (`x_i = m`) are
/// counted instead of summed: `S' = Σ_{x_i < m} e^(x_i - m) + (ties - 1)`.
#[inline(always)]
fn log_sum(x: &[f32], m: f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let mut ties = [0.0f64; LANES];
    blocks(
        x,
        f32::NEG_INFINITY,
        #[inline(always)]
        |s| {
            for j in 0..LANES {
                let v = s[j] as f64;
                let e = exp_neg_f64_for_f32(v - m, EXP_F64_NORMAL_ARG);
                let tie = v == m;
                acc[j] += if tie { 0.0 } else { e };
                ties[j] += if tie { 1.0 } else { 0.0 };
            }
        },
    );
    libm::log1p(lane_sum(&acc) + (lane_sum(&ties) - 1.0))
}

/// `m + ln_1p(S')`, rounded once.
#[inline(always)]
pub(crate) fn logsumexp_f32(x: &[f32], m: f32) -> f32 {
    (m as f64 + log_sum(x, m as f64)) as f32
}

/// `(x_i - m) - ln Σ e^(x_j - m)`: `x_i - m` is exact in f64 and the
/// subtraction of `L` rounds once, so the dominant class gets `-L` (not
/// `m - (m + L) = 0`).
#[inline(always)]
fn log_softmax_one(x: f32, m: f64, l: f64) -> f32 {
    ((x as f64 - m) - l) as f32
}

/// Log-softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn log_softmax_f32(x: &[f32], m: f32, out: &mut [f32]) {
    let (m, l) = (m as f64, log_sum(x, m as f64));
    apply_into(x, out, 0.0, |v| log_softmax_one(v, m, l));
}

/// [`log_softmax_f32`] in place.
#[inline(always)]
pub(crate) fn log_softmax_f32_in_place(x: &mut [f32], m: f32) {
    let (m, l) = (m as f64, log_sum(x, m as f64));
    apply_in_place(x, 0.0, |v| log_softmax_one(v, m, l));
}

/// Softmax of `x / t` (`t` finite and positive): `(x_i - m) / t` in f64 is
/// exact to 2^-46 absolute where the term matters.
#[inline(always)]
pub(crate) fn softmax_temperature_f32(x: &[f32], m: f32, t: f32, out: &mut [f32]) {
    let (m, inv_t) = (m as f64, 1.0 / t as f64);
    let mut acc = [0.0f64; LANES];
    blocks_into(
        x,
        out,
        f32::NEG_INFINITY,
        #[inline(always)]
        |s, d| {
            for j in 0..LANES {
                // (x - m) * (1/t): two roundings of 2^-53 each, |(x - m)/t| <= 150
                // where e^(...) is not 0 in f32: 2^-45 absolute.
                let e = exp_neg_f64_for_f32((s[j] as f64 - m) * inv_t, EXP_F32_ZERO_ARG);
                d[j] = e as f32;
                acc[j] += e;
            }
        },
    );
    scale(out, lane_sum(&acc));
}
