//! External judges: every produced CDA (4 kinds × N1/N3, plus the escaping and replacement
//! variants) validates with `xmllint --schema` against the CI-SIS CDA_extended.xsd and
//! transforms without error with `xsltproc` and the ANS stylesheet CDA-FO.xsl. A missing tool
//! fails the test with the Debian package to install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::sample;
use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/");

fn run(tool: &str, package: &str, args: &[&Path]) -> Output {
    Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install the Debian package `{package}` (apt-get install {package})")
    })
}

fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chevet-produce-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn documents() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in DocumentKind::ALL {
        let doc = sample::document(kind);
        let produced = produce(&doc).expect("produce");
        out.push((format!("{kind:?}_N1"), produced.n1));
        out.push((format!("{kind:?}_N3"), produced.n3));
        let nasty = produce(&sample::nasty(kind)).expect("produce");
        out.push((format!("{kind:?}_nasty_N3"), nasty.n3));
        let mut second = doc.clone();
        second.ids = doc
            .ids
            .replacement(Identifier::new(sample::ESTABLISHMENT_OID, "V2"));
        out.push((
            format!("{kind:?}_v2_N1"),
            produce(&second).expect("produce").n1,
        ));
    }
    out
}

#[test]
fn xmllint_validates_against_the_cda_schema() {
    let schema = PathBuf::from(FIXTURES).join("schema/cda/CDA_extended.xsd");
    assert!(schema.exists(), "schema missing: {}", schema.display());
    let dir = scratch_dir("xmllint");
    for (name, bytes) in documents() {
        let file = dir.join(format!("{name}.xml"));
        std::fs::write(&file, &bytes).expect("write");
        let out = run(
            "xmllint",
            "libxml2-utils",
            &[Path::new("--noout"), Path::new("--schema"), &schema, &file],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name} does not validate: {stderr}");
        assert!(stderr.contains("validates"), "{name}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xsltproc_renders_with_the_ans_stylesheet() {
    let stylesheet = PathBuf::from(FIXTURES).join("stylesheet/TestContenuCDA-3-0/CDA-FO.xsl");
    assert!(
        stylesheet.exists(),
        "stylesheet missing: {}",
        stylesheet.display()
    );
    let dir = scratch_dir("xslt");
    for (name, bytes) in documents() {
        let file = dir.join(format!("{name}.xml"));
        let html = dir.join(format!("{name}.html"));
        std::fs::write(&file, &bytes).expect("write");
        let out = run(
            "xsltproc",
            "xsltproc",
            &[Path::new("-o"), &html, &stylesheet, &file],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: xsltproc failed: {stderr}");
        assert!(
            !stderr.to_ascii_lowercase().contains("error"),
            "{name}: xsltproc reported: {stderr}"
        );
        let rendered = std::fs::read_to_string(&html).expect("html");
        assert!(rendered.contains("<html"), "{name}: no HTML produced");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
