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
    #[cfg(test)]
    match tests::FORCE.load(Ordering::Relaxed) {
        1 => return Level::Sse2,
        2 => return Level::Avx2,
        3 => return Level::Avx512,
        _ => {}
    }
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

#[cfg(all(test, feature = "std", target_arch = "x86_64"))]
mod tests {
    extern crate std;
    use super::*;
    use core::sync::atomic::{AtomicU8, Ordering};
    use std::vec::Vec;

    /// Level forced by the test below (0: detect).
    pub(super) static FORCE: AtomicU8 = AtomicU8::new(0);

    fn inputs() -> Vec<Vec<f64>> {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut v: Vec<Vec<f64>> = (0..40)
            .chain([100, 1000, 4099])
            .map(|n| (0..n).map(|_| 20.0 * next() - 10.0).collect())
            .collect();
        v.push(std::vec![1e30, -1e30, 3.0, f64::NEG_INFINITY, 1e-40, -1e-310, 0.0, -0.0, 88.0, -120.0]);
        v.push((0..37).map(|i| -700.0 - i as f64 * 3.0).collect());
        v
    }

    /// Everything a kernel returns, as bits.
    fn run_all() -> Vec<u64> {
        let mut bits = Vec::new();
        for x in inputs() {
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let n = x.len();
            let (mut o32, mut o64) = (std::vec![0.0f32; n], std::vec![0.0f64; n]);
            sigmoid_narrow(&x32, &mut o32);
            bits.extend(o32.iter().map(|v| v.to_bits() as u64));
            sigmoid_narrow(&x, &mut o64);
            bits.extend(o64.iter().map(|v| v.to_bits()));
            if let (Ok(m32), Ok(m64)) = (max_value(&x32), max_value(&x)) {
                if m32.is_finite() && m64.is_finite() {
                    softmax_f32(&x32, m32, &mut o32);
                    bits.extend(o32.iter().map(|v| v.to_bits() as u64));
                    log_softmax_f32(&x32, m32, &mut o32);
                    bits.extend(o32.iter().map(|v| v.to_bits() as u64));
                    softmax_temperature_f32(&x32, m32, 0.7, &mut o32);
                    bits.extend(o32.iter().map(|v| v.to_bits() as u64));
                    bits.push(logsumexp_f32(&x32, m32).to_bits() as u64);
                    softmax_narrow(&x, m64, &mut o64);
                    bits.extend(o64.iter().map(|v| v.to_bits()));
                    log_softmax_narrow(&x, m64, &mut o64);
                    bits.extend(o64.iter().map(|v| v.to_bits()));
                    softmax_temperature_narrow(&x, m64, 0.7, &mut o64);
                    bits.extend(o64.iter().map(|v| v.to_bits()));
                    bits.push(logsumexp_narrow(&x, m64).to_bits());
                }
            }
        }
        bits
    }

    #[test]
    fn every_level_gives_the_same_bits() {
        let avx2 = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        let avx512 = avx2
            && std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512vl")
            && std::is_x86_feature_detected!("avx512dq")
            && std::is_x86_feature_detected!("avx512bw");
        FORCE.store(1, Ordering::Relaxed);
        let sse2 = run_all();
        for (level, ok) in [(2u8, avx2), (3, avx512)] {
            if ok {
                FORCE.store(level, Ordering::Relaxed);
                assert!(run_all() == sse2, "level {level} differs from SSE2");
            }
        }
        FORCE.store(0, Ordering::Relaxed);
    }
}
