//! Link with the minimal script `link.x` (and defmt's `defmt.x` for the
//! interned format strings); only the target-independent layout matters:
//! the binary is linked, never run.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rustc-link-arg=-Tdefmt.x");
    println!("cargo:rerun-if-changed=link.x");
}
