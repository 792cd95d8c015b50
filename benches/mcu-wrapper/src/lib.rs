//! logitkit's kernels behind the bench ABI of the Cortex-M cost harness
//! (`../shared/tools/mcu`, see its README and `benches/mcu-results.md`).
//! One `extern "C"` function per kernel, `bench_<kind>[_<variant>]`; each is
//! a thin shim (slices from raw parts, one call). Errors cannot occur on the
//! harness's inputs; they are ignored so that no formatting code is linked.
#![no_std]

use core::slice;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // An undefined instruction: the emulator stops with an error at once.
    unsafe { core::arch::asm!("udf #0", options(noreturn)) }
}

/// Fixed cost of a call and the smallest image.
#[no_mangle]
pub extern "C" fn bench_nop() {}

/// softmax_f32: (x: *const f32, out: *mut f32, n: usize)
#[no_mangle]
pub unsafe extern "C" fn bench_softmax_f32(x: *const f32, out: *mut f32, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    let _ = kernels::softmax(x, out);
}

/// log_softmax_f32: (x: *const f32, out: *mut f32, n: usize)
#[no_mangle]
pub unsafe extern "C" fn bench_log_softmax_f32(x: *const f32, out: *mut f32, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    let _ = kernels::log_softmax(x, out);
}

/// logsumexp_f32: (x: *const f32, n: usize) -> f32
#[no_mangle]
pub unsafe extern "C" fn bench_logsumexp_f32(x: *const f32, n: usize) -> f32 {
    kernels::logsumexp(slice::from_raw_parts(x, n)).unwrap_or(f32::NAN)
}

/// sigmoid_f32: (x: *const f32, out: *mut f32, n: usize)
#[no_mangle]
pub unsafe extern "C" fn bench_sigmoid_f32(x: *const f32, out: *mut f32, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    let _ = kernels::sigmoid_slice(x, out);
}

/// exp_f32: (x: *const f32, out: *mut f32, n: usize), the crate's exp kernel.
#[no_mangle]
pub unsafe extern "C" fn bench_exp_f32(x: *const f32, out: *mut f32, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    for (o, &v) in out.iter_mut().zip(x) {
        *o = kernels::Float::exp(v);
    }
}

// ---- quant (int8 softmax, bench kind `softmax_s8`: input real = x_q / 16,
// beta 1, output (y_q + 128) / 256). The prepared parameters are a `const`
// built from the triple CMSIS-NN's anchor is given (mult 1073741824,
// shift 23, diff_min -248): its 1 KiB exp table is in flash and counted.

/// The prepared softmax for input scale 1/16, beta 1 (in flash).
static SOFTMAX_S8_Q4: kernels::quant::SoftmaxI8 =
    match kernels::quant::SoftmaxI8::from_raw(1_073_741_824, 23, -248) {
        Ok(s) => s,
        Err(_) => panic!(),
    };

/// softmax_s8: (x: *const i8, out: *mut i8, n: usize), logitkit::quant::SoftmaxI8.
#[no_mangle]
pub unsafe extern "C" fn bench_softmax_s8(x: *const i8, out: *mut i8, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    let _ = SOFTMAX_S8_Q4.softmax(x, out);
}

/// softmax_s8_prepare: the same, preparing from the scale (1/16, beta 1) on
/// every call (256 fixed-point exps + the f64 parameter derivation): the
/// one-time cost a firmware pays at start-up, for comparison.
#[no_mangle]
pub unsafe extern "C" fn bench_softmax_s8_prepare(x: *const i8, out: *mut i8, n: usize) {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    if let Ok(sm) = kernels::quant::SoftmaxI8::new(core::hint::black_box(0.0625), 1.0) {
        let _ = sm.softmax(x, out);
    }
}

/// argmax_f32: (x: *const f32, n: usize) -> usize, `logitkit::argmax`
/// (NaN-checking scan; an error, impossible on the harness's data, gives `usize::MAX`).
#[no_mangle]
pub unsafe extern "C" fn bench_argmax_f32(x: *const f32, n: usize) -> usize {
    kernels::argmax(slice::from_raw_parts(x, n)).unwrap_or(usize::MAX)
}

/// threshold_f32: (x: *const f32, out: *mut u8, n: usize, t: f32) -> usize,
/// `out[i] = x[i] > t`, returns the count. `LogitThreshold::from_logit`
/// decides `x ≥ c`, so the strict `x > t` is the cut `c = t.next_up()`;
/// `decide_into` writes any `From<bool>` type (here `u8`). Two passes: count
/// and NaN check, then the writes (out untouched on Err). An error,
/// impossible on the harness's data, gives `usize::MAX`.
#[no_mangle]
pub unsafe extern "C" fn bench_threshold_f32(x: *const f32, out: *mut u8, n: usize, t: f32) -> usize {
    let (x, out) = (slice::from_raw_parts(x, n), slice::from_raw_parts_mut(out, n));
    match kernels::LogitThreshold::from_logit(t.next_up()) {
        Ok(cut) => cut.decide_into(x, out).unwrap_or(usize::MAX),
        Err(_) => usize::MAX,
    }
}

/// threshold_f32_prepare: `bench_threshold_f32` preceded, on every call, by
/// `LogitThreshold::from_probability(sigmoid(t))` (the bisection for the cut,
/// with its f64 steps in soft float), kept alive with `black_box`: the
/// one-time preparation cost of a probability threshold, for comparison.
#[no_mangle]
pub unsafe extern "C" fn bench_threshold_f32_prepare(x: *const f32, out: *mut u8, n: usize, t: f32) -> usize {
    let prepared = kernels::LogitThreshold::from_probability(kernels::sigmoid(t));
    core::hint::black_box(prepared);
    bench_threshold_f32(x, out, n, t)
}
