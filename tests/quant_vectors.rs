//! Bit-exactness of the `quant` kernels against TensorFlow Lite Micro, on
//! the vectors that `tests/data/quant/gen_tflm.py` produced with the TFLM
//! interpreter (see the header of each file for the path that made it).

use logitkit::quant::{LogisticI16, LogisticI8, SoftmaxI16, SoftmaxI8};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/quant/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `key=value` fields of a header line.
fn field(line: &str, key: &str) -> String {
    line.split_whitespace()
        .find_map(|t| t.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key} in {line}"))
        .to_string()
}

fn f32_field(line: &str, key: &str) -> f32 {
    f32::from_bits(u32::from_str_radix(&field(line, key), 16).unwrap())
}

fn i32_field(line: &str, key: &str) -> i32 {
    field(line, key).parse().unwrap()
}

/// The numbers after the tag of a data line, or `None` for a marker
/// (`abort`, `ub`).
fn values(line: &str, tag: &str) -> Option<Vec<i32>> {
    let rest = line.strip_prefix(tag).unwrap_or_else(|| panic!("expected {tag}: {line}"));
    let rest = rest.trim();
    if rest == "abort" || rest == "ub" {
        return None;
    }
    Some(rest.split_whitespace().map(|v| v.parse().unwrap()).collect())
}

/// Correctly rounded quantized softmax in f64 (ties are not resolved: the
/// second value is the distance of the unrounded code to the nearest half).
fn float_softmax(x: &[i8], scale: f64, out_scale: f64) -> Vec<(f64, f64)> {
    let m = x.iter().copied().max().unwrap() as f64;
    let e: Vec<f64> = x.iter().map(|&v| ((v as f64 - m) * scale).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter()
        .map(|&v| v / s / out_scale)
        .collect::<Vec<_>>()
        .iter()
        .map(|&c| (c, (c - c.floor() - 0.5).abs()))
        .collect()
}

#[test]
fn softmax_i8_bit_exact_with_tflm() {
    let text = data("softmax_i8.txt");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let (mut sm, mut scale) = (None, 0.0f64);
    let (mut rows, mut out8, mut out16, mut aborts, mut cases) = (0, 0, 0, 0, 0);
    while let Some(line) = lines.next() {
        if line.starts_with("case") {
            let s = SoftmaxI8::new(f32_field(line, "scale"), f32_field(line, "beta")).unwrap();
            // parameters derived exactly as TFLite
            assert_eq!(
                (s.multiplier(), s.shift(), s.diff_min()),
                (i32_field(line, "mult"), i32_field(line, "shift"), i32_field(line, "diff_min")),
                "{line}"
            );
            scale = f32_field(line, "scale") as f64 * f32_field(line, "beta") as f64;
            sm = Some(s);
            cases += 1;
            continue;
        }
        assert_eq!(line, "row");
        let sm = sm.as_ref().unwrap();
        let x: Vec<i8> = values(lines.next().unwrap(), "x").unwrap().iter().map(|&v| v as i8).collect();
        let y8 = values(lines.next().unwrap(), "y8");
        let y16 = values(lines.next().unwrap(), "y16").unwrap();
        let mut got8 = vec![0i8; x.len()];
        sm.softmax(&x, &mut got8).unwrap();
        match y8 {
            Some(y8) => {
                assert_eq!(got8.iter().map(|&v| v as i32).collect::<Vec<_>>(), y8, "row {rows}");
                out8 += x.len();
            }
            None => {
                // TFLM aborts here: we return -128 everywhere, which is the
                // correctly rounded result except within n * 2^-20 of a tie.
                aborts += 1;
                for (&g, (c, tie)) in got8.iter().zip(float_softmax(&x, scale, 1.0 / 256.0)) {
                    if tie > x.len() as f64 * 1e-6 {
                        assert_eq!(g as i32, (c + 0.5).floor() as i32 - 128, "abort row {rows}");
                    }
                    assert_eq!(g, -128);
                }
            }
        }
        let mut got16 = vec![0i16; x.len()];
        sm.softmax(&x, &mut got16).unwrap();
        assert_eq!(got16.iter().map(|&v| v as i32).collect::<Vec<_>>(), y16, "row {rows} (int16 out)");
        out16 += x.len();
        rows += 1;
    }
    // every file row checked: guard against a truncated or empty file
    assert_eq!((cases, rows, aborts), (17, 4663, 11));
    assert_eq!((out8, out16), (47_813, 55_535));
}

#[test]
fn softmax_i8_batches_equal_rows() {
    let sm = SoftmaxI8::new(0.1, 1.0).unwrap();
    let x: Vec<i8> = (0..600).map(|i| ((i * 37) % 256) as u8 as i8).collect();
    let mut batch = vec![0i8; 600];
    sm.softmax_rows(&x, 60, &mut batch).unwrap();
    for (row, want) in x.chunks(60).zip(batch.chunks(60)) {
        let mut one = [0i8; 60];
        sm.softmax(row, &mut one).unwrap();
        assert_eq!(&one[..], want);
    }
}

#[test]
fn softmax_i16_bit_exact_with_tflm() {
    let text = data("softmax_i16.txt");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let mut sm = None;
    let (mut rows, mut outs, mut ub) = (0, 0, 0);
    while let Some(line) = lines.next() {
        if line.starts_with("case") {
            let s = SoftmaxI16::new(f32_field(line, "scale"), f32_field(line, "beta")).unwrap();
            assert_eq!(
                (s.multiplier(), s.shift()),
                (i32_field(line, "mult"), i32_field(line, "shift")),
                "{line}"
            );
            sm = Some(s);
            continue;
        }
        assert_eq!(line, "row");
        let x: Vec<i16> = values(lines.next().unwrap(), "x").unwrap().iter().map(|&v| v as i16).collect();
        let y = values(lines.next().unwrap(), "y");
        let mut got = vec![0i16; x.len()];
        sm.unwrap().softmax(&x, &mut got).unwrap();
        match y {
            Some(y) => {
                assert_eq!(got.iter().map(|&v| v as i32).collect::<Vec<_>>(), y, "row {rows}");
                outs += x.len();
                rows += 1;
            }
            None => {
                // TFLM overflows an int32 (undefined): ours saturates; the
                // result is a distribution ordered like the input.
                ub += 1;
                let m = x.iter().copied().max().unwrap();
                for (&v, &g) in x.iter().zip(&got) {
                    if v == m {
                        assert!(got.iter().all(|&o| o <= g));
                    }
                }
                let total: i64 = got.iter().map(|&v| v as i64).sum();
                assert!((total - 32768).abs() <= x.len() as i64 + 200, "{total}");
            }
        }
    }
    assert_eq!((rows, outs, ub), (693, 32_129, 27));
}

#[test]
fn logistic_i8_bit_exact_with_tflm_and_table_correctly_rounded() {
    let text = data("logistic_i8.txt");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let x: Vec<i8> = (-128..=127).collect();
    let mut cases = 0;
    while let Some(line) = lines.next() {
        let (scale, zp) = (f32_field(line, "scale"), i32_field(line, "zp"));
        let y = values(lines.next().unwrap(), "y").unwrap();
        let cr = values(lines.next().unwrap(), "cr").unwrap();
        let mut got = [0i8; 256];
        LogisticI8::new(scale, zp).unwrap().logistic(&x, &mut got).unwrap();
        assert_eq!(got.iter().map(|&v| v as i32).collect::<Vec<_>>(), y, "{line}");
        LogisticI8::correctly_rounded(scale, zp).unwrap().logistic(&x, &mut got).unwrap();
        assert_eq!(got.iter().map(|&v| v as i32).collect::<Vec<_>>(), cr, "{line} (table)");
        cases += 1;
    }
    assert_eq!(cases, 70);
}

#[test]
fn logistic_i16_bit_exact_with_tflm() {
    let text = data("logistic_i16.txt");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let x: Vec<i16> = values(lines.next().unwrap(), "x").unwrap().iter().map(|&v| v as i16).collect();
    let mut cases = 0;
    while let Some(line) = lines.next() {
        let l = LogisticI16::new(f32_field(line, "scale")).unwrap();
        assert_eq!(
            l,
            LogisticI16::from_raw(i32_field(line, "mult"), i32_field(line, "left")).unwrap(),
            "{line}"
        );
        let y = values(lines.next().unwrap(), "y").unwrap();
        let mut got = vec![0i16; x.len()];
        l.logistic(&x, &mut got).unwrap();
        assert_eq!(got.iter().map(|&v| v as i32).collect::<Vec<_>>(), y, "{line}");
        cases += 1;
    }
    assert_eq!((cases, x.len()), (12, 7_860));
}
