//! Test helpers shared by the unit tests: the real CI-SIS documents of `../shared/fixtures/cda`
//! (present beside the checkout in development and CI).

/// Directory of the CDA fixtures, with a trailing slash.
pub const CDA_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/cda/");

/// The bytes of one CDA fixture.
pub fn cda_fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CDA_FIXTURES}{name}")).unwrap_or_else(|e| {
        panic!("fixture {name} unreadable ({e}); ../shared must be beside the checkout")
    })
}
