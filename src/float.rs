//! The float trait the kernels are generic over, implemented for `f32` and `f64`.
//!
//! [`Float`] builds on [`num_traits::float::FloatCore`] (comparisons,
//! classification, `abs`, `max`, ..., all computed in `core` without any math
//! library) and adds the three transcendental functions the kernels need,
//! computed by this crate's own code or by the `libm` crate, never by `std`.
//! That matters: `num_traits::Float::exp` switches from libm to std as soon
//! as any crate in a build enables num-traits' `std` feature, so results
//! would depend on the user's dependency graph. Here they do not: the same
//! inputs give the same bits on every target and in every build.
//!
//! The trait is sealed: only `f32` and `f64` implement it, so the crate can
//! add methods without a breaking change.

use core::fmt::{Debug, Display};
use num_traits::float::FloatCore;

use crate::exp::{exp2w_f32, exp2w_f64, exp_f32, exp_f64};
use crate::lanes::HOST_SIMD;
use crate::{dispatch, narrow};

mod sealed {
    /// Per-type primitives of the kernels. Not nameable outside the crate.
    pub trait Sealed: Copy {
        /// `e^(hi + lo)` where `lo` is a small correction to `hi` (the
        /// rounding error of a subtraction); see `crate::exp`.
        fn exp_hi_lo(hi: Self, lo: Self) -> Self;
        /// `e^(hi + lo)` as `(e, e_lo)`: `e = exp_hi_lo(hi, lo)` and `e_lo`
        /// its rounding error (for normal `e`).
        fn exp2w(hi: Self, lo: Self) -> (Self, Self);
        /// `a * b + c` with one rounding (libm's `fma`, correct on every target).
        fn mul_add_exact(a: Self, b: Self, c: Self) -> Self;
        /// `n` converted with `as` (round to nearest, never fails).
        fn from_usize(n: usize) -> Self;
        /// The literal `v` in this type (`as`: rounds to nearest).
        fn lit(v: f64) -> Self;
        /// Below this argument `e^x` is subnormal or 0 in this type.
        const EXP_SUBNORMAL_ARG: Self;
        /// `64 ln 2` as an exact `hi` (a multiple of the exp kernel's
        /// `LN2_HI`) and the rounded rest `lo`: `e^(x + hi + lo) = 2^64 e^x`.
        const LN2_X64: (Self, Self);

        // The kernels, per type: `crate::wide` for f32 on hosts,
        // `crate::narrow` otherwise. Rows are validated by the caller (not
        // empty, no NaN, finite max `m`, `out` as long as `x`).

        /// `σ(x)`.
        fn k_sigmoid(x: Self) -> Self;
        /// `out_i = σ(x_i)`, lengths equal.
        fn k_sigmoid_slice(x: &[Self], out: &mut [Self]);
        /// `x_i = σ(x_i)`.
        fn k_sigmoid_in_place(x: &mut [Self]);
        /// Softmax.
        fn k_softmax(x: &[Self], m: Self, out: &mut [Self]);
        /// Softmax in place.
        fn k_softmax_in_place(x: &mut [Self], m: Self);
        /// Softmax of `x / t`.
        fn k_softmax_temperature(x: &[Self], m: Self, t: Self, out: &mut [Self]);
        /// `ln Σ e^(x_i)`.
        fn k_logsumexp(x: &[Self], m: Self) -> Self;
        /// Log-softmax.
        fn k_log_softmax(x: &[Self], m: Self, out: &mut [Self]);
        /// Log-softmax in place.
        fn k_log_softmax_in_place(x: &mut [Self], m: Self);
    }
}

pub(crate) use sealed::Sealed;

/// A floating-point type the kernels accept: `f32` or `f64`.
///
/// Everything `FloatCore` offers (ordering, classification, `abs`, `min`,
/// `max`, constants such as `infinity()` and `epsilon()`) plus the
/// transcendental functions below, computed the same way on every target
/// (see the [module docs](crate::float)). The trait is sealed.
///
/// ```
/// use logitkit::Float;
///
/// fn mean_exp<T: Float>(x: &[T]) -> T {
///     let mut s = T::zero();
///     for &v in x {
///         s = s + v.exp();
///     }
///     s / T::from(x.len()).unwrap_or_else(T::nan)
/// }
/// assert!((mean_exp(&[0.0f32, 0.0]) - 1.0).abs() < 1e-7);
/// ```
pub trait Float: FloatCore + Debug + Display + Default + Send + Sync + 'static + Sealed {
    /// `e^x`, by this crate's kernel (`src/exp.rs`).
    ///
    /// Error ≤ 1 ULP over the whole domain, subnormal results included
    /// (measured: see the accuracy tests). `exp(NaN) = NaN`,
    /// `exp(-inf) = 0`, `exp(+inf) = +inf`; overflows to `+inf` and
    /// underflows through the subnormals to `+0` like the correctly rounded
    /// function.
    ///
    /// ```
    /// use logitkit::Float;
    /// assert_eq!(Float::exp(0.0f32), 1.0);
    /// assert!(Float::exp(-100.0f32) > 0.0); // 3.7e-44, a subnormal
    /// assert_eq!(Float::exp(f64::NEG_INFINITY), 0.0);
    /// ```
    fn exp(self) -> Self;

    /// Natural logarithm, by the `libm` crate (< 1 ULP).
    ///
    /// `ln(0) = -inf`, `ln(x < 0) = NaN`, `ln(+inf) = +inf`, `ln(NaN) = NaN`.
    ///
    /// ```
    /// use logitkit::Float;
    /// assert_eq!(Float::ln(1.0f64), 0.0);
    /// assert_eq!(Float::ln(0.0f32), f32::NEG_INFINITY);
    /// ```
    fn ln(self) -> Self;

    /// `ln(1 + x)`, accurate for small `x`, by the `libm` crate (< 1 ULP).
    ///
    /// `ln_1p(-1) = -inf`, `ln_1p(x < -1) = NaN`, `ln_1p(+inf) = +inf`,
    /// `ln_1p(NaN) = NaN`.
    ///
    /// ```
    /// use logitkit::Float;
    /// assert_eq!(Float::ln_1p(1e-30f32), 1e-30);
    /// ```
    fn ln_1p(self) -> Self;
}

macro_rules! impl_float {
    ($t:ident, $exp:ident, $exp2w:ident, $fma:path, $log:path, $log1p:path, $sub:expr, $ln2x64:expr) => {
        impl Sealed for $t {
            #[inline(always)]
            fn exp_hi_lo(hi: Self, lo: Self) -> Self {
                $exp(hi, lo)
            }
            #[inline(always)]
            fn exp2w(hi: Self, lo: Self) -> (Self, Self) {
                $exp2w(hi, lo)
            }
            #[inline(always)]
            fn mul_add_exact(a: Self, b: Self, c: Self) -> Self {
                $fma(a, b, c)
            }
            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline(always)]
            fn lit(v: f64) -> Self {
                v as $t
            }
            const EXP_SUBNORMAL_ARG: Self = $sub;
            const LN2_X64: (Self, Self) = $ln2x64;
            kernels!($t);
        }

        impl Float for $t {
            #[inline]
            fn exp(self) -> Self {
                $exp(self, 0.0)
            }
            #[inline]
            fn ln(self) -> Self {
                $log(self)
            }
            #[inline]
            fn ln_1p(self) -> Self {
                $log1p(self)
            }
        }
    };
}

/// The kernels of each type, through `crate::dispatch`: f32 in f64 on
/// hosts (`crate::wide`), else in the type's own precision
/// (`crate::narrow`).
macro_rules! kernels {
    (f32) => {
        // The sigmoid is f32 arithmetic on every target: on hosts it is 1.5x
        // faster than the f64 evaluation (16 lanes per AVX-512 operation
        // instead of 8) and within its bound (1.16 ULP measured over all f32).
        #[inline(always)]
        fn k_sigmoid(x: f32) -> f32 {
            narrow::sigmoid(x)
        }
        fn k_sigmoid_slice(x: &[f32], out: &mut [f32]) {
            dispatch::sigmoid_narrow(x, out)
        }
        fn k_sigmoid_in_place(x: &mut [f32]) {
            dispatch::sigmoid_narrow_in_place(x)
        }
        fn k_softmax(x: &[f32], m: f32, out: &mut [f32]) {
            if HOST_SIMD {
                dispatch::softmax_f32(x, m, out)
            } else {
                dispatch::softmax_narrow(x, m, out)
            }
        }
        fn k_softmax_in_place(x: &mut [f32], m: f32) {
            if HOST_SIMD {
                dispatch::softmax_f32_in_place(x, m)
            } else {
                dispatch::softmax_narrow_in_place(x, m)
            }
        }
        fn k_softmax_temperature(x: &[f32], m: f32, t: f32, out: &mut [f32]) {
            if HOST_SIMD {
                dispatch::softmax_temperature_f32(x, m, t, out)
            } else {
                dispatch::softmax_temperature_narrow(x, m, t, out)
            }
        }
        fn k_logsumexp(x: &[f32], m: f32) -> f32 {
            if HOST_SIMD {
                dispatch::logsumexp_f32(x, m)
            } else {
                dispatch::logsumexp_narrow(x, m)
            }
        }
        fn k_log_softmax(x: &[f32], m: f32, out: &mut [f32]) {
            if HOST_SIMD {
                dispatch::log_softmax_f32(x, m, out)
            } else {
                dispatch::log_softmax_narrow(x, m, out)
            }
        }
        fn k_log_softmax_in_place(x: &mut [f32], m: f32) {
            if HOST_SIMD {
                dispatch::log_softmax_f32_in_place(x, m)
            } else {
                dispatch::log_softmax_narrow_in_place(x, m)
            }
        }
    };
    (f64) => {
        #[inline(always)]
        fn k_sigmoid(x: f64) -> f64 {
            narrow::sigmoid(x)
        }
        fn k_sigmoid_slice(x: &[f64], out: &mut [f64]) {
            dispatch::sigmoid_narrow(x, out)
        }
        fn k_sigmoid_in_place(x: &mut [f64]) {
            dispatch::sigmoid_narrow_in_place(x)
        }
        fn k_softmax(x: &[f64], m: f64, out: &mut [f64]) {
            dispatch::softmax_narrow(x, m, out)
        }
        fn k_softmax_in_place(x: &mut [f64], m: f64) {
            dispatch::softmax_narrow_in_place(x, m)
        }
        fn k_softmax_temperature(x: &[f64], m: f64, t: f64, out: &mut [f64]) {
            dispatch::softmax_temperature_narrow(x, m, t, out)
        }
        fn k_logsumexp(x: &[f64], m: f64) -> f64 {
            dispatch::logsumexp_narrow(x, m)
        }
        fn k_log_softmax(x: &[f64], m: f64, out: &mut [f64]) {
            dispatch::log_softmax_narrow(x, m, out)
        }
        fn k_log_softmax_in_place(x: &mut [f64], m: f64) {
            dispatch::log_softmax_narrow_in_place(x, m)
        }
    };
}

impl_float!(f32, exp_f32, exp2w_f32, libm::fmaf, libm::logf, libm::log1pf, -87.0, crate::exp::F32_LN2_X64);
impl_float!(f64, exp_f64, exp2w_f64, libm::fma, libm::log, libm::log1p, -708.0, crate::exp::F64_LN2_X64);
