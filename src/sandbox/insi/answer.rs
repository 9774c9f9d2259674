//! What the sandbox INSi writes back, in the real formats: the `RESULTAT` answer (HTTP 200,
//! as in the agency's example answer) and the SOAP 1.2 fault of a `desir_NNN` / `insi_NNN`
//! code (HTTP 500, `soap:Subcode` `siram_NNN`, `siram:Erreur` detail).

use chrono::Datelike;

use super::identities::Person;
use crate::domain::Ins;
use crate::insi::{NS_RECSANS, NS_RECVIT, NS_RESULTAT, NS_SIRAM};
use crate::xml::XmlWriter;

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// The fault of a detail code: its subcode, SOAP code and reason, as the service words them
/// (the sandbox's own choice where the real wording is not public).
pub fn fault_of(code: &str) -> (&'static str, &'static str, &'static str) {
    match code {
        "desir_550" => (
            "siram_100",
            "Sender",
            "Numéro d'autorisation du logiciel inconnu",
        ),
        "desir_560" => ("siram_100", "Sender", "Niveau d'accès insuffisant"),
        "desir_500" => (
            "siram_10",
            "Sender",
            "Message non conforme au schéma du service",
        ),
        "insi_102" => (
            "siram_40",
            "Receiver",
            "Le service est temporairement inaccessible, veuillez réessayer ultérieurement",
        ),
        _ => ("siram_100", "Sender", "Erreur du service (injectée)"),
    }
}

/// The SOAP 1.2 fault of `code` (`desir_550`…).
pub fn fault(code: &str) -> String {
    let (subcode, soap_code, reason) = fault_of(code);
    let mut w = XmlWriter::new();
    w.declaration()
        .open("soap:Envelope", &[("xmlns:soap", SOAP12)])
        .open("soap:Body", &[])
        .open("soap:Fault", &[])
        .open("soap:Code", &[])
        .leaf("soap:Value", &[], &format!("soap:{soap_code}"))
        .open("soap:Subcode", &[])
        .leaf(
            "soap:Value",
            &[("xmlns:siram", NS_SIRAM)],
            &format!("siram:{subcode}"),
        )
        .close()
        .close()
        .open("soap:Reason", &[])
        .leaf("soap:Text", &[("xml:lang", "fr")], reason)
        .close()
        .open("soap:Detail", &[])
        .leaf(
            "siram:Erreur",
            &[
                ("xmlns:siram", NS_SIRAM),
                ("severite", "fatal"),
                ("code", code),
            ],
            reason,
        )
        .close();
    w.finish()
}

fn write_ins(w: &mut XmlWriter<'_>, element: &'static str, ins: &Ins) {
    let m = ins.matricule.as_str();
    w.open(element, &[])
        .open("ns2:IdIndividu", &[])
        .leaf("ns2:NumIdentifiant", &[], &m[..13])
        .leaf("ns2:Cle", &[], &m[13..])
        .close()
        .leaf("ns2:OID", &[], ins.oid.as_str())
        .close();
}

/// The `RESULTAT` of a search: `00` with the person, `01` (none), `02` (several).
pub fn resultat(found: &[&Person]) -> String {
    let (code, label) = match found.len() {
        0 => ("01", "Aucune identite trouvee"),
        1 => ("00", "OK"),
        _ => ("02", "Plusieurs identites trouvees"),
    };
    let mut w = XmlWriter::new();
    w.declaration()
        .open("soap:Envelope", &[("xmlns:soap", SOAP12)])
        .open("soap:Body", &[])
        .open(
            "ns2:RESULTAT",
            &[
                ("xmlns:ns3", NS_RECVIT),
                ("xmlns:ns2", NS_RESULTAT),
                ("xmlns", NS_RECSANS),
            ],
        )
        .open("ns2:CR", &[])
        .leaf("ns2:CodeCR", &[], code)
        .leaf("ns2:LibelleCR", &[], label)
        .close();
    if let [p] = found {
        let d = p.birth_date;
        w.open("ns2:INDIVIDU", &[]);
        write_ins(&mut w, "ns2:INSACTIF", &p.ins);
        for h in &p.history {
            write_ins(&mut w, "ns2:INSHISTO", h);
        }
        w.open("ns2:TIQ", &[])
            .leaf("ns2:NomNaissance", &[], &p.birth_name)
            .leaf(
                "ns2:Prenom",
                &[],
                p.first_names.first().map_or("", String::as_str),
            )
            .leaf("ns2:ListePrenom", &[], &p.first_names.join(" "))
            .leaf("ns2:Sexe", &[], p.sex.code())
            .leaf(
                "ns2:DateNaissance",
                &[],
                &format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            );
        if let Some(cog) = &p.birthplace_cog {
            w.leaf("ns2:LieuNaissance", &[], cog);
        }
        w.close().close();
    }
    w.finish()
}
