//! # logitkit
//!
//! Turn a classifier's raw outputs (logits) into probabilities, correctly for
//! every input a float can hold, with no allocation and no panic, on anything
//! from a Cortex-M0 to a server. `#![no_std]`, generic over `f32` and `f64`.
//!
//! ## Which function do I need?
//!
//! | your model's output | you want | use |
//! |---|---|---|
//! | one logit per class, classes **exclusive** (exactly one is true) | probabilities summing to 1 | [`softmax()`] |
//! | the same, for a loss or for log-probabilities | `ln p_i` without underflow | [`log_softmax()`], [`logsumexp()`] |
//! | the same, a decision | the class, or "not sure" | [`argmax`](fn@argmax), [`decide_top1`], [`decide_per_class`] |
//! | one logit per class, classes **independent** (multi-label: any subset) | a probability per class | [`sigmoid_slice`] |
//! | the same, a decision | the classes present | [`LogitThresholds`] (one compare per class, no `exp`) |
//! | **one** logit for a binary classifier | `[P(class 0), P(class 1)]`, a decision | [`binary_probabilities`], [`binary_decision`] |
//! | an over-confident network | calibrated probabilities | [`fit_temperature`], [`softmax_with_temperature`] |
//! | an int8 / int16 model (TensorFlow Lite Micro, CMSIS-NN) | the same, in integers | [`quant`] |
//!
//! *Is a sigmoid output a probability?* For a binary classifier trained with
//! a logistic loss, `sigmoid(x)` is the model's `P(class 1)` and
//! `sigmoid(-x)` (not `1 - sigmoid(x)`, which loses digits) is
//! `P(class 0)`. A two-logit softmax `[a, b]` is exactly `sigmoid(b - a)`
//! for class 1.
//!
//! *One threshold or one per class, and what if no class passes?* See
//! [`decide`]: a global threshold on the winner's probability or one per
//! class, both with an explicit [`Decision::Abstain`].
//!
//! ```
//! use logitkit::{sigmoid_slice, softmax};
//!
//! let logits = [-0.5f32, 1.2, -0.1, 2.4];
//! let mut p = [0.0f32; 4];
//! sigmoid_slice(&logits, &mut p)?; // independent: [0.3775, 0.7685, 0.4750, 0.9168]
//! softmax(&logits, &mut p)?;       // exclusive:   [0.0383, 0.2094, 0.0571, 0.6953]
//! assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
//! # Ok::<(), logitkit::Error>(())
//! ```
//!
//! ## Guarantees
//! * **No panic, no allocation** on any input. Bad input (empty slice,
//!   length mismatch, NaN in a reduction, invalid temperature or threshold)
//!   returns an [`Error`], documented on each function; output buffers are
//!   then left untouched. Checked, not just promised: in the repository,
//!   `bash ci/no-panic.sh` links, for Cortex-M0, Cortex-M4F and bare x86-64,
//!   a binary that calls every public function with inputs the optimizer
//!   cannot see and whose panic handler does not exist, so any surviving
//!   panic path fails the link; `bash ci/fuzz.sh` fuzzes every function
//!   family against its documented invariants; `bash ci/firmware.sh` runs
//!   `examples/cortex-m` on emulated Cortex-M0 and M4F boards.
//! * **Accuracy measured** against correctly rounded references (mpmath) for
//!   every input class, including ±1e38, ±inf and subnormals; each function
//!   states its bound in ULP: `sigmoid`, `log_sigmoid`, `softplus`, `logit`
//!   ≤ 2 ULP, `logsumexp` ≤ 2 ULP, `softmax` and `log_softmax` ≤ 4 ULP.
//! * **Reproducible**: the transcendental functions come from this crate or
//!   the `libm` crate, never from `std`, whatever the dependency graph
//!   enables (see [`Float`]); a build returns the same bits whatever CPU
//!   features it was compiled for or dispatches to. Between targets, f32
//!   results may differ within the bounds: hosts evaluate the f32
//!   log-sum-exp and softmax family in f64, microcontrollers in f32.
//!
//! ## Features
//! * `std` (off by default): run-time AVX2 / AVX-512 dispatch of the float
//!   kernels on x86-64 (same bits as without it); the crate's only `unsafe`.
//! * `defmt` (off by default): [`defmt::Format`](https://docs.rs/defmt) for
//!   [`Error`], [`Decision`], [`Margin`], [`FitStatus`] and the other public
//!   enums and result structs, for the logging most Cortex-M firmware uses.
//!
//! ## Modules
//! [`sigmoid`](mod@sigmoid) (sigmoid, log-sigmoid, softplus),
//! [`logit`](mod@logit), [`logsumexp`](mod@logsumexp) (slice and streaming),
//! [`softmax`](mod@softmax) (softmax, log-softmax, temperature, batches),
//! [`decide`] (argmax, top-k, thresholds, abstain, multi-label),
//! [`calibration`] (temperature and Platt scaling, ECE and friends),
//! [`uncertainty`] (entropy, margins, energy), [`loss`] (cross-entropy and
//! gradients), [`quant`] (int8 / int16 softmax, logistic and decisions,
//! bit-exact with TensorFlow Lite Micro), [`float`] (the float trait),
//! [`error`].
#![no_std]
// The only `unsafe` is the run-time CPU dispatch of feature `std` (src/dispatch.rs).
#![cfg_attr(not(feature = "std"), forbid(unsafe_code))]
#![cfg_attr(feature = "std", deny(unsafe_code))]
#![deny(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): label items that need a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

pub mod calibration;
mod compensated;
pub mod decide;
mod dispatch;
pub mod error;
mod exp;
mod exp_table;
pub mod float;
mod lanes;
pub mod logit;
pub mod logsumexp;
pub mod loss;
mod map;
mod narrow;
pub mod quant;
mod scan;
pub mod sigmoid;
mod sigmoid_int;
mod sigmoid_table;
pub mod softmax;
mod softmax_int;
mod softmax_table;
pub mod uncertainty;
mod wide;

pub use calibration::{fit_platt, fit_temperature, CalibrationStats, FitStatus};
pub use decide::{
    argmax, argmin, binary_decision, decide_per_class, decide_top1, margin, max_with_index, min_with_index,
    top1, top_k, top_k_into, Decision, LogitThreshold, LogitThresholds, Margin,
};
pub use error::Error;
pub use float::Float;
pub use logit::{logit, logit_in_place, logit_slice};
pub use logsumexp::{logsumexp, LogSumExp};
pub use loss::{
    bce_with_logits, bce_with_logits_grad, bce_with_logits_mean, bce_with_logits_weighted, cross_entropy,
    cross_entropy_grad, cross_entropy_mean, cross_entropy_mean_grad, cross_entropy_smoothed,
    cross_entropy_soft, cross_entropy_soft_grad, cross_entropy_soft_mean, cross_entropy_soft_mean_grad,
};
pub use sigmoid::{
    binary_probabilities, log_sigmoid, log_sigmoid_in_place, log_sigmoid_slice, sigmoid, sigmoid_in_place,
    sigmoid_slice, softplus, softplus_in_place, softplus_slice,
};
pub use softmax::{
    log_softmax, log_softmax_in_place, softmax, softmax_in_place, softmax_rows, softmax_with_temperature,
};
pub use uncertainty::{binary_entropy, energy, entropy, max_probability, normalized_entropy, top2_margin};
