//! Run-time CPU-feature dispatch of the hot kernels (feature `std`, x86-64).
//!
//! A default x86-64 build may only assume SSE2 (4 f32 lanes). With the `std`
//! feature, each kernel below is compiled three times from the same source:
//! for SSE2, for AVX2 + FMA, and for AVX-512 (F, VL, DQ, BW), and the first
//! call detects the CPU (`std::is_x86_feature_detected!`, cached by std) and
//! picks the widest. Without `std`, or on other targets, these are plain
//! calls of the portable kernels, which LLVM vectorizes for whatever the
//! build enables (`-C target-cpu=native` included).
//!
//! The clones compute the same operations in the same order: Rust never
//! contracts `a * b + c` into a fused multiply-add, and the reductions sum
//! lane by lane in a fixed order ([`crate::lanes`]), so every clone returns
//! the same bits; only the speed differs.
//!
//! This is the crate's only `unsafe` code: calling a function compiled with
//! `#[target_feature]` is unsafe because executing instructions the CPU lacks
//! is undefined behaviour. The proof of soundness is at each call site.

/// The widest instruction set the running CPU supports, among those we
/// compile for.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Sse2,
    Avx2,
    Avx512,
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[inline]
fn level() -> Level {
    use core::sync::atomic::{AtomicU8, Ordering};
    // 0: not detected yet; else Level as u8 + 1. A race only repeats the
    // detection, which always gives the same answer.
    static LEVEL: AtomicU8 = AtomicU8::new(0);
    match LEVEL.load(Ordering::Relaxed) {
        1 => Level::Sse2,
        2 => Level::Avx2,
        3 => Level::Avx512,
        _ => {
            let l = if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx2")
                && std::is_x86_feature_detected!("fma")
            {
                Level::Avx512
            } else if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                Level::Avx2
            } else {
                Level::Sse2
            };
            LEVEL.store(l as u8 + 1, Ordering::Relaxed);
            l
        }
    }
}

/// `pub(crate) fn $name($args) -> $ret` calling `$body` through the widest
/// clone the CPU supports (or directly, without `std` or off x86-64).
macro_rules! dispatched {
    ($(fn $name:ident$(<$g:ident: $b:path>)?($($arg:ident: $ty:ty),*) $(-> $ret:ty)? = $body:path;)*) => {$(
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        #[inline]
        pub(crate) fn $name$(<$g: $b>)?($($arg: $ty),*) $(-> $ret)? {
            #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
            fn avx512$(<$g: $b>)?($($arg: $ty),*) $(-> $ret)? {
                $body($($arg),*)
            }
            #[target_feature(enable = "avx2,fma")]
            fn avx2$(<$g: $b>)?($($arg: $ty),*) $(-> $ret)? {
                $body($($arg),*)
            }
            match level() {
                // SAFETY: `level()` returned Avx512 only after
                // `is_x86_feature_detected!` confirmed every feature `avx512`
                // is compiled with (avx512f/vl/dq/bw, avx2, fma) on this CPU.
                #[allow(unsafe_code)]
                Level::Avx512 => unsafe { avx512($($arg),*) },
                // SAFETY: as above, for avx2 and fma.
                #[allow(unsafe_code)]
                Level::Avx2 => unsafe { avx2($($arg),*) },
                Level::Sse2 => $body($($arg),*),
            }
        }

        #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
        #[inline(always)]
        pub(crate) fn $name$(<$g: $b>)?($($arg: $ty),*) $(-> $ret)? {
            $body($($arg),*)
        }
    )*};
}

use crate::float::Float;
use crate::{narrow, scan, wide};

dispatched! {
    fn max_value<T: Float>(x: &[T]) -> Result<T, crate::Error> = scan::max_value;

    fn sigmoid_f32(x: &[f32], out: &mut [f32]) = wide::sigmoid_f32_slice;
    fn sigmoid_f32_in_place(x: &mut [f32]) = wide::sigmoid_f32_in_place;
    fn softmax_f32(x: &[f32], m: f32, out: &mut [f32]) = wide::softmax_f32;
    fn softmax_f32_in_place(x: &mut [f32], m: f32) = wide::softmax_f32_in_place;
    fn softmax_temperature_f32(x: &[f32], m: f32, t: f32, out: &mut [f32]) = wide::softmax_temperature_f32;
    fn logsumexp_f32(x: &[f32], m: f32) -> f32 = wide::logsumexp_f32;
    fn log_softmax_f32(x: &[f32], m: f32, out: &mut [f32]) = wide::log_softmax_f32;
    fn log_softmax_f32_in_place(x: &mut [f32], m: f32) = wide::log_softmax_f32_in_place;

    fn sigmoid_narrow<T: Float>(x: &[T], out: &mut [T]) = narrow::sigmoid_slice;
    fn sigmoid_narrow_in_place<T: Float>(x: &mut [T]) = narrow::sigmoid_in_place;
    fn softmax_narrow<T: Float>(x: &[T], m: T, out: &mut [T]) = narrow::softmax;
    fn softmax_narrow_in_place<T: Float>(x: &mut [T], m: T) = narrow::softmax_in_place;
    fn softmax_temperature_narrow<T: Float>(x: &[T], m: T, t: T, out: &mut [T]) = narrow::softmax_temperature;
    fn logsumexp_narrow<T: Float>(x: &[T], m: T) -> T = narrow::logsumexp;
    fn log_softmax_narrow<T: Float>(x: &[T], m: T, out: &mut [T]) = narrow::log_softmax;
    fn log_softmax_narrow_in_place<T: Float>(x: &mut [T], m: T) = narrow::log_softmax_in_place;
}
