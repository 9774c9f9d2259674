//! DMP benchmarks (issue 4):
//! 1. parse of the real 212 KB TD3.1 response (21 entries) into typed entries;
//! 2. build + sign (exclusive c14n, RSA-SHA256, 2048-bit key) of a VIHF;
//! 3. 100 concurrent TD3.1 queries from the client stack against the sandbox DMP over HTTPS
//!    with mutual TLS and a signed VIHF each: throughput and p50 / p99 latency.
//!
//! Run: `./scripts/bench.sh` or `cargo bench --bench dmp`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on stdout

use std::sync::Arc;
use std::time::{Duration, Instant};

use chevet::dmp::xds::{Cx, FindDocumentsQuery};
use chevet::sandbox::dmp::faults::FaultPlan;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn parse_td31() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/dmp/TD3.1_find_documents_response.xml"
    );
    let bytes = std::fs::read(path).expect("fixture");
    let mut samples = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        // What the client does with an answer: decode, parse the envelope once, find the
        // payload, type every entry.
        let text = chevet::dmp::soap::decode_text(&bytes);
        let doc = chevet::dmp::soap::parse(&text, &chevet::xml::Limits::XDS).expect("envelope");
        let answer = chevet::dmp::soap::read_answer(&doc).expect("envelope");
        let response = chevet::dmp::xds::read_query_response(answer.payload).expect("parse");
        std::hint::black_box(&response.entries);
        assert_eq!(response.entries.len(), 21);
        samples.push(start.elapsed());
    }
    println!(
        "| TD3.1 response, {} bytes, 21 entries: envelope + typed entries | {:.2} ms (median of 200) |",
        bytes.len(),
        ms(median(samples))
    );
}

fn vihf_build_and_sign(pki: &chevet::sandbox::dmp::pki::TestPki) {
    use chevet::dmp::vihf::{self, AuthMode, VihfRequest};
    let signer = chevet::dmp::xmldsig::SoftwareSigner::from_pem(
        &pki.structure_sign.key_pem,
        &pki.structure_sign.cert_pem,
    )
    .expect("signer");
    let ins = chevet::sandbox::demo::demo_patients(chrono::Local::now().date_naive())[0]
        .identity
        .ins
        .clone();
    let mut samples = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        let mut request = VihfRequest::new(
            AuthMode::IndirecteRenforcee,
            "810101234567",
            "1750999005",
            "SA01",
            chevet::dmp::setup::chevet_lps("SANDBOX"),
        );
        request.resource = ins.clone();
        request.subject_id = Some("Claire LAMBERT".to_owned());
        request.roles = vec![
            vihf::Coded::profession("10", "Médecin"),
            vihf::Coded::savoir_faire("SM04", "Cardiologie"),
        ];
        let signed = vihf::build_signed(&request, &signer).expect("sign");
        std::hint::black_box(signed);
        samples.push(start.elapsed());
    }
    println!(
        "| VIHF build + sign (RSA-2048, SHA-256, exc-c14n) | {:.2} ms (median of 200) |",
        ms(median(samples))
    );
}

fn concurrent_queries() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bench-worker")
        .enable_all()
        .build()
        .expect("runtime");
    let today = chrono::Local::now().date_naive();
    let running = rt
        .block_on(chevet::sandbox::dmp::start(
            today,
            Arc::new(FaultPlan::default()),
        ))
        .expect("sandbox DMP");
    vihf_build_and_sign(&running.pki);
    let endpoint = running.endpoint(Default::default()).expect("endpoint");
    let client = endpoint.client().expect("client");
    let caller = chevet::sandbox::dmp::demo_caller().expect("caller");
    let ins = chevet::sandbox::demo::demo_patients(today)[0]
        .identity
        .ins
        .clone()
        .expect("ins");
    let query = FindDocumentsQuery::new(Cx::new(ins.matricule.as_str(), ins.oid.as_str(), "NH"));
    // Warm-up (connection pool, TLS session).
    rt.block_on(client.find_documents(&caller, &ins, &query))
        .expect("warm-up");
    let started = Instant::now();
    let mut latencies: Vec<Duration> = rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (client, caller, ins, query) =
                (client.clone(), caller.clone(), ins.clone(), query.clone());
            tasks.push(tokio::spawn(async move {
                let start = Instant::now();
                let found = client.find_documents(&caller, &ins, &query).await;
                assert!(found.is_ok_and(|e| !e.is_empty()));
                start.elapsed()
            }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("task"));
        }
        out
    });
    let total = started.elapsed();
    latencies.sort();
    println!(
        "| 100 concurrent TD3.1 (mTLS, signed VIHF, ~{} entries each) | {:.0} queries/s; p50 {:.1} ms, p99 {:.1} ms; all done in {:.0} ms |",
        rt.block_on(client.find_documents(&caller, &ins, &query))
            .map(|e| e.len())
            .unwrap_or_default(),
        100.0 / total.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(total)
    );
    drop(running);
}

fn main() {
    println!("| measure | result |\n|---|---|");
    parse_td31();
    concurrent_queries();
}
