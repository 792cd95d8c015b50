//! The logistic sigmoid in f32 arithmetic on the table exponential
//! ([`crate::exp_table`]): the f32 `sigmoid` kernels for microcontrollers
//! with a single-precision FPU (`--cfg logitkit_exp_table` on any target).
//!
//! With `e = e^-|x| · 2^88 = th + l` (scaled, exact scaling; `th` the
//! exact table value, `l = th·q` the small rest, see
//! [`crate::exp_table::exp_scaled_parts`]):
//! * `x ≥ 0`: `σ(x) = 2^88 / d`, `d = 2^88 + e` with `e = th + l` rounded. The
//!   rounding of the denominator (in `[1, 2]·2^88`) moves `σ ≥ 1/2` by at
//!   most `σ²` ULP, the exponential's error (≤ 1.15·2^-24 relative) by at
//!   most `σ² e ≤ 1/4` of that: ≤ 1.8 ULP with the quotient's rounding.
//! * `x < 0`: `σ(x) = (th + l) / (d + delta)` with `d` the same rounded
//!   denominator and `delta` its rounding error (two exact subtractions
//!   and a small addition), so that `σ = q + (l - q delta)/(d + delta)`
//!   exactly for `q = th/d`; the correction is below 0.024 σ and `|delta| ≤
//!   2^-24 d`, so `d` replaces `d + delta` in it. Only `q` and the final
//!   addition round at the result's scale: ≤ 1 ULP + the exponential's
//!   2^-29 (two exact additions of subnormals below the normal range).
//!
//! The scale keeps `e` normal down to `σ ≈ 2^-176`, so subnormal results
//! are rounded once, by the division (and the correction is then below
//! half an ULP). Arguments below -122 (`σ < 2^-176`) give 0 and above
//! 122 give 1, by the exponential's dropped-term branch.
//! Measured over all 2^32 f32 inputs (`tests/exhaustive.rs` with `--cfg
//! logitkit_exp_table`): 1.549 ULP (at `x = -0.0216`). Cost on a Cortex-M4F:
//! 34.8 instructions per element (n = 100, two elements per iteration;
//! `benches/mcu-results.md`).

use crate::exp_table::{exp_scaled_parts, Scale, KMIN, S0};

/// `2^(S0 + KMIN)`: the scaled 1.
const ONE: f32 = (1u128 << (S0 + KMIN)) as f32;

/// `σ(x)`.
#[inline(always)]
pub(crate) fn sigmoid(x: f32) -> f32 {
    let a = x.abs();
    let (th, l) = match exp_scaled_parts(-a, Scale::K0) {
        Some(p) => p,
        None => {
            if a.is_nan() {
                return a;
            }
            (0.0, 0.0) // |x| > 122: σ = 0 or 1 below
        }
    };
    let d = ONE + (th + l);
    if x >= 0.0 {
        ONE / d
    } else {
        // 2^88 + th + l = d + delta: (2^88 - d) and its sum with th are
        // exact (Sterbenz), only the small last addition rounds.
        let delta = ((ONE - d) + th) + l;
        // (th + l)/(d + delta) = q + (l - q delta)/(d + delta) exactly for
        // q = th/d; |delta| ≤ 2^-24 d, so d suffices below.
        let q = th / d;
        q + (l - q * delta) / d // NaN: l is NaN
    }
}

/// `out_i = σ(x_i)`, two elements per iteration.
#[inline(always)]
pub(crate) fn sigmoid_slice(x: &[f32], out: &mut [f32]) {
    let mut xc = x.chunks_exact(2);
    let mut oc = out.chunks_exact_mut(2);
    for (xs, os) in (&mut xc).zip(&mut oc) {
        if let (Ok(&[a, b]), Ok([oa, ob])) = (<&[f32; 2]>::try_from(xs), <&mut [f32; 2]>::try_from(os)) {
            *oa = sigmoid(a);
            *ob = sigmoid(b);
        }
    }
    for (o, &v) in oc.into_remainder().iter_mut().zip(xc.remainder()) {
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
