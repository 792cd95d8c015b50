//! Quantized (int8 / int16) softmax, logistic and decisions, bit-exact with
//! TensorFlow Lite Micro's reference kernels, with no float at inference.
//!
//! Most microcontroller classifiers run int8 models (TFLite Micro with
//! CMSIS-NN kernels); their last layer hands int8 or int16 logits to the
//! firmware. This module turns them into probabilities and decisions in the
//! same integer domain, with the exact numbers the model was validated with.
//!
//! | you have | you want | use |
//! |---|---|---|
//! | int8 logits (any scale) | int8 or int16 softmax, as TFLM | [`SoftmaxI8`] |
//! | int16 logits (zero point 0) | int16 softmax, as TFLM | [`SoftmaxI16`] |
//! | int8 logits | int8 sigmoid, as TFLM / correctly rounded | [`LogisticI8`] |
//! | int16 logits (zero point 0) | int16 sigmoid, as TFLM | [`LogisticI16`] |
//! | codes | the winner, the k best | [`argmax`], [`top_k_into`], [`top_k`] |
//! | a probability threshold | an integer threshold on codes | [`CodeThreshold`] |
//! | `f32` ↔ codes | TFLite's rounding and saturation | [`quantize`], [`dequantize`] |
//!
//! ```
//! use logitkit::quant::{CodeThreshold, SoftmaxI8};
//!
//! // Prepared once (const: lives in flash), from the logits tensor's scale and beta.
//! const SOFTMAX: SoftmaxI8 = match SoftmaxI8::new(0.0625, 1.0) { Ok(s) => s, Err(_) => panic!() };
//! let threshold = CodeThreshold::softmax_i8(0.8)?;   // "p >= 0.8" as "code >= 77"
//!
//! let logits: [i8; 4] = [12, 70, -5, 20];            // from the model's last layer
//! let mut p = [0i8; 4];
//! SOFTMAX.softmax(&logits, &mut p)?;                 // bit-exact with TFLM, no float
//! assert_eq!(threshold.argmax_at_least(&p)?, Some(1));
//! # Ok::<(), logitkit::Error>(())
//! ```
//!
//! # Exactness
//! Every kernel reproduces TFLM's reference kernel bit for bit on every
//! input where that kernel is defined: the parameters are derived from the
//! `f32` scale exactly as TFLite derives them, and the fixed-point
//! arithmetic is gemmlowp's. Checked on vectors produced by the TFLM
//! interpreter (`tests/data/quant/gen_tflm.py`). Where TFLM aborts or
//! overflows, the result is documented on the kernel (never a wrapped
//! value). Invalid parameters are refused at preparation
//! (`Err(InvalidParameter)`), never at inference.
//!
//! # Speed
//! [`SoftmaxI8`] computes its 256 possible exponentials at preparation:
//! inference is a table load and one 32×32→64 multiply per element, several
//! times fewer instructions than CMSIS-NN's `arm_softmax_s8` on Cortex-M
//! (see `benches/mcu-results-quant.md`).

mod code;
mod convert;
mod decide;
mod fixed_point;
mod logistic;
mod params;
mod softmax_i16;
mod softmax_i8;
mod tables;

pub use code::Code;
pub use convert::{dequantize, dequantize_one, quantize, quantize_one};
pub use decide::{argmax, top_k, top_k_into, CodeThreshold};
pub use logistic::{LogisticI16, LogisticI8};
pub use softmax_i16::SoftmaxI16;
pub use softmax_i8::{SoftmaxI8, SoftmaxOutput};
