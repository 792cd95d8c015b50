//! Shared by `tests/accuracy.rs` and `tests/exhaustive.rs`: the float formats,
//! the ULP measure, the reference-value tokens of `tests/data` and the table
//! of results.
//!
//! **ULP of a real number** `y` in a format with `P` significand bits and
//! minimum normal exponent `EMIN`: `ulp(y) = 2^(max(e, EMIN) - P + 1)` with
//! `e = floor(log2 |y|)`, so below the normal range it is the smallest
//! subnormal (2^-149, 2^-1074), and `ulp(0)` is the smallest subnormal too.
//! The error of a computed `r` is `|r - y| / ulp(y)`, with `y` the exact
//! value (not the rounded one): a correctly rounded result has error ≤ 0.5.
#![allow(dead_code)]

use core::fmt::Debug;
use logitkit::Error;

/// `f32` or `f64`, as the tests need them.
pub trait Fl: logitkit::Float + Debug {
    /// "f32" / "f64".
    const NAME: &'static str;
    /// Significand bits, hidden bit included.
    const P: i32;
    /// Exponent of the smallest normal number.
    const EMIN: i32;
    /// Exponent of the largest finite number.
    const EMAX: i32;
    /// Machine epsilon as an f64.
    const EPS: f64;
    /// The value whose bit pattern is the hex string `s`.
    fn from_hex(s: &str) -> Self;
    /// Exact conversion.
    fn as_f64(self) -> f64;
    /// Rounding conversion.
    fn of_f64(v: f64) -> Self;
    /// Bit pattern in hex, as in the data files.
    fn hex(self) -> String;
}

impl Fl for f32 {
    const NAME: &'static str = "f32";
    const P: i32 = 24;
    const EMIN: i32 = -126;
    const EMAX: i32 = 127;
    const EPS: f64 = f32::EPSILON as f64;
    fn from_hex(s: &str) -> Self {
        f32::from_bits(u32::from_str_radix(s, 16).unwrap_or_else(|_| panic!("bad f32 hex {s:?}")))
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn of_f64(v: f64) -> Self {
        v as f32
    }
    fn hex(self) -> String {
        format!("{:08x}", self.to_bits())
    }
}

impl Fl for f64 {
    const NAME: &'static str = "f64";
    const P: i32 = 53;
    const EMIN: i32 = -1022;
    const EMAX: i32 = 1023;
    const EPS: f64 = f64::EPSILON;
    fn from_hex(s: &str) -> Self {
        f64::from_bits(u64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("bad f64 hex {s:?}")))
    }
    fn as_f64(self) -> f64 {
        self
    }
    fn of_f64(v: f64) -> Self {
        v
    }
    fn hex(self) -> String {
        format!("{:016x}", self.to_bits())
    }
}

/// `2^k` exactly, for `k` in `[-1074, 1023]`.
pub fn pow2(k: i32) -> f64 {
    assert!((-1074..=1023).contains(&k), "pow2({k})");
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// `floor(log2 |v|)` for finite nonzero `v` (f64 subnormals included).
pub fn exponent(v: f64) -> i32 {
    let b = v.abs().to_bits();
    let biased = (b >> 52) as i32;
    if biased == 0 {
        -1011 - (b.leading_zeros() as i32) // 2^-1074 has 63 leading zeros
    } else {
        biased - 1023
    }
}

/// `true` if `|v|` is a power of two (and nonzero, finite).
pub fn is_pow2(v: f64) -> bool {
    v != 0.0 && v.is_finite() && pow2(exponent(v)) == v.abs()
}

/// ULP in format `T` of a number whose binade exponent is `e`.
pub fn ulp_at<T: Fl>(e: i32) -> f64 {
    pow2(e.max(T::EMIN) - T::P + 1)
}

/// ULP in format `T` of the real number `v` (given in f64, assumed exact).
pub fn ulp_of<T: Fl>(v: f64) -> f64 {
    if v == 0.0 {
        ulp_at::<T>(T::EMIN)
    } else {
        ulp_at::<T>(exponent(v))
    }
}

/// A reference value, parsed from a data-file token (see tests/data/gen.py).
#[derive(Clone, Copy, Debug)]
pub enum Ref {
    /// `y = hi + rem * ulp(y)`: `hi` is `y` correctly rounded to the target
    /// format (held in an f64), `rem` the rounding error in ULP of `y`.
    Approx { hi: f64, rem: f64 },
    /// The result must have exactly this value (NaN matches NaN, 0 matches -0).
    Exact(f64),
    /// The function must fail with this error.
    Err(Error),
}

impl Ref {
    /// Parses `HI:REM`, `HI` or `!Kind` for format `T`.
    pub fn parse<T: Fl>(tok: &str) -> Ref {
        if let Some(kind) = tok.strip_prefix('!') {
            let e = match kind {
                "Empty" => Error::Empty,
                "AllNegInfinite" => Error::AllNegInfinite,
                _ => match kind.strip_prefix("Nan@") {
                    Some(i) => Error::Nan { index: i.parse().expect("bad Nan index") },
                    None => panic!("unknown error token {tok:?}"),
                },
            };
            return Ref::Err(e);
        }
        match tok.split_once(':') {
            Some((hi, rem)) => {
                let rem = f64::from_bits(u64::from_str_radix(rem, 16).expect("bad REM"));
                Ref::Approx { hi: T::from_hex(hi).as_f64(), rem }
            }
            None => Ref::Exact(T::from_hex(tok).as_f64()),
        }
    }

    /// `ulp(y)` of an `Approx` reference, in format `T`.
    pub fn ulp<T: Fl>(&self) -> f64 {
        match *self {
            Ref::Approx { hi, rem } => {
                if hi == 0.0 {
                    return ulp_at::<T>(T::EMIN);
                }
                let mut e = exponent(hi);
                if is_pow2(hi) && rem * hi < 0.0 {
                    e -= 1; // y was rounded up to the power of two
                }
                ulp_at::<T>(e)
            }
            Ref::Exact(v) => ulp_of::<T>(v),
            Ref::Err(_) => f64::NAN,
        }
    }

    /// An f64 approximation of `y` (`hi`), NaN for errors.
    pub fn value(&self) -> f64 {
        match *self {
            Ref::Approx { hi, .. } => hi,
            Ref::Exact(v) => v,
            Ref::Err(_) => f64::NAN,
        }
    }
}

/// `true` if `r` is the exact special value `v` (NaN matches any NaN, zeros
/// match regardless of sign).
pub fn same<T: Fl>(r: T, v: f64) -> bool {
    let r = r.as_f64();
    (r.is_nan() && v.is_nan()) || r == v
}

/// Error of `r` in ULP of the exact value of `reference`. Exact references
/// give 0 on a match and `+inf` otherwise; an overflow to `±inf` counts as
/// `±2^(EMAX+1)` (the next power of two); NaN counts as `+inf`.
pub fn ulp_error<T: Fl>(r: T, reference: &Ref) -> f64 {
    match *reference {
        Ref::Exact(v) => {
            if same(r, v) {
                0.0
            } else {
                f64::INFINITY
            }
        }
        Ref::Err(_) => f64::INFINITY,
        Ref::Approx { hi, rem } => {
            let ulp = reference.ulp::<T>();
            let r = r.as_f64();
            let e = if r.is_nan() {
                f64::INFINITY
            } else if r.is_infinite() {
                // (±2^(EMAX+1) - hi) / ulp, without overflowing f64.
                let half = r.signum() * pow2(T::EMAX) - hi / 2.0;
                2.0 * (half / ulp) - rem
            } else {
                // r - hi is exact when r is within a factor 2 of hi (Sterbenz);
                // otherwise the error is huge and its rounding irrelevant.
                (r - hi) / ulp - rem
            };
            if e.is_nan() {
                f64::INFINITY
            } else {
                e.abs()
            }
        }
    }
}

/// One row of the accuracy table: the largest error seen for one function
/// and type, the input that gave it, and how many checks exceeded `bound`.
#[derive(Debug)]
pub struct Stat {
    pub function: String,
    pub ty: &'static str,
    /// The bound asserted (in `unit`).
    pub bound: f64,
    pub unit: &'static str,
    /// Reference values checked (each form of the function counts once per value).
    pub cases: usize,
    pub max: f64,
    pub worst: String,
    pub over: usize,
}

impl Stat {
    pub fn new<T: Fl>(function: &str, bound: f64, unit: &'static str) -> Stat {
        Stat {
            function: function.to_string(),
            ty: T::NAME,
            bound,
            unit,
            cases: 0,
            max: -1.0,
            worst: String::new(),
            over: 0,
        }
    }

    /// Records one checked value: its error, and a lazily built description
    /// of the input (used if it is the worst so far).
    pub fn record(&mut self, err: f64, what: impl FnOnce() -> String) {
        let err = if err.is_nan() { f64::INFINITY } else { err };
        self.cases += 1;
        if err > self.bound {
            self.over += 1;
        }
        if err > self.max {
            self.max = err;
            self.worst = what();
        }
    }

    pub fn ok(&self) -> bool {
        self.over == 0 && self.cases > 0
    }
}

/// The table as Markdown (one row per function and type).
pub fn table(rows: &[Stat]) -> String {
    let mut s = String::new();
    s += "| function | type | checks | max error | bound | worst input |\n";
    s += "|---|---|---:|---:|---:|---|\n";
    for r in rows {
        let max = if r.max.is_infinite() { "inf".to_string() } else { format!("{:.3}", r.max.max(0.0)) };
        s += &format!(
            "| {} | {} | {} | {} {} | {} {} | {} |{}\n",
            r.function,
            r.ty,
            r.cases,
            max,
            r.unit,
            r.bound,
            r.unit,
            r.worst,
            if r.ok() { "" } else { " **FAILS**" }
        );
    }
    s
}

/// Panics, listing every row over its bound, if any.
pub fn assert_rows(rows: &[Stat]) {
    let bad: Vec<String> = rows
        .iter()
        .filter(|r| !r.ok())
        .map(|r| {
            format!(
                "{} {}: {} of {} checks above {} {}, max {} at {}",
                r.function, r.ty, r.over, r.cases, r.bound, r.unit, r.max, r.worst
            )
        })
        .collect();
    assert!(bad.is_empty(), "accuracy bounds violated:\n{}", bad.join("\n"));
}

/// `v` as `value (bits)` for the worst-input column.
pub fn show<T: Fl>(v: T) -> String {
    format!("{v:?} (0x{})", v.hex())
}

/// Which kernels this build measures: `--cfg logitkit_narrow`,
/// `--cfg logitkit_exp_table` or `--cfg logitkit_integer` (set through
/// `RUSTFLAGS`, which reaches the tests too) runs a microcontroller path on
/// a host.
pub fn kernel_path() -> String {
    if cfg!(logitkit_exp_table) {
        format!(
            "exp_table (--cfg logitkit_exp_table: the FPU microcontroller kernels, table exponential, on {})",
            std::env::consts::ARCH
        )
    } else if cfg!(logitkit_integer) {
        format!(
            "integer (--cfg logitkit_integer: the FPU-less microcontroller kernels, integer softmax and sigmoid, on {})",
            std::env::consts::ARCH
        )
    } else if cfg!(logitkit_narrow) {
        format!("narrow (--cfg logitkit_narrow: the microcontroller kernels, on {})", std::env::consts::ARCH)
    } else {
        format!(
            "default for {} (on SIMD hosts: f32 in f64 arithmetic, 16-lane blocks)",
            std::env::consts::ARCH
        )
    }
}
