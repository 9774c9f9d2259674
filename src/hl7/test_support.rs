//! Test helpers of the HL7 module: the agency's example messages of
//! `../shared/fixtures/hl7v2` (present beside the checkout in development and CI) and a small
//! deterministic random generator for property-style tests.

use std::path::{Path, PathBuf};

/// Directory of the HL7 v2 fixtures, with a trailing slash.
pub const HL7_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/hl7v2/");

/// The bytes of one fixture, by its path under `hl7v2/`.
pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{HL7_FIXTURES}{path}")).unwrap_or_else(|e| {
        panic!("fixture {path} unreadable ({e}); ../shared must be beside the checkout")
    })
}

/// Every message file of the fixtures (recursively; `SOURCES.md` left out), with its path
/// under `hl7v2/`, sorted.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(HL7_FIXTURES);
    let mut stack = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{} unreadable ({e})", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "hl7" || e == "er7") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = relative(&path, &root);
            let bytes = std::fs::read(&path).expect("fixture readable");
            (name, bytes)
        })
        .collect()
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// xorshift64*: enough randomness for generated test inputs, the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Base64 as the volets send it: blanks ignored, `=` padding optional.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, ::base64::DecodeError> {
    use ::base64::Engine as _;
    use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &::base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    ENGINE.decode(compact)
}
