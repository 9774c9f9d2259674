//! The comparison table: case, accents and separators told apart from real differences; the
//! traits INSi completes; only an identity without a real difference may be accepted.

use super::*;
use crate::domain::ins::OID_INS_NIR_TEST;

fn traits(name: &str, first: &str, sex: Sex, place: Option<&str>) -> BirthTraits {
    BirthTraits {
        birth_name: name.into(),
        birth_first_names: first.into(),
        birth_date: NaiveDate::from_ymd_opt(1975, 12, 31).expect("date"),
        sex,
        birthplace_insee: place.map(str::to_owned),
    }
}

fn written(case: bool, accents: bool, separators: bool) -> Agreement {
    Agreement::Written {
        case,
        accents,
        separators,
    }
}

#[test]
fn issue17_case_accents_and_separators_are_shown_as_such() {
    assert_eq!(compare_text("ADRUN", "ADRUN"), Agreement::Same);
    assert_eq!(compare_text("Adrun", "ADRUN"), written(true, false, false));
    assert_eq!(
        compare_text("HÉLÈNE", "HELENE"),
        written(false, true, false)
    );
    assert_eq!(compare_text("hélène", "HELENE"), written(true, true, false));
    assert_eq!(
        compare_text("JEAN PIERRE", "JEAN-PIERRE"),
        written(false, false, true)
    );
    assert_eq!(
        compare_text("D'AUBIGNE", "DAUBIGNE"),
        written(false, false, true)
    );
    // Composed and decomposed accents are the same letter.
    assert_eq!(compare_text("ZO\u{c9}", "ZOE\u{301}"), Agreement::Same);
    assert_eq!(compare_text("MARTIN", "MARTINE"), Agreement::Different);
    assert_eq!(compare_text("DUPONT", "DUPOND"), Agreement::Different);
}

#[test]
fn issue17_the_table_compares_the_five_strict_traits() {
    let local = traits("Adrun", "Zoé", Sex::Female, None);
    let returned = traits("ADRUN", "ZOE MARIE", Sex::Female, Some("63220"));
    let rows = compare(&local, &returned);
    let agreement = |f: TraitField| {
        rows.iter()
            .find(|r| r.field == f)
            .map(|r| r.agreement)
            .expect("row")
    };
    assert_eq!(rows.len(), 5);
    assert_eq!(
        agreement(TraitField::BirthName),
        written(true, false, false)
    );
    assert_eq!(agreement(TraitField::FirstNames), Agreement::Completed);
    assert_eq!(agreement(TraitField::Sex), Agreement::Same);
    assert_eq!(agreement(TraitField::BirthDate), Agreement::Same);
    assert_eq!(agreement(TraitField::Birthplace), Agreement::Completed);
    let c = InsComparison::new(
        ReturnedIdentity {
            ins: Ins::parse("275126322000146", OID_INS_NIR_TEST).expect("ins"),
            earlier_ins: 0,
            traits: returned,
        },
        local,
        1,
    );
    assert!(c.acceptable());
    assert_eq!(
        c.detail(),
        "birth-name:case,first-names:completed,birthplace:completed"
    );
    // Nothing of the identity in its debug form.
    let shown = format!("{c:?}");
    assert!(!shown.contains("ADRUN") && !shown.contains("275126322000146"));
}

#[test]
fn issue17_a_real_difference_forbids_accepting() {
    let local = traits("ADRUN", "ZOE", Sex::Female, Some("63220"));
    for returned in [
        traits("ADRUN", "ZOE", Sex::Male, Some("63220")),
        traits("ADRIEN", "ZOE", Sex::Female, Some("63220")),
        traits("ADRUN", "CHLOE", Sex::Female, Some("63220")),
        traits("ADRUN", "ZOE", Sex::Female, Some("75114")),
        BirthTraits {
            birth_date: NaiveDate::from_ymd_opt(1975, 12, 30).expect("date"),
            ..local.clone()
        },
    ] {
        let rows = compare(&local, &returned);
        assert_eq!(
            rows.iter()
                .filter(|r| r.agreement == Agreement::Different)
                .count(),
            1,
            "{rows:?}"
        );
    }
    // INSi without a birthplace keeps the folder's; an unknown sex is completed.
    let rows = compare(
        &traits("ADRUN", "ZOE", Sex::Unknown, Some("63220")),
        &traits("ADRUN", "ZOE", Sex::Female, None),
    );
    assert!(rows.iter().all(|r| r.agreement != Agreement::Different));
    // A first names list in another order is a difference.
    assert_eq!(
        compare_first_names("MARIE ZOE", "ZOE MARIE"),
        Agreement::Different
    );
}
