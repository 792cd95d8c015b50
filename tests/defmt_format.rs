//! Feature `defmt`: the public enums and result structs implement `defmt::Format`.
#![cfg(feature = "defmt")]

use core::marker::PhantomData;

fn is_format<T: defmt::Format>(_: PhantomData<T>) -> bool {
    true
}

#[test]
fn public_types_implement_format() {
    use logitkit::calibration::{Bin, PlattFit, PlattTargets, TemperatureFit};
    use logitkit::quant::{CodeThreshold, LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8};
    assert!(is_format(PhantomData::<logitkit::Error>));
    assert!(is_format(PhantomData::<logitkit::FitStatus>));
    assert!(is_format(PhantomData::<PlattTargets>));
    assert!(is_format(PhantomData::<PlattFit<f32>>));
    assert!(is_format(PhantomData::<TemperatureFit<f64>>));
    assert!(is_format(PhantomData::<Bin<f32>>));
    assert!(is_format(PhantomData::<CodeThreshold>));
    assert!(is_format(PhantomData::<SoftmaxI8>));
    assert!(is_format(PhantomData::<SoftmaxI16>));
    assert!(is_format(PhantomData::<LogisticI8>));
    assert!(is_format(PhantomData::<LogisticI16>));
    assert!(is_format(PhantomData::<logitkit::Decision>));
    assert!(is_format(PhantomData::<logitkit::Margin<f32>>));
    assert!(is_format(PhantomData::<logitkit::LogitThreshold<f64>>));
    assert!(is_format(PhantomData::<logitkit::LogitThresholds<f32, 4>>));
    // `top_k` returns a `heapless::Vec`: feature `defmt` enables heapless's impl.
    assert!(is_format(PhantomData::<heapless::Vec<(usize, i8), 3>>));
}
