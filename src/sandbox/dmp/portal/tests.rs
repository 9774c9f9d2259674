//! The sandbox portal's tokens: a token opens its page once, expires, is bounded in number;
//! the browser side's refusals and headers.

use super::*;

fn portal(ttl: Duration) -> SandboxPortal {
    let pki = crate::sandbox::dmp::pki::generate(
        &crate::sandbox::dmp::structure_id(),
        crate::sandbox::dmp::seed::demo_physician(),
    )
    .expect("pki");
    SandboxPortal::new(&pki, ttl).expect("portal")
}

fn grant() -> Grant {
    Grant {
        matricule: "279035121518989".into(),
        ins_oid: "1.2.250.1.213.1.4.10".into(),
        professional: "810101234567".into(),
        purpose: PurposeOfUse::Normal,
        page: PortalPage::VaccinationNote,
    }
}

fn get(p: &SandboxPortal, uri: &str) -> Response<Full<Bytes>> {
    page(&p.shared, &hyper::Method::GET, &uri.parse().expect("uri"))
}

#[test]
fn a_token_opens_its_page_once() {
    let p = portal(TOKEN_TTL);
    let token = p.issue(grant());
    assert_eq!(token.len(), 43);
    assert_ne!(token, p.issue(grant()), "random tokens");
    assert_eq!(p.outstanding(), 2);
    let ok = get(&p, &format!("/portail?ctx={token}"));
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()["referrer-policy"], "no-referrer");
    assert_eq!(ok.headers()["cache-control"], "no-store");
    let again = get(&p, &format!("/portail?ctx={token}"));
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert_eq!(p.redeem(&token), Err(Refused::Unknown));
    assert_eq!(p.outstanding(), 1);
    for uri in ["/portail", "/portail?ctx=x", "/portail?ins=279035121518989"] {
        assert_eq!(get(&p, uri).status(), StatusCode::FORBIDDEN, "{uri}");
    }
    assert_eq!(get(&p, "/ailleurs").status(), StatusCode::NOT_FOUND);
}

#[test]
fn an_expired_token_is_refused_and_forgotten() {
    let p = portal(Duration::ZERO);
    let token = p.issue(grant());
    assert_eq!(p.outstanding(), 0);
    assert_eq!(p.redeem(&token), Err(Refused::Expired));
    assert_eq!(p.redeem(&token), Err(Refused::Unknown));
    let fresh = portal(TOKEN_TTL);
    let token = fresh.issue(grant());
    assert_eq!(fresh.redeem(&token), Ok(grant()));
}

#[test]
fn outstanding_tokens_are_bounded() {
    let p = portal(TOKEN_TTL);
    let first = p.issue(grant());
    for _ in 0..MAX_PENDING {
        p.issue(grant());
    }
    assert_eq!(p.outstanding(), MAX_PENDING);
    assert_eq!(
        p.redeem(&first),
        Err(Refused::Unknown),
        "the oldest went first"
    );
}
