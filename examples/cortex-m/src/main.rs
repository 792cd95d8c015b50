//! A keyword spotter's last step on a microcontroller: a tiny linear
//! classifier turns a frame of 6 audio features into 4 logits ("silence",
//! "unknown", "yes", "no"); logitkit turns them into probabilities and a
//! decision with a threshold per class (`decide_per_class`), or abstains;
//! multi-label tags of the same frame go through `LogitThresholds`. No heap, no panic path
//! in logitkit (see ci/no-panic.sh), output over semihosting.
//!
//! Run: `bash ci/firmware.sh` from the repository root (builds, runs in QEMU's
//! mps2-an386 Cortex-M4F board and the micro:bit Cortex-M0 board, compares
//! with `expected-<target>.txt`), or `cargo run --release` in this directory.
#![no_std]
#![no_main]

use core::fmt::Write;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hio};
use logitkit::{
    binary_probabilities, decide_per_class, max_probability, softmax, Decision, Error, LogitThresholds,
};

const CLASSES: [&str; 4] = ["silence", "unknown", "yes", "no"];
const FEATURES: usize = 6;

/// The classifier: `logits = W · features + b`. Weights are multiples of
/// 1/8 and features of 1/4, so every logit is exact in f32 (the expected
/// output can be checked off the device).
const W: [[f32; FEATURES]; 4] = [
    [-1.0, -1.0, -0.5, -0.5, 0.0, -0.25],
    [0.25, 0.25, 0.125, 0.25, 0.125, 0.0],
    [1.5, -0.5, 1.0, -0.25, 0.5, 0.75],
    [-0.5, 1.5, -0.25, 1.0, 0.5, 0.625],
];
const B: [f32; 4] = [1.5, 0.0, -1.25, -1.25];

/// Minimum probability to decide each class; below it the device abstains
/// (asks again, does nothing). "unknown" needs to be very sure.
const THRESHOLDS: [f32; 4] = [0.6, 0.9, 0.7, 0.7];

/// Feature frames from the front end (the last one from a faulty sensor).
const FRAMES: [[f32; FEATURES]; 5] = [
    [0.0, 0.0, 0.25, 0.0, 0.0, 0.0],     // quiet
    [2.0, 0.25, 1.5, 0.0, 1.0, 1.0],     // "yes"
    [0.25, 2.0, 0.0, 1.5, 1.0, 1.0],     // "no"
    [1.25, 1.0, 0.75, 0.5, 1.0, 1.0],    // "yes" or "no"? unsure
    [1.0, 0.5, f32::NAN, 0.0, 1.0, 0.0], // sensor fault
];

fn logits(x: &[f32; FEATURES]) -> [f32; 4] {
    let mut z = B;
    for (zc, w) in z.iter_mut().zip(&W) {
        for (wi, xi) in w.iter().zip(x) {
            *zc += wi * xi;
        }
    }
    z
}

/// Multi-label tags of the same frame (independent sigmoids, any subset):
/// "speech", "music", "alarm", with their own probability thresholds. The
/// thresholds become logit cuts once; deciding is then compares only.
const TAGS: [&str; 3] = ["speech", "music", "alarm"];
const TAG_THRESHOLDS: [f32; 3] = [0.5, 0.8, 0.95];
const TAG_W: [[f32; FEATURES]; 3] =
    [[1.0, 1.0, 0.5, 0.5, 0.0, 0.0], [-0.25, 0.0, 0.0, 0.25, 1.5, 1.0], [0.0, 0.0, 3.5, 0.0, -1.0, 0.0]];
const TAG_B: [f32; 3] = [-1.0, -0.75, -1.0];

fn run(out: &mut impl Write) -> core::fmt::Result {
    writeln!(out, "logitkit firmware example: 4-class keyword spotter, per-class thresholds {THRESHOLDS:?}")?;
    for (f, x) in FRAMES.iter().enumerate() {
        let z = logits(x);
        write!(out, "frame {f}: logits [")?;
        for (i, v) in z.iter().enumerate() {
            write!(out, "{}{v:.4}", if i > 0 { ", " } else { "" })?;
        }
        write!(out, "]")?;
        let mut p = [0.0f32; 4];
        match softmax(&z, &mut p) {
            Ok(()) => {
                write!(out, " p [")?;
                for (i, v) in p.iter().enumerate() {
                    write!(out, "{}{v:.4}", if i > 0 { ", " } else { "" })?;
                }
                let conf = max_probability(&z).unwrap_or(0.0);
                // The most probable class among those reaching their own threshold.
                match decide_per_class(&z, &THRESHOLDS) {
                    Ok(Decision::Class(c)) => writeln!(out, "] -> {} (p = {conf:.4})", CLASSES[c])?,
                    Ok(Decision::Abstain) => {
                        writeln!(out, "] -> abstain (best p = {conf:.4} below its threshold)")?
                    }
                    Err(e) => writeln!(out, "] -> {e}")?,
                }
                // The exact bits: the same on every target (M0 without FPU, M4F, hosts).
                write!(out, "         bits")?;
                for v in p {
                    write!(out, " {:08x}", v.to_bits())?;
                }
                writeln!(out)?;
                // Multi-label tags: a bit mask of the tags present.
                let mut t = TAG_B;
                for (tc, w) in t.iter_mut().zip(&TAG_W) {
                    for (wi, xi) in w.iter().zip(x) {
                        *tc += wi * xi;
                    }
                }
                if let Ok(cuts) = LogitThresholds::from_probabilities(&TAG_THRESHOLDS) {
                    match cuts.mask_u32(&t) {
                        Ok(mask) => {
                            write!(out, "         tags")?;
                            for (i, name) in TAGS.iter().enumerate() {
                                if mask >> i & 1 == 1 {
                                    write!(out, " {name}")?;
                                }
                            }
                            writeln!(out, "{} (mask {mask:03b})", if mask == 0 { " none" } else { "" })?;
                        }
                        Err(e) => writeln!(out, "         tags: {e}")?,
                    }
                }
            }
            Err(e @ Error::Nan { .. }) => writeln!(out, " -> rejected: {e} ({e:?})")?,
            Err(e) => writeln!(out, " -> rejected: {e}")?,
        }
    }
    // A binary voice-activity detector with one logit: both probabilities
    // computed on their own (no 1 - p).
    for v in [-3.0f32, 12.0, 20.0] {
        let [p0, p1] = binary_probabilities(v);
        writeln!(out, "voice activity logit {v:5.1}: P(silence) = {p0:.6e}, P(voice) = {p1:.6e}")?;
    }
    Ok(())
}

/// Semihosting stdout as a `fmt::Write`.
struct Stdout(hio::HostStream);

impl Write for Stdout {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.write_all(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}

#[entry]
fn main() -> ! {
    let ok = match hio::hstdout() {
        Ok(h) => run(&mut Stdout(h)).is_ok(),
        Err(()) => false,
    };
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {}
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    if let Ok(mut h) = hio::hstderr() {
        let _ = writeln!(Stdout(h.clone()), "HARD FAULT at pc {:#010x}", frame.pc());
        let _ = h.write_all(b"");
    }
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    if let Ok(h) = hio::hstderr() {
        let _ = writeln!(Stdout(h), "PANIC: {info}");
    }
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}
