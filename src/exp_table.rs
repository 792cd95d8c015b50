//! A table-driven `e^x` in f32 arithmetic for microcontrollers with a
//! single-precision FPU (Cortex-M4F/M7/M33): the exponential of the f32
//! kernels in [`crate::softmax_table`] and [`crate::sigmoid_table`].
//!
//! # Algorithm (Tang's table method, ACM TOMS 15(2), 1989)
//! ```text
//! N = round(x · 16/ln 2),   r = x - N·ln2/16,   |r| ≤ 0.0217
//! e^x = 2^(N >> 4) · 2^(j/16) · e^r,   j = N & 15
//! 2^(j/16) = TH_j (1 + RHO_j)  (TH_j the f32 nearest, |RHO_j| < 2^-24)
//! e^x ≈ 2^(N >> 4) · TH_j · e^(r + RHO_j) ≈ 2^(N >> 4) · (TH_j + TH_j · q(r + RHO_j))
//! q(s) = s + s² (C2 + C3 s)
//! ```
//! * `N` by the 1.5·2^23 rounding trick (round to nearest, no float-to-int
//!   conversion); its bits feed the table index and the exponent directly.
//! * `r = (x - N·STEP_HI) - N·STEP_LO` with `STEP_HI` = ln2/16 rounded to 11
//!   bits: `N·STEP_HI` and the first subtraction are exact for
//!   `|x| < ARG_LIMIT` = 511 (Cody and Waite); the callers keep `x` in that
//!   range where it matters (see [`Row`]).
//! * The table's low part enters as `RHO_j` added to `r` (`e^(r + RHO) =
//!   (1 + RHO) e^r` to `RHO²/2 = 2^-51`): one addition instead of a scaled
//!   second table entry and a second addition.
//! * The cubic is a minimax fit for the relative error on `|s| ≤ 0.0217`
//!   (`tools/gen_exp_table.py`): 1.6e-9 (2^-29.2). Two tables of 16 words:
//!   128 bytes of flash.
//! * `2^(N >> 4)` is applied by integer additions to the bits of `TH_j`:
//!   the table stores them at binary exponent `S0 + KMIN = 88` minus
//!   `j << 19`, so that adding `N << 19` (the low bits of `biased` shifted)
//!   and subtracting `K << 23` gives `TH_j · 2^(S0 + KMIN + (N >> 4) - K)`.
//!   Results are therefore **scaled**: this module computes
//!   `e^x · 2^(S0 + KMIN - K)` for a per-row integer `K`, which keeps every
//!   result that matters (down to `2^-KMIN` of the row's largest term) a
//!   normal number, far from overflow, with its last rounding in the final
//!   `TH + TH·q`. Callers divide by a sum of terms scaled alike (softmax),
//!   or remove the scale once per row (log-sum-exp, sigmoid), so subnormal
//!   outputs round once, in the caller's last operation.
//! * Terms below `2^-KMIN` (`KMIN = 176`) of the row's scale, `-inf`, and
//!   huge negative arguments take a branch that returns `None` (the callers
//!   use 0: after normalization such a term is below 2^-175, and even 2^24
//!   of them sum below 2^-150, half the smallest subnormal, which matters
//!   for the log-sum-exp of a row whose max is 0). One compare and branch
//!   per element, `cmp` + `blt` on ARM: the signed comparison of the bits
//!   also catches the negative `biased` values of huge arguments.
//!
//! # Error
//! Relative error of the result before its final rounding: polynomial
//! 1.6e-9, reduction ≤ 2^-27 (the rounding of `N·STEP_LO`, for `|x|` near
//! 511; ≤ 2^-28 below 256), table 2^-48, `q`'s own roundings ≤ 2^-30: at
//! most 0.5 + 0.15 ULP. Measured: 0.571 ULP over every f32 in
//! `[-104, 0.0217]` (scale removed, against f64 `exp`: `cargo test
//! --release --lib exp_table -- --ignored --nocapture`), and on grids near
//! ±256 in the unit tests.
//!
//! Cost on a Cortex-M4F: about 21 instructions (2 table loads, 3 integer
//! operations, 11 float operations, 1 move to the FPU, 1 compare and
//! branch).

/// 16/ln 2.
const INV_STEP: f32 = (16.0 / core::f64::consts::LN_2) as f32;
/// 1.5·2^23: `v + ROUND` rounds `|v| < 2^22` to an integer in the low bits.
const ROUND: f32 = 12_582_912.0;
/// ln2/16 rounded to 11 significant bits (1420·2^-15): `N·STEP_HI` is exact
/// for `|N| < 2^24/1420 = 11815`.
const STEP_HI: f32 = 1420.0 / 32768.0;
/// ln2/16 - STEP_HI.
const STEP_LO: f32 = (core::f64::consts::LN_2 / 16.0 - 1420.0 / 32768.0) as f32;
/// `e^x` below `2^-KMIN` of the row's scale is dropped (returns `None`).
pub(crate) const KMIN: i32 = 176;
/// Binary exponent of the stored table entries (`tools/gen_exp_table.py`).
pub(crate) const S0: i32 = -88;
/// `|x|` below this keeps `N·STEP_HI` exact (11815·ln2/16, rounded down).
#[cfg(test)]
const ARG_LIMIT: f32 = 511.0;

// tools/gen_exp_table.py: max |relative error| of 1 + r + r^2 (C2 + C3 r) on |r| <= 0.0217: 1.605e-09 (2^-29.22)
const C2: f32 = f32::from_bits(0x3f000110); // 0.5000162124633789
const C3: f32 = f32::from_bits(0x3e2aaacd); // 0.166667178273201
/// Bits of `TH_j · 2^(S0 + KMIN)` minus `j << 19`.
const TH: [u32; 16] = [
    0x6b800000, 0x6b7daac3, 0x6b7b95c2, 0x6b79c3d3, 0x6b7837f0, 0x6b76f532, 0x6b75fed7, 0x6b75583f,
    0x6b7504f3, 0x6b7508a4, 0x6b75672a, 0x6b76248c, 0x6b7744fd, 0x6b78ccdf, 0x6b7ac0c7, 0x6b7d257d,
];
/// `2^(j/16) / TH_j - 1`.
const RHO: [f32; 16] = [
    f32::from_bits(0x00000000),
    f32::from_bits(0x3346cb6a),
    f32::from_bits(0xb24e0611),
    f32::from_bits(0x334b2482),
    f32::from_bits(0x33092801),
    f32::from_bits(0x331b85f2),
    f32::from_bits(0xb3051aa8),
    f32::from_bits(0xb2006c56),
    f32::from_bits(0x329302ae),
    f32::from_bits(0xb302e5a2),
    f32::from_bits(0x31b3d0e5),
    f32::from_bits(0x31d1daf2),
    f32::from_bits(0xb27ce182),
    f32::from_bits(0xb1b4b0da),
    f32::from_bits(0xb1d290be),
    f32::from_bits(0x31b0a147),
];

/// Where a row's results sit: `e^x · 2^(S0 + KMIN - K)` for the row's
/// integer `K`. `K` enters as the rounding constant `ROUND - 16 K` (exact:
/// an integer below 2^24): `biased = x·16/ln2 + (ROUND - 16 K)` then holds
/// `N - 16 K` in its low bits, which the table addition turns into the
/// exponent `(N >> 4) - K` with no further operation, and the threshold for
/// dropped terms is the same constant for every `K`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    /// `ROUND - 16 K`.
    round: f32,
}

/// `biased` bits below this are dropped: `N - 16 K < -16 KMIN`.
const XB: i32 = (ROUND.to_bits() as i32) - 16 * KMIN;

impl Scale {
    /// `K = 0`: results `e^x · 2^(S0 + KMIN)` for `x ≤ 0.0217`.
    pub(crate) const K0: Scale = Scale { round: ROUND };

    /// The scale of integer `K` (`|K| < 2^9`).
    #[inline(always)]
    fn new(k: i32) -> Self {
        Scale { round: ROUND - (16 * k) as f32 }
    }
}

/// The bits of `biased = x·16/ln2 + (ROUND - 16 K)` (whose low bits are
/// `N - 16 K`) and the reduced argument `r`, or `None` if `e^x` is below
/// `2^(K - KMIN)` (or `x` is `-inf` or a huge negative number).
#[inline(always)]
fn reduce(x: f32, sc: Scale) -> Option<(f32, u32)> {
    let biased = x * INV_STEP + sc.round;
    let bits = biased.to_bits() as i32;
    // Signed: a negative `biased` (x < -4.5e5) has negative bits.
    if bits < XB {
        return None;
    }
    let kf = biased - sc.round; // N, exactly
    let r = (x - kf * STEP_HI) - kf * STEP_LO;
    Some((r, bits as u32))
}

/// [`reduce`] for the terms of a row strictly below its max's table step
/// (`N < N_m`): `None` (the caller's rare path) also for `N ≥ N_m`, the
/// max itself and the elements within about ln2/32 of it. One unsigned
/// compare of `bits - XB` against `lim = N_m - 16 K + 16 KMIN` covers both
/// ends (dropped terms and huge arguments wrap to large values).
#[inline(always)]
fn reduce_below(x: f32, sc: Scale, lim: u32) -> Option<(f32, u32)> {
    let biased = x * INV_STEP + sc.round;
    let bits = biased.to_bits();
    if bits.wrapping_sub(XB as u32) >= lim {
        return None;
    }
    let kf = biased - sc.round; // N, exactly
    let r = (x - kf * STEP_HI) - kf * STEP_LO;
    Some((r, bits))
}

/// [`exp_scaled`] for `N < N_m` (see [`reduce_below`]), else `None`.
#[inline(always)]
pub(crate) fn exp_scaled_below(x: f32, row: &Row) -> Option<f32> {
    let (r, bits) = reduce_below(x, row.scale, row.lim)?;
    let (th, rho) = table(bits);
    Some(th + th * poly(r + rho))
}

/// `TH_j · 2^(S0 + KMIN + (N >> 4) - K)` and `RHO_j` for `j = N & 15`:
/// `bits << 19` is `(N - 16 K) << 19` (the bits of the rounding constant
/// above bit 12 shift out).
#[inline(always)]
fn table(bits: u32) -> (f32, f32) {
    let j = (bits & 15) as usize;
    (f32::from_bits(TH[j].wrapping_add(bits << 19)), RHO[j])
}

/// `q` with `e^s ≈ 1 + q`.
#[inline(always)]
fn poly(s: f32) -> f32 {
    s + (s * s) * (C2 + C3 * s)
}

/// `e^x · 2^(S0 + KMIN - K)` for the scale's `K`, or `None` below
/// `2^(K - KMIN)`. Where the result is `Some`, `x` must be below
/// `(K + 1) ln 2` and `|x| < ARG_LIMIT` (NaN gives `Some(NaN)` or `None`).
#[inline(always)]
pub(crate) fn exp_scaled(x: f32, sc: Scale) -> Option<f32> {
    let (th, q) = exp_scaled_parts_q(x, sc)?;
    Some(th + th * q)
}

/// `(th, q)` with `e^x · 2^(S0 + KMIN - K) ≈ th (1 + q)`.
#[inline(always)]
fn exp_scaled_parts_q(x: f32, sc: Scale) -> Option<(f32, f32)> {
    let (r, bits) = reduce(x, sc)?;
    let (th, rho) = table(bits);
    Some((th, poly(r + rho)))
}

/// [`exp_scaled`] as the two parts `(th, th·q)` whose sum, rounded, is its
/// result: `th` an exact table value, `th·q` the small rest (`< 0.023 th`,
/// rounded at 2^-24 of itself, so the pair carries the result to about
/// 2^-29).
#[inline(always)]
pub(crate) fn exp_scaled_parts(x: f32, sc: Scale) -> Option<(f32, f32)> {
    let (th, q) = exp_scaled_parts_q(x, sc)?;
    Some((th, th * q))
}

/// [`exp_scaled`] of `x + lo` (`|lo| ≤ 2^-20`) as the two parts `(th, th·q)`
/// whose sum, rounded, is the result, out of line: the per-row calls
/// share one copy (with `lo = 0` the parts of [`exp_scaled`]'s own result).
#[inline(never)]
pub(crate) fn exp_scaled_parts_lo(x: f32, lo: f32, sc: Scale) -> (f32, f32) {
    match reduce(x, sc) {
        Some((r, bits)) => {
            let (th, rho) = table(bits);
            (th, th * poly((r + rho) + lo))
        }
        None => (0.0, 0.0),
    }
}

/// Per-row constants: a shift `s` that makes `x - s` exact and small for
/// every `x` whose term matters, and the row's scale.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    /// `0` for `|m| < 256` (no subtraction needed), else `m`.
    pub(crate) shift: f32,
    /// `K = floor(N_m / 16)`, `N_m = round((m - shift) 16/ln2)`: the
    /// largest term is `e^(m - shift - K ln2) · 2^(S0 + KMIN)`, in
    /// `[1, 2^(1/16)] · 2^(S0 + KMIN)` up to the rounding of `N_m`.
    pub(crate) k: i32,
    /// The scale of `K`.
    pub(crate) scale: Scale,
    /// `N_m - 16 K + 16 KMIN`: see [`exp_scaled_below`].
    pub(crate) lim: u32,
}

impl Row {
    /// The constants of a row whose (finite) maximum is `m`.
    ///
    /// Terms that matter have `x ≥ m - 122.0` (below, `e^(x - m) <
    /// 2^-176 · 2^(1/16)`, and the term is dropped). The shift: for
    /// `|m| < 256`, `x` itself is within `ARG_LIMIT` (`|x| < 378`); else
    /// `x - m` is exact (Sterbenz: `x ≥ m/2` for `m ≥ 244`, `x ≥ 2m` for
    /// `m ≤ -122`) and in `[-122, 0]`.
    #[inline(always)]
    pub(crate) fn new(m: f32) -> Self {
        let shift = if (m.to_bits() >> 23) & 0xff < 127 + 8 { 0.0 } else { m };
        let ms = m - shift;
        let nm = (ms * INV_STEP + ROUND).to_bits() as i32; // bits(ROUND) + N_m
        let n = nm - ROUND.to_bits() as i32; // N_m
        let k = n >> 4;
        Row { shift, k, scale: Scale::new(k), lim: (n - 16 * k + 16 * KMIN) as u32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2^e as f64.
    fn p2(e: i32) -> f64 {
        libm::exp2(e as f64)
    }

    #[test]
    fn table_is_2_to_the_j_over_16() {
        for (j, (&h, &rho)) in TH.iter().zip(&RHO).enumerate() {
            let h = f32::from_bits(h.wrapping_add((j as u32) << 19)) as f64 / p2(S0 + KMIN);
            let t = libm::exp2(j as f64 / 16.0);
            assert_eq!(h as f32, t as f32, "{j}");
            assert!((h * (1.0 + rho as f64) - t).abs() <= 2e-15 * t, "{j}");
        }
    }

    fn ulp_err(got: f32, want: f64) -> f64 {
        let w = want as f32;
        let ulp =
            if w == 0.0 { f32::from_bits(1) as f64 } else { (f32::from_bits(w.to_bits() + 1) - w) as f64 };
        ((got as f64) - want).abs() / ulp
    }

    /// Max ULP error of `exp_scaled` over `[lo, hi]` for the row of max `m`.
    fn worst(m: f32, lo: f32, hi: f32, step: f32) -> f64 {
        let row = Row::new(m);
        let scale = p2(S0 + KMIN - row.k);
        let mut w = 0.0f64;
        let mut x = lo;
        while x <= hi {
            let e = exp_scaled(x - row.shift, row.scale).unwrap_or(0.0);
            let want = libm::exp((x - row.shift) as f64) * scale;
            w = w.max(ulp_err(e, want));
            x += step;
        }
        w
    }

    #[test]
    fn accuracy_on_grids() {
        assert!(worst(0.0, -103.0, 0.0, 0.000_731) < 0.65);
        assert!(worst(250.0, 145.0, 250.0, 0.000_977) < 0.7); // |x| near 256
        assert!(worst(-150.0, -255.0, -150.0, 0.000_977) < 0.7);
        assert!(worst(-3e5, -3e5 - 100.0, -3e5, 0.031_25) < 0.65);
    }

    /// Every f32 in `[-122, 0.0217]` (about 2^31 inputs; release mode:
    /// `cargo test --release --lib exp_table -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn exhaustive_row_k0() {
        let scale = p2(S0 + KMIN);
        let mut worst = (0.0f64, 0.0f32);
        let mut b = 0x3cb1_c433u32; // 0.0217, then down through 0 to -104
        loop {
            let x = f32::from_bits(b);
            if let Some(e) = exp_scaled(x, Scale::K0) {
                let err = ulp_err(e, libm::exp(x as f64) * scale);
                if err > worst.0 {
                    worst = (err, x);
                }
            }
            b = if b == 0 {
                0x8000_0000
            } else if b < 0x8000_0000 {
                b - 1
            } else {
                b + 1
            };
            if b > 0xc2f4_0000 {
                break;
            }
        }
        extern crate std;
        std::println!("exp_scaled: max {:.4} ULP at {:e}", worst.0, worst.1);
        assert!(worst.0 < 0.66);
    }

    #[test]
    fn tiny_terms_are_dropped() {
        let row = Row::new(0.0);
        assert!(exp_scaled(-122.1, row.scale).is_none());
        assert!(exp_scaled(-1e5, row.scale).is_none());
        assert!(exp_scaled(-1e6, row.scale).is_none());
        assert!(exp_scaled(-3e38, row.scale).is_none());
        assert!(exp_scaled(f32::NEG_INFINITY, row.scale).is_none());
        assert!(exp_scaled(-121.9, row.scale).is_some());
    }

    #[test]
    fn shifts() {
        for m in [-1e38f32, -3000.0, -256.0, -255.9, 0.0, 255.9, 256.0, 1e6, 3e38] {
            let row = Row::new(m);
            let ms = m - row.shift;
            assert!(ms.abs() + 122.0 < ARG_LIMIT, "{m}");
            assert!(row.k.abs() < 512, "{m} {}", row.k); // K·LN2_HI exact for |K| < 2^9
        }
    }
}
