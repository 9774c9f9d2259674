//! `chevet annuaire` through the real binary: a generated extract in the real format zipped,
//! imported into a new data directory, searched by name, by RPPS and by postal address; a
//! file that is not an extract refused in French with the directory unchanged.

use std::process::Command;

fn chevet(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chevet"))
        .arg("annuaire")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("CHEVET_LOG", "warn")
        .output()
        .expect("chevet annuaire")
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn issue16_an_extract_is_imported_and_searched_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let zip = dir.path().join("Extraction_Correspondance_MSSante.zip");
    let made = Command::new(env!("CARGO_BIN_EXE_chevet"))
        .args(["annuaire", "generate"])
        .arg(&zip)
        .args(["--count", "20000"])
        .output()
        .expect("generate");
    assert!(made.status.success(), "{made:?}");

    let imported = chevet(&data, &["import", zip.to_str().expect("path")]);
    assert!(imported.status.success(), "{imported:?}");
    assert_eq!(json(&imported)["entries"], 20000);

    let by_name = chevet(
        &data,
        &["search", "durand", "marie", "--postal-code", "44000"],
    );
    let found = json(&by_name);
    let count = found["count"].clone();
    assert_eq!(
        found["entries"][0]["mailbox"],
        chevet::sandbox::annuaire::generate::DURAND_MAILBOX
    );
    let by_rpps = chevet(
        &data,
        &["search", chevet::sandbox::annuaire::generate::LEFEVRE_RPPS],
    );
    assert_eq!(json(&by_rpps)["entries"][0]["rank"], "ExactId");
    let by_address = chevet(
        &data,
        &["search", "avenue victor hugo", "--postal-code", "75016"],
    );
    let entries = json(&by_address)["entries"].clone();
    assert!(
        entries
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["mailbox"] == chevet::sandbox::annuaire::generate::LEFEVRE_MAILBOX),
        "{entries}"
    );

    // Not an extract: refused, the directory as it was.
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, "bonjour\n").expect("file");
    let refused = chevet(&data, &["import", other.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("n'est pas une extraction"), "{stderr}");
    let again = json(&chevet(
        &data,
        &["search", "durand", "marie", "--postal-code", "44000"],
    ));
    assert_eq!(again["count"], count);
}
