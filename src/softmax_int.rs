//! The f32 softmax in integer arithmetic, for microcontrollers without an
//! FPU (Cortex-M0/M0+/M3, soft-float ARM targets; `--cfg logitkit_integer`
//! selects it on any target, for tests). Its exponential also serves
//! [`crate::sigmoid_int`].
//!
//! On such a core every f32 operation is a library call of about 100
//! instructions, so the float kernels cost thousands of instructions per
//! element. Here the only float operations are in the caller's validation
//! (the max scan): the kernel reads the inputs' bits and writes the
//! outputs' bits.
//!
//! # Algorithm
//! For each element, with `m` the row's maximum:
//! 1. `D = m - x ≥ 0` in 64-bit fixed point: both values are converted
//!    from their bits to the grid `2^-32` for `|m| < 2^29` (truncated: `D`
//!    to 2^-32, a relative error of 2^-32 in `e^-D`), to a coarser grid
//!    above, where every difference that matters is an exact multiple of
//!    it. Elements with `D ≥ 104` (then `p < 2^-150`: rounds to 0), `-inf`
//!    and huge magnitudes are dropped by exponent and range tests.
//! 2. `e^-D = 2^-(k >> 4) · 2^-(j/16) · e^-r`, `k = floor(D · 16/ln2)`,
//!    `j = k & 15`, `r = D - k·ln2/16 ∈ [0, 0.0434)` computed modulo 2^64
//!    with ln2/16 to 64 bits (Cody and Waite, in integers); `1 - e^-r` by its
//!    Taylor polynomial to `r^5` (error `r^6/720 < 2^-36`), in Q0.32
//!    (Horner, 5 multiplications); `2^-(j/16)` from a 16-entry Q31 table
//!    (Tang's table method, ACM TOMS 15(2), 1989). Result: a Q31 mantissa
//!    `E ∈ [1/2, 1]` with relative error below 2^-29, and the shift
//!    `s = k >> 4 ≤ 150`.
//! 3. The sum `Σ E·2^-s` in 96-bit fixed point (2^-63 resolution, 32
//!    integer bits: any row length). Each term is also stored in `out` as an
//!    f32 (its mantissa rounded to 24 bits, scaled by 2^64 so that no term
//!    is subnormal).
//! 4. One reciprocal of the normalized sum per row (a 64/32-bit restoring
//!    division, corrected for the sum's next 32 bits): `R = 1/S` to 2^-31.
//! 5. `p_i = e_i · R`: a 24×32-bit product, normalized (one conditional
//!    shift), rounded to nearest at the f32 or subnormal position, and the
//!    bits assembled, so subnormal probabilities are rounded once.
//!
//! 32×32→64-bit products are formed from 16-bit halves (the M0's `MULS`
//! keeps the low 32 bits and `u64` products would call `__aeabi_lmul`);
//! 64-bit shifts by a variable amount are done on 32-bit halves (no
//! `__aeabi_llsl`).
//!
//! # Error
//! `p_i` is rounded twice at 24 bits (the stored term, then the quotient):
//! ≤ 1.5 ULP plus 2^-28 relative; 1.30 ULP measured on the reference data
//! of `tests/accuracy.rs`, 1.41 ULP on the rows of `tests/kernel_paths.rs`,
//! `Σ p` within 0.9ε of 1.
//!
//! Cost on a Cortex-M0 (n = 100, `opt-level = "s"`): 368 instructions per
//! element, the max scan's soft-float compares included
//! (`benches/mcu-results.md`).

/// High 32 bits of `a·b` from 16-bit halves (three `MULS`), at most 1
/// below the exact value: the low product `a0·b0` is left out. (The exact
/// form is recognized by LLVM and turned back into a call of
/// `__aeabi_lmul`, twice the instructions.)
#[inline(always)]
pub(crate) fn mulhi(a: u32, b: u32) -> u32 {
    let (a1, a0) = (a >> 16, a & 0xffff);
    let (b1, b0) = (b >> 16, b & 0xffff);
    let m1 = a1 * b0;
    let m2 = a0 * b1;
    let carry = (m1 & 0xffff) + (m2 & 0xffff); // < 2^17
    a1 * b1 + (m1 >> 16) + (m2 >> 16) + (carry >> 16)
}

/// `m · 2^sh` (`m < 2^24`, `sh ≤ 39`) as a u64, truncated for `sh < 0`.
#[inline(always)]
fn shifted(m: u32, sh: i32) -> u64 {
    if sh >= 32 {
        ((m << (sh - 32)) as u64) << 32
    } else if sh >= 0 {
        let hi = m.checked_shr(32 - sh as u32).unwrap_or(0);
        ((hi as u64) << 32) | (m << sh) as u64
    } else {
        m.checked_shr(sh.unsigned_abs()).unwrap_or(0) as u64
    }
}

/// `16/ln2 · 2^27`.
const INV_STEP: u32 = 3_098_164_009;
/// `ln2/16 · 2^64`, high and low words.
const STEP_HI: u32 = 0x0b17_217f;
const STEP_LO: u32 = 0x7d1c_f79b;
/// `ln2/16 · 2^64`.
const STEP: u64 = ((STEP_HI as u64) << 32) | STEP_LO as u64;
/// `2^(-j/16) · 2^31`, rounded.
const T: [u32; 16] = [
    0x8000_0000,
    0x7a92_be8b,
    0x7560_6374,
    0x7066_6f76,
    0x6ba2_7e65,
    0x6712_460b,
    0x62b3_9509,
    0x5e84_51d0,
    0x5a82_799a,
    0x56ac_1f75,
    0x52ff_6b55,
    0x4f7a_9930,
    0x4c1b_f829,
    0x48e1_e9ba,
    0x45ca_e0f2,
    0x42d5_61b4,
];
/// `2^32/6`, `2^32/24`, `2^32/120`.
const C6: u32 = 0x2aaa_aaab;
const C24: u32 = 0x0aaa_aaab;
const C120: u32 = 0x0222_2222;

/// `(E, s)` with `e^-(D/2^32) = E · 2^-31 · 2^-s` to 2^-29, for
/// `D < 104·2^32`.
#[inline(always)]
pub(crate) fn exp_neg_q32(d: u64) -> (u32, u32) {
    // k ≈ D·16/ln2, then exactly floor(...) by one correction step.
    let mut k = mulhi((d >> 7) as u32, INV_STEP) >> 20;
    // r = D - k·ln2/16 in Q0.64, modulo 2^64 (the true value is below 2^60).
    let k_step = (((k.wrapping_mul(STEP_HI)) as u64) << 32)
        .wrapping_add(((k * (STEP_LO >> 16)) as u64) << 16)
        .wrapping_add((k * (STEP_LO & 0xffff)) as u64);
    let mut r = (d << 32).wrapping_sub(k_step);
    if (r as i64) < 0 {
        k = k.wrapping_sub(1);
        r = r.wrapping_add(STEP);
    } else if r >= STEP {
        k += 1;
        r -= STEP;
    }
    // 1 - e^-r = r (1 - r (1/2 - r (1/6 - r (1/24 - r/120)))) in Q0.32,
    // with r in Q0.36 (r < 0.0434 < 2^-4.5).
    let r36 = (r >> 28) as u32;
    let t = C24 - (mulhi(r36, C120) >> 4);
    let t = C6 - (mulhi(r36, t) >> 4);
    let t = (1 << 31) - (mulhi(r36, t) >> 4);
    let w = mulhi(r36, t) >> 4;
    let u = (r36 >> 4) - (mulhi(r36, w) >> 4);
    let tj = T[(k & 15) as usize];
    (tj - mulhi(tj, u), k >> 4)
}

/// Per-row constants.
struct IntRow {
    /// The max on the grid `2^-F`, signed.
    vm: i64,
    /// `F`: 32 for `|m| < 2^29`, else `60 - Em`, so that `|x| < 2^(Em + 2)`
    /// fits in 62 bits; every difference that matters is then an exact
    /// multiple of the coarser grid (`x ≥ m - 104` is within a factor 2 of
    /// `m`, so `m - x` is a multiple of `ulp(m)/2 ≥ 2^(Em - 24)`).
    f: i32,
    /// Biased exponents from this one up are dropped: `|x| ≥ 2^(Em + 2)`
    /// (so `x ≤ -2^(Em + 1) ≤ m - 256`), and `inf`.
    elim: u32,
}

/// `D ≥ 104` (in Q32): `e^-D < 2^-150`, below half the smallest subnormal
/// after division by a sum `≥ 1`.
const DLIM: u64 = 104 << 32;

impl IntRow {
    fn new(m: f32) -> Self {
        let em = (((m.to_bits() >> 23) & 0xff) as i32 - 127).max(7); // |m| < 2^(em + 1)
        let f = (60 - em).min(32);
        IntRow { vm: fixed(m.to_bits(), f), f, elim: (127 + em + 2) as u32 }
    }

    /// The term of `x` (bits `b`): `(E, s)`, `e^(x - m) = E 2^-31 2^-s`, or
    /// `None` if it rounds to 0 after normalization.
    #[inline(always)]
    fn term(&self, b: u32) -> Option<(u32, u32)> {
        if (b >> 23) & 0xff >= self.elim {
            return None; // -inf, or far below the max
        }
        let mut d = self.vm.wrapping_sub(fixed(b, self.f)) as u64;
        if self.f != 32 {
            d = to_q32(d, self.f);
        }
        if d >= DLIM {
            return None;
        }
        Some(exp_neg_q32(d))
    }
}

/// `D` from the grid `2^-F` (`F < 32`) to Q32, saturated at `DLIM`; out of
/// line and cold (rows with `|m| ≥ 2^29` only).
#[cold]
#[inline(never)]
fn to_q32(d: u64, f: i32) -> u64 {
    // f < 0: only d = 0 matters (differences are multiples of 2^-f > 104).
    if f < 0 {
        return if d == 0 { 0 } else { DLIM };
    }
    // 104·2^f, f in [0, 31], on 32-bit halves.
    let f = f as u32;
    let lim = ((104u32.checked_shr(32 - f).unwrap_or(0) as u64) << 32) | 104u32.wrapping_shl(f) as u64;
    if d >= lim {
        return DLIM;
    }
    // d < 104·2^f < 2^(7 + f): the shift by 32 - f in [1, 32] stays below
    // 2^39; on 32-bit halves (no `__aeabi_llsl`).
    let sh = 32 - f;
    let (hi, lo) = ((d >> 32) as u32, d as u32);
    let hi = hi.checked_shl(sh).unwrap_or(0) | lo.checked_shr(32 - sh).unwrap_or(0);
    let lo = lo.checked_shl(sh).unwrap_or(0);
    ((hi as u64) << 32) | lo as u64
}

/// The f32 of bits `b` on the grid `2^-F` (truncated toward 0), for
/// `|x| < 2^(62 - F)`.
#[inline(always)]
fn fixed(b: u32, f: i32) -> i64 {
    let e = (b >> 23) & 0xff;
    let mut m = b & 0x7f_ffff;
    let e = if e == 0 {
        1
    } else {
        m |= 0x80_0000;
        e
    };
    let v = shifted(m, e as i32 - 150 + f) as i64;
    if b >> 31 != 0 {
        -v
    } else {
        v
    }
}

/// Σ of the terms in Q32.63 (96 bits) and their f32 images.
struct Sum {
    lo: u64,
    hi: u32,
}

impl Sum {
    /// Adds `E 2^-31 2^-s` and returns its f32 image scaled by 2^64
    /// (mantissa rounded to 24 bits).
    #[inline(always)]
    fn add(&mut self, e: u32, s: u32) -> f32 {
        // E 2^(32 - s) in units of 2^-63.
        let t = if s <= 32 {
            (((e.checked_shr(s).unwrap_or(0)) as u64) << 32) | e.checked_shl(32 - s).unwrap_or(0) as u64
        } else {
            e.checked_shr(s - 32).unwrap_or(0) as u64
        };
        let (lo, carry) = self.lo.overflowing_add(t);
        self.lo = lo;
        self.hi += carry as u32;
        // E in [2^30, 2^31]: value (E/2^30) 2^(-1 - s + 64), biased 190 - s;
        // the mantissa's rounding may carry into the exponent.
        let mant = ((e >> 6) + 1) >> 1;
        f32::from_bits(((189 - s) << 23) + mant)
    }

    /// `(R, eS)` with `1/S = R · 2^-32 · 2^-eS`, `R` in `(2^31, 2^32)`, to
    /// 2^-31 (`S ≥ 1`).
    fn reciprocal(&self) -> (u32, u32) {
        // Normalize the 96-bit sum W = hi·2^64 + lo (≥ 2^63): leading bit to 95.
        let (mut top, mut mid, mut low) = (self.hi, (self.lo >> 32) as u32, self.lo as u32);
        let mut lz = 0;
        if top == 0 {
            (top, mid, low, lz) = (mid, low, 0, 32); // lo ≥ 2^63: bit 31 of top set
        }
        while top & (1 << 31) == 0 && lz < 32 {
            top = (top << 1) | (mid >> 31);
            mid = (mid << 1) | (low >> 31);
            low <<= 1;
            lz += 1;
        }
        // S = (top + mid 2^-32) 2^-31 · 2^(32 - lz).
        let d = top;
        // q = floor(2^63 / d) by restoring division of (2^31 : 0) by d.
        let (mut rem, mut q) = (1u32 << 31, 0u32);
        if d == 1 << 31 {
            q = u32::MAX; // 2^32 - 1
        } else {
            for _ in 0..32 {
                let carry = rem >> 31;
                rem <<= 1;
                q <<= 1;
                if carry != 0 || rem >= d {
                    rem = rem.wrapping_sub(d);
                    q |= 1;
                }
            }
        }
        // 1/(d + mid 2^-32) = (1/d)(1 - mid/(d 2^32)), 1/d = q 2^-63.
        let q = q - (mulhi(mulhi(q, mid), q) >> 31);
        (q, 32 - lz)
    }
}

/// `p = e / S` for a term's f32 image `e` (scaled by 2^64), as f32 bits.
#[inline(always)]
fn quotient(e: f32, r: u32, es: u32) -> f32 {
    let b = e.to_bits();
    if b == 0 {
        return 0.0;
    }
    let mant = (b & 0x7f_ffff) | 0x80_0000;
    let mut h = mulhi(mant << 8, r); // in [2^30, 2^32)
                                     // p = h · 2^(ef - 222 - eS); as an f32: biased exponent ef - 64 - eS (- 1).
    let mut biased = (b >> 23) as i32 - 64 - es as i32;
    if h < 1 << 31 {
        h <<= 1;
        biased -= 1;
    }
    if biased >= 1 {
        let m = ((h >> 7) + 1) >> 1; // round half up; 2^24 carries into the exponent
        f32::from_bits((((biased - 1) as u32) << 23) + m)
    } else {
        let sh = (1 - biased) as u32; // subnormal: round at 2^-149
        let m = match h.checked_shr(7 + sh) {
            Some(v) => (v + 1) >> 1,
            None => 0,
        };
        f32::from_bits(m)
    }
}

/// Softmax of a validated row with finite max `m`.
#[inline(always)]
pub(crate) fn softmax(x: &[f32], m: f32, out: &mut [f32]) {
    let row = IntRow::new(m);
    let mut sum = Sum { lo: 0, hi: 0 };
    for (o, &v) in out.iter_mut().zip(x) {
        *o = match row.term(v.to_bits()) {
            Some((e, s)) => sum.add(e, s),
            None => 0.0,
        };
    }
    normalize(out, &sum);
}

/// [`softmax`] in place.
#[inline(always)]
pub(crate) fn softmax_in_place(x: &mut [f32], m: f32) {
    let row = IntRow::new(m);
    let mut sum = Sum { lo: 0, hi: 0 };
    for v in x.iter_mut() {
        *v = match row.term(v.to_bits()) {
            Some((e, s)) => sum.add(e, s),
            None => 0.0,
        };
    }
    normalize(x, &sum);
}

/// `out_i = out_i / S`.
#[inline(always)]
fn normalize(out: &mut [f32], sum: &Sum) {
    let (r, es) = sum.reciprocal();
    for o in out.iter_mut() {
        *o = quotient(*o, r, es);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mulhi_is_within_one() {
        let v = [0u32, 1, 0xffff, 0x1_0000, 0x8000_0000, 0xffff_ffff, 0x1234_5678, 0x9abc_def0, 0xffff_0001];
        for &a in &v {
            for &b in &v {
                let exact = ((a as u64 * b as u64) >> 32) as u32;
                let got = mulhi(a, b);
                assert!(got <= exact && exact - got <= 1, "{a:x} {b:x}");
            }
        }
    }

    #[test]
    fn constants() {
        for (j, &t) in T.iter().enumerate() {
            let want = libm::exp2(-(j as f64) / 16.0) * 2f64.powi(31);
            assert!((t as f64 - want).abs() <= 0.5, "{j}");
        }
        assert!((INV_STEP as f64 - 16.0 / core::f64::consts::LN_2 * 2f64.powi(27)).abs() <= 0.5);
        assert!((STEP as f64 - core::f64::consts::LN_2 / 16.0 * 2f64.powi(64)).abs() <= 2f64.powi(12));
    }

    #[test]
    fn exp_neg_accuracy() {
        let mut worst = 0.0f64;
        let mut d = 0.0f64;
        while d < 104.0 {
            let (e, s) = exp_neg_q32((d * 2f64.powi(32)) as u64);
            let got = e as f64 * 2f64.powi(-31 - s as i32);
            let want = libm::exp(-((d * 2f64.powi(32)).floor() / 2f64.powi(32)));
            worst = worst.max((got / want - 1.0).abs());
            d += 0.000_913;
        }
        assert!(worst < 2f64.powi(-28), "{worst:e}");
    }
}
