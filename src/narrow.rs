//! The kernels in the input's own precision: all f64 kernels, and the f32
//! kernels on targets without an f64 FPU (Cortex-M, RISC-V microcontrollers;
//! on hosts the f32 kernels are in [`crate::wide`]; on ARM microcontrollers
//! the f32 softmax family and sigmoid are in [`crate::softmax_table`] and
//! [`crate::sigmoid_table`] with an FPU, the softmax and sigmoid in
//! [`crate::softmax_int`] and [`crate::sigmoid_int`] without one).
//!
//! Without a wider type, every rounding that matters is recovered by an
//! error-free transformation:
//!
//! * `x_i - m = hi + lo` exactly ([`diff_hi_lo`]) and the exp kernel takes
//!   both parts, so the rounding of the difference never reaches `e^(x_i - m)`
//!   (the 63-ULP error of numpy, scipy, ONNX Runtime and rten);
//! * sums are compensated per lane ([`KahanSum`]), so 4096 terms cost about
//!   1 ULP rather than tens;
//! * the log-domain kernels sum every term but the max's own (terms equal
//!   to 1 are counted), so `ln_1p` sees `S'` itself and the dominant class of
//!   `log_softmax([30, 0])` gets `-ln_1p(e^-30) ≈ -9.4e-14`, not 0;
//! * the sigmoid divides a double-word numerator by a double-word
//!   denominator (`Halves`).
//!
//! Every function takes a row already validated by the caller: not empty,
//! no NaN, a finite maximum `m`, `out` as long as `x`.

use crate::compensated::{diff_hi_lo, KahanSum};
use crate::float::Float;
use crate::lanes::{blocks, blocks_in_place, blocks_into, LANES};
use crate::logsumexp::{shifted_exp, shifted_exp_x2p64, two_pow_m64};
use crate::map::{apply_in_place, apply_into};

// ---- sigmoid --------------------------------------------------------------

/// `σ(|x|) = 1/(1 + e)` and `σ(-|x|) = e/(1 + e)` for `e = e^-|x|`, each to
/// about 1 ULP.
///
/// A plain `e / (1 + e)` rounds three times (`e`, `1 + e`, the quotient);
/// when `e` sits just above a power of two and the quotient just below one,
/// the first two each cost a full ULP of the result (2.4 ULP measured over
/// all f32). Here `e = e_hi + e_lo` comes unrounded from the exp kernel and
/// `1 + e_hi = d + d_err` exactly (Fast2Sum), so only the quotient
/// `q = n/d` is rounded before a first-order correction:
///
/// ```text
/// n/(1 + e) = (n_hi + n_lo) / (d + d_err + e_lo)
///           ≈ q + (n_lo - q (d_err + e_lo)) / d,      1/d ≈ q or 1 - q
/// ```
struct Halves<T> {
    e: T,
    e_lo: T,
    d: T,
    /// `d_err + e_lo`: what `d` misses of `1 + e`.
    d_miss: T,
}

impl<T: Float> Halves<T> {
    #[inline(always)]
    fn new(x: T) -> Self {
        let (e, e_lo) = T::exp2w(-x.abs(), T::zero());
        let d = T::one() + e;
        let d_err = (T::one() - d) + e; // Fast2Sum: 1 >= e
        Halves { e, e_lo, d, d_miss: d_err + e_lo }
    }

    /// `σ(|x|)` if `upper`, else `σ(-|x|)`: one division, no branch (the
    /// element-wise kernels vectorize).
    #[inline(always)]
    fn select(&self, upper: bool) -> T {
        let (n, n_lo) = if upper { (T::one(), T::zero()) } else { (self.e, self.e_lo) };
        let q = n / self.d;
        let inv_d = if upper { q } else { T::one() - q }; // ≈ 1/d, ample for a correction
        q + (n_lo - q * self.d_miss) * inv_d
    }
}

/// `σ(x)`, ≤ 2 ULP (1.16 measured over all f32 inputs).
#[inline(always)]
pub(crate) fn sigmoid<T: Float>(x: T) -> T {
    Halves::new(x).select(x >= T::zero()) // NaN: the lower half, NaN
}

/// `out_i = σ(x_i)`.
#[inline(always)]
pub(crate) fn sigmoid_slice<T: Float>(x: &[T], out: &mut [T]) {
    apply_into(x, out, T::zero(), sigmoid);
}

/// `x_i = σ(x_i)`.
#[inline(always)]
pub(crate) fn sigmoid_in_place<T: Float>(x: &mut [T]) {
    apply_in_place(x, T::zero(), sigmoid);
}

// ---- exponential sums -------------------------------------------------------

/// The lanes' compensated sums, combined pairwise (a tree of depth
/// log2(LANES), not a chain of LANES dependent Kahan steps).
#[inline(always)]
fn total<T: Float>(acc: &[KahanSum<T>; LANES]) -> T {
    let mut a = *acc;
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for j in 0..w {
            let other = a[j + w];
            a[j].add_sum(&other);
        }
    }
    a[0].value()
}

/// `out_i = e^(x_i - m)`, returning their compensated sum.
#[inline(always)]
fn exp_block<T: Float>(src: &[T; LANES], dst: &mut [T; LANES], acc: &mut [KahanSum<T>; LANES], m: T) {
    for j in 0..LANES {
        let e = shifted_exp(src[j], m);
        dst[j] = e;
        acc[j].add(e);
    }
}

/// `out_i /= s`.
#[inline(always)]
fn normalize<T: Float>(out: &mut [T], s: T) {
    for o in out.iter_mut() {
        *o = *o / s;
    }
}

/// Softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn softmax<T: Float>(x: &[T], m: T, out: &mut [T]) {
    let mut acc = [KahanSum::new(); LANES];
    blocks_into(
        x,
        out,
        T::neg_infinity(),
        #[inline(always)]
        |s, d| exp_block(s, d, &mut acc, m),
    );
    normalize(out, total(&acc));
}

/// [`softmax`] in place.
#[inline(always)]
pub(crate) fn softmax_in_place<T: Float>(x: &mut [T], m: T) {
    let mut acc = [KahanSum::new(); LANES];
    blocks_in_place(
        x,
        T::neg_infinity(),
        #[inline(always)]
        |s, d| exp_block(s, d, &mut acc, m),
    );
    normalize(x, total(&acc));
}

/// Softmax of `x / t` (`t` finite, `> 0`): `(x_i - m)/t` as `qh + ql`, the
/// division's remainder recovered exactly by a fused multiply-add.
#[inline(always)]
pub(crate) fn softmax_temperature<T: Float>(x: &[T], m: T, t: T, out: &mut [T]) {
    let up = upscale(t);
    let mut acc = [KahanSum::new(); LANES];
    let mut overflow = [false; LANES];
    blocks_into(
        x,
        out,
        T::neg_infinity(),
        #[inline(always)]
        |s, d: &mut [T; LANES]| {
            for j in 0..LANES {
                let (e, o) = tempered_exp(s[j], m, t, T::one(), up);
                d[j] = e;
                acc[j].add(e);
                overflow[j] |= o;
            }
        },
    );
    if overflow.iter().any(|&o| o) {
        return softmax_temperature_huge(x, m, t, out);
    }
    normalize(out, total(&acc));
}

/// The row's factor for a tiny temperature: `2^64` if `t < 2^60` times the
/// smallest normal, else 1. Below that, the division's remainder
/// `dh - qh·t` (about `2^-p·t`) would fall into the subnormal range and
/// lose bits (f32, `t = 6.6e-40`: 7 ULP); scaled by `2^64` (exact) it stays
/// normal, and a difference that overflows then has a quotient beyond
/// `2^124` anyway (term 0).
#[inline(always)]
fn upscale<T: Float>(t: T) -> T {
    if t < T::min_positive_value() * T::lit(1.152_921_504_606_847e18) {
        T::lit(1.844_674_407_370_955_2e19) // 2^64
    } else {
        T::one()
    }
}

/// `e^((x - m) / t)` from the double-word difference `(x - m)·scale·up`
/// (`scale` 1 or 1/2, `up` 1 or 2^64 as [`upscale`]; all exact): `dh =
/// qh·(t·up) + rem` exactly (fused multiply-add); `dl` and `rem` are
/// small, so one rounded division gives the low part. Also returns whether
/// `x - m` overflowed although `x` is finite (then the term was wrongly 0:
/// `(x - m) / t` can be moderate for a huge `t`).
#[inline(always)]
fn tempered_exp<T: Float>(x: T, m: T, t: T, scale: T, up: T) -> (T, bool) {
    let (dh, dl) = diff_hi_lo(x * scale, m * scale);
    let overflow = dh == T::neg_infinity() && x > T::neg_infinity();
    let (dh, dl, t) = (dh * up, dl * up, t * up);
    let qh = dh / t;
    let rem = T::mul_add_exact(-qh, t, dh);
    let ql = (rem + dl) / t;
    let inv = T::one() / scale; // exact: 1 or 2
    let e = T::exp_hi_lo(qh * inv, ql * inv); // qh = -inf (any cause) gives 0
    (e, overflow)
}

/// The rare second pass of [`softmax_temperature`] when some `x_i - m`
/// overflows (`m - x_i > MAX`, so `m > 2^103` in f32): the differences are
/// formed at half scale. Halving is exact except for the last bit of a
/// subnormal `x_i`, which then lies far below the difference's last bit;
/// doubling the quotients is exact (or overflows where `e^q` is 0 anyway).
#[cold]
fn softmax_temperature_huge<T: Float>(x: &[T], m: T, t: T, out: &mut [T]) {
    let (half, up) = (T::lit(0.5), upscale(t));
    let mut acc = KahanSum::new();
    for (&v, o) in x.iter().zip(out.iter_mut()) {
        let e = tempered_exp(v, m, t, half, up).0;
        *o = e;
        acc.add(e);
    }
    normalize(out, acc.value());
}

/// `S' = Σ e^(x_i - m)` over all terms but one of those equal to 1: the
/// terms with `x_i = m` are counted, not summed, so that `ln_1p` sees `S'`
/// itself (`S' = Σ_{x_i < m} e^(x_i - m) + (ties - 1)`, compensated).
#[inline(always)]
fn sum_except_max<T: Float>(x: &[T], m: T) -> T {
    let mut acc = [KahanSum::new(); LANES];
    let mut ties = [0usize; LANES];
    let mut tiny = [false; LANES];
    blocks(
        x,
        T::neg_infinity(),
        #[inline(always)]
        |s: &[T; LANES]| {
            for j in 0..LANES {
                let e = shifted_exp(s[j], m);
                let tie = s[j] == m;
                acc[j].add(if tie { T::zero() } else { e });
                ties[j] += tie as usize;
                tiny[j] |= s[j] - m < T::EXP_SUBNORMAL_ARG && s[j] > T::neg_infinity();
            }
        },
    );
    let ties = T::from_usize(ties.iter().sum::<usize>().saturating_sub(1));
    if tiny.iter().any(|&t| t) {
        return sum_except_max_with_tiny_terms(x, m, ties);
    }
    let mut s = KahanSum::new();
    s.add(total(&acc));
    s.add(ties);
    s.value()
}

/// The rare second pass of [`sum_except_max`] when some `e^(x_i - m)` is
/// subnormal: each was rounded to the coarse subnormal grid, and many of
/// them can add up to a sum that is not (the dominant class of a row whose
/// other logits are all 105 below it: `-ln_1p(595 e^-105)` in f32). Here
/// those terms are summed at `2^64` times their size and scaled back once.
#[cold]
#[inline(never)]
fn sum_except_max_with_tiny_terms<T: Float>(x: &[T], m: T, ties: T) -> T {
    let (mut big, mut small) = (KahanSum::new(), KahanSum::new());
    for &v in x {
        if v - m < T::EXP_SUBNORMAL_ARG {
            small.add(shifted_exp_x2p64(v, m));
        } else if v != m {
            big.add(shifted_exp(v, m));
        }
    }
    big.add(ties);
    big.add(small.value() * two_pow_m64());
    big.value()
}

/// `m + ln_1p(S')`.
#[inline(always)]
pub(crate) fn logsumexp<T: Float>(x: &[T], m: T) -> T {
    m + Float::ln_1p(sum_except_max(x, m))
}

/// `(x - m) - L` with `x - m` exact, `-inf` where it overflows.
#[inline(always)]
fn log_softmax_one<T: Float>(x: T, m: T, l: T) -> T {
    let (hi, lo) = diff_hi_lo(x, m);
    (hi - l) + lo
}

/// Log-softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn log_softmax<T: Float>(x: &[T], m: T, out: &mut [T]) {
    let l = Float::ln_1p(sum_except_max(x, m));
    apply_into(x, out, T::zero(), |v| log_softmax_one(v, m, l));
}

/// [`log_softmax`] in place.
#[inline(always)]
pub(crate) fn log_softmax_in_place<T: Float>(x: &mut [T], m: T) {
    let l = Float::ln_1p(sum_except_max(x, m));
    apply_in_place(x, T::zero(), |v| log_softmax_one(v, m, l));
}
