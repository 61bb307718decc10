//! Compiles proto/ at build time with protox (pure Rust): no system protoc needed.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let files = [
        root.join("precept/v1/council_tax.proto"),
        root.join("precept/v1/council_tax_billing.proto"),
        root.join("precept/v1/council_tax_recovery.proto"),
        root.join("precept/v1/business_rates.proto"),
        root.join("precept/v1/partnership.proto"),
        root.join("precept/v1/benefits.proto"),
        root.join("precept/v1/audit.proto"),
        root.join("precept/v1/access.proto"),
        root.join("precept/v1/admin.proto"),
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let descriptors = protox::compile(&files, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("precept_descriptor.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
