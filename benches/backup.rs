//! Backup and restore of a single workstation's SQLCipher store (issue 18): a store of
//! `CHEVET_BENCH_BACKUP_MB` MiB (1024 by default) filled with incompressible rows, then
//!
//! 1. `backup`: `backup::create` (the SQLite backup API, 1,024 pages a step, one read snapshot)
//!    into a backup folder, the copy's SHA-256 included;
//! 2. `restore`: `backup::restore` into an empty data directory: the escrowed key unwrapped
//!    (Argon2id 64 MiB × 3), the copy streamed and hashed, `PRAGMA rekey` to a fresh key (every
//!    page decrypted and encrypted again), migrations, the audit chain walked.
//!
//! Prints a Markdown table. Run: `scripts/bench-backup.sh` (release) or, small, in debug:
//! `CHEVET_BENCH_BACKUP_MB=8 cargo bench --profile dev --bench backup`.

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chevet::backup::{self, BackupOptions};
use chevet::store::db::Param;
use chevet::store::key::{KeyStorage, obtain_key};
use chevet::store::{DB_FILE_NAME, Store};

const PASSPHRASE: &str = "Banc d'essai des sauvegardes 2026 !";
/// Bytes per row: incompressible (random), so the file grows by the data written.
const ROW_BYTES: usize = 64 * 1024;
const ROWS_PER_TRANSACTION: usize = 64;

fn target_mib() -> u64 {
    std::env::var("CHEVET_BENCH_BACKUP_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024)
}

/// Fills the store at `dir` until its file reaches `mib` MiB; the seconds it took.
fn fill(store: &mut Store, path: &Path, mib: u64) -> f64 {
    let started = Instant::now();
    store
        .execute_batch("CREATE TABLE bench_blob (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        .expect("table");
    let mut body = vec![0u8; ROW_BYTES];
    while std::fs::metadata(path).expect("size").len() < mib * 1024 * 1024 {
        store
            .in_transaction(|s| {
                for _ in 0..ROWS_PER_TRANSACTION {
                    for chunk in body.chunks_mut(8) {
                        chunk.copy_from_slice(&rand_u64().to_le_bytes()[..chunk.len()]);
                    }
                    s.execute(
                        "INSERT INTO bench_blob (body) VALUES (?1)",
                        &[Param::Blob(&body)],
                    )?;
                }
                Ok::<_, chevet::store::StoreError>(())
            })
            .expect("rows");
        store
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
    }
    started.elapsed().as_secs_f64()
}

/// xorshift: fast incompressible bytes (no need for a cryptographic generator here).
fn rand_u64() -> u64 {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = const { Cell::new(0x9E37_79B9_7F4A_7C15) });
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}

fn main() {
    let mib = target_mib();
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("poste-a");
    std::fs::create_dir(&first).expect("dir");
    let (key, _) = obtain_key(&first, false, KeyStorage::File, &[]).expect("key");
    let path = first.join(DB_FILE_NAME);
    let mut store = Store::open(&path, &key).expect("store");
    let fill_s = fill(&mut store, &path, mib);
    let store_bytes = std::fs::metadata(&path).expect("size").len();
    let escrow = backup::set_passphrase(&store, &key, PASSPHRASE, PASSPHRASE).expect("escrow");

    let started = Instant::now();
    let mut steps = 0usize;
    let entry = backup::create(
        &path,
        &key,
        &escrow,
        &backup::backups_dir(&first),
        &BackupOptions::default(),
        &AtomicBool::new(false),
        &mut |_| steps += 1,
    )
    .expect("backup");
    let backup_s = started.elapsed().as_secs_f64();
    drop(store);

    let second = dir.path().join("poste-b");
    let started = Instant::now();
    let report = backup::restore(&entry.folder, PASSPHRASE, &second, KeyStorage::File, &[])
        .expect("restore");
    let restore_s = started.elapsed().as_secs_f64();
    assert!(report.audit_intact);

    let size_mib = store_bytes as f64 / (1024.0 * 1024.0);
    println!(
        "Store filled in {fill_s:.1} s ({size_mib:.0} MiB, SQLCipher, {steps} progress steps)."
    );
    println!();
    println!("| store | operation | time | throughput |");
    println!("|---|---|---|---|");
    for (what, seconds) in [
        ("backup (backup API + SHA-256)", backup_s),
        (
            "restore (unwrap + copy + SHA-256 + rekey + migrate + audit)",
            restore_s,
        ),
    ] {
        println!(
            "| {size_mib:.0} MiB | {what} | {seconds:.2} s | {:.0} MiB/s |",
            size_mib / seconds
        );
    }
}
