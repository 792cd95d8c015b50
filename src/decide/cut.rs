//! Probability threshold → logit cut: the preparation behind
//! [`LogitThreshold`](super::LogitThreshold) and
//! [`binary_decision`](super::binary_decision).
//!
//! # The rule
//! A logit `x` passes a probability threshold `t` iff the **correctly
//! rounded** sigmoid of `x` (the float nearest the exact `σ(x)`, in `T`) is
//! `≥ t`. That rounded value is monotone in `x`, so the set of passing
//! logits is `{x ≥ c}` for one float `c`, the *cut*: the smallest float
//! whose rounded sigmoid reaches `t`. Deciding is then one compare, no exp.
//!
//! Why not `x ≥ logit(t)`: both `logit(t)` and `sigmoid(x)` are rounded, so
//! near the boundary the two sides disagree (for 761 of the 999 f32
//! thresholds `t = i/1000`, `logit(t)` is at least one float off the cut).
//! And why not "the crate's [`sigmoid`](fn@crate::sigmoid)`(x) ≥ t`": that
//! function is within 2 ULP of the exact value but not monotone (839 087 of
//! the 2^32 f32 inputs have a smaller sigmoid than their predecessor, e.g.
//! `σ(-1.945908) > σ(-1.9459078)` by one ULP), so no cut reproduces it, and
//! near the cut it is often one ULP off the correctly rounded value (for 584
//! of the 999 thresholds `t = i/1000` its decision differs there from the
//! rule above on at least one logit). Far from the cut, both agree.
//!
//! # Computing the cut
//! Bisection on the float grid (the floats ordered as integers), between
//! `-inf` (never passes when `t > 0`) and `+inf` (always passes): 32 steps
//! in f32, 64 in f64. Each step evaluates the predicate "does `x` pass":
//!
//! * **f32**: `RN(σ(x)) ≥ t` ⇔ `σ(x) > m`, with `m` the midpoint between
//!   `t` and the float below it (exact in f64; `σ(x)` of a float `x ≠ 0` is
//!   transcendental, so it never equals `m`). The predicate first tries the
//!   f32 [`sigmoid`](fn@crate::sigmoid) (decides when its result is more than
//!   3 floats away from `t`; it is never more than 1 float off the correctly
//!   rounded value), else compares in f64:
//!   `tanh(x/2)/2 > m - 1/2` for `|x| < 1` (σ - 1/2 to full relative
//!   accuracy, where σ itself sits next to 1/2), `σ(x) > m` otherwise.
//!   Verified for **every** f32 `x` (exhaustive test, `#[ignore]`d, see
//!   `tests::exhaustive_f32_predicate`): the f64 value is more than 16 f64
//!   ULP away from every f32 midpoint except for 5 inputs, whose side was
//!   checked with mpmath at 300 bits. So the f32 decision equals the
//!   decision on the correctly rounded probability for every `x` and `t`.
//! * **f64**: `sigmoid(x) ≥ t` with the crate's f64 sigmoid (≤ 2 ULP): the
//!   decision equals the correctly rounded one except possibly when the
//!   exact `σ(x)` is within 2 ULP of `t` (`tests/decide_cuts.rs`: 1339 of
//!   2212 reference thresholds get exactly the correctly rounded cut, the
//!   others differ only where `sigmoid` is within 2 floats of `t`), and
//!   equals the crate's own f64 `sigmoid(x) ≥ t` (the same kernel on every
//!   target) except where that function is not monotone across `t`.

use crate::error::Error;
use crate::float::Float;
use crate::sigmoid::sigmoid;

/// The f32 fast path decides when the f32 sigmoid lies more than this many
/// floats from `t`. It is correct as long as the f32 sigmoid is at most this
/// many floats from the correctly rounded sigmoid: measured exhaustively
/// (`tests::exhaustive_f32_predicate`, the public `sigmoid` of the target
/// and the f32-arithmetic kernel of microcontrollers), the largest distance
/// is 1 (2 with the crate's first sigmoid kernel).
pub(crate) const F32_FAST_MARGIN: i64 = 3;

/// `true` when `T` is `f32` (the only other `Float` is `f64`); folded at
/// compile time.
#[inline(always)]
fn is_f32<T: Float>() -> bool {
    T::epsilon() == T::lit(f64::from(f32::EPSILON))
}

/// `x` as f64 (exact for f32 and f64).
#[inline(always)]
fn to_f64<T: Float>(x: T) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

/// Position of an f32 on the ordered grid (`-0.0` and `+0.0` share 0).
#[inline]
fn key32(v: f32) -> i64 {
    let b = v.to_bits() as i32;
    i64::from(if b < 0 { i32::MIN.wrapping_sub(b) } else { b })
}

/// Position of an f64 on the ordered grid.
#[inline]
fn key64(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    if b < 0 {
        i64::MIN.wrapping_sub(b)
    } else {
        b
    }
}

/// Position of `x` on `T`'s own grid: consecutive floats have consecutive keys.
#[inline]
pub(crate) fn key<T: Float>(x: T) -> i64 {
    if is_f32::<T>() {
        key32(to_f64(x) as f32)
    } else {
        key64(to_f64(x))
    }
}

/// Inverse of [`key`] (`0` gives `+0.0`).
#[inline]
pub(crate) fn from_key<T: Float>(k: i64) -> T {
    if is_f32::<T>() {
        let k = k as i32;
        let b = if k < 0 { i32::MIN.wrapping_sub(k) } else { k };
        T::lit(f64::from(f32::from_bits(b as u32)))
    } else {
        let b = if k < 0 { i64::MIN.wrapping_sub(k) } else { k };
        T::lit(f64::from_bits(b as u64))
    }
}

/// `RN(σ(x)) ≥ t` for f32 `x` (not NaN) and `t` in `(0, 1]`; see the module docs.
fn reaches_f32(x: f32, t: f32) -> bool {
    let kt = key32(t);
    let ks = key32(sigmoid(x));
    if ks >= kt + F32_FAST_MARGIN {
        return true;
    }
    if ks < kt - F32_FAST_MARGIN {
        return false;
    }
    exact_f32(x, t)
}

/// The f64 evaluation of `σ(x) > m` (see the module docs).
fn exact_f32(x: f32, t: f32) -> bool {
    let below = f32::from_bits(t.to_bits().wrapping_sub(1)); // t > 0: the float below t (0 for the least subnormal)
    let m = (f64::from(below) + f64::from(t)) * 0.5; // exact
    let xd = f64::from(x);
    if xd.abs() < 1.0 {
        // σ(x) - 1/2 = tanh(x/2)/2, accurate relative to itself; m - 1/2 is
        // exact wherever the two can be close (m in [1/4, 1]).
        0.5 * libm::tanh(0.5 * xd) > m - 0.5
    } else {
        sigmoid(xd) > m
    }
}

/// Does the logit `x` pass the probability threshold `t`? (`t` in `(0, 1]`,
/// `x` not NaN.) The rule of the module docs: exact in f32, within 2 ULP of
/// the probability in f64.
#[inline]
pub(crate) fn reaches<T: Float>(x: T, t: T) -> bool {
    if is_f32::<T>() {
        reaches_f32(to_f64(x) as f32, to_f64(t) as f32)
    } else {
        sigmoid(x) >= t
    }
}

/// `Ok(())` for a probability threshold in `[0, 1]`, else `InvalidParameter`.
#[inline]
pub(crate) fn check_probability<T: Float>(t: T) -> Result<(), Error> {
    if t >= T::zero() && t <= T::one() {
        Ok(())
    } else {
        Err(Error::InvalidParameter)
    }
}

/// The cut of a probability threshold `t`: the smallest float `c` such that
/// every `x ≥ c` passes and every `x < c` fails (`-inf` for `t = 0`).
///
/// # Errors
/// `InvalidParameter` if `t` is NaN or outside `[0, 1]`.
pub(crate) fn cut_for_probability<T: Float>(t: T) -> Result<T, Error> {
    check_probability(t)?;
    if t == T::zero() {
        return Ok(T::neg_infinity());
    }
    // Invariant: from_key(lo) fails, from_key(hi) passes.
    let mut lo = key(T::neg_infinity());
    let mut hi = key(T::infinity());
    // (i128: the f64 key range is 2^64 wide.)
    while i128::from(hi) - i128::from(lo) > 1 {
        let mid = ((i128::from(lo) + i128::from(hi)) / 2) as i64;
        if reaches(from_key::<T>(mid), t) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(from_key(hi))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn grid_keys_are_consecutive() {
        assert_eq!(key(0.0f32), 0);
        assert_eq!(key(-0.0f32), 0);
        assert_eq!(key(f32::from_bits(1)), 1);
        assert_eq!(key(-f32::from_bits(1)), -1);
        assert_eq!(key(f32::INFINITY), 0x7f80_0000);
        assert_eq!(key(f32::NEG_INFINITY), -0x7f80_0000);
        assert_eq!(key(f64::INFINITY), 0x7ff0_0000_0000_0000);
        for &v in &[1.0f32, -1.0, 0.8, -3e38, 1e-40, f32::MAX] {
            assert_eq!(from_key::<f32>(key(v)), v);
            assert_eq!(from_key::<f32>(key(v) + 1), v.next_up());
        }
        for &v in &[1.0f64, -1.0, 0.8, -3e300, 1e-310] {
            assert_eq!(from_key::<f64>(key(v)), v);
            assert_eq!(from_key::<f64>(key(v) - 1), v.next_down());
        }
    }

    #[test]
    fn cut_specials() {
        assert_eq!(cut_for_probability(0.0f32), Ok(f32::NEG_INFINITY));
        assert_eq!(cut_for_probability(-0.0f64), Ok(f64::NEG_INFINITY));
        for t in [f32::NAN, -1e-45, 1.0000001, f32::INFINITY] {
            assert_eq!(cut_for_probability(t), Err(Error::InvalidParameter));
        }
        // σ rounds to 1 (correctly rounded) from x = 25 ln 2 = 17.328680 on.
        let c1 = cut_for_probability(1.0f32).unwrap();
        assert!((c1 - 17.328_68).abs() < 1e-5, "{c1}");
        // t = 1/2: σ(x) rounds to 1/2 from x ≈ -2^-24 on (σ ≈ 1/2 + x/4).
        let c = cut_for_probability(0.5f32).unwrap();
        assert!(c < 0.0 && c > -1e-7, "{c}");
        // The least subnormal threshold: x where e^x reaches 2^-150.
        let c = cut_for_probability(f32::from_bits(1)).unwrap();
        assert!((c + 103.972_08).abs() < 1e-4, "{c}");
    }

    /// Every f32 `x`: the f32 sigmoid is within `F32_FAST_MARGIN - 1` floats of
    /// the f64-rounded sigmoid (so within `F32_FAST_MARGIN` of the correctly
    /// rounded one, which differs from it by at most one float at the close calls), and the f64 evaluation is more than 16
    /// f64 ULP from every f32 rounding midpoint except the inputs listed
    /// (verified with mpmath, `tools/check_cut_predicate.py`). About 2 min in release:
    /// `cargo test --release --lib exhaustive_f32_predicate -- --ignored`.
    #[test]
    #[ignore]
    fn exhaustive_f32_predicate() {
        // (x bits, midpoint bits, σ(x) > midpoint) for the 5 close calls.
        const CLOSE: [(u32, u64, bool); 5] = [
            (0xc164_ddcb, 0x3ea4_9596_d000_0000, false),
            (0xbf19_64d0, 0x3fd6_b096_3000_0000, false),
            (0xbe10_4170, 0x3fdd_bfee_1000_0000, false),
            (0xb380_0000, 0x3fdf_ffff_f000_0000, true),
            (0x3400_0000, 0x3fe0_0000_1000_0000, false),
        ];
        let ulp = |v: f64| {
            let a = v.abs();
            f64::from_bits(a.to_bits() + 1) - a
        };
        let mut close = 0;
        let mut max_fast_gap = 0;
        for bits in (0..=0x7f80_0000u32).chain(0x8000_0000..=0xff80_0000) {
            let x = f32::from_bits(bits);
            let xd = f64::from(x);
            let (v, off) =
                if xd.abs() < 1.0 { (0.5 * libm::tanh(0.5 * xd), 0.5) } else { (sigmoid(xd), 0.0) };
            let s = v + off;
            if s < 2f64.powi(-152) {
                // below every midpoint with room: rounds to 0; the f32 sigmoid must be 0 or the least subnormal
                assert!(
                    sigmoid(x) <= f32::from_bits(1) && crate::narrow::sigmoid(x) <= f32::from_bits(1),
                    "{x:e}"
                );
                continue;
            }
            let r = s as f32;
            let below = if r > 0.0 { f32::from_bits(r.to_bits() - 1) } else { 0.0 };
            let above = f32::from_bits(r.to_bits() + 1);
            for (a, b) in [(below, r), (r, above)] {
                let m = (f64::from(a) + f64::from(b)) * 0.5;
                if (v - (m - off)).abs() <= 16.0 * ulp(v) {
                    close += 1;
                    let want = CLOSE.iter().find(|c| c.0 == bits && c.1 == m.to_bits());
                    let want = want.unwrap_or_else(|| panic!("unlisted close call x = {x:e}, m = {m:e}"));
                    assert_eq!(v > m - off, want.2, "x = {x:e}");
                }
            }
            // The f32 sigmoid of this target (f64-evaluated on hosts) and the
            // f32-arithmetic one of microcontrollers: both must stay within
            // the margin of the (f64-)rounded value r.
            let gap =
                (key32(sigmoid(x)) - key32(r)).abs().max((key32(crate::narrow::sigmoid(x)) - key32(r)).abs());
            max_fast_gap = max_fast_gap.max(gap);
        }
        assert_eq!(close, CLOSE.len());
        assert!(max_fast_gap < F32_FAST_MARGIN, "f32 sigmoid {max_fast_gap} floats from the rounded value");
        std::println!("close calls {close}, max gap of the f32 sigmoid {max_fast_gap} floats");
    }
}
