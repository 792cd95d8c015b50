//! Accuracy of every kernel against the correctly rounded mpmath references
//! of `tests/data` (written by `tests/data/gen.py`), with the bounds the
//! crate documents asserted:
//!
//! | function | bound |
//! |---|---|
//! | `sigmoid`, `binary_probabilities`, `log_sigmoid`, `softplus`, `logit` | ≤ 2 ULP |
//! | `Float::exp` | ≤ 1 ULP |
//! | `logsumexp`, `LogSumExp` | ≤ 2 ULP of `max(|y|, L)`, `L = y - max x` |
//! | `softmax`, `log_softmax` (and in-place, temperature, rows forms) | ≤ 4 ULP per element |
//! | `Σ softmax(x)` (summed exactly) | within 4ε of 1, n ≤ 4096 |
//!
//! ULP: of the exact value, in the result's format; below the normal range
//! the ULP is the smallest subnormal (see `tests/common/mod.rs`). Special
//! results (NaN, ±inf, exact zeros, errors) must match exactly.
//!
//! `cargo test --release --test accuracy -- --nocapture` prints the table of
//! measured maxima (the README's accuracy table); add
//! `RUSTFLAGS="--cfg logitkit_narrow"` to measure the microcontroller kernels
//! on a host.

mod common;

use common::{assert_rows, show, table, ulp_at, ulp_error, Fl, Ref, Stat};
use logitkit::{Error, LogSumExp};
use std::collections::BTreeMap;

fn data(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run tests/data/gen.py)", path.display()))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#'))
}

// ---------------------------------------------------------------- scalars

fn scalar_data<T: Fl>(function: &str) -> Vec<(T, Ref)> {
    let text = data(&format!("{function}_{}.txt", T::NAME));
    let v: Vec<(T, Ref)> = lines(&text)
        .map(|l| {
            let (x, r) = l.split_once(' ').unwrap_or_else(|| panic!("bad line {l:?}"));
            (T::from_hex(x), Ref::parse::<T>(r))
        })
        .collect();
    assert!(v.len() > 1000, "{function}_{}: only {} cases", T::NAME, v.len());
    v
}

type Scalar<T> = fn(T) -> T;
type SliceFn<T> = fn(&[T], &mut [T]) -> Result<(), Error>;
type InPlaceFn<T> = fn(&mut [T]);

/// One elementwise function in its three forms (scalar, slice, in place).
fn check_elementwise<T: Fl>(
    rows: &mut Vec<Stat>,
    function: &str,
    scalar: Scalar<T>,
    slice: SliceFn<T>,
    in_place: InPlaceFn<T>,
) {
    let cases = scalar_data::<T>(function);
    let mut st = Stat::new::<T>(function, 2.0, "ULP");
    let x: Vec<T> = cases.iter().map(|c| c.0).collect();
    let mut via_slice = vec![T::zero(); x.len()];
    slice(&x, &mut via_slice).expect("slice form");
    let mut via_in_place = x.clone();
    in_place(&mut via_in_place);
    for (i, (x, r)) in cases.iter().enumerate() {
        for (form, y) in [("", scalar(*x)), ("_slice", via_slice[i]), ("_in_place", via_in_place[i])] {
            st.record(ulp_error(y, r), || format!("x = {} -> {y:?} ({function}{form})", show(*x)));
        }
    }
    rows.push(st);
}

fn check_scalars<T: Fl>(rows: &mut Vec<Stat>) {
    check_elementwise::<T>(
        rows,
        "sigmoid",
        logitkit::sigmoid,
        logitkit::sigmoid_slice,
        logitkit::sigmoid_in_place,
    );

    // binary_probabilities(x) = [sigmoid(-x), sigmoid(x)]: both components
    // against the sigmoid references, [1] at x and [0] at -x.
    let mut st = Stat::new::<T>("binary_probabilities", 2.0, "ULP");
    for (x, r) in scalar_data::<T>("sigmoid") {
        let p1 = logitkit::binary_probabilities(x)[1];
        st.record(ulp_error(p1, &r), || format!("x = {} -> [_, {p1:?}]", show(x)));
        let p0 = logitkit::binary_probabilities(-x)[0];
        st.record(ulp_error(p0, &r), || format!("x = {} -> [{p0:?}, _]", show(-x)));
    }
    rows.push(st);

    check_elementwise::<T>(
        rows,
        "log_sigmoid",
        logitkit::log_sigmoid,
        logitkit::log_sigmoid_slice,
        logitkit::log_sigmoid_in_place,
    );
    check_elementwise::<T>(
        rows,
        "softplus",
        logitkit::softplus,
        logitkit::softplus_slice,
        logitkit::softplus_in_place,
    );
    check_elementwise::<T>(rows, "logit", logitkit::logit, logitkit::logit_slice, logitkit::logit_in_place);

    let mut st = Stat::new::<T>("Float::exp", 1.0, "ULP");
    for (x, r) in scalar_data::<T>("exp") {
        let y = <T as logitkit::Float>::exp(x);
        st.record(ulp_error(y, &r), || format!("x = {} -> {y:?}", show(x)));
    }
    rows.push(st);
}

// ---------------------------------------------------------------- vectors

struct Case<T> {
    name: String,
    x: Vec<T>,
    lse: Ref,
    softmax: Vec<Ref>,
    log_softmax: Vec<Ref>,
    temperature: Vec<(T, Vec<Ref>)>,
}

fn vector_data<T: Fl>() -> Vec<Case<T>> {
    let text = data(&format!("vectors_{}.txt", T::NAME));
    let mut cases: Vec<Case<T>> = Vec::new();
    let refs = |rest: &str| rest.split_whitespace().map(Ref::parse::<T>).collect::<Vec<_>>();
    for l in lines(&text) {
        let (key, rest) = l.split_once(' ').unwrap_or((l, ""));
        if key == "case" {
            cases.push(Case {
                name: rest.to_string(),
                x: vec![],
                lse: Ref::Exact(f64::NAN),
                softmax: vec![],
                log_softmax: vec![],
                temperature: vec![],
            });
            continue;
        }
        let c = cases.last_mut().expect("record before 'case'");
        match key {
            "x" => c.x = rest.split_whitespace().map(T::from_hex).collect(),
            "logsumexp" => c.lse = Ref::parse::<T>(rest),
            "softmax" => c.softmax = refs(rest),
            "log_softmax" => c.log_softmax = refs(rest),
            "temperature" => {
                let (t, r) = rest.split_once(' ').expect("temperature line");
                c.temperature.push((T::from_hex(t), refs(r)));
            }
            _ => panic!("unknown record {key:?}"),
        }
    }
    for c in &cases {
        for r in [&c.softmax, &c.log_softmax].into_iter().chain(c.temperature.iter().map(|t| &t.1)) {
            assert!(r.len() == c.x.len() || (r.len() == 1 && matches!(r[0], Ref::Err(_))), "case {}", c.name);
        }
    }
    assert!(cases.len() > 100, "only {} vector cases", cases.len());
    cases
}

fn the_error(refs: &[Ref]) -> Option<Error> {
    match refs {
        [Ref::Err(e)] => Some(*e),
        _ => None,
    }
}

/// Checks a vector result (`out` after the call, `before` its content
/// before) against `refs`: on an expected error, the same error and an
/// untouched `out`; otherwise each element within the bound.
fn check_vector<T: Fl>(
    st: &mut Stat,
    case: &Case<T>,
    form: &str,
    got: Result<(), Error>,
    out: &[T],
    before: &[T],
    refs: &[Ref],
) {
    match (the_error(refs), got) {
        (Some(want), got) => {
            let untouched = out.iter().zip(before).all(|(a, b)| a.as_f64().to_bits() == b.as_f64().to_bits());
            let e = if got == Err(want) && untouched { 0.0 } else { f64::INFINITY };
            st.record(e, || format!("case {}: {form} gave {got:?}, want Err({want:?})", case.name));
        }
        (None, Err(e)) => st.record(f64::INFINITY, || format!("case {}: {form} failed: {e:?}", case.name)),
        (None, Ok(())) => {
            for (i, (y, r)) in out.iter().zip(refs).enumerate() {
                st.record(ulp_error(*y, r), || {
                    format!("case {}[{i}] (x_i = {}) -> {y:?} ({form})", case.name, show(case.x[i]))
                });
            }
        }
    }
}

/// Error of a log-sum-exp result in ULP of `max(|y|, L)`, `L = y - max x`.
fn lse_error<T: Fl>(case: &Case<T>, got: Result<T, Error>) -> f64 {
    match (case.lse, got) {
        (Ref::Err(want), got) => {
            if got == Err(want) {
                0.0
            } else {
                f64::INFINITY
            }
        }
        (_, Err(_)) => f64::INFINITY,
        (r @ Ref::Exact(_), Ok(y)) => ulp_error(y, &r),
        (r @ Ref::Approx { hi, .. }, Ok(y)) => {
            let m = case.x.iter().fold(f64::NEG_INFINITY, |a, v| a.max(v.as_f64()));
            let l = hi - m; // in [0, ln n]: only its binade matters
            let scale = hi.abs().max(l);
            let ulp_scale = if scale == 0.0 { ulp_at::<T>(T::EMIN) } else { common::ulp_of::<T>(scale) };
            ulp_error(y, &r) * (r.ulp::<T>() / ulp_scale)
        }
    }
}

fn check_logsumexp<T: Fl>(rows: &mut Vec<Stat>, cases: &[Case<T>]) {
    let mut st = Stat::new::<T>("logsumexp", 2.0, "ULP*");
    let mut stream = Stat::new::<T>("LogSumExp (push, extend, merge)", 2.0, "ULP*");
    for c in cases {
        let y = logitkit::logsumexp(&c.x);
        st.record(lse_error(c, y), || format!("case {} -> {y:?}", c.name));

        let n = c.x.len();
        let mut pushed = LogSumExp::new();
        for &v in &c.x {
            pushed.push(v);
        }
        let mut extended = LogSumExp::new();
        extended.extend(c.x.iter().copied());
        let mut halves: LogSumExp<T> = c.x[..n / 2].iter().collect();
        halves.merge(&c.x[n / 2..].iter().collect());
        let q = [0, n / 4, n / 2, 3 * n / 4, n];
        let part = |i: usize| -> LogSumExp<T> { c.x[q[i]..q[i + 1]].iter().collect() };
        let (mut left, mut right) = (part(0), part(2));
        left.merge(&part(1));
        right.merge(&part(3));
        left.merge(&right);
        let mut into_empty = LogSumExp::new();
        into_empty.merge(&pushed);
        let forms = [
            ("push", pushed),
            ("extend", extended),
            ("merge of halves", halves),
            ("merge tree of quarters", left),
            ("merge into empty", into_empty),
        ];
        for (form, acc) in forms {
            let v = acc.value();
            stream.record(lse_error(c, v), || format!("case {} -> {v:?} ({form})", c.name));
        }
        // Reverse order: the NaN index changes, the value does not.
        if !matches!(c.lse, Ref::Err(_)) {
            let rev: LogSumExp<T> = c.x.iter().rev().collect();
            let v = rev.value();
            stream.record(lse_error(c, v), || format!("case {} -> {v:?} (reversed)", c.name));
        }
    }
    rows.push(st);
    rows.push(stream);
}

/// The exact sum of `p` minus 1, in units of ε (double-double accumulation).
fn sum_error<T: Fl>(p: &[T]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in p {
        let v = v.as_f64();
        let t = s + v;
        let bv = t - s;
        c += (s - (t - bv)) + (v - bv);
        s = t;
    }
    ((s - 1.0) + c).abs() / T::EPS
}

fn sentinel<T: Fl>(n: usize) -> Vec<T> {
    vec![T::of_f64(7.0); n]
}

fn check_softmax<T: Fl>(rows: &mut Vec<Stat>, cases: &[Case<T>]) {
    let mut sm = Stat::new::<T>("softmax (+ in_place)", 4.0, "ULP");
    let mut lsm = Stat::new::<T>("log_softmax (+ in_place)", 4.0, "ULP");
    let mut temp = Stat::new::<T>("softmax_with_temperature", 4.0, "ULP");
    let mut sums = Stat::new::<T>("sum of softmax (exact) - 1", 4.0, "ε");
    for c in cases {
        let n = c.x.len();
        let before = sentinel::<T>(n);
        let mut out = before.clone();
        let got = logitkit::softmax(&c.x, &mut out);
        check_vector(&mut sm, c, "softmax", got, &out, &before, &c.softmax);
        if got.is_ok() {
            sums.record(sum_error(&out), || format!("case {} (softmax, n = {n})", c.name));
        }
        let mut inplace = c.x.clone();
        let got = logitkit::softmax_in_place(&mut inplace);
        check_vector(&mut sm, c, "softmax_in_place", got, &inplace, &c.x, &c.softmax);
        if got.is_ok() {
            sums.record(sum_error(&inplace), || format!("case {} (softmax_in_place, n = {n})", c.name));
        }

        let mut out = before.clone();
        let got = logitkit::log_softmax(&c.x, &mut out);
        check_vector(&mut lsm, c, "log_softmax", got, &out, &before, &c.log_softmax);
        let mut inplace = c.x.clone();
        let got = logitkit::log_softmax_in_place(&mut inplace);
        check_vector(&mut lsm, c, "log_softmax_in_place", got, &inplace, &c.x, &c.log_softmax);

        for (t, refs) in &c.temperature {
            let mut out = before.clone();
            let got = logitkit::softmax_with_temperature(&c.x, *t, &mut out);
            let form = format!("t = {t:?}");
            check_vector(&mut temp, c, &form, got, &out, &before, refs);
            if got.is_ok() {
                sums.record(sum_error(&out), || format!("case {} (temperature {t:?}, n = {n})", c.name));
            }
        }
    }
    rows.push(sm);
    rows.push(lsm);
    rows.push(temp);
    check_rows(rows, cases);
    check_generated_sums::<T>(&mut sums);
    rows.push(sums);
}

/// softmax_rows over batches: every valid case of each row length `n`
/// stacked into one batch (row order as in the data file).
fn check_rows<T: Fl>(rows: &mut Vec<Stat>, cases: &[Case<T>]) {
    let mut st = Stat::new::<T>("softmax_rows", 4.0, "ULP");
    let mut by_len: BTreeMap<usize, Vec<&Case<T>>> = BTreeMap::new();
    for c in cases.iter().filter(|c| the_error(&c.softmax).is_none()) {
        by_len.entry(c.x.len()).or_default().push(c);
    }
    for (n, batch) in by_len {
        let x: Vec<T> = batch.iter().flat_map(|c| c.x.iter().copied()).collect();
        let mut out = vec![T::zero(); x.len()];
        let got = logitkit::softmax_rows(&x, n, &mut out);
        for (r, c) in batch.iter().enumerate() {
            let form = format!("row {r} of a batch of {} rows", batch.len());
            check_vector(&mut st, c, &form, got, &out[r * n..(r + 1) * n], &[], &c.softmax);
        }
    }
    rows.push(st);
}

/// splitmix64: a small deterministic generator for the sum-only vectors.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// About N(0, 1) (Irwin-Hall, 12 uniforms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// `Σ softmax(x) - 1` needs no reference: extra long vectors (n up to 4096)
/// of several shapes, through softmax, softmax_in_place, the temperature
/// form and softmax_rows.
fn check_generated_sums<T: Fl>(sums: &mut Stat) {
    let mut rng = Rng(0x5eed_0001);
    for &n in &[2usize, 3, 10, 100, 1000, 2048, 4095, 4096] {
        for shape in ["N(0,1)", "N(0,16)", "N(0,400)", "U(-1e4,1e4)", "near-equal", "dominant"] {
            let x: Vec<T> = (0..n)
                .map(|i| {
                    T::of_f64(match shape {
                        "N(0,1)" => rng.normal(),
                        "N(0,16)" => 4.0 * rng.normal(),
                        "N(0,400)" => 20.0 * rng.normal(),
                        "U(-1e4,1e4)" => 2e4 * rng.uniform() - 1e4,
                        "near-equal" => 3.0 + 1e-6 * rng.normal(),
                        _ => rng.normal() + if i == n / 3 { 12.0 } else { 0.0 },
                    })
                })
                .collect();
            let what = |form: &str| format!("generated {shape}, n = {n} ({form})");
            let mut out = vec![T::zero(); n];
            logitkit::softmax(&x, &mut out).expect("softmax");
            sums.record(sum_error(&out), || what("softmax"));
            let mut v = x.clone();
            logitkit::softmax_in_place(&mut v).expect("softmax_in_place");
            sums.record(sum_error(&v), || what("softmax_in_place"));
            for t in [0.5, 2.0, 10.0] {
                logitkit::softmax_with_temperature(&x, T::of_f64(t), &mut out).expect("temperature");
                sums.record(sum_error(&out), || what(&format!("temperature {t}")));
            }
            if n <= 1000 {
                let batch: Vec<T> = x.iter().chain(x.iter().rev()).copied().collect();
                let mut out = vec![T::zero(); 2 * n];
                logitkit::softmax_rows(&batch, n, &mut out).expect("softmax_rows");
                for row in out.chunks(n) {
                    sums.record(sum_error(row), || what("softmax_rows"));
                }
            }
        }
    }
}

fn measure<T: Fl>(rows: &mut Vec<Stat>) {
    check_scalars::<T>(rows);
    let cases = vector_data::<T>();
    check_logsumexp(rows, &cases);
    check_softmax(rows, &cases);
}

/// Measures every function against the reference data, prints the table
/// (`-- --nocapture`), and asserts every bound.
#[test]
fn accuracy_against_mpmath_references() {
    let mut rows = Vec::new();
    measure::<f32>(&mut rows);
    measure::<f64>(&mut rows);
    eprintln!(
        "\nkernels: {}\n{}\nULP: of the exact value, in the result's format (subnormal range: the smallest subnormal).\n\
         ULP*: of max(|y|, L), L = y - max(x) (logsumexp's bound under cancellation).\n\
         ε: machine epsilon of the type.\n",
        common::kernel_path(),
        table(&rows)
    );
    assert_rows(&rows);
}

/// The README example, to four decimals (what the quickstart prints).
#[test]
fn readme_example() {
    let x = [-0.5f32, 1.2, -0.1, 2.4];
    let mut p = [0.0f32; 4];
    logitkit::sigmoid_slice(&x, &mut p).unwrap();
    for (a, b) in p.iter().zip([0.3775, 0.7685, 0.4750, 0.9168]) {
        assert!((a - b).abs() < 5e-5, "sigmoid {p:?}");
    }
    logitkit::softmax(&x, &mut p).unwrap();
    for (a, b) in p.iter().zip([0.0383, 0.2094, 0.0571, 0.6953]) {
        assert!((a - b).abs() < 5e-5, "softmax {p:?}");
    }
}

/// The measure itself: known errors give the expected ULP counts.
#[test]
fn ulp_measure_is_right() {
    // 1 + ε against exact 1: 1 ULP; against 1 + ε/4 (rem 0.25): 0.75 ULP.
    let one = Ref::Approx { hi: 1.0, rem: 0.0 };
    assert_eq!(ulp_error(1.0f32 + f32::EPSILON, &one), 1.0);
    assert_eq!(ulp_error(1.0f64 + f64::EPSILON, &Ref::Approx { hi: 1.0, rem: 0.25 }), 0.75);
    // y just below 1 (rounded up to 1): ULP is 2^-24 in f32, so 1 - 2^-24 is 1 ULP from 1.
    let below = Ref::Approx { hi: 1.0, rem: -0.25 };
    assert_eq!(ulp_error(1.0f32 - f32::EPSILON / 2.0, &below), 0.75);
    // Subnormal range: ULP is the smallest subnormal; exact 0 too.
    let tiny = Ref::Approx { hi: 0.0, rem: 0.3 };
    assert!((ulp_error(f32::from_bits(2), &tiny) - 1.7).abs() < 1e-12);
    assert!((ulp_error(f64::from_bits(1), &Ref::Approx { hi: 5e-324, rem: -0.5 }) - 0.5).abs() < 1e-12);
    // Specials: exact match only.
    assert_eq!(ulp_error(f32::NAN, &Ref::Exact(f64::NAN)), 0.0);
    assert_eq!(ulp_error(-0.0f32, &Ref::Exact(0.0)), 0.0);
    assert_eq!(ulp_error(f32::from_bits(1), &Ref::Exact(0.0)), f64::INFINITY);
    assert_eq!(ulp_error(f32::MAX, &Ref::Exact(f64::INFINITY)), f64::INFINITY);
    assert_eq!(ulp_error(f32::NAN, &one), f64::INFINITY);
    // Overflow counts as 2^128: from MAX (rem 0) that is 1 ULP.
    assert_eq!(ulp_error(f32::INFINITY, &Ref::Approx { hi: f32::MAX as f64, rem: 0.0 }), 1.0);
    assert_eq!(ulp_error(f64::INFINITY, &Ref::Approx { hi: f64::MAX, rem: 0.0 }), 1.0);
    // Token parsing.
    assert!(matches!(Ref::parse::<f32>("!Nan@3"), Ref::Err(Error::Nan { index: 3 })));
    assert!(matches!(Ref::parse::<f32>("3f800000:0"), Ref::Approx { hi, rem } if hi == 1.0 && rem == 0.0));
}

/// The data is hard enough to tell a good kernel from a textbook one: the
/// naive formulas (rounded `x_i - max` before `exp`; `1 / (1 + e^-x)`;
/// `ln(softmax)`) must exceed the bounds on it, as they do in the peers.
#[test]
fn naive_kernels_fail_on_this_data() {
    fn naive<T: Fl>() -> [f64; 3] {
        let mut worst = [0.0f64; 3];
        for (x, r) in scalar_data::<T>("sigmoid") {
            let y = T::one() / (T::one() + <T as logitkit::Float>::exp(-x));
            worst[0] = worst[0].max(ulp_error(y, &r));
        }
        for c in vector_data::<T>() {
            if the_error(&c.softmax).is_some() || c.x.iter().any(|v| v.is_infinite()) {
                continue;
            }
            let m = c.x.iter().fold(T::neg_infinity(), |a, &v| a.max(v));
            let e: Vec<T> = c.x.iter().map(|&v| <T as logitkit::Float>::exp(v - m)).collect();
            let s = e.iter().fold(T::zero(), |a, &v| a + v);
            for (i, &v) in e.iter().enumerate() {
                let p = v / s;
                worst[1] = worst[1].max(ulp_error(p, &c.softmax[i]));
                worst[2] = worst[2].max(ulp_error(<T as logitkit::Float>::ln(p), &c.log_softmax[i]));
            }
        }
        worst
    }
    for (ty, [sig, sm, lsm]) in [("f32", naive::<f32>()), ("f64", naive::<f64>())] {
        eprintln!("naive {ty}: sigmoid {sig:.3e} ULP, softmax {sm:.3e} ULP, ln(softmax) {lsm:.3e} ULP");
        assert!(sig > 2.0 && sm > 4.0 && lsm > 4.0, "{ty}: the data no longer catches naive kernels");
    }
}
