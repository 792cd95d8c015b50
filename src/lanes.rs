//! How the kernels' loops are laid out so that LLVM vectorizes them: fixed
//! blocks of [`LANES`] elements, one accumulator per lane, no early exit,
//! and a last partial block padded with a neutral value and run through the
//! same code (no scalar tail, so every element sees the same arithmetic).
//!
//! The lane count is a compile-time constant per target: 16 on targets with
//! SIMD floating point (x86, x86-64, AArch64, ...), 1 on the microcontroller
//! targets, where arrays of accumulators would only spill to the stack.
//! Reductions sum lane by lane, then combine the lanes in a fixed order, so
//! results depend on the target's lane count but never on the CPU features a
//! build or a runtime dispatch selects.

/// `true` on targets whose FPU does f64 and SIMD at full speed, where the
/// f32 kernels evaluate in f64 (`crate::wide`) and loops run in blocks of
/// 16. `--cfg logitkit_narrow`, `--cfg logitkit_exp_table` and
/// `--cfg logitkit_integer` turn it off on such a target, to test the
/// microcontroller code paths on a host.
pub(crate) const HOST_SIMD: bool = cfg!(all(
    not(logitkit_narrow),
    not(logitkit_exp_table),
    not(logitkit_integer),
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2"),
        target_arch = "aarch64",
        target_arch = "powerpc64",
        target_arch = "riscv64",
        target_arch = "loongarch64",
        target_arch = "s390x",
        target_arch = "wasm32",
    )
));

/// The f32 softmax, log-sum-exp, log-softmax and sigmoid kernels of
/// `crate::softmax_table` and `crate::sigmoid_table` (table exponential in
/// f32 arithmetic): ARM targets with a hardware FPU (`eabihf`: Cortex-M4F,
/// M7, M33), or any target with `--cfg logitkit_exp_table`.
pub(crate) const EXP_TABLE: bool = !HOST_SIMD
    && cfg!(any(
        logitkit_exp_table,
        all(not(logitkit_narrow), not(logitkit_integer), target_arch = "arm", target_abi = "eabihf")
    ));

/// The f32 softmax and sigmoid of `crate::softmax_int` and
/// `crate::sigmoid_int` (integer arithmetic only): ARM targets without an
/// FPU (Cortex-M0/M0+/M3, soft-float `eabi`), or any target with
/// `--cfg logitkit_integer`.
pub(crate) const INTEGER: bool = !HOST_SIMD
    && !EXP_TABLE
    && cfg!(any(
        logitkit_integer,
        all(not(logitkit_narrow), target_arch = "arm", not(target_abi = "eabihf"))
    ));

/// Elements per block (see the module docs).
pub(crate) const LANES: usize = if HOST_SIMD { 16 } else { 1 };

/// `f(src_block, dst_block)` over `x` and `out` (same length) in blocks of
/// [`LANES`]; the last partial block is padded with `pad` and only its valid part
/// is written back.
#[inline(always)]
pub(crate) fn blocks_into<T: Copy>(
    x: &[T],
    out: &mut [T],
    pad: T,
    mut f: impl FnMut(&[T; LANES], &mut [T; LANES]),
) {
    let mut xc = x.chunks_exact(LANES);
    let mut oc = out.chunks_exact_mut(LANES);
    for (xs, os) in (&mut xc).zip(&mut oc) {
        if let (Ok(xa), Ok(oa)) = (<&[T; LANES]>::try_from(xs), <&mut [T; LANES]>::try_from(os)) {
            f(xa, oa);
        }
    }
    let tail = xc.remainder();
    if !tail.is_empty() {
        let src = padded(tail, pad);
        let mut dst = [pad; LANES];
        f(&src, &mut dst);
        store_prefix(oc.into_remainder(), &dst);
    }
}

/// `tail` (shorter than a block) padded with `pad` to a block, element by
/// element: a copy loop would become a call to `memcpy`, which costs more
/// than the whole tail for short rows.
#[inline(always)]
fn padded<T: Copy>(tail: &[T], pad: T) -> [T; LANES] {
    core::array::from_fn(|j| match tail.get(j) {
        Some(&v) => v,
        None => pad,
    })
}

/// `out[j] = block[j]` for `j < out.len()` (at most a block), without `memcpy`.
#[inline(always)]
fn store_prefix<T: Copy>(out: &mut [T], block: &[T; LANES]) {
    for (j, &v) in block.iter().enumerate() {
        if let Some(o) = out.get_mut(j) {
            *o = v;
        }
    }
}

/// [`blocks_into`] with `x` as both source and destination.
#[inline(always)]
pub(crate) fn blocks_in_place<T: Copy>(x: &mut [T], pad: T, mut f: impl FnMut(&[T; LANES], &mut [T; LANES])) {
    let mut xc = x.chunks_exact_mut(LANES);
    for xs in &mut xc {
        if let Ok(xa) = <&mut [T; LANES]>::try_from(xs) {
            let src = *xa;
            f(&src, xa);
        }
    }
    let tail = xc.into_remainder();
    if !tail.is_empty() {
        let src = padded(tail, pad);
        let mut dst = src;
        f(&src, &mut dst);
        store_prefix(tail, &dst);
    }
}

/// `f(block)` over `x` in blocks of [`LANES`], the last one padded with `pad`.
#[inline(always)]
pub(crate) fn blocks<T: Copy>(x: &[T], pad: T, mut f: impl FnMut(&[T; LANES])) {
    let mut xc = x.chunks_exact(LANES);
    for xs in &mut xc {
        if let Ok(xa) = <&[T; LANES]>::try_from(xs) {
            f(xa);
        }
    }
    let tail = xc.remainder();
    if !tail.is_empty() {
        f(&padded(tail, pad));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_once_with_padding() {
        const N: usize = 3 * LANES + 5;
        for n in 0..N {
            let x: [f32; N] = core::array::from_fn(|i| i as f32);
            let mut out = [0.0f32; N];
            blocks_into(&x[..n], &mut out[..n], -1.0, |s, d| {
                for j in 0..LANES {
                    d[j] = s[j] * 2.0;
                }
            });
            assert!(out[..n].iter().enumerate().all(|(i, &v)| v == 2.0 * i as f32));
            assert!(out[n..].iter().all(|&v| v == 0.0));
            let mut y = x;
            blocks_in_place(&mut y[..n], -1.0, |s, d| {
                for j in 0..LANES {
                    d[j] = s[j] + 1.0;
                }
            });
            assert!(y[..n].iter().enumerate().all(|(i, &v)| v == i as f32 + 1.0));
            assert!(y[n..].iter().enumerate().all(|(i, &v)| v == (i + n) as f32));
            let mut sum = 0.0;
            let mut pads = 0;
            blocks(&x[..n], -1.0, |s| {
                for &v in s {
                    if v < 0.0 {
                        pads += 1;
                    } else {
                        sum += v;
                    }
                }
            });
            assert_eq!(sum, (0..n).map(|i| i as f32).sum::<f32>());
            assert_eq!(pads, n.next_multiple_of(LANES) - n);
        }
    }
}
