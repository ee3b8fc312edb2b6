//! Links procbox as a position-dependent executable (`-no-pie`).
//!
//! A PIE binary this size carries about 19 000 relative relocations (455 KiB of
//! `.rela.dyn`): the dynamic loader reads all of them and writes 300 KiB of
//! `.data.rel.ro` at every start, whether the script uses any of it or not. Linked at a
//! fixed address, those pointers are final in the file, so start-up skips that work and
//! the pages stay clean, shared page cache (docs/notes/boot.md has the figures). The
//! cost: the executable's own code and data are not at a random address (libraries,
//! heap and stacks still are). Only the link step changes: the code is compiled as
//! before (position-independent code runs at a fixed address too), so dependencies are
//! not rebuilt, and test binaries are linked as rustc's default.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
