//! The segments of the PFI message, each from checked values (see `rules`): MSH, EVN, PID
//! (PAM-FR and the CI-SIS INS annex), PV1, TXA, the document's OBX, the PRT of the sender and
//! of each MSSanté recipient, and the metadata OBX in the volet's order.

use base64::Engine as _;
use chrono::NaiveDateTime;

use crate::domain::{InsOid, PatientIdentity, ProfessionalInfo};
use crate::hl7::writer::{FieldValue, SegmentValue};

use super::rules::{Checked, recipient_ins_oid};
use super::{
    MssRecipient, OID_PS, OID_STRUCTURES, PROFILE, PfiDocument, PfiEvent, PfiFlags, PfiSettings,
    PfiVisit, RecipientKind,
};

fn ts(at: NaiveDateTime) -> String {
    at.format("%Y%m%d%H%M%S").to_string()
}

/// One repetition whose components are placed at their 1-based positions, each given as its
/// subcomponents.
fn at(list: &[(usize, &[&str])]) -> Vec<Vec<String>> {
    let mut rep: Vec<Vec<String>> = Vec::new();
    for (n, subs) in list {
        if rep.len() < *n {
            rep.resize_with(*n, Vec::new);
        }
        if let Some(slot) = n.checked_sub(1).and_then(|i| rep.get_mut(i)) {
            *slot = subs.iter().map(|s| (*s).to_owned()).collect();
        }
    }
    rep
}

fn one(list: &[(usize, &[&str])]) -> FieldValue {
    FieldValue::from_parts(vec![at(list)])
}

pub(super) fn msh(
    event: PfiEvent,
    s: &PfiSettings,
    msh10: &str,
    stamp: &str,
    oru: bool,
) -> SegmentValue {
    let (kind, version) = if oru {
        (FieldValue::components(["ORU", "R01", "ORU_R01"]), "2.5")
    } else {
        let kind = FieldValue::components(["MDM", event.trigger(), "MDM_T02"]);
        (kind, "2.6")
    };
    SegmentValue::new("MSH")
        .with(3, FieldValue::text(&s.sending_application))
        .with(4, FieldValue::text(&s.sending_facility))
        .with(5, FieldValue::text(&s.receiving_application))
        .with(6, FieldValue::text(&s.receiving_facility))
        .with(7, FieldValue::text(stamp))
        .with(9, kind)
        .with(10, FieldValue::text(msh10))
        .with(11, FieldValue::text("P"))
        .with(12, FieldValue::text(version))
        .with(17, FieldValue::text("FRA"))
        .with(18, FieldValue::text("UNICODE UTF-8"))
        .with(21, FieldValue::components(PROFILE))
}

pub(super) fn evn(stamp: &str) -> SegmentValue {
    SegmentValue::new("EVN")
        .with(2, FieldValue::text(stamp))
        .with(6, FieldValue::text(stamp))
}

/// The namespace the CI-SIS INS annex gives each INS register.
pub(super) fn ins_namespace(oid: InsOid) -> &'static str {
    match oid {
        InsOid::Nia => "ASIP-SANTE-INS-NIA",
        InsOid::Nir | InsOid::TestNir | InsOid::DemoNir => "ASIP-SANTE-INS-NIR",
    }
}

pub(super) fn pid(doc: &PfiDocument<'_>, s: &PfiSettings, with_ins: bool) -> SegmentValue {
    let p = doc.patient;
    let mut ids = Vec::new();
    if let Some(ipp) = doc.ipp.map(str::trim).filter(|i| !i.is_empty()) {
        let hd: &[&str] = &[&s.sending_facility, doc.ipp_authority_oid, "ISO"];
        ids.push(at(&[(1, &[ipp]), (4, hd), (5, &["PI"])]));
    }
    if let Some(ins) = p.ins.as_ref().filter(|_| with_ins) {
        let hd: &[&str] = &[ins_namespace(ins.oid), ins.oid.as_str(), "ISO"];
        ids.push(at(&[
            (1, &[ins.matricule.as_str()]),
            (4, hd),
            (5, &["INS"]),
        ]));
    }
    let t = &p.traits;
    let mut names = vec![at(&[
        (1, &[&t.birth_name]),
        (2, &[t.first_first_name()]),
        (3, &[&t.birth_first_names]),
        (7, &["L"]),
    ])];
    if p.used_name.is_some() || p.used_first_name.is_some() {
        let family = p.used_name.as_deref().unwrap_or(&t.birth_name);
        let given = p.used_first_name.as_deref();
        let given = given.unwrap_or(t.first_first_name());
        names.push(at(&[(1, &[family]), (2, &[given]), (7, &["D"])]));
    }
    let mut pid = SegmentValue::new("PID")
        .with(3, FieldValue::from_parts(ids))
        .with(5, FieldValue::from_parts(names))
        .with(
            7,
            FieldValue::text(t.birth_date.format("%Y%m%d").to_string()),
        )
        .with(8, FieldValue::text(t.sex.code()))
        .with(32, FieldValue::text(p.status.code()));
    if let Some(insee) = t.birthplace_insee.as_deref() {
        pid.set(11, one(&[(7, &["BDL"]), (9, &[insee])]));
    }
    if let Some(nda) = doc.visit.as_ref().and_then(|v| v.nda.as_deref()) {
        let hd: &[&str] = &[&s.sending_facility, &s.finess_geographique, "M"];
        pid.set(18, one(&[(1, &[nda]), (4, hd), (5, &["AN"])]));
    }
    pid
}

pub(super) fn pv1(visit: Option<&PfiVisit>, s: &PfiSettings) -> SegmentValue {
    let mut pv1 = SegmentValue::new("PV1").with(1, FieldValue::text("1"));
    let Some(v) = visit else {
        return pv1.with(2, FieldValue::text("N"));
    };
    let class = v.patient_class.trim();
    pv1.set(
        2,
        FieldValue::text(if class.is_empty() { "N" } else { class }),
    );
    if let Some(number) = v.visit_number.as_deref().filter(|n| !n.trim().is_empty()) {
        let hd: &[&str] = &[&s.sending_facility, &s.finess_geographique, "M"];
        pv1.set(19, one(&[(1, &[number.trim()]), (4, hd), (5, &["VN"])]));
    }
    if let Some(admitted) = v.admitted {
        pv1.set(44, FieldValue::text(ts(admitted)));
    }
    if let Some(discharged) = v.discharged {
        pv1.set(45, FieldValue::text(ts(discharged)));
    }
    pv1
}

pub(super) fn txa(doc: &PfiDocument<'_>, checked: &Checked) -> SegmentValue {
    let mut txa = SegmentValue::new("TXA")
        .with(1, FieldValue::text("1"))
        .with(2, FieldValue::text(&checked.type_value))
        .with(3, FieldValue::text("TEXT"))
        .with(12, checked.document_id.clone())
        .with(17, FieldValue::text("AU"));
    if let Some(effective) = doc.parsed.header().effective_time {
        txa.set(4, FieldValue::text(ts(effective)));
    }
    if let Some(replaced) = &checked.replaced_id {
        txa.set(13, replaced.clone());
    }
    txa
}

/// OBX 1: the CDA, base64 in OBX-5.5 (`text` for an MDM, `TEXT` for an ORU).
pub(super) fn document(doc: &PfiDocument<'_>, type_code: FieldValue, oru: bool) -> SegmentValue {
    let data = base64::engine::general_purpose::STANDARD.encode(doc.cda);
    let kind = if oru { "TEXT" } else { "text" };
    let value = vec![
        Vec::new(),
        vec![kind.to_owned()],
        vec!["XML".to_owned()],
        vec!["Base64".to_owned()],
        vec![data],
    ];
    SegmentValue::new("OBX")
        .with(1, FieldValue::text("1"))
        .with(2, FieldValue::text("ED"))
        .with(3, type_code)
        .with(5, FieldValue::from_parts(vec![value]))
        .with(11, FieldValue::text(doc.event.result_status()))
}

/// An XCN as the volet's PRT-5: id, names, assigning authority (namespace, OID, `ISO`), name
/// type, id type.
fn xcn(id: &str, names: [&str; 2], aa: [&str; 2], name_type: &str, kind: &str) -> FieldValue {
    let aa: &[&str] = &[aa[0], aa[1], "ISO"];
    one(&[
        (1, &[id]),
        (2, &[names[0]]),
        (3, &[names[1]]),
        (9, aa),
        (10, &[name_type]),
        (13, &[kind]),
    ])
}

/// PRT `SB`: the professional at the origin of the request and the FINESS géographique.
pub(super) fn sender(author: &ProfessionalInfo, s: &PfiSettings) -> SegmentValue {
    let names = [author.family_name.as_str(), author.given_name.as_str()];
    let ps = ["ASIP-SANTE-PS", OID_PS];
    let person = xcn(&author.national_id, names, ps, "D", "IDNPS");
    let aa: &[&str] = &["ASIP-SANTE-ST", OID_STRUCTURES, "ISO"];
    let organisation = one(&[
        (1, &[&s.structure_name]),
        (6, aa),
        (7, &["FINEG"]),
        (10, &[&s.finess_geographique]),
    ]);
    SegmentValue::new("PRT")
        .with(2, FieldValue::text("UC"))
        .with(
            4,
            FieldValue::components(["SB", "Send by", "participation"]),
        )
        .with(5, person)
        .with(8, organisation)
}

/// PRT `RCT`: one MSSanté recipient, its address in PRT-15.
pub(super) fn recipient(r: &MssRecipient, patient: &PatientIdentity) -> SegmentValue {
    let names = [r.family_name.as_str(), r.given_name.as_str()];
    let person = match r.kind {
        RecipientKind::Organisation => return organisation_recipient(r),
        RecipientKind::Professional => xcn(&r.id, names, ["ASIP-SANTE-PS", OID_PS], "D", "IDNPS"),
        RecipientKind::Patient => {
            let oid = recipient_ins_oid(&r.id, patient);
            let aa = [ins_namespace(oid), oid.as_str()];
            xcn(&r.id, names, aa, "L", "INS")
        }
    };
    let role = FieldValue::components(["RCT", "Result Copies To", "participation"]);
    let address = FieldValue::components(["", "NET", "X.400", r.address.trim()]);
    SegmentValue::new("PRT")
        .with(2, FieldValue::text("UC"))
        .with(4, role)
        .with(5, person)
        .with(15, address)
}

/// PRT `RCT` of an organisation's mailbox: its name and structure id in PRT-8.
fn organisation_recipient(r: &MssRecipient) -> SegmentValue {
    let aa: &[&str] = &["ASIP-SANTE-ST", OID_STRUCTURES, "ISO"];
    let name = r.family_name.trim();
    let organisation = if r.id.trim().is_empty() {
        one(&[(1, &[name])])
    } else {
        one(&[(1, &[name]), (6, aa), (7, &["IDNST"]), (10, &[r.id.trim()])])
    };
    SegmentValue::new("PRT")
        .with(2, FieldValue::text("UC"))
        .with(
            4,
            FieldValue::components(["RCT", "Result Copies To", "participation"]),
        )
        .with(8, organisation)
        .with(
            15,
            FieldValue::components(["", "NET", "X.400", r.address.trim()]),
        )
}

/// `CORPSMAIL_PS` / `CORPSMAIL_PATIENT` (ED, base64 UTF-8) after the flags, for each MSSanté
/// destination chosen; OBX-1 goes on after the metadata's.
pub(super) fn mail_bodies(out: &mut Vec<SegmentValue>, f: &PfiFlags, body: &str) {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(body.as_bytes());
    let mut n = METADATA.len() + 2;
    for (wanted, code, label) in [
        (f.to_mss_ps, "CORPSMAIL_PS", "Corps du mail pour un PS"),
        (
            f.to_mss_patient,
            "CORPSMAIL_PATIENT",
            "Corps du mail pour le patient",
        ),
    ] {
        if !wanted {
            continue;
        }
        out.push(
            SegmentValue::new("OBX")
                .with(1, FieldValue::text(n.to_string()))
                .with(2, FieldValue::text("ED"))
                .with(3, FieldValue::components([code, label, "MetaDMPMSS"]))
                .with(
                    5,
                    FieldValue::components(["", "text", "", "Base64", encoded.as_str()]),
                )
                .with(11, FieldValue::text("F")),
        );
        n += 1;
    }
}

/// Code and label of each metadata OBX, in the volet's order.
pub const METADATA: [(&str, &str); 10] = [
    ("MASQUE_PS", "Masqué aux professionnels de Santé"),
    ("INVISIBLE_PATIENT", "Document Non Visible par le patient"),
    (
        "INVISIBLE_REP_LEGAUX",
        "Non visible par les représentants Légaux du patient",
    ),
    ("CONNEXION_SECRETE", "Connexion Secrete"),
    ("MODIF_CONF_CODE", "Modification Confidentiality Code"),
    ("DESTDMP", "Destinataire DMP"),
    (
        "DESTMSSANTEPS",
        "Destinataire (Professionnel de Santé, organisation ou BAL applicative)",
    ),
    ("DESTMSSANTEPAT", "Destinataire Patient"),
    ("ACK_RECEPTION", "Accusé de réception"),
    ("ACK_LECTURE_MSS", "Accusé de lecture"),
];

/// The metadata OBX (OBX-1 goes on from the document's OBX), and `NTE|1|||FIN` after
/// DESTMSSANTEPAT when the patient may not reply.
pub(super) fn metadata(out: &mut Vec<SegmentValue>, f: &PfiFlags, value_type: &str) {
    let values = [
        f.masked_ps,
        f.invisible_patient,
        f.invisible_legal_reps,
        f.secret_connection,
        false,
        f.to_dmp,
        f.to_mss_ps,
        f.to_mss_patient,
        f.ack_reception,
        f.ack_read,
    ];
    for (i, ((code, label), on)) in METADATA.into_iter().zip(values).enumerate() {
        let yes_no = if on { "Y" } else { "N" };
        out.push(
            SegmentValue::new("OBX")
                .with(1, FieldValue::text((i + 2).to_string()))
                .with(2, FieldValue::text(value_type))
                .with(3, FieldValue::components([code, label, "MetaDMPMSS"]))
                .with(
                    5,
                    FieldValue::components([yes_no, "", "expandedYes-NoIndicator"]),
                )
                .with(11, FieldValue::text("F")),
        );
        if code == "DESTMSSANTEPAT" && f.to_mss_patient && f.patient_may_not_reply {
            out.push(
                SegmentValue::new("NTE")
                    .with(1, FieldValue::text("1"))
                    .with(4, FieldValue::text("FIN")),
            );
        }
    }
}
