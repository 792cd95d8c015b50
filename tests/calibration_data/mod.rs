//! Readers for `tests/data/calibration/` (written by its `gen.py`), shared by
//! the calibration, uncertainty and loss tests.
#![allow(dead_code)]

/// Held-out digits logits (float32 as written) and labels.
pub struct Digits {
    pub logits: Vec<f32>,
    pub labels: Vec<u8>,
    pub rows: usize,
}

pub const CLASSES: usize = 10;

fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

pub fn digits() -> Digits {
    let mut logits = Vec::new();
    let mut labels = Vec::new();
    for line in data_lines(include_str!("../data/calibration/digits_logits.txt")) {
        let mut it = line.split_whitespace();
        labels.push(it.next().unwrap().parse().unwrap());
        let row: Vec<f32> = it.map(|v| v.parse().unwrap()).collect();
        assert_eq!(row.len(), CLASSES);
        logits.extend(row);
    }
    let rows = labels.len();
    Digits { logits, labels, rows }
}

impl Digits {
    pub fn logits64(&self) -> Vec<f64> {
        self.logits.iter().map(|&v| v as f64).collect()
    }
}

/// Binary SVM scores (float32) and labels.
pub fn binary() -> (Vec<f32>, Vec<u8>) {
    let mut s = Vec::new();
    let mut y = Vec::new();
    for line in data_lines(include_str!("../data/calibration/binary_scores.txt")) {
        let mut it = line.split_whitespace();
        y.push(it.next().unwrap().parse().unwrap());
        s.push(it.next().unwrap().parse().unwrap());
    }
    (s, y)
}

/// The text after `key` in reference.txt (before any `#` comment).
pub fn reference_str(key: &str) -> &'static str {
    for line in data_lines(include_str!("../data/calibration/reference.txt")) {
        let body = line.split("  #").next().unwrap();
        let mut it = body.splitn(2, ' ');
        if it.next() == Some(key) {
            return it.next().unwrap().trim();
        }
    }
    panic!("no reference value {key}");
}

pub fn reference(key: &str) -> f64 {
    reference_str(key).parse().unwrap()
}

/// Per-row mpmath values for the first rows: entropy, max probability,
/// top-2 margin, energy (T = 1), cross-entropy, smoothed cross-entropy (0.1).
pub fn row_metrics() -> Vec<[f64; 6]> {
    data_lines(include_str!("../data/calibration/row_metrics.txt"))
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3], v[4], v[5]]
        })
        .collect()
}

pub fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / b.abs()
    }
}
