//! A 4-class keyword spotter's decision stage, as it would run on a
//! microcontroller after each inference: logits → softmax → per-class
//! thresholds → a keyword, or abstain ("not sure, keep listening").
//!
//! Commands ("yes", "no") must be confident (0.85) because acting on a
//! false one is costly; "silence" and "unknown" only need 0.5. The decision
//! is the most probable class among those that reach their own threshold
//! (`logitkit::decide_per_class`), which is not always the argmax.
//!
//! Run: `cargo run --example keyword_spotter`

use logitkit::{argmax, decide_per_class, margin, softmax, Decision, Error};

const LABELS: [&str; 4] = ["silence", "unknown", "yes", "no"];
const THRESHOLDS: [f32; 4] = [0.5, 0.5, 0.85, 0.85];

/// What the firmware does with one frame of logits.
fn on_inference(logits: &[f32; 4]) -> Result<(), Error> {
    let decision = decide_per_class(logits, &THRESHOLDS)?;
    // The rest is for the printout: the decision needs no buffer.
    let mut p = [0.0f32; 4];
    softmax(logits, &mut p)?;
    let m = margin(logits)?; // the winner, the runner-up and their log-odds
    let action = match decision {
        Decision::Class(k) => LABELS[k],
        Decision::Abstain => "abstain",
    };
    let [a, b, c, d] = *logits;
    let [pa, pb, pc, pd] = p;
    let top = LABELS[argmax(logits)?];
    println!(
        "{a:>5.1} {b:>5.1} {c:>5.1} {d:>5.1} | {pa:.3} {pb:.3} {pc:.3} {pd:.3} | {top:<7} {:>5.2} | {action}",
        m.log_ratio
    );
    Ok(())
}

fn main() {
    let [t0, t1, t2, t3] = THRESHOLDS;
    println!("thresholds: silence {t0}, unknown {t1}, yes {t2}, no {t3}\n");
    println!("logits (sil unk yes no) | softmax                 | argmax  x1-x2 | decision");
    let frames: [[f32; 4]; 7] = [
        [0.2, -0.5, 4.1, 0.3],     // a clear "yes"
        [0.1, 0.4, 2.2, 1.9],      // "yes" or "no"? argmax says yes at 0.48: abstain
        [3.0, 0.5, -1.0, -0.8],    // silence
        [0.0, 1.2, 0.9, -0.3],     // unknown at 0.44: below its 0.5
        [-1.0, 0.3, 0.1, 3.6],     // a clear "no"
        [-2.0, -2.0, 12.0, 10.0],  // "yes" at 0.88: logits 12 and 10 are odds e^2 = 7.4 to 1
        [0.0, 0.0, f32::NAN, 0.0], // a broken model output
    ];
    for f in &frames {
        if let Err(e) = on_inference(f) {
            let [a, b, c, d] = *f;
            println!("{a:>5.1} {b:>5.1} {c:>5.1} {d:>5.1} | error: {e}");
        }
    }
}
