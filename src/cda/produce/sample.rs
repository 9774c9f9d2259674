//! Test documents: one filled-in form per kind (qualified test identity, RPPS, FINESS with a
//! valid Luhn key), and a version where every free-text field holds `& < > " '`.

use chrono::NaiveDate;

use super::catalog::{FACILITY_TYPE, PRACTICE_SETTING, PS_SPECIALTY};
use super::*;
use crate::domain::episode::luhn_check_digit;
use crate::domain::{BirthTraits, EpisodeKind, IdentityStatus, Ins, PatientIdentity, Sex};

pub const INS_MATRICULE: &str = "279035121518989";
pub const INS_OID: &str = "1.2.250.1.213.1.4.10";
pub const ESTABLISHMENT_OID: &str = "1.2.250.1.999.42.1";
pub const IPP_OID: &str = "1.2.250.1.999.42.2";
pub const RPPS: &str = "10001234567";

pub fn finess() -> String {
    let base = [7, 5, 0, 8, 0, 3, 4, 4];
    format!("75080344{}", luhn_check_digit(&base))
}

pub fn identity(status: IdentityStatus) -> PatientIdentity {
    PatientIdentity {
        ipp: "IPP-000123".into(),
        ins: Some(Ins::parse(INS_MATRICULE, INS_OID).expect("valid INS")),
        traits: BirthTraits {
            birth_name: "PAT-TROIS".into(),
            birth_first_names: "DOMINIQUE MARIE-LOUISE".into(),
            birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
            sex: Sex::Female,
            birthplace_insee: Some("51215".into()),
        },
        used_name: Some("MARTIN".into()),
        used_first_name: Some("DOMI".into()),
        status,
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> chrono::DateTime<chrono::FixedOffset> {
    paris_time(
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("date"),
    )
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph(text.to_owned())
}

fn section(code: SectionCode, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        code: Some(code),
        title: title.to_owned(),
        blocks,
    }
}

fn content(kind: DocumentKind) -> Vec<Section> {
    use sections as s;
    match kind {
        DocumentKind::LettreLiaisonSortie => vec![
            section(
                s::MOTIF_HOSPITALISATION,
                "Motif d'hospitalisation",
                vec![paragraph("Douleur thoracique aiguë à l'effort.")],
            ),
            section(
                s::SYNTHESE_SEJOUR,
                "Synthèse médicale du séjour",
                vec![
                    paragraph(
                        "Syndrome coronarien aigu sans sus-décalage du segment ST.\n\
                         Coronarographie : sténose de l'IVA traitée par angioplastie et stent actif.",
                    ),
                    Block::List(vec![
                        "Évolution favorable".into(),
                        "Pas de complication au point de ponction".into(),
                    ]),
                ],
            ),
            section(
                s::TRAITEMENTS_SORTIE,
                "Traitements à la sortie",
                vec![Block::Medications(vec![MedicationLine {
                    medication: "Ticagrélor 90 mg".into(),
                    posology: "1 cp matin et soir".into(),
                    duration: "12 mois".into(),
                    instructions: None,
                }])],
            ),
            section(
                s::SUITES_A_DONNER,
                "Suites à donner",
                vec![paragraph(
                    "Consultation de cardiologie dans un mois ; bilan lipidique à 6 semaines.",
                )],
            ),
        ],
        DocumentKind::CompteRenduOperatoire => vec![
            section(
                s::INDICATION_OPERATOIRE,
                "Indication",
                vec![paragraph("Cholécystite aiguë lithiasique.")],
            ),
            section(
                s::DESCRIPTION_INTERVENTION,
                "Description de l'intervention",
                vec![paragraph(
                    "Cholécystectomie par cœlioscopie, 3 trocarts. Dissection du triangle de \
                     Calot, clips sur le canal et l'artère cystiques.",
                )],
            ),
            section(
                s::COMPLICATIONS,
                "Incidents et complications",
                vec![paragraph("Aucun.")],
            ),
            section(
                s::PRELEVEMENTS,
                "Prélèvements",
                vec![Block::Table(Table {
                    header: vec!["Prélèvement".into(), "Destination".into()],
                    rows: vec![vec!["Vésicule biliaire".into(), "Anatomopathologie".into()]],
                })],
            ),
        ],
        DocumentKind::OrdonnanceSortie => vec![section(
            s::PRESCRIPTION_MEDICAMENTS,
            "Prescription de médicaments",
            vec![
                Block::Medications(vec![
                    MedicationLine {
                        medication: "Paracétamol 1 g, comprimé".into(),
                        posology: "1 cp toutes les 6 h si douleur, 4 cp/j maximum".into(),
                        duration: "5 jours".into(),
                        instructions: Some("Espacer les prises de 6 heures".into()),
                    },
                    MedicationLine {
                        medication: "Énoxaparine 4000 UI/0,4 mL".into(),
                        posology: "1 injection sous-cutanée le soir".into(),
                        duration: "10 jours".into(),
                        instructions: None,
                    },
                ]),
                paragraph("Renouvellement : non."),
            ],
        )],
        DocumentKind::CompteRenduConsultation => vec![
            section(
                s::MOTIF_CONSULTATION,
                "Motif de consultation",
                vec![paragraph("Suivi à un mois d'une angioplastie coronaire.")],
            ),
            section(
                s::EXAMEN_CLINIQUE,
                "Examen clinique",
                vec![paragraph(
                    "PA 128/76 mmHg, FC 64/min. Auscultation normale.",
                )],
            ),
            section(
                s::CONCLUSION,
                "Conclusion",
                vec![paragraph(
                    "Évolution satisfaisante. Poursuite du traitement.",
                )],
            ),
        ],
    }
}

fn organisation(name: &str) -> Organisation {
    Organisation {
        name: name.into(),
        finess: finess(),
        telecom: Some("tel:0141297500".into()),
        address: Some(Address {
            street: "20 rue Leblanc".into(),
            postal_code: "75015".into(),
            city: "PARIS".into(),
        }),
        practice_setting: Coded::new("ETABLISSEMENT", PRACTICE_SETTING, "Etablissement de santé"),
    }
}

/// A complete document of `kind`, version 1, qualified identity.
pub fn document(kind: DocumentKind) -> ProducedDocument {
    let created = at(2024, 3, 5, 14, 30);
    let hospital = !matches!(kind, DocumentKind::CompteRenduConsultation);
    ProducedDocument {
        kind,
        title: kind.default_title().to_owned(),
        ids: DocumentIds::first(
            Identifier::new(ESTABLISHMENT_OID, "DOC-2024-0001"),
            Identifier::new(ESTABLISHMENT_OID, "SET-2024-0001"),
        ),
        created,
        act: Act {
            start: at(2024, 2, 27, 9, 15),
            end: Some(created),
            code: None,
        },
        patient: identity(IdentityStatus::Qualifiee),
        ipp_root: IPP_OID.into(),
        author: Professional {
            rpps: RPPS.into(),
            given: "Anne".into(),
            family: "SOIGNÉ".into(),
            title: Some("DR".into()),
            specialty: Coded::new(
                "G15_10/SM04",
                PS_SPECIALTY,
                "Médecin - Cardiologie et maladies vasculaires (SM)",
            ),
        },
        legal_authenticator: None,
        organisation: organisation("Hôpital Européen"),
        custodian: organisation("Hôpital Européen"),
        encounter: Encounter {
            kind: if hospital {
                EpisodeKind::Hospitalisation
            } else {
                EpisodeKind::Consultation
            },
            start: at(2024, 2, 27, 9, 0),
            end: Some(created),
            unit_name: "Cardiologie".into(),
            facility_type: Coded::new("SA01", FACILITY_TYPE, "Etablissement public de santé"),
        },
        sections: content(kind),
    }
}

/// The text `& < > " '` in a form where the parser and the PDF give it back unchanged.
pub const NASTY: &str = "A&B <c> \"d\" 'e'";

/// `kind` with every free-text field holding [`NASTY`]; identity validated (no INS), since INS
/// traits cannot hold such characters.
pub fn nasty(kind: DocumentKind) -> ProducedDocument {
    let mut d = document(kind);
    let n = |prefix: &str| format!("{prefix} {NASTY}");
    d.title = n("Titre");
    d.patient.status = IdentityStatus::Validee;
    d.patient.ipp = n("IPP");
    d.patient.traits.birth_name = n("NOM");
    d.patient.traits.birth_first_names = n("PRENOM");
    d.patient.used_name = Some(n("USAGE"));
    d.patient.used_first_name = Some(n("PU"));
    d.author.given = n("Anne");
    d.author.family = n("SOIGNE");
    d.author.specialty.display = n("Spécialité");
    d.organisation.name = n("Hôpital");
    d.custodian.name = n("Dépositaire");
    d.encounter.unit_name = n("Unité");
    d.ids.id.extension = Some(n("ID"));
    d.sections = vec![Section {
        code: None,
        title: n("Section"),
        blocks: vec![
            Block::Paragraph(n("Paragraphe")),
            Block::List(vec![n("Item")]),
            Block::Table(Table {
                header: vec![n("Entête")],
                rows: vec![vec![n("Cellule")]],
            }),
            Block::Medications(vec![MedicationLine {
                medication: n("Médicament"),
                posology: n("Posologie"),
                duration: n("Durée"),
                instructions: Some(n("Consigne")),
            }]),
        ],
    }];
    d
}
