//! Element-wise application of a scalar kernel over slices (private helpers
//! behind the `*_slice` and `*_in_place` functions).
//!
//! A plain loop, which LLVM vectorizes with a vectorized remainder, except
//! for slices shorter than one block ([`LANES`]), which would run entirely
//! in the scalar remainder: those go through one padded block instead
//! ([`crate::lanes`]), so that a 10-class call costs one vector pass. (Blocks
//! are not used for long slices: LLVM vectorizes a loop of unrolled blocks of
//! a cheap kernel across blocks, with gathers and scatters on AVX-512.)

use crate::error::{check_len, Error};
use crate::lanes::{blocks_in_place, blocks_into, LANES};

/// `out[i] = f(x[i])` for slices of equal length.
#[inline(always)]
pub(crate) fn apply_into<T: Copy>(x: &[T], out: &mut [T], pad: T, f: impl Fn(T) -> T) {
    if x.len() < LANES {
        blocks_into(
            x,
            out,
            pad,
            #[inline(always)]
            |s, d| {
                for j in 0..LANES {
                    d[j] = f(s[j]);
                }
            },
        );
    } else {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = f(v);
        }
    }
}

/// `x[i] = f(x[i])`.
#[inline(always)]
pub(crate) fn apply_in_place<T: Copy>(x: &mut [T], pad: T, f: impl Fn(T) -> T) {
    if x.len() < LANES {
        blocks_in_place(
            x,
            pad,
            #[inline(always)]
            |s, d| {
                for j in 0..LANES {
                    d[j] = f(s[j]);
                }
            },
        );
    } else {
        for v in x.iter_mut() {
            *v = f(*v);
        }
    }
}

/// `out[i] = f(x[i])`; `Err(LengthMismatch)` (nothing written) unless
/// `out.len() == x.len()`.
#[inline(always)]
pub(crate) fn map_into<T: Copy + Default>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) -> Result<(), Error> {
    check_len(x.len(), out.len())?;
    apply_into(x, out, T::default(), f);
    Ok(())
}

/// `x[i] = f(x[i])`.
#[inline(always)]
pub(crate) fn map_in_place<T: Copy + Default>(x: &mut [T], f: impl Fn(T) -> T) {
    apply_in_place(x, T::default(), f)
}
