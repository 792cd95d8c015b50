//! Element-wise application of a scalar kernel over slices (private helpers
//! behind the `*_slice` and `*_in_place` functions).

use crate::error::{check_len, Error};

/// `out[i] = f(x[i])`; `Err(LengthMismatch)` (nothing written) unless
/// `out.len() == x.len()`.
#[inline(always)]
pub(crate) fn map_into<T: Copy>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) -> Result<(), Error> {
    check_len(x.len(), out.len())?;
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
    Ok(())
}

/// `x[i] = f(x[i])`.
#[inline(always)]
pub(crate) fn map_in_place<T: Copy>(x: &mut [T], f: impl Fn(T) -> T) {
    for v in x.iter_mut() {
        *v = f(*v);
    }
}
