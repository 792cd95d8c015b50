//! Link-time proof that logitkit has no reachable panic.
//!
//! This `no_std` binary calls every public function and method of the crate
//! (feature `defmt` included; `std` is for hosts) with inputs the optimizer
//! cannot see: slice pointers and lengths, scalars and flags are read with
//! `read_volatile` from statics, and every result goes through `black_box`.
//! Its `#[panic_handler]` calls `logitkit_panic_path_survived_optimization`,
//! a function that exists nowhere: if any panic path (an index, an `unwrap`,
//! an overflow or a division check, a slice split, a `RefCell` borrow, ...)
//! survives optimization, the handler is kept and the **link fails**.
//!
//! Decisions (`decide`) are called for N = 1, 4, 40 and 200 classes.
//!
//! Built in release (panic = "abort") by `ci/no-panic.sh` for
//! `thumbv7em-none-eabihf` (Cortex-M4F) and `thumbv6m-none-eabi` (Cortex-M0),
//! with the microcontroller kernels, and `x86_64-unknown-none` (the host SIMD
//! kernels), each at opt-level 3 with LTO and at opt-level "s" and "z"
//! without it. Generic functions are called for every type they take
//! (`f32`, `f64`; `i8`, `i16`; label types `u8`, `i32`, `usize`) and
//! const-generic items for several sizes, 0 included.
//!
//! Feature `demo-panic` adds one call that can panic (a slice index with an
//! index from outside): the link must then fail. Feature `diagnose` defines
//! the missing function so that the binary links and
//! `ci/no-panic-diagnose.py` can name the call that reaches a panic.
#![no_std]
#![no_main]
#![allow(static_mut_refs)]

use core::hint::black_box;
use core::mem::{align_of, size_of};
use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

use logitkit::calibration::{fit_platt, fit_temperature, CalibrationStats, PlattTargets};
use logitkit::quant::{
    self, Code, CodeThreshold, LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8, SoftmaxOutput,
};
use logitkit::{Error, Float, LogSumExp};

// ---------------------------------------------------------------- inputs --

/// Backing store of every input and output slice (never read or written
/// when the binary is not run; sound if a debugger fills `DESC` with
/// in-bounds, non-overlapping descriptors).
#[repr(C, align(16))]
struct Arena([u8; 1 << 16]);
static mut INPUT_ARENA: Arena = Arena([0; 1 << 16]);
static mut OUTPUT_ARENA: Arena = Arena([0; 1 << 16]);

/// One slice: byte offset into its arena and element count, both opaque.
#[derive(Clone, Copy)]
struct Desc {
    offset: usize,
    len: usize,
}
const SLOTS: usize = 16;
static mut DESC: [Desc; SLOTS] = [Desc { offset: 0, len: 0 }; SLOTS];
/// Opaque scalars.
static mut SCALARS: Arena = Arena([0; 1 << 16]);
/// Where results go (besides `black_box`).
static mut SINK: u32 = 0;

/// An input slice of `T` the optimizer knows nothing about (pointer, length).
fn input<T: Copy>(slot: usize) -> &'static [T] {
    // SAFETY: `DESC` starts as (0, 0), an empty slice at an aligned address;
    // the binary is only linked, never run with other descriptors.
    unsafe {
        let d = read_volatile(addr_of!(DESC).cast::<Desc>().add(slot % SLOTS));
        let base = addr_of!(INPUT_ARENA).cast::<u8>();
        let p = base.add(d.offset % (1 << 11) * align_of::<T>()).cast::<T>();
        core::slice::from_raw_parts(p, d.len % ((1 << 15) / size_of::<T>().max(1)))
    }
}

/// An output slice of `T`, disjoint from every input slice.
fn output<T: Copy>(slot: usize) -> &'static mut [T] {
    // SAFETY: as `input`; outputs live in their own arena.
    unsafe {
        let d = read_volatile(addr_of!(DESC).cast::<Desc>().add(slot % SLOTS));
        let base = addr_of_mut!(OUTPUT_ARENA).cast::<u8>();
        let p = base.add(d.offset % (1 << 11) * align_of::<T>()).cast::<T>();
        core::slice::from_raw_parts_mut(p, d.len % ((1 << 15) / size_of::<T>().max(1)))
    }
}

/// An opaque scalar (any bit pattern of a plain-data type: NaN payloads,
/// infinities, subnormals, negative lengths...).
fn val<T: Copy>(slot: usize) -> T {
    // SAFETY: `T` is only instantiated with plain integer and float types
    // (every bit pattern valid); the offset is aligned and in bounds.
    unsafe {
        let base = addr_of!(SCALARS).cast::<u8>();
        read_volatile(base.add(slot % 1024 * 16).cast::<T>())
    }
}

fn flag(slot: usize) -> bool {
    val::<u8>(slot) & 1 == 1
}

fn sink<T>(v: T) {
    black_box(v);
    // SAFETY: a plain store to a static nothing else references.
    unsafe { write_volatile(addr_of_mut!(SINK), read_volatile(addr_of!(SINK)).wrapping_add(1)) };
}

// ------------------------------------------------------------- the calls --

/// Element-wise functions, reductions, softmax family, uncertainty.
#[inline(never)]
fn check_kernels<T: Float>() {
    sink(logitkit::sigmoid(val::<T>(0)));
    sink(logitkit::softplus(val::<T>(1)));
    sink(logitkit::log_sigmoid(val::<T>(2)));
    sink(logitkit::binary_probabilities(val::<T>(3)));
    sink(logitkit::logit(val::<T>(4)));
    sink(logitkit::sigmoid_slice(input::<T>(0), output::<T>(1)));
    logitkit::sigmoid_in_place(output::<T>(2));
    sink(logitkit::log_sigmoid_slice(input::<T>(0), output::<T>(1)));
    logitkit::log_sigmoid_in_place(output::<T>(2));
    sink(logitkit::softplus_slice(input::<T>(0), output::<T>(1)));
    logitkit::softplus_in_place(output::<T>(2));
    sink(logitkit::logit_slice(input::<T>(0), output::<T>(1)));
    logitkit::logit_in_place(output::<T>(2));

    sink(logitkit::logsumexp(input::<T>(3)));
    sink(logitkit::softmax(input::<T>(0), output::<T>(1)));
    sink(logitkit::softmax_in_place(output::<T>(2)));
    sink(logitkit::log_softmax(input::<T>(0), output::<T>(1)));
    sink(logitkit::log_softmax_in_place(output::<T>(2)));
    sink(logitkit::softmax_with_temperature(input::<T>(0), val::<T>(5), output::<T>(1)));
    sink(logitkit::softmax_rows(input::<T>(0), val::<usize>(6), output::<T>(1)));

    sink(logitkit::entropy(input::<T>(4)));
    sink(logitkit::normalized_entropy(input::<T>(4)));
    sink(logitkit::max_probability(input::<T>(4)));
    sink(logitkit::top2_margin(input::<T>(4)));
    sink(logitkit::energy(input::<T>(4), val::<T>(7)));
    sink(logitkit::binary_entropy(val::<T>(8)));

    sink(Float::exp(val::<T>(9)));
    sink(Float::ln(val::<T>(10)));
    sink(Float::ln_1p(val::<T>(11)));
}

/// Decisions (argmax family, top-k, thresholds with abstain, multi-label
/// cuts, binary), for one float type and one number of classes `N`.
#[inline(never)]
fn check_decide<T: Float, const N: usize>() {
    use logitkit::{Decision, LogitThreshold, LogitThresholds};
    sink(logitkit::argmax(input::<T>(12)));
    sink(logitkit::argmin(input::<T>(12)));
    sink(logitkit::max_with_index(input::<T>(12)));
    sink(logitkit::min_with_index(input::<T>(12)));
    sink(logitkit::top_k_into(input::<T>(12), output::<usize>(2)));
    sink(logitkit::top_k::<T, 0>(input::<T>(12)));
    sink(logitkit::top_k::<T, 3>(input::<T>(12)));
    sink(logitkit::top_k::<T, N>(input::<T>(12)));
    sink(logitkit::top1(input::<T>(12)));
    if let Ok(m) = logitkit::margin(input::<T>(12)) {
        sink(m.probability_margin());
    }
    match logitkit::decide_top1(input::<T>(12), val::<T>(100)) {
        Ok(Decision::Class(c)) => sink(c),
        Ok(d) => sink(d.class()),
        Err(e) => sink(e),
    }
    sink(logitkit::decide_per_class(input::<T>(12), input::<T>(13)).map(Decision::class));
    sink(logitkit::binary_decision(val::<T>(101), val::<T>(102)));

    let one = if flag(103) {
        LogitThreshold::from_probability(val::<T>(104))
    } else {
        LogitThreshold::from_logit(val::<T>(105))
    };
    if let Ok(th) = one {
        sink(th.cut());
        sink(th.decide(val::<T>(106)));
        sink(th.decide_into(input::<T>(12), output::<bool>(3)));
        sink(th.decide_into(input::<T>(12), output::<u8>(4)));
        sink(th.count(input::<T>(12)));
        sink(th.mask_u32(input::<T>(12)));
        sink(th.mask_u64(input::<T>(12)));
        sink(th.mask_u128(input::<T>(12)));
    }
    let ts: [T; N] = val::<[T; N]>(107);
    let many =
        if flag(108) { LogitThresholds::from_probabilities(&ts) } else { LogitThresholds::from_logits(&ts) };
    if let Ok(th) = many {
        sink(th.cuts());
        sink(th.decide_into(input::<T>(12), output::<bool>(3)));
        sink(th.decide_into(input::<T>(12), output::<u8>(4)));
        sink(th.count(input::<T>(12)));
        sink(th.mask_u32(input::<T>(12)));
        sink(th.mask_u64(input::<T>(12)));
        sink(th.mask_u128(input::<T>(12)));
    }
}

/// The streaming log-sum-exp accumulator and its trait impls.
#[inline(never)]
fn check_streaming<T: Float>() {
    let mut a = if flag(20) { LogSumExp::<T>::new() } else { LogSumExp::<T>::default() };
    a.push(val::<T>(21));
    a.extend(input::<T>(5).iter().copied());
    a.extend(input::<T>(6).iter());
    let b: LogSumExp<T> = input::<T>(7).iter().copied().collect();
    let c: LogSumExp<T> = input::<T>(8).iter().collect();
    a.merge(&b);
    a.merge(&c);
    sink(a.len());
    sink(a.is_empty());
    sink(a.value());
}

/// Losses, for one label type.
#[inline(never)]
fn check_losses<T: Float, L: Copy + TryInto<usize> + 'static>() {
    let pw = if flag(30) { Some(val::<T>(31)) } else { None };
    sink(logitkit::bce_with_logits(val::<T>(32), val::<T>(33)));
    sink(logitkit::bce_with_logits_weighted(val::<T>(32), val::<T>(33), val::<T>(34)));
    sink(logitkit::bce_with_logits_mean(input::<T>(0), input::<T>(9), pw));
    sink(logitkit::bce_with_logits_grad(input::<T>(0), input::<T>(9), pw, output::<T>(1)));
    sink(logitkit::cross_entropy(input::<T>(0), val::<L>(35)));
    sink(logitkit::cross_entropy_smoothed(input::<T>(0), val::<L>(35), val::<T>(36)));
    sink(logitkit::cross_entropy_grad(input::<T>(0), val::<L>(35), val::<T>(36), output::<T>(1)));
    sink(logitkit::cross_entropy_soft(input::<T>(0), input::<T>(9)));
    sink(logitkit::cross_entropy_soft_grad(input::<T>(0), input::<T>(9), output::<T>(1)));
    sink(logitkit::cross_entropy_mean(input::<T>(0), val::<usize>(37), input::<L>(10), val::<T>(36)));
    sink(logitkit::cross_entropy_mean_grad(
        input::<T>(0),
        val::<usize>(37),
        input::<L>(10),
        val::<T>(36),
        output::<T>(1),
    ));
    sink(logitkit::cross_entropy_soft_mean(input::<T>(0), input::<T>(9), val::<usize>(37)));
    sink(logitkit::cross_entropy_soft_mean_grad(
        input::<T>(0),
        input::<T>(9),
        val::<usize>(37),
        output::<T>(1),
    ));
}

/// Calibration fits and the streaming statistics, for one label type and
/// one number of bins.
#[inline(never)]
fn check_calibration<T: Float, L: Copy + TryInto<usize> + 'static, const BINS: usize>() {
    let targets = if flag(40) { PlattTargets::Labels } else { PlattTargets::Smoothed };
    sink(fit_platt(input::<T>(0), input::<L>(10), targets));
    sink(fit_temperature(input::<T>(0), val::<usize>(41), input::<L>(10)));

    let mut s =
        if flag(42) { CalibrationStats::<T, BINS>::new() } else { CalibrationStats::<T, BINS>::default() };
    sink(s.push(input::<T>(0), val::<L>(43)));
    sink(s.push_with_temperature(input::<T>(3), val::<L>(44), val::<T>(45)));
    let mut o = CalibrationStats::<T, BINS>::new();
    sink(o.push(input::<T>(4), val::<L>(46)));
    s.merge(&o);
    sink(s.count());
    sink(s.ece());
    sink(s.mce());
    sink(s.reliability());
    sink(s.brier());
    sink(s.nll());
    sink(s.accuracy());
}

/// Quantized kernels generic over the code type.
#[inline(never)]
fn check_quant_code<Q: Code>() {
    sink(quant::quantize_one::<Q>(val::<f32>(50), val::<f32>(51), val::<i32>(52)));
    sink(quant::quantize::<Q>(input::<f32>(0), val::<f32>(51), val::<i32>(52), output::<Q>(1)));
    sink(quant::dequantize_one::<Q>(val::<Q>(53), val::<f32>(51), val::<i32>(52)));
    sink(quant::dequantize::<Q>(input::<Q>(11), val::<f32>(51), val::<i32>(52), output::<f32>(1)));
    sink(quant::argmax::<Q>(input::<Q>(11)));
    sink(quant::top_k_into::<Q>(input::<Q>(11), output::<usize>(2)));
    sink(quant::top_k::<Q, 0>(input::<Q>(11)));
    sink(quant::top_k::<Q, 1>(input::<Q>(11)));
    sink(quant::top_k::<Q, 3>(input::<Q>(11)));
    sink(quant::top_k::<Q, 64>(input::<Q>(11)));
    sink(Q::to_i32(val::<Q>(54)));
    sink(Q::saturate(val::<i32>(55)));
    match CodeThreshold::new::<Q>(val::<f32>(56), val::<f32>(51), val::<i32>(52)) {
        Ok(t) => {
            sink(t.min_code());
            sink(t.passes::<Q>(val::<Q>(57)));
            sink(t.argmax_at_least::<Q>(input::<Q>(11)));
            sink(t.mask::<Q>(input::<Q>(11), output::<bool>(3)));
        }
        Err(e) => sink(e),
    }
}

/// int8 softmax into either output type.
#[inline(never)]
fn check_softmax_i8<O: SoftmaxOutput>(s: &SoftmaxI8) {
    sink(s.softmax::<O>(input::<i8>(11), output::<O>(1)));
    sink(s.softmax_rows::<O>(input::<i8>(11), val::<usize>(60), output::<O>(1)));
}

/// The non-generic quantized API.
#[inline(never)]
fn check_quant() {
    check_quant_code::<i8>();
    check_quant_code::<i16>();
    sink(CodeThreshold::softmax_i8(val::<f32>(61)));
    sink(CodeThreshold::softmax_i8_to_i16(val::<f32>(62)));
    sink(CodeThreshold::softmax_i16(val::<f32>(63)));

    let s8 = if flag(64) {
        SoftmaxI8::new(val::<f32>(65), val::<f32>(66))
    } else {
        SoftmaxI8::from_raw(val::<i32>(67), val::<i32>(68), val::<i32>(69))
    };
    if let Ok(s) = s8 {
        sink(s.multiplier());
        sink(s.shift());
        sink(s.diff_min());
        check_softmax_i8::<i8>(&s);
        check_softmax_i8::<i16>(&s);
    }
    let s16 = if flag(70) {
        SoftmaxI16::new(val::<f32>(71), val::<f32>(72))
    } else {
        SoftmaxI16::from_raw(val::<i32>(73), val::<i32>(74))
    };
    if let Ok(s) = s16 {
        sink(s.multiplier());
        sink(s.shift());
        sink(s.softmax(input::<i16>(11), output::<i16>(1)));
        sink(s.softmax_rows(input::<i16>(11), val::<usize>(75), output::<i16>(1)));
    }
    let l8 = if flag(76) {
        LogisticI8::new(val::<f32>(77), val::<i32>(78))
    } else {
        LogisticI8::correctly_rounded(val::<f32>(77), val::<i32>(78))
    };
    if let Ok(l) = l8 {
        sink(l.eval(val::<i8>(79)));
        sink(l.table()[val::<u8>(80) as usize]);
        sink(l.logistic(input::<i8>(11), output::<i8>(1)));
    }
    let l16 = if flag(81) {
        LogisticI16::new(val::<f32>(82))
    } else {
        LogisticI16::from_raw(val::<i32>(83), val::<i32>(84))
    };
    if let Ok(l) = l16 {
        sink(l.multiplier());
        sink(l.left_shift());
        sink(l.eval(val::<i16>(85)));
        sink(l.logistic(input::<i16>(11), output::<i16>(1)));
    }
}

/// `Display` of the error (writes into a fixed buffer) and `defmt::Format`
/// of every type that implements it.
#[inline(never)]
fn check_formatting() {
    struct Buf {
        bytes: [u8; 64],
        len: usize,
    }
    impl core::fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for &b in s.as_bytes() {
                if let Some(slot) = self.bytes.get_mut(self.len) {
                    *slot = b;
                    self.len += 1;
                }
            }
            Ok(())
        }
    }
    let e = match val::<u8>(90) % 7 {
        0 => Error::Empty,
        1 => Error::LengthMismatch { expected: val(91), actual: val(92) },
        2 => Error::Nan { index: val(93) },
        3 => Error::AllNegInfinite,
        4 => Error::InvalidParameter,
        5 => Error::InvalidLabel { index: val(94) },
        _ => Error::NotFinite { index: val(95) },
    };
    let mut b = Buf { bytes: [0; 64], len: 0 };
    sink(core::fmt::write(&mut b, format_args!("{e}")));
    sink(b.bytes);

    defmt::info!("{}", e);
    defmt::info!("{}", fit_temperature(input::<f32>(0), val::<usize>(41), input::<u8>(10)));
    defmt::info!("{}", fit_platt(input::<f64>(0), input::<u8>(10), PlattTargets::Smoothed));
    let mut s = CalibrationStats::<f32, 4>::new();
    sink(s.push(input::<f32>(0), val::<u8>(43)));
    defmt::info!("{}", s.reliability());
    defmt::info!("{}", CodeThreshold::softmax_i8(val::<f32>(61)));
    defmt::info!("{}", SoftmaxI8::new(val::<f32>(65), val::<f32>(66)));
    defmt::info!("{}", SoftmaxI16::new(val::<f32>(71), val::<f32>(72)));
    defmt::info!("{}", LogisticI8::new(val::<f32>(77), val::<i32>(78)));
    defmt::info!("{}", LogisticI16::new(val::<f32>(82)));
    defmt::info!("{}", quant::top_k::<i8, 3>(input::<i8>(11)));
    defmt::info!("{}", logitkit::top_k::<f32, 3>(input::<f32>(12)));
    defmt::info!("{}", logitkit::decide_per_class(input::<f32>(12), input::<f32>(13)));
    defmt::info!("{}", logitkit::margin(input::<f64>(12)));
    defmt::info!("{}", logitkit::LogitThreshold::from_probability(val::<f32>(104)));
    defmt::info!("{}", logitkit::LogitThresholds::<f32, 4>::from_logits(&val::<[f32; 4]>(107)));
}

/// The test of the check itself: a slice index with an index from outside.
#[cfg(feature = "demo-panic")]
#[inline(never)]
fn demo_panic() {
    sink(input::<f32>(0)[val::<usize>(99)]);
}

fn run() {
    check_kernels::<f32>();
    check_kernels::<f64>();
    check_streaming::<f32>();
    check_streaming::<f64>();
    check_losses::<f32, u8>();
    check_losses::<f32, i32>();
    check_losses::<f64, usize>();
    check_calibration::<f32, u8, 10>();
    check_calibration::<f64, i32, 15>();
    check_calibration::<f32, usize, 1>();
    check_calibration::<f64, u8, 2>(); // BINS = 0 is a compile-time error
    check_decide::<f32, 4>();
    check_decide::<f64, 40>();
    check_decide::<f32, 200>();
    check_decide::<f64, 1>();
    check_quant();
    check_formatting();
    #[cfg(feature = "demo-panic")]
    demo_panic();
}

// ----------------------------------------------------------- the harness --

#[no_mangle]
#[link_section = ".text._start"]
pub extern "C" fn _start() -> ! {
    loop {
        run();
    }
}

#[cfg(not(feature = "diagnose"))]
extern "C" {
    /// Defined nowhere: referencing it fails the link.
    fn logitkit_panic_path_survived_optimization() -> !;
}

#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo) -> ! {
    #[cfg(not(feature = "diagnose"))]
    // SAFETY: never runs; the call exists only to fail the link.
    unsafe {
        logitkit_panic_path_survived_optimization()
    }
    #[cfg(feature = "diagnose")]
    loop {
        black_box(());
    }
}

/// defmt's own panic (`defmt::panic!`, `unwrap!`): the firmware provides it
/// (usually `panic-probe`); here an endless loop, so that only logitkit's
/// panic paths reach the core panic handler.
#[defmt::panic_handler]
fn defmt_panic() -> ! {
    loop {
        black_box(());
    }
}

/// defmt's output: bytes go to a volatile sink.
#[defmt::global_logger]
struct Logger;

// SAFETY: single-threaded, never run; writes are plain volatile stores.
unsafe impl defmt::Logger for Logger {
    fn acquire() {}
    unsafe fn flush() {}
    unsafe fn release() {}
    unsafe fn write(bytes: &[u8]) {
        for &b in bytes {
            // SAFETY: a plain store to a static.
            unsafe { write_volatile(addr_of_mut!(SINK), b as u32) };
        }
    }
}

defmt::timestamp!("{=u32}", {
    // SAFETY: a plain load from a static.
    unsafe { read_volatile(addr_of!(SINK)) }
});
