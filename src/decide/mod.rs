//! Decisions: from logits (or probabilities) to "class 2", "classes 0 and 3
//! are present", or "not sure".
//!
//! | your model | you want | use |
//! |---|---|---|
//! | exclusive classes | the predicted class | [`argmax()`] (and [`argmin`], [`max_with_index`], [`min_with_index`]) |
//! | exclusive classes | the `k` best, best first | [`top_k_into`], [`top_k()`] |
//! | exclusive classes | the winner's probability, without a softmax buffer | [`top1()`], [`margin`] |
//! | exclusive classes | a class only if confident, else abstain | [`decide_top1`] (one threshold), [`decide_per_class`] |
//! | independent classes (multi-label) | the set of present classes | [`LogitThreshold`], [`LogitThresholds`] |
//! | one logit (binary) | class 1 or class 0 | [`binary_decision`], see [`binary`] |
//!
//! # The rules, everywhere in this module
//! * **Ties** go to the **lowest index** (as NumPy and PyTorch): `argmax`,
//!   `top_k` order, the per-class decision. `-0.0` and `+0.0` tie.
//! * **NaN anywhere** in the logits → `Err(Nan { index })` with the index of
//!   the **first** NaN, whatever the other values. Never a silent winner or
//!   loser.
//! * **Empty** input → `Err(Empty)`.
//! * **`-inf` everywhere** is a valid row for the exp-free functions
//!   (`argmax` returns 0, `top_k` returns the first `k` indices) but has no
//!   probabilities: the probability functions return `Err(AllNegInfinite)`.
//! * **Thresholds compare with `≥`**: a probability of exactly `t` passes
//!   `t`. A probability threshold must lie in `[0, 1]`; NaN or out of range
//!   → `Err(InvalidParameter)`. Per-class thresholds must have one entry per
//!   class → `Err(LengthMismatch { .. })`.
//! * **Which probability**: softmax decisions ([`top1()`], [`margin`],
//!   [`decide_top1`], [`decide_per_class`]) compare the probabilities
//!   [`top1()`] and [`margin`] return (≤ 2.5 ULP, computed in the type's own
//!   arithmetic: the same decision on a host as on the device). Sigmoid decisions
//!   ([`LogitThreshold`], [`LogitThresholds`], [`binary_decision`]) use the
//!   **correctly rounded** sigmoid: exact in f32 for every logit and
//!   threshold (proved by an exhaustive test, see [`cut`]); in f64 they can
//!   differ from it only when `σ(x)` is within 2 ULP of `t`.
//! * **No `exp`** unless a probability is asked for: `argmax`, `top_k`, the
//!   multi-label decisions and the margin's log ratio are compares only.
//! * **Outputs untouched on `Err`**: every check (lengths, thresholds, NaN)
//!   runs before the first write.
//! * No panic, no allocation, on any input.

pub mod argmax;
pub mod binary;
pub mod cut;
pub mod multilabel;
pub mod threshold;
pub mod top1;
pub mod top_k;

pub use argmax::{argmax, argmin, max_with_index, min_with_index};
pub use binary::binary_decision;
pub use multilabel::{LogitThreshold, LogitThresholds};
pub use threshold::{decide_per_class, decide_top1, Decision};
pub use top1::{margin, top1, Margin};
pub use top_k::{top_k, top_k_into};
