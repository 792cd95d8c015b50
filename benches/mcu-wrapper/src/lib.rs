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
