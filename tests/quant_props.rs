//! Property tests of the `quant` module against float references.

use logitkit::quant::{self, CodeThreshold, SoftmaxI8};
use proptest::prelude::*;

/// exp(scale * (x_i - max)) / sum, in f64 (relative error ~1e-15).
fn float_softmax(x: &[i8], scale: f64) -> Vec<f64> {
    let m = *x.iter().max().unwrap() as f64;
    let e: Vec<f64> = x.iter().map(|&v| ((v as f64 - m) * scale).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// int8 -> int8 softmax is within 1 LSB of round(256 p) - 128.
    #[test]
    fn softmax_i8_within_one_lsb(scale in 0.002f32..2.0, x in prop::collection::vec(any::<i8>(), 1..200)) {
        let sm = SoftmaxI8::new(scale, 1.0).unwrap();
        let mut y = vec![0i8; x.len()];
        sm.softmax(&x, &mut y).unwrap();
        for (&q, p) in y.iter().zip(float_softmax(&x, scale as f64)) {
            let want = ((p * 256.0 + 0.5).floor() as i32 - 128).min(127);
            prop_assert!((q as i32 - want).abs() <= 1, "{q} vs {want} (p {p})");
        }
    }

    /// int8 -> int16: within 1 + n p / 16 LSB (the Q12.19 sum rounds each of
    /// the n terms to 2^-20).
    #[test]
    fn softmax_i8_to_i16_bound(scale in 0.002f32..2.0, x in prop::collection::vec(any::<i8>(), 1..300)) {
        let sm = SoftmaxI8::new(scale, 1.0).unwrap();
        let mut y = vec![0i16; x.len()];
        sm.softmax(&x, &mut y).unwrap();
        let n = x.len() as f64;
        for (&q, p) in y.iter().zip(float_softmax(&x, scale as f64)) {
            let want = ((p * 65536.0 + 0.5).floor() as i32 - 32768).min(32767);
            let bound = 1.0 + n * p / 16.0;
            prop_assert!(((q as i32 - want).abs() as f64) <= bound, "{q} vs {want} (p {p}, n {n})");
        }
    }

    /// Rows of 512+ near-max elements (TFLM aborts on int8 output) give
    /// -128 everywhere, the rounded float result away from the tie.
    #[test]
    fn softmax_i8_overflow_rows(scale in 0.002f32..0.2, n in 512usize..1500, seed in any::<u64>()) {
        let x: Vec<i8> = (0..n).map(|i| 127 - ((seed.wrapping_mul(i as u64 + 1) >> 61) as i8)).collect();
        let sm = SoftmaxI8::new(scale, 1.0).unwrap();
        let p = float_softmax(&x, scale as f64);
        let s: f64 = p.iter().map(|&v| v * 256.0).fold(0.0, f64::max);
        let mut y = vec![0i8; n];
        sm.softmax(&x, &mut y).unwrap();
        if s < 0.5 - 1e-3 {
            prop_assert!(y.iter().all(|&v| v == -128));
        }
    }

    /// A threshold code is exact at every code: passes(q) <=> dequantize(q) >= t.
    #[test]
    fn threshold_exact(t in -3.0f32..3.0, scale in 1e-3f32..0.1, zp in -128i32..=127) {
        let th = CodeThreshold::new::<i8>(t, scale, zp).unwrap();
        for q in i8::MIN..=i8::MAX {
            let real = quant::dequantize_one(q, scale, zp).unwrap();
            prop_assert_eq!(th.passes(q), real >= t);
        }
    }

    /// quantize(dequantize(q)) == q, and quantize rounds to the nearest code.
    #[test]
    fn quantize_nearest(x in -200.0f32..200.0, scale in 0.01f32..2.0, zp in -100i32..100) {
        let q = quant::quantize_one::<i8>(x, scale, zp).unwrap();
        let back = quant::dequantize_one(q, scale, zp).unwrap();
        prop_assert_eq!(quant::quantize_one::<i8>(back, scale, zp).unwrap(), q);
        if q > i8::MIN && q < i8::MAX {
            prop_assert!((back - x).abs() <= scale * 0.5001);
        }
    }

    /// argmax and top-k agree with a full sort (value desc, index asc).
    #[test]
    fn top_k_matches_sort(x in prop::collection::vec(-5i16..5, 1..40), k in 0usize..8) {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[b].cmp(&x[a]).then(a.cmp(&b)));
        prop_assert_eq!(quant::argmax(&x).unwrap(), order[0]);
        let mut idx = vec![0usize; k];
        let got = quant::top_k_into(&x, &mut idx).unwrap();
        prop_assert_eq!(got, k.min(x.len()));
        prop_assert_eq!(&idx[..got], &order[..got]);
    }
}
