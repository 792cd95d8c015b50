//! Shared input decoding and invariant helpers of the fuzz targets.
#![allow(dead_code)]

/// Reads fuzzer bytes as floats, lengths and flags; past the end it yields zeros.
pub struct Src<'a> {
    data: &'a [u8],
}

/// f32 values a random bit pattern rarely hits.
const SPECIAL_F32: [f32; 28] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    -f32::NAN,
    f32::MAX,
    f32::MIN,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    1.0e-45, // smallest subnormal
    -1.0e-45,
    1.0e38,
    -1.0e38,
    88.72284,   // exp overflows above
    -103.97208, // sigmoid rounds to 0 below
    16.635532,  // sigmoid rounds to 1 above
    -87.33655,  // exp becomes subnormal below
    30.0,
    -30.0,
    1.0 - f32::EPSILON / 2.0,
    f32::EPSILON,
    0.99,
    0.01,
];

impl<'a> Src<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Src { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    pub fn u64(&mut self) -> u64 {
        (self.u32() as u64) | ((self.u32() as u64) << 32)
    }

    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// An f32: a special value, a raw bit pattern (every NaN payload,
    /// subnormal, ...), a moderate logit, or a value near the previous one
    /// (ties and near-ties).
    pub fn f32(&mut self, prev: f32) -> f32 {
        let sel = self.byte();
        match sel % 8 {
            0 => SPECIAL_F32[(sel / 8) as usize % SPECIAL_F32.len()],
            1 | 2 => f32::from_bits(self.u32()),
            3 => prev,
            4 => f32::from_bits(prev.to_bits().wrapping_add((sel / 8) as u32 % 5).wrapping_sub(2)),
            _ => (self.u16() as i16) as f32 / 256.0, // [-128, 128)
        }
    }

    /// An f64: as [`Src::f32`], plus raw f64 patterns.
    pub fn f64(&mut self, prev: f64) -> f64 {
        let sel = self.byte();
        match sel % 8 {
            0 => SPECIAL_F32[(sel / 8) as usize % SPECIAL_F32.len()] as f64,
            1 => f64::from_bits(self.u64()),
            2 => f32::from_bits(self.u32()) as f64,
            3 => prev,
            4 => f64::from_bits(prev.to_bits().wrapping_add((sel / 8) as u64 % 5).wrapping_sub(2)),
            5 => {
                [f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, -745.2, 709.8, 1e300][(sel / 8) as usize % 7]
            }
            _ => (self.u16() as i16) as f64 / 256.0,
        }
    }

    /// A length: mostly short (0..=40), sometimes long (crossing the
    /// 16-lane blocks and tails of the host kernels).
    pub fn len(&mut self) -> usize {
        let b = self.byte();
        if b < 224 {
            (b % 41) as usize
        } else {
            (self.u16() % 600) as usize
        }
    }

    pub fn vec_f32(&mut self, n: usize) -> Vec<f32> {
        let mut v = Vec::with_capacity(n);
        let mut prev = 0.0;
        for _ in 0..n {
            prev = self.f32(prev);
            v.push(prev);
        }
        v
    }

    pub fn vec_f64(&mut self, n: usize) -> Vec<f64> {
        let mut v = Vec::with_capacity(n);
        let mut prev = 0.0;
        for _ in 0..n {
            prev = self.f64(prev);
            v.push(prev);
        }
        v
    }

    /// Probabilities (targets, thresholds): mostly in [0, 1], sometimes not.
    pub fn prob_f64(&mut self) -> f64 {
        let b = self.byte();
        match b % 8 {
            0 => self.f64(0.5),
            1 => [0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16][(b / 8) as usize % 5],
            _ => self.u32() as f64 / u32::MAX as f64,
        }
    }

    /// A length near `n`: equal most of the time, else off by a little or a lot.
    pub fn len_near(&mut self, n: usize) -> usize {
        match self.byte() % 8 {
            0 => n + 1,
            1 => n.saturating_sub(1),
            2 => self.len(),
            _ => n,
        }
    }
}

/// Spacing of f32 values at `|v|` (the ULP of the binade holding `v`).
pub fn ulp32(v: f64) -> f64 {
    let a = v.abs();
    if a < f32::MIN_POSITIVE as f64 {
        return f64::from(f32::from_bits(1));
    }
    let e = a.log2().floor();
    let e = if 2f64.powf(e) > a { e - 1.0 } else { e };
    2f64.powf(e - 23.0)
}

/// Spacing of f64 values at `|v|`.
pub fn ulp64(v: f64) -> f64 {
    let a = v.abs();
    if a < f64::MIN_POSITIVE {
        return f64::from_bits(1);
    }
    let b = a.to_bits() & 0x7ff0_0000_0000_0000;
    f64::from_bits(b) * f64::EPSILON
}

/// Same value, NaN equal to NaN (any payload), +0 distinct from -0 only if
/// `signed_zero`.
pub fn same_f32(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

pub fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

pub fn same_slice_f32(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| same_f32(x, y))
}

pub fn same_slice_f64(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| same_f64(x, y))
}

/// `got` (an f32 result) agrees with `want` (the f64 kernel on the same
/// inputs, far more accurate) within `ulps` f32 ULP of `want`, plus the
/// half ULP of rounding `want` to f32. Infinities and NaN must match.
pub fn close32(got: f32, want: f64, ulps: f64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    let w32 = want as f32;
    if w32.is_infinite() || got.is_infinite() {
        // Overflow at the edge of the f32 range: within `ulps` of MAX counts.
        let g = got as f64;
        return g == want
            || (g.abs() >= f32::MAX as f64 * (1.0 - ulps * 6e-8)
                && want.abs() >= f32::MAX as f64 * (1.0 - ulps * 6e-8)
                && g.signum() == want.signum());
    }
    ((got as f64) - want).abs() <= (ulps + 0.5) * ulp32(want)
}

/// The first NaN's index.
pub fn first_nan_f32(x: &[f32]) -> Option<usize> {
    x.iter().position(|v| v.is_nan())
}

pub fn first_nan_f64(x: &[f64]) -> Option<usize> {
    x.iter().position(|v| v.is_nan())
}

/// Poison pattern for output buffers, to see that `Err` leaves them untouched.
pub const POISON32: f32 = 12345.678;
pub const POISON64: f64 = -9876.54321;

/// Σ v, compensated (Neumaier): error ≤ ε|Σ| + O(nε²) Σ|v|, so that a
/// checked sum is not the checker's own rounding.
pub fn exact_sum(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
    }
    s + c
}

/// The error a softmax-family reduction must return for a row, if any.
pub fn row_error<T: logitkit::Float>(x: &[T]) -> Option<logitkit::Error> {
    if x.is_empty() {
        Some(logitkit::Error::Empty)
    } else if let Some(i) = x.iter().position(|v| v.is_nan()) {
        Some(logitkit::Error::Nan { index: i })
    } else if x.iter().all(|&v| v == T::neg_infinity()) {
        Some(logitkit::Error::AllNegInfinite)
    } else {
        None
    }
}
