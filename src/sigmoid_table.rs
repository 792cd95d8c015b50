//! The logistic sigmoid in f32 arithmetic on the table exponential
//! ([`crate::exp_table`]): the f32 `sigmoid` kernels for microcontrollers
//! with a single-precision FPU (`--cfg logitkit_exp_table` on any target).
//!
//! With `e = e^-|x| · 2^88` (scaled, exact scaling) and `d = 2^88 + e`:
//! * `x ≥ 0`: `σ(x) = 2^88 / d`. `d` is in `[1, 2]·2^88`, so its rounding
//!   costs at most 1 ULP of `σ` where `d` is near 1 and the exp's error
//!   enters scaled by `e/(1 + e) ≤ 1/2`: ≤ 1.5 ULP, no correction needed.
//! * `x < 0`: `σ(x) = e / d`, where the rounding of `d` would cost up to 1
//!   ULP more (2.2 in all): its error `d_err` (Fast2Sum, `2^88 ≥ e`) is
//!   removed to first order, `q - q·d_err/d`.
//!
//! The scale keeps `e` normal down to `σ ≈ 2^-152`, so subnormal results
//! are rounded once, by the division. Arguments below -105.4 (`σ < 2^-152`)
//! give 0 and above 105.4 give 1, by the exponential's dropped-term branch.
//! Measured: ≤ 1.21 ULP over every f32 (`tests/table_paths.rs`).

use crate::exp_table::{exp_scaled, Scale, KMIN, S0};

/// `2^(S0 + KMIN)`: the scaled 1.
const ONE: f32 = (1u128 << (S0 + KMIN)) as f32;

/// `σ(x)`.
#[inline(always)]
pub(crate) fn sigmoid(x: f32) -> f32 {
    let a = x.abs();
    let e = match exp_scaled(-a, Scale::K0) {
        Some(e) => e,
        None => {
            if a.is_nan() {
                return a;
            }
            0.0 // |x| > 105.4: σ = 0 or 1 below
        }
    };
    let d = ONE + e;
    if x >= 0.0 {
        ONE / d
    } else {
        let d_err = (ONE - d) + e;
        // e/(d + d_err) = (e - q d_err)/d to second order, q = e/d.
        let q = e / d;
        (e - q * d_err) / d // NaN: e is NaN
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
