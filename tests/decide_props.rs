//! Property tests of the decisions (proptest): argmax against a reference
//! fold, top-k against a full stable sort, logit-space thresholds against
//! thresholds on probabilities, softmax-based decisions against `softmax`.

use logitkit::{
    argmax, argmin, binary_decision, decide_per_class, decide_top1, margin, max_with_index, min_with_index,
    sigmoid, softmax, top1, top_k, top_k_into, Decision, Error, LogitThreshold, LogitThresholds,
};
use proptest::prelude::*;

// ---------------------------------------------------------------- inputs

/// Logits with ties (small integers), extremes, infinities and signed zeros.
fn logit32() -> impl Strategy<Value = f32> {
    prop_oneof![
        6 => -30.0f32..30.0,
        3 => (-4i32..4).prop_map(|v| v as f32),
        1 => prop_oneof![
            Just(f32::INFINITY),
            Just(f32::NEG_INFINITY),
            Just(0.0f32),
            Just(-0.0f32),
            Just(f32::MAX),
            Just(-f32::MAX),
            Just(1e-45f32),
            Just(1e30f32),
            Just(-1e30f32),
        ],
    ]
}

/// `x` with, sometimes, NaNs at random positions.
fn with_nans(x: Vec<f32>, nans: Vec<prop::sample::Index>) -> Vec<f32> {
    let mut x = x;
    if !x.is_empty() {
        for i in nans {
            let j = i.index(x.len());
            x[j] = f32::NAN;
        }
    }
    x
}

fn logits32(max: usize) -> impl Strategy<Value = Vec<f32>> {
    logits32_in(0..max)
}

fn logits32_in(len: core::ops::Range<usize>) -> impl Strategy<Value = Vec<f32>> {
    (prop::collection::vec(logit32(), len), prop::collection::vec(any::<prop::sample::Index>(), 0..2))
        .prop_map(|(x, n)| with_nans(x, n))
}

/// Probability thresholds: every binade of (0, 1] (uniform bits), decimals, ends.
fn threshold32() -> impl Strategy<Value = f32> {
    prop_oneof![
        3 => (1u32..=0x3f80_0000).prop_map(f32::from_bits),
        3 => (0u32..=1000).prop_map(|i| i as f32 / 1000.0),
        1 => prop_oneof![Just(0.0f32), Just(1.0f32), Just(0.5f32), Just(1.0f32 - f32::EPSILON / 2.0)],
    ]
}

// ---------------------------------------------------------------- references

fn first_nan<T: PartialEq + Copy>(x: &[T]) -> Option<usize> {
    #[allow(clippy::eq_op)]
    x.iter().position(|&v| v != v)
}

fn ref_argmax(x: &[f64]) -> Result<usize, Error> {
    if x.is_empty() {
        return Err(Error::Empty);
    }
    if let Some(index) = first_nan(x) {
        return Err(Error::Nan { index });
    }
    Ok((1..x.len()).fold(0, |b, i| if x[i] > x[b] { i } else { b }))
}

fn ref_argmin(x: &[f64]) -> Result<usize, Error> {
    let neg: Vec<f64> = x.iter().map(|v| -v).collect();
    ref_argmax(&neg)
}

/// Indices sorted by score descending, ties by index: a stable sort.
fn ref_order(x: &[f32]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[b].partial_cmp(&x[a]).unwrap());
    idx
}

fn ulp64(v: f64) -> f64 {
    let a = v.abs();
    f64::from_bits(a.to_bits() + 1) - a
}

/// Decision on the correctly rounded f32 probability, `RN(σ(x)) ≥ t`,
/// evaluated with std's f64 `exp`/`tanh` (independent of the crate); `None`
/// when σ(x) is too close to a rounding boundary for that precision.
fn ref_rn_decision(x: f32, t: f32) -> Option<bool> {
    if t == 0.0 {
        return Some(true);
    }
    let below = if t.to_bits() == 1 { 0.0 } else { t.next_down() };
    let m = (f64::from(below) + f64::from(t)) / 2.0; // exact
    let xd = f64::from(x);
    let (v, target) = if xd.abs() < 1.0 {
        (0.5 * (0.5 * xd).tanh(), m - 0.5)
    } else if xd > 0.0 {
        // σ(x) > m  ⇔  σ(-x) < 1 - m, both small here: relative accuracy
        let e = (-xd).exp();
        (-(e / (1.0 + e)), -(1.0 - m))
    } else {
        let e = xd.exp();
        (e / (1.0 + e), m)
    };
    if (v - target).abs() <= 8.0 * ulp64(v) {
        None
    } else {
        Some(v > target)
    }
}

/// Softmax in f64 of f32 logits (`None` if all `-inf`); `+inf` share the mass.
fn ref_softmax(x: &[f32]) -> Option<Vec<f64>> {
    let m = x.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    if m == f32::NEG_INFINITY {
        return None;
    }
    if m == f32::INFINITY {
        let k = x.iter().filter(|&&v| v == m).count() as f64;
        return Some(x.iter().map(|&v| if v == m { 1.0 / k } else { 0.0 }).collect());
    }
    let e: Vec<f64> = x.iter().map(|&v| (f64::from(v) - f64::from(m)).exp()).collect();
    let s: f64 = e.iter().sum();
    Some(e.iter().map(|v| v / s).collect())
}

/// Distance of an f32 result from an f64 reference, in ULP of the reference
/// (subnormal spacing below the normal range).
fn ulps(got: f32, want: f64) -> f64 {
    let e = if want == 0.0 { -149 } else { (want.abs().log2().floor() as i32).max(-126) - 23 };
    (f64::from(got) - want).abs() / 2f64.powi(e)
}

/// Logits near the cut of `t` (a few floats either side) or anywhere.
fn near(cut: f32, k: i32, anywhere: f32, pick: bool) -> f32 {
    if pick || !cut.is_finite() {
        return anywhere;
    }
    let mut x = cut;
    for _ in 0..k.abs() {
        x = if k > 0 { x.next_up() } else { x.next_down() };
    }
    x
}

// ---------------------------------------------------------------- tests

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn argmax_agrees_with_a_reference_fold(x in logits32(40)) {
        let xd: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let want = ref_argmax(&xd);
        prop_assert_eq!(argmax(&x), want);
        prop_assert_eq!(argmax(&xd), want);
        prop_assert_eq!(max_with_index(&x).map(|(_, v)| v.to_bits()), want.map(|i| x[i].to_bits()));
        let want = ref_argmin(&xd);
        prop_assert_eq!(argmin(&x), want);
        prop_assert_eq!(argmin(&xd), want);
        prop_assert_eq!(min_with_index(&xd).map(|(_, v)| v.to_bits()), want.map(|i| xd[i].to_bits()));
    }

    /// Long rows take the vectorized scan on hosts (from 256 elements).
    #[test]
    fn argmax_of_long_rows(x in logits32_in(200..400)) {
        let xd: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let want = ref_argmax(&xd);
        prop_assert_eq!(argmax(&x), want);
        prop_assert_eq!(argmax(&xd), want);
        prop_assert_eq!(max_with_index(&x).map(|(_, v)| v.to_bits()), want.map(|i| x[i].to_bits()));
        let mut out = [0usize; 3];
        match want {
            Ok(_) => {
                prop_assert_eq!(top_k_into(&x, &mut out), Ok(3));
                prop_assert_eq!(&out[..], &ref_order(&x)[..3]);
            }
            Err(e) => prop_assert_eq!(top_k_into(&x, &mut out), Err(e)),
        }
    }

    #[test]
    fn top_k_is_sorted_and_agrees_with_a_full_sort(x in logits32(40), k in 0usize..12) {
        let mut out = vec![usize::MAX; k];
        let got = top_k_into(&x, &mut out);
        let heap = top_k::<f32, 5>(&x);
        if x.is_empty() {
            prop_assert_eq!(got, Err(Error::Empty));
            prop_assert_eq!(heap, Err(Error::Empty));
        } else if let Some(index) = first_nan(&x) {
            prop_assert_eq!(got, Err(Error::Nan { index }));
            prop_assert_eq!(heap, Err(Error::Nan { index }));
            prop_assert!(out.iter().all(|&i| i == usize::MAX)); // untouched
        } else {
            let order = ref_order(&x);
            let m = k.min(x.len());
            prop_assert_eq!(got, Ok(m));
            prop_assert_eq!(&out[..m], &order[..m]);
            prop_assert!(out[m..].iter().all(|&i| i == usize::MAX));
            for w in out[..m].windows(2) {
                prop_assert!(x[w[0]] > x[w[1]] || (x[w[0]] == x[w[1]] && w[0] < w[1]));
            }
            let heap = heap.unwrap();
            let want: Vec<(usize, u32)> = order.iter().take(5).map(|&i| (i, x[i].to_bits())).collect();
            let got: Vec<(usize, u32)> = heap.iter().map(|&(i, v)| (i, v.to_bits())).collect();
            prop_assert_eq!(got, want);
        }
    }

    /// The rule: the decision from logits equals the decision from
    /// the correctly rounded probability, for every f32 threshold tested.
    #[test]
    fn logit_thresholds_agree_with_rounded_probabilities(
        t in threshold32(),
        ks in prop::collection::vec(-4i32..=4, 16),
        anywhere in prop::collection::vec(-110.0f32..40.0, 16),
        pick in prop::collection::vec(any::<bool>(), 16),
    ) {
        let th = LogitThreshold::from_probability(t).unwrap();
        let x: Vec<f32> = (0..16).map(|i| near(th.cut(), ks[i], anywhere[i], pick[i])).collect();
        let mut decided = [false; 16];
        let count = th.decide_into(&x, &mut decided).unwrap();
        let mut bytes = [7u8; 16];
        prop_assert_eq!(th.decide_into(&x, &mut bytes).unwrap(), count);
        prop_assert_eq!(th.count(&x).unwrap(), count);
        let mask = th.mask_u32(&x).unwrap();
        prop_assert_eq!(mask.count_ones() as usize, count);
        for (i, &v) in x.iter().enumerate() {
            prop_assert_eq!(decided[i], v >= th.cut());
            prop_assert_eq!(th.decide(v).unwrap(), decided[i]);
            prop_assert_eq!(bytes[i], u8::from(decided[i]));
            prop_assert_eq!(mask >> i & 1 == 1, decided[i]);
            prop_assert_eq!(binary_decision(v, t).unwrap(), decided[i]);
            if let Some(want) = ref_rn_decision(v, t) {
                prop_assert_eq!(decided[i], want, "x = {:e}, t = {:e}, cut = {:e}", v, t, th.cut());
            }
        }
    }

    #[test]
    fn per_class_cuts_are_the_single_class_cuts(
        t in prop::collection::vec(threshold32(), 8),
        x in prop::collection::vec(logit32(), 8),
    ) {
        let t: [f32; 8] = t.try_into().unwrap();
        let th = LogitThresholds::from_probabilities(&t).unwrap();
        let mut out = [false; 8];
        let n = th.decide_into(&x, &mut out).unwrap();
        prop_assert_eq!(th.count(&x).unwrap(), n);
        prop_assert_eq!(th.mask_u32(&x).unwrap().count_ones() as usize, n);
        prop_assert_eq!(th.mask_u64(&x).unwrap() as u32, th.mask_u32(&x).unwrap());
        prop_assert_eq!(th.mask_u128(&x).unwrap() as u32, th.mask_u32(&x).unwrap());
        for i in 0..8 {
            let one = LogitThreshold::from_probability(t[i]).unwrap();
            prop_assert_eq!(th.cuts()[i].to_bits(), one.cut().to_bits());
            prop_assert_eq!(out[i], one.decide(x[i]).unwrap());
        }
    }

    #[test]
    fn nan_is_the_first_nan_and_outputs_stay_untouched(x in logits32(20), t in threshold32()) {
        let th = LogitThreshold::from_probability(t).unwrap();
        let mut out = vec![9u8; x.len()];
        let r = th.decide_into(&x, &mut out);
        match first_nan(&x) {
            Some(index) => {
                prop_assert_eq!(r, Err(Error::Nan { index }));
                prop_assert!(out.iter().all(|&b| b == 9));
                prop_assert_eq!(th.count(&x), Err(Error::Nan { index }));
                prop_assert_eq!(th.mask_u32(&x), Err(Error::Nan { index }));
                prop_assert_eq!(top1(&x), Err(Error::Nan { index }));
                prop_assert_eq!(margin(&x), Err(Error::Nan { index }));
                prop_assert_eq!(decide_top1(&x, t), Err(Error::Nan { index }));
            }
            None => prop_assert!(r.is_ok()),
        }
    }

    /// Softmax probabilities within 2.5 ULP of an f64 reference; decisions
    /// follow the documented rules on the returned values, and agree with
    /// the reference wherever the reference is not within 4 ULP of a tie.
    #[test]
    fn softmax_decisions_follow_their_rules(x in prop::collection::vec(logit32(), 1..24), t in threshold32(),
                                            tc in prop::collection::vec(threshold32(), 24)) {
        let tc = &tc[..x.len()];
        let Some(p) = ref_softmax(&x) else {
            prop_assert_eq!(top1(&x), Err(Error::AllNegInfinite));
            prop_assert_eq!(margin(&x), Err(Error::AllNegInfinite));
            prop_assert_eq!(decide_top1(&x, t), Err(Error::AllNegInfinite));
            prop_assert_eq!(decide_per_class(&x, tc), Err(Error::AllNegInfinite));
            return Ok(());
        };
        let k = argmax(&x).unwrap();
        let (k1, p1) = top1(&x).unwrap();
        prop_assert_eq!(k1, k);
        prop_assert!(ulps(p1, p[k]) <= 2.5, "P(top1) {} vs {}: {} ULP", p1, p[k], ulps(p1, p[k]));
        let want = if p1 >= t { Decision::Class(k) } else { Decision::Abstain };
        prop_assert_eq!(decide_top1(&x, t).unwrap(), want);
        let m = margin(&x).unwrap();
        prop_assert_eq!((m.first, m.p_first.to_bits()), (k, p1.to_bits()));
        let order = ref_order(&x);
        prop_assert_eq!(m.second, order.get(1).copied());
        if let Some(s) = m.second {
            prop_assert!(ulps(m.p_second, p[s]) <= 2.5);
            prop_assert!(m.log_ratio >= 0.0);
            if x[k].is_finite() && x[s].is_finite() {
                prop_assert_eq!(m.log_ratio, x[k] - x[s]);
            }
        }
        // per class, against the f64 probabilities, unless a comparison is too close to call
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::from(f32::EPSILON) * a.abs().max(b.abs());
        let ambiguous = (0..x.len()).any(|i| close(p[i], f64::from(tc[i])))
            || (0..x.len()).any(|i| (0..i).any(|j| p[i] != p[j] && close(p[i], p[j])));
        if !ambiguous {
            let mut best: Option<usize> = None;
            for i in 0..x.len() {
                if p[i] >= f64::from(tc[i]) && best.is_none_or(|b| p[i] > p[b]) {
                    best = Some(i);
                }
            }
            prop_assert_eq!(decide_per_class(&x, tc).unwrap().class(), best);
        }
    }

    /// A two-logit softmax is the sigmoid of the difference (issue item 7).
    #[test]
    fn two_logit_softmax_is_sigmoid_of_the_difference(a in -40.0f64..40.0, b in -40.0f64..40.0) {
        let mut p = [0.0f64; 2];
        softmax(&[a, b], &mut p).unwrap();
        let s1 = sigmoid(b - a);
        let s0 = sigmoid(a - b);
        // softmax ≤ 4 ULP, sigmoid ≤ 2 ULP, and b - a is rounded once:
        // σ' = σ(1 - σ) times |b - a| ε/2.
        let tol = |s: f64| 6.0 * f64::EPSILON * s + s * (1.0 - s) * (b - a).abs() * f64::EPSILON;
        prop_assert!((p[1] - s1).abs() <= tol(s1), "{} vs {}", p[1], s1);
        prop_assert!((p[0] - s0).abs() <= tol(s0), "{} vs {}", p[0], s0);
        let (a32, b32) = (a as f32, b as f32);
        let mut q = [0.0f32; 2];
        softmax(&[a32, b32], &mut q).unwrap();
        let s = sigmoid(b32 - a32);
        let tol = 6.0 * f32::EPSILON * s + s * (1.0 - s) * (b32 - a32).abs() * f32::EPSILON;
        prop_assert!((q[1] - s).abs() <= tol, "{} vs {}", q[1], s);
    }
}

#[test]
fn two_logit_identity_at_fixed_points() {
    for &(a, b) in &[(0.0f32, 0.0f32), (12.0, 10.0), (10.0, 12.0), (-3.0, 5.5), (100.0, 0.0), (0.3, 1.5)] {
        let mut p = [0.0f32; 2];
        softmax(&[a, b], &mut p).unwrap();
        assert!((p[1] - sigmoid(b - a)).abs() <= 4.0 * f32::EPSILON, "{a} {b}");
    }
    // "why 0.88": logits 12 and 10
    let (_, p) = top1(&[12.0f32, 10.0]).unwrap();
    assert!((p - 1.0 / (1.0 + (-2.0f32).exp())).abs() <= 2.0 * f32::EPSILON);
}

#[test]
fn exactly_t_passes_t() {
    // A probability of exactly t passes t, on softmax and on sigmoid outputs.
    for x in [[0.0f32, 0.0, 0.0, 0.0], [1.386_294_4, 0.0, -5.0, 2.0], [3.0, -1.0, 0.5, 0.25]] {
        let (k, pk) = top1(&x).unwrap();
        assert_eq!(decide_top1(&x, pk).unwrap(), Decision::Class(k));
        assert_eq!(decide_top1(&x, pk.next_up()).unwrap(), Decision::Abstain);
        let m = margin(&x).unwrap();
        let s = m.second.unwrap();
        let mut t = [1.0f32; 4];
        t[k] = pk;
        assert_eq!(decide_per_class(&x, &t).unwrap(), Decision::Class(k));
        t[k] = pk.next_up();
        assert_eq!(decide_per_class(&x, &t).unwrap(), Decision::Abstain);
        let mut t = [1.0f32; 4];
        t[s] = m.p_second;
        assert_eq!(decide_per_class(&x, &t).unwrap(), Decision::Class(s));
        t[s] = m.p_second.next_up();
        assert_eq!(decide_per_class(&x, &t).unwrap(), Decision::Abstain);
    }
    // sigmoid: exactly 1/2 at x = 0
    let half = LogitThreshold::from_probability(0.5f32).unwrap();
    assert!(half.decide(0.0).unwrap());
    assert!(binary_decision(0.0f32, 0.5).unwrap());
}
