//! Feature `defmt`: the public enums and result structs implement `defmt::Format`.
#![cfg(feature = "defmt")]

fn is_format<T: defmt::Format>() -> bool {
    true
}

#[test]
fn public_types_implement_format() {
    use logitkit::calibration::{Bin, PlattFit, PlattTargets, TemperatureFit};
    use logitkit::quant::{CodeThreshold, LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8};
    assert!(is_format::<logitkit::Error>());
    assert!(is_format::<logitkit::FitStatus>());
    assert!(is_format::<PlattTargets>());
    assert!(is_format::<PlattFit<f32>>());
    assert!(is_format::<TemperatureFit<f64>>());
    assert!(is_format::<Bin<f32>>());
    assert!(is_format::<CodeThreshold>());
    assert!(is_format::<SoftmaxI8>());
    assert!(is_format::<SoftmaxI16>());
    assert!(is_format::<LogisticI8>());
    assert!(is_format::<LogisticI16>());
    assert!(is_format::<logitkit::Decision>());
    assert!(is_format::<logitkit::Margin<f32>>());
    assert!(is_format::<logitkit::LogitThreshold<f64>>());
    assert!(is_format::<logitkit::LogitThresholds<f32, 4>>());
    // `top_k` returns a `heapless::Vec`: feature `defmt` enables heapless's impl.
    assert!(is_format::<heapless::Vec<(usize, i8), 3>>());
}
