//! Logits to probabilities: independent (sigmoid) versus exclusive (softmax).
//!
//! Run with `cargo run --example quickstart`.

use logitkit::{binary_probabilities, log_softmax, logsumexp, sigmoid_slice, softmax, Error};

fn main() -> Result<(), Error> {
    let logits = [-0.5f32, 1.2, -0.1, 2.4];
    println!("logits                 {}", fmt(&logits));

    // Multi-label: each class is present or not on its own; probabilities
    // need not sum to 1.
    let mut p = [0.0f32; 4];
    sigmoid_slice(&logits, &mut p)?;
    println!("sigmoid (independent)  {}  sum {:.4}", fmt(&p), p.iter().sum::<f32>());

    // Exclusive classes: exactly one is true; probabilities sum to 1.
    softmax(&logits, &mut p)?;
    println!("softmax (exclusive)    {}  sum {:.4}", fmt(&p), p.iter().sum::<f32>());

    let mut lp = [0.0f32; 4];
    log_softmax(&logits, &mut lp)?;
    println!("log_softmax            {}", fmt(&lp));
    println!("logsumexp              {:.4}", logsumexp(&logits)?);

    // A binary classifier with one logit: sigmoid(x) is P(class 1),
    // sigmoid(-x) is P(class 0).
    let [p0, p1] = binary_probabilities(1.0f32);
    println!("binary logit 1.0       P(class 0) = {p0:.4}, P(class 1) = {p1:.4}");

    // Extreme logits are inputs like any other.
    softmax(&[1000.0f32, 0.0, -1000.0, -1000.0], &mut p)?;
    println!("softmax [1000, 0, -1000, -1000] {}", fmt(&p));
    Ok(())
}

fn fmt(v: &[f32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", parts.join(", "))
}
