//! Quantized kernels: int8 / int16 softmax (from a scale and β or from raw
//! TFLite parameters), logistic, quantize / dequantize, argmax, top-k and
//! code thresholds. Codes in range, softmax monotone in the input and equal
//! to row-by-row, logistic monotone, dequantize(quantize(x)) within half a
//! step, top-k sorted with its first = argmax, threshold masks = passes,
//! outputs untouched on `Err`.
#![no_main]

mod common;
use common::*;
use libfuzzer_sys::fuzz_target;
use logitkit::quant::{
    argmax, dequantize, dequantize_one, quantize, quantize_one, top_k, top_k_into, Code, CodeThreshold,
    LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8, SoftmaxOutput,
};

/// Larger input → larger or equal output (same row).
fn monotone<I: Code, O: Code>(x: &[I], y: &[O], what: &str) {
    for i in 0..x.len() {
        for j in 0..x.len() {
            if x[i] > x[j] {
                assert!(y[i] >= y[j], "{what}: x[{i}] > x[{j}] but y {:?} < {:?}", y[i], y[j]);
            }
        }
    }
}

fn softmax_i8<O: SoftmaxOutput>(s: &SoftmaxI8, x: &[i8], m: usize, row_len: usize, poison: O) {
    let mut out = vec![poison; m];
    match s.softmax::<O>(x, &mut out) {
        Ok(()) => monotone(x, &out, "SoftmaxI8"),
        Err(_) => assert!(out.iter().all(|&v| v == poison), "SoftmaxI8 wrote on Err"),
    }
    let mut rows = vec![poison; m];
    match s.softmax_rows::<O>(x, row_len, &mut rows) {
        Ok(()) => {
            for (r, o) in x.chunks(row_len).zip(rows.chunks(row_len)) {
                let mut one = vec![poison; r.len()];
                s.softmax::<O>(r, &mut one).unwrap();
                assert_eq!(one, o, "SoftmaxI8 rows != row by row");
            }
        }
        Err(_) => assert!(rows.iter().all(|&v| v == poison), "SoftmaxI8 rows wrote on Err"),
    }
}

fn generic<Q: Code + Into<i32>>(x: &[Q], xf: &[f32], scale: f32, zp: i32, k: usize, t: f32) {
    // argmax / top-k
    match argmax(x) {
        Ok(i) => {
            assert!(x.iter().all(|&v| v <= x[i]) && x[..i].iter().all(|&v| v < x[i]), "argmax");
            let mut idx = vec![usize::MAX; k];
            let w = top_k_into(x, &mut idx).unwrap();
            assert_eq!(w, k.min(x.len()));
            if w > 0 {
                assert_eq!(idx[0], i, "top_k first != argmax");
            }
            for p in idx[..w].windows(2) {
                assert!(x[p[0]] > x[p[1]] || (x[p[0]] == x[p[1]] && p[0] < p[1]), "top_k order");
            }
            assert!(idx[w..].iter().all(|&v| v == usize::MAX), "top_k wrote past its count");
            let v = top_k::<Q, 4>(x).unwrap();
            let mut idx4 = [0usize; 4];
            let w4 = top_k_into(x, &mut idx4).unwrap();
            assert_eq!(v.len(), w4);
            assert!(v.iter().zip(&idx4).all(|(&(i, q), &j)| i == j && q == x[j]));
        }
        Err(_) => {
            assert!(x.is_empty());
            let mut idx = vec![usize::MAX; k];
            assert!(top_k_into(x, &mut idx).is_err());
            assert!(idx.iter().all(|&v| v == usize::MAX), "top_k_into wrote on Err");
        }
    }
    // quantize / dequantize
    let mut q = vec![Q::default(); xf.len()];
    match quantize(xf, scale, zp, &mut q) {
        Ok(()) => {
            for (&v, &c) in xf.iter().zip(&q) {
                assert_eq!(quantize_one::<Q>(v, scale, zp), Ok(c));
                let back = dequantize_one(c, scale, zp).unwrap() as f64;
                let c32: i32 = c.into();
                if c32 > Q::MIN_CODE && c32 < Q::MAX_CODE && v.is_finite() {
                    assert!(
                        (back - v as f64).abs() <= 0.5 * scale as f64 * (1.0 + 1e-6) + ulp32(back),
                        "dequantize(quantize({v:e})) = {back:e} (scale {scale:e}, zp {zp})"
                    );
                }
            }
            let mut d = vec![0.0f32; q.len()];
            dequantize(&q, scale, zp, &mut d).unwrap();
        }
        Err(_) => assert!(q.iter().all(|&c| c == Q::default()), "quantize wrote on Err"),
    }
    // thresholds
    if let Ok(th) = CodeThreshold::new::<Q>(t, scale, zp) {
        let mut mask = vec![false; x.len()];
        if let Ok(cnt) = th.mask(x, &mut mask) {
            assert_eq!(cnt, mask.iter().filter(|&&b| b).count());
            for (&v, &b) in x.iter().zip(&mask) {
                assert_eq!(th.passes(v), b);
                assert_eq!(b, v.to_i32() >= th.min_code());
            }
        }
        if let Ok(r) = th.argmax_at_least(x) {
            let i = argmax(x).unwrap();
            assert_eq!(r, if th.passes(x[i]) { Some(i) } else { None });
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut src = Src::new(data);
    let n = src.len();
    let m = src.len_near(n);
    let row_len = match src.byte() % 4 {
        0 => 0,
        1 => n.max(1),
        _ => (src.byte() % 9) as usize,
    };
    let k = (src.byte() % 8) as usize;
    let x8: Vec<i8> = (0..n).map(|_| src.byte() as i8).collect();
    let x16: Vec<i16> = (0..n).map(|_| src.u16() as i16).collect();
    let scale = if src.flag() { 1.0 / 256.0 } else { src.f32(0.1) };
    let beta = if src.flag() { 1.0 } else { src.f32(1.0) };
    let zp = (src.u16() as i16) as i32 % 300;
    let t = src.prob_f64() as f32;
    let xf = src.vec_f32(n);

    let s8 = if src.flag() {
        SoftmaxI8::new(scale, beta)
    } else {
        SoftmaxI8::from_raw(src.u32() as i32, (src.byte() % 40) as i32 - 4, -((src.u16() % 400) as i32) + 10)
    };
    if let Ok(s) = s8 {
        softmax_i8::<i8>(&s, &x8, m, row_len, 99);
        softmax_i8::<i16>(&s, &x8, m, row_len, 999);
    }
    let s16 = if src.flag() {
        SoftmaxI16::new(scale, beta)
    } else {
        SoftmaxI16::from_raw(src.u32() as i32, (src.byte() % 40) as i32 - 4)
    };
    if let Ok(s) = s16 {
        let mut out = vec![999i16; m];
        match s.softmax(&x16, &mut out) {
            Ok(()) => {
                monotone(&x16, &out, "SoftmaxI16");
                assert!(out.iter().all(|&v| v >= 0), "SoftmaxI16 negative probability");
            }
            Err(_) => assert!(out.iter().all(|&v| v == 999), "SoftmaxI16 wrote on Err"),
        }
        let mut rows = vec![999i16; m];
        if s.softmax_rows(&x16, row_len, &mut rows).is_err() {
            assert!(rows.iter().all(|&v| v == 999), "SoftmaxI16 rows wrote on Err");
        }
    }
    let l8 = if src.flag() { LogisticI8::new(scale, zp) } else { LogisticI8::correctly_rounded(scale, zp) };
    if let Ok(l) = l8 {
        for c in -128i16..127 {
            assert!(l.eval(c as i8) <= l.eval(c as i8 + 1), "LogisticI8 not monotone at {c}");
            assert_eq!(l.table()[(c as i8) as u8 as usize], l.eval(c as i8), "LogisticI8 table != eval");
        }
        let mut out = vec![0i8; m];
        match l.logistic(&x8, &mut out) {
            Ok(()) => assert!(x8.iter().zip(&out).all(|(&v, &o)| l.eval(v) == o)),
            Err(_) => assert!(out.iter().all(|&v| v == 0), "LogisticI8 wrote on Err"),
        }
    }
    let l16 = if src.flag() {
        LogisticI16::new(scale)
    } else {
        LogisticI16::from_raw(src.u32() as i32, (src.byte() % 40) as i32 - 4)
    };
    if let Ok(l) = l16 {
        let mut out = vec![-1i16; m];
        match l.logistic(&x16, &mut out) {
            Ok(()) => {
                monotone(&x16, &out, "LogisticI16");
                assert!(x16.iter().zip(&out).all(|(&v, &o)| l.eval(v) == o && o >= 0));
            }
            Err(_) => assert!(out.iter().all(|&v| v == -1), "LogisticI16 wrote on Err"),
        }
    }
    generic::<i8>(&x8, &xf, scale, zp, k, t);
    generic::<i16>(&x16, &xf, scale, zp, k, t);
    let _ = CodeThreshold::softmax_i8(t);
    let _ = CodeThreshold::softmax_i8_to_i16(t);
    let _ = CodeThreshold::softmax_i16(t);
});
