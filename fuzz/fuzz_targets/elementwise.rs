//! sigmoid, log_sigmoid, softplus, logit, binary_probabilities and their
//! slice / in-place forms: ranges, special values, f32 against f64 within
//! the documented 2 ULP, slice = scalar = in-place (same bits), length
//! mismatches refused with the output untouched.
#![no_main]

mod common;
use common::*;
use libfuzzer_sys::fuzz_target;
use logitkit::{
    binary_probabilities, log_sigmoid, log_sigmoid_in_place, log_sigmoid_slice, logit, logit_in_place,
    logit_slice, sigmoid, sigmoid_in_place, sigmoid_slice, softplus, softplus_in_place, softplus_slice,
    Error,
};

fn scalar_f32(x: f32) {
    let xd = x as f64;
    let s = sigmoid(x);
    let ls = log_sigmoid(x);
    let sp = softplus(x);
    let [p0, p1] = binary_probabilities(x);
    if x.is_nan() {
        assert!(s.is_nan() && ls.is_nan() && sp.is_nan() && p0.is_nan() && p1.is_nan());
        return;
    }
    assert!((0.0..=1.0).contains(&s), "sigmoid({x:e}) = {s:e}");
    assert!(ls <= 0.0, "log_sigmoid({x:e}) = {ls:e}");
    assert!(sp >= 0.0, "softplus({x:e}) = {sp:e}");
    assert!((0.0..=1.0).contains(&p0) && (0.0..=1.0).contains(&p1));
    assert!(same_f32(p1, s) && same_f32(p0, sigmoid(-x)), "binary_probabilities({x:e}) = [{p0:e}, {p1:e}]");
    assert!(close32(s, sigmoid(xd), 2.0), "sigmoid f32 {x:e}: {s:e} vs f64 {:e}", sigmoid(xd));
    assert!(close32(ls, log_sigmoid(xd), 2.0), "log_sigmoid f32 {x:e}: {ls:e} vs f64 {:e}", log_sigmoid(xd));
    assert!(close32(sp, softplus(xd), 2.0), "softplus f32 {x:e}: {sp:e} vs f64 {:e}", softplus(xd));
    let sum = p0 as f64 + p1 as f64;
    assert!((sum - 1.0).abs() <= 2.0 * f32::EPSILON as f64, "binary_probabilities({x:e}) sums to {sum}");
    if x == f32::INFINITY {
        assert!(s == 1.0 && ls == 0.0 && sp == f32::INFINITY);
    }
    if x == f32::NEG_INFINITY {
        assert!(s == 0.0 && ls == f32::NEG_INFINITY && sp == 0.0);
    }
    // logit: x read as a probability.
    let l = logit(x);
    if (0.0..=1.0).contains(&x) {
        assert!(close32(l, logit(xd), 2.0), "logit f32 {x:e}: {l:e} vs f64 {:e}", logit(xd));
    } else {
        assert!(l.is_nan(), "logit({x:e}) = {l:e} outside [0, 1]");
    }
}

fn scalar_f64(x: f64) {
    let s = sigmoid(x);
    let ls = log_sigmoid(x);
    let sp = softplus(x);
    let [p0, p1] = binary_probabilities(x);
    if x.is_nan() {
        assert!(s.is_nan() && ls.is_nan() && sp.is_nan() && p0.is_nan() && p1.is_nan());
        return;
    }
    assert!((0.0..=1.0).contains(&s) && ls <= 0.0 && sp >= 0.0);
    assert!(same_f64(p1, s) && same_f64(p0, sigmoid(-x)));
    assert!(((p0 + p1) - 1.0).abs() <= 2.0 * f64::EPSILON);
    // log_sigmoid(x) = -softplus(-x), exactly as defined.
    assert!(
        close_rel(ls, -softplus(-x), 4.0),
        "log_sigmoid({x:e}) = {ls:e}, -softplus(-x) = {:e}",
        -softplus(-x)
    );
    let l = logit(x);
    assert!((0.0..=1.0).contains(&x) != l.is_nan(), "logit({x:e}) = {l:e}");
}

fn close_rel(a: f64, b: f64, ulps: f64) -> bool {
    a == b || (a - b).abs() <= ulps * ulp64(b)
}

macro_rules! slices {
    ($x:expr, $out_len:expr, $poison:expr, $same:ident, $($slice:ident, $in_place:ident, $scalar:ident);*) => {{
        let x = $x;
        $(
            let mut out = vec![$poison; $out_len];
            match $slice(&x, &mut out) {
                Ok(()) => {
                    assert_eq!(out.len(), x.len());
                    for (i, (&o, &v)) in out.iter().zip(&x).enumerate() {
                        assert!($same(o, $scalar(v)), "{} at {i}: slice {o:e} vs scalar {:e}", stringify!($slice), $scalar(v));
                    }
                    let mut y = x.clone();
                    $in_place(&mut y);
                    assert!(y.iter().zip(&out).all(|(&a, &b)| $same(a, b)), "{} differs from {}", stringify!($in_place), stringify!($slice));
                }
                Err(e) => {
                    assert_eq!(e, Error::LengthMismatch { expected: x.len(), actual: out.len() });
                    assert!(out.iter().all(|&o| $same(o, $poison)), "{}: output written on Err", stringify!($slice));
                }
            }
        )*
    }};
}

fuzz_target!(|data: &[u8]| {
    let mut src = Src::new(data);
    let wide = src.flag();
    let n = src.len();
    let m = src.len_near(n);
    if wide {
        let x = src.vec_f64(n);
        x.iter().for_each(|&v| scalar_f64(v));
        slices!(x, m, POISON64, same_f64,
            sigmoid_slice, sigmoid_in_place, sigmoid;
            log_sigmoid_slice, log_sigmoid_in_place, log_sigmoid;
            softplus_slice, softplus_in_place, softplus;
            logit_slice, logit_in_place, logit);
    } else {
        let x = src.vec_f32(n);
        x.iter().for_each(|&v| scalar_f32(v));
        slices!(x, m, POISON32, same_f32,
            sigmoid_slice, sigmoid_in_place, sigmoid;
            log_sigmoid_slice, log_sigmoid_in_place, log_sigmoid;
            softplus_slice, softplus_in_place, softplus;
            logit_slice, logit_in_place, logit);
    }
});
