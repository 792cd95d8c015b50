//! Temperature scaling on held-out logits, as Guo et al. (ICML 2017) show it:
//! ECE before and after, and a text reliability diagram.
//!
//! ```text
//! cargo run --example calibrate [path/to/logits.txt]
//! ```
//!
//! The file holds one example per line, `label z0 z1 ...` (lines starting
//! with `#` are skipped); by default the digits data of the tests
//! (`tests/data/calibration/digits_logits.txt`, made by its `gen.py`).

use logitkit::calibration::{fit_temperature, Bin, CalibrationStats};

const BINS: usize = 15; // Guo et al.'s choice
const WIDTH: usize = 40; // characters for 100 %

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/calibration/digits_logits.txt").to_string()
    });
    let text = std::fs::read_to_string(&path)?;
    let (mut logits, mut labels, mut classes) = (Vec::<f32>::new(), Vec::<usize>::new(), 0);
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut fields = line.split_whitespace();
        labels.push(fields.next().ok_or("empty line")?.parse()?);
        let before = logits.len();
        for v in fields {
            logits.push(v.parse()?);
        }
        classes = logits.len() - before;
    }
    println!(
        "{} held-out examples, {} classes ({})",
        labels.len(),
        classes,
        path.rsplit('/').next().unwrap_or(&path)
    );

    let fit = fit_temperature(&logits, classes, &labels)?;
    println!(
        "fitted temperature T = {:.4} ({:?}, {} Newton passes over the data)\n",
        fit.temperature, fit.status, fit.iterations
    );

    let mut before = CalibrationStats::<f32, BINS>::new();
    let mut after = CalibrationStats::<f32, BINS>::new();
    for (row, &y) in logits.chunks_exact(classes).zip(&labels) {
        before.push(row, y)?;
        after.push_with_temperature(row, y, fit.temperature)?;
    }
    println!("{:<16}{:>16}{:>18}", "", "before (T = 1)", format!("after (T = {:.2})", fit.temperature));
    let pct = |v: f32| format!("{:.2} %", 100.0 * v);
    println!("{:<16}{:>16}{:>18}", "accuracy", pct(before.accuracy()?), pct(after.accuracy()?));
    println!("{:<16}{:>16.4}{:>18.4}", "NLL", before.nll()?, after.nll()?);
    println!("{:<16}{:>16.4}{:>18.4}", "Brier", before.brier()?, after.brier()?);
    println!("{:<16}{:>16}{:>18}", format!("ECE ({BINS} bins)"), pct(before.ece()?), pct(after.ece()?));
    println!("{:<16}{:>16}{:>18}", "MCE", pct(before.mce()?), pct(after.mce()?));

    diagram("before temperature scaling", &before.reliability());
    diagram(&format!("after temperature scaling (T = {:.2})", fit.temperature), &after.reliability());
    Ok(())
}

/// One line per non-empty bin: the accuracy as a bar, the mean confidence
/// as `|` (a `|` beyond the bar's end is over-confidence, as the red gaps of
/// Guo et al.'s Figure 1).
fn diagram(title: &str, bins: &[Bin<f32>]) {
    println!("\nReliability diagram, {title}");
    println!("  confidence     count  accuracy  confidence  (█ accuracy, | mean confidence)");
    for b in bins.iter().filter(|b| b.count > 0) {
        let acc = (b.accuracy * WIDTH as f32).round() as usize;
        let conf = ((b.confidence * WIDTH as f32).round() as usize).min(WIDTH);
        let mut bar: Vec<char> = (0..=WIDTH).map(|i| if i < acc { '█' } else { ' ' }).collect();
        bar[conf] = '|';
        let bar: String = bar.into_iter().collect();
        println!(
            "  [{:.2}, {:.2})  {:>6}  {:>7.1} %  {:>8.1} %  {}",
            b.lower,
            b.upper,
            b.count,
            100.0 * b.accuracy,
            100.0 * b.confidence,
            bar.trim_end()
        );
    }
}
