//! Decisions: argmax / argmin / max_with_index / min_with_index, top-k,
//! top1 and margin, decide_top1 and decide_per_class (abstain), multi-label
//! LogitThreshold(s) and binary_decision. Documented error order, outputs
//! untouched on `Err`, decisions consistent with argmax (lowest index on
//! ties) and with the probabilities they threshold, masks = per-element
//! decisions, f32 threshold decisions = the f64 sigmoid's unless σ(x) is
//! within rounding of t.
#![no_main]

mod common;
use common::*;
use libfuzzer_sys::fuzz_target;
use logitkit::{
    argmax, argmin, binary_decision, decide_per_class, decide_top1, margin, max_with_index, min_with_index,
    sigmoid, softmax, top1, top_k, top_k_into, Decision, Error, Float, LogitThreshold, LogitThresholds,
};

const N: usize = 8;

trait F: Float + Into<f64> {
    fn sigmoid64(x: Self) -> f64;
    fn ulp(v: f64) -> f64;
}
impl F for f32 {
    fn sigmoid64(x: f32) -> f64 {
        sigmoid(x as f64)
    }
    fn ulp(v: f64) -> f64 {
        ulp32(v)
    }
}
impl F for f64 {
    fn sigmoid64(x: f64) -> f64 {
        sigmoid(x)
    }
    fn ulp(v: f64) -> f64 {
        ulp64(v)
    }
}

fn scan_error<T: F>(x: &[T]) -> Option<Error> {
    if x.is_empty() {
        Some(Error::Empty)
    } else {
        x.iter().position(|v| v.is_nan()).map(|index| Error::Nan { index })
    }
}

fn prob_error<T: F>(x: &[T]) -> Option<Error> {
    scan_error(x).or_else(|| x.iter().all(|&v| v == T::neg_infinity()).then_some(Error::AllNegInfinite))
}

fn bad_probability<T: F>(t: T) -> bool {
    !(t >= T::zero() && t <= T::one())
}

fn check<T: F>(x: &[T], k: usize, t: T, th: &[T], tn: &[T; N]) {
    let want = scan_error(x);
    // argmax family
    let am = argmax(x);
    assert_eq!(am.err(), want, "argmax error");
    assert_eq!(argmin(x).err(), want);
    assert_eq!(max_with_index(x).err(), want);
    assert_eq!(min_with_index(x).err(), want);
    if let Ok(i) = am {
        assert!(x.iter().all(|&v| v <= x[i]) && x[..i].iter().all(|&v| v < x[i]), "argmax {i}");
        assert_eq!(max_with_index(x).unwrap(), (i, x[i]));
        let j = argmin(x).unwrap();
        assert!(x.iter().all(|&v| v >= x[j]) && x[..j].iter().all(|&v| v > x[j]), "argmin {j}");
        assert_eq!(min_with_index(x).unwrap().0, j);
    }
    // top-k
    let mut idx = vec![usize::MAX; k];
    let r = top_k_into(x, &mut idx);
    assert_eq!(r.err(), want, "top_k_into error");
    match r {
        Ok(w) => {
            assert_eq!(w, k.min(x.len()));
            if w > 0 {
                assert_eq!(idx[0], am.unwrap(), "top_k first != argmax");
            }
            for p in idx[..w].windows(2) {
                assert!(
                    x[p[0]] > x[p[1]] || (x[p[0]] == x[p[1]] && p[0] < p[1]),
                    "top_k order {:?}",
                    &idx[..w]
                );
            }
            let mut seen = idx[..w].to_vec();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), w, "top_k repeats an index");
            // Every class left out is not better than the last one kept.
            if w > 0 && w < x.len() {
                let last = idx[w - 1];
                for c in (0..x.len()).filter(|c| !idx[..w].contains(c)) {
                    assert!(x[c] < x[last] || (x[c] == x[last] && c > last), "top_k left out {c}");
                }
            }
            assert!(idx[w..].iter().all(|&v| v == usize::MAX), "top_k_into wrote past its count");
            let v = top_k::<T, 5>(x).unwrap();
            let mut i5 = [0usize; 5];
            let w5 = top_k_into(x, &mut i5).unwrap();
            assert_eq!(v.len(), w5);
            assert!(v.iter().zip(&i5).all(|(&(i, q), &j)| i == j && q == x[j]), "top_k != top_k_into");
        }
        Err(_) => assert!(idx.iter().all(|&v| v == usize::MAX), "top_k_into wrote on Err"),
    }
    // probabilities of the winner
    let pe = prob_error(x);
    let t1 = top1(x);
    assert_eq!(t1.err(), pe, "top1 error");
    let mg = margin(x);
    assert_eq!(mg.err(), pe, "margin error");
    if let (Ok((i, p)), Ok(m)) = (t1, mg) {
        assert_eq!(i, am.unwrap());
        assert_eq!(m.first, i);
        assert!(p >= T::zero() && p <= T::one(), "top1 p {p:?}");
        assert!(m.p_first == p, "margin p_first {:?} != top1 {p:?}", m.p_first);
        assert!(m.p_second <= m.p_first && m.p_second >= T::zero());
        let pm = m.probability_margin();
        assert!(pm >= T::zero() && pm <= T::one());
        assert!(m.log_ratio >= T::zero(), "log_ratio {:?}", m.log_ratio);
        if let Some(s) = m.second {
            assert!(s != i && x[s] <= x[i]);
        }
        // top1's probability vs softmax's (2.5 + 4 ULP)
        let mut q = vec![T::zero(); x.len()];
        softmax(x, &mut q).unwrap();
        let (pd, qd): (f64, f64) = (p.into(), q[i].into());
        assert!(
            (pd - qd).abs() <= 7.0 * T::ulp(qd) + x.len() as f64 * 2f64.powi(-149),
            "top1 {pd:e} vs softmax {qd:e}"
        );
    }
    // thresholded decisions
    let d = decide_top1(x, t);
    let want_d = if bad_probability(t) { Some(Error::InvalidParameter) } else { pe };
    assert_eq!(d.err(), want_d, "decide_top1 error (t = {t:?})");
    if let Ok(d) = d {
        let (i, p) = t1.unwrap();
        assert_eq!(d, if p >= t { Decision::Class(i) } else { Decision::Abstain }, "decide_top1");
    }
    let d = decide_per_class(x, th);
    let want_d = if th.len() != x.len() {
        Some(Error::LengthMismatch { expected: x.len(), actual: th.len() })
    } else if th.iter().any(|&v| bad_probability(v)) {
        Some(Error::InvalidParameter)
    } else {
        pe
    };
    assert_eq!(d.err(), want_d, "decide_per_class error");
    if let Ok(d) = d {
        // The most probable class among those reaching their own threshold
        // (ties: lowest index), else Abstain. Checked against softmax's
        // probabilities, which may differ from the function's by a few ULP.
        let mut q = vec![T::zero(); x.len()];
        softmax(x, &mut q).unwrap();
        let q: Vec<f64> = q.into_iter().map(|v| v.into()).collect();
        let th: Vec<f64> = th.iter().map(|&v| v.into()).collect();
        let tol = |v: f64| 7.0 * T::ulp(v) + x.len() as f64 * 2f64.powi(-149);
        let surely_passes = |c: usize| q[c] >= th[c] + tol(q[c]);
        let maybe_passes = |c: usize| q[c] >= th[c] - tol(q[c]);
        match d {
            Decision::Class(c) => {
                assert!(maybe_passes(c), "decide_per_class chose {c}: p {:e} < t {:e}", q[c], th[c]);
                for o in 0..x.len() {
                    assert!(
                        !(surely_passes(o) && q[o] > q[c] + tol(q[o]) + tol(q[c])),
                        "decide_per_class chose {c}, {o} is better"
                    );
                }
                assert_eq!(d.class(), Some(c));
            }
            Decision::Abstain => {
                assert!((0..x.len()).all(|c| !surely_passes(c)), "decide_per_class abstained");
                assert_eq!(d.class(), None);
            }
        }
    }
    // multi-label, one threshold
    match LogitThreshold::from_probability(t) {
        Ok(lt) => {
            assert!(!bad_probability(t));
            let mut out = vec![false; x.len()];
            let r = lt.decide_into(x, &mut out);
            assert_eq!(r.err(), x.iter().position(|v| v.is_nan()).map(|index| Error::Nan { index }));
            if let Ok(cnt) = r {
                assert_eq!(cnt, out.iter().filter(|&&b| b).count());
                assert_eq!(lt.count(x), Ok(cnt));
                let mut out8 = vec![0u8; x.len()];
                assert_eq!(lt.decide_into(x, &mut out8), Ok(cnt));
                for (i, (&v, &b)) in x.iter().zip(&out).enumerate() {
                    assert_eq!(lt.decide(v), Ok(b));
                    assert_eq!(out8[i], b as u8);
                    assert_eq!(binary_decision(v, t), Ok(b), "binary_decision vs LogitThreshold at {v:?}");
                    assert_eq!(b, v >= lt.cut(), "decision vs cut");
                    // Against the f64 sigmoid, away from rounding ties.
                    let (s, td): (f64, f64) = (T::sigmoid64(v), t.into());
                    if (s - td).abs() > 4.0 * T::ulp(td.max(s)) {
                        assert_eq!(b, s >= td, "σ({v:?}) = {s:e} vs t = {td:e}: decided {b}");
                    }
                }
                if x.len() <= 32 {
                    let m = lt.mask_u32(x).unwrap();
                    assert!(out.iter().enumerate().all(|(i, &b)| (m >> i) & 1 == b as u32));
                } else {
                    assert!(lt.mask_u32(x).is_err());
                }
                if x.len() <= 64 {
                    let m = lt.mask_u64(x).unwrap();
                    assert!(out.iter().enumerate().all(|(i, &b)| (m >> i) & 1 == b as u64));
                }
                if x.len() <= 128 {
                    let m = lt.mask_u128(x).unwrap();
                    assert!(out.iter().enumerate().all(|(i, &b)| (m >> i) & 1 == b as u128));
                }
            } else {
                assert!(out.iter().all(|&b| !b), "decide_into wrote on Err");
            }
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidParameter);
            assert!(bad_probability(t));
        }
    }
    // multi-label, one threshold per class
    match LogitThresholds::from_probabilities(tn) {
        Ok(lts) => {
            assert!(!tn.iter().any(|&v| bad_probability(v)));
            let mut out = [false; N];
            match lts.decide_into(x, &mut out[..x.len().min(N)]) {
                Ok(cnt) => {
                    assert_eq!(x.len(), N);
                    assert_eq!(cnt, out.iter().filter(|&&b| b).count());
                    for c in 0..N {
                        let one = LogitThreshold::from_probability(tn[c]).unwrap();
                        assert_eq!(one.decide(x[c]), Ok(out[c]), "class {c}");
                        assert_eq!(lts.cuts()[c], one.cut());
                    }
                    let m = lts.mask_u32(x).unwrap();
                    assert!(out.iter().enumerate().all(|(i, &b)| (m >> i) & 1 == b as u32));
                    assert_eq!(lts.count(x), Ok(cnt));
                }
                Err(_) => assert!(out.iter().all(|&b| !b), "LogitThresholds::decide_into wrote on Err"),
            }
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidParameter);
            assert!(tn.iter().any(|&v| bad_probability(v)));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut src = Src::new(data);
    let wide = src.flag();
    let n = if src.byte() % 4 == 0 { N } else { src.len() % 140 };
    let k = (src.byte() % 8) as usize;
    let t = src.prob_f64();
    let nth = src.len_near(n);
    let th: Vec<f64> = (0..nth).map(|_| src.prob_f64()).collect();
    let mut tn = [0.0f64; N];
    for v in &mut tn {
        *v = src.prob_f64();
    }
    if wide {
        let x = src.vec_f64(n);
        check(&x, k, t, &th, &tn);
    } else {
        let x = src.vec_f32(n);
        let th32: Vec<f32> = th.iter().map(|&v| v as f32).collect();
        let tn32 = tn.map(|v| v as f32);
        check(&x, k, t as f32, &th32, &tn32);
    }
});
