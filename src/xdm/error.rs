//! [`XdmError`], the one error of the XDM reader, worded in French for the user who dropped the
//! archive. A message never quotes a document's content or a patient's identity; an entry or
//! folder name of the archive may be quoted once [`sanitize`]d (printable, short).

use crate::xml::XmlError;

/// Why an archive was refused.
#[derive(Debug, thiserror::Error)]
pub enum XdmError {
    #[error("lecture de l'archive impossible : {0}")]
    Io(#[from] std::io::Error),
    #[error("archive de {size} octets, au-delà des {max} acceptés")]
    ArchiveTooLarge { size: u64, max: u64 },
    #[error("le fichier n'est pas une archive ZIP lisible")]
    NotZip,
    #[error("archive ZIP corrompue (entrée « {entry} »)")]
    Corrupt { entry: String },
    #[error("archive refusée : {count} entrées, au-delà des {max} acceptées")]
    TooManyEntries { count: usize, max: usize },
    #[error(
        "archive refusée : chemin dangereux « {entry} » (remontée de dossier, chemin absolu ou \
         barre oblique inverse)"
    )]
    UnsafePath { entry: String },
    #[error("archive refusée : l'entrée « {entry} » est un lien symbolique")]
    Symlink { entry: String },
    #[error("archive refusée : l'entrée « {entry} » est chiffrée")]
    Encrypted { entry: String },
    #[error("archive refusée : un même nom d'entrée y figure plusieurs fois")]
    DuplicateEntry,
    #[error("méthode de compression non prise en charge pour l'entrée « {entry} »")]
    UnsupportedCompression { entry: String },
    #[error(
        "archive refusée : plus de {max} octets une fois décompressée (bombe de décompression ?)"
    )]
    TooMuchData { max: u64 },
    #[error(
        "archive refusée : l'entrée « {entry} » se décompresse à plus de {max} fois sa taille \
         (bombe de décompression ?)"
    )]
    CompressionRatio { entry: String, max: u64 },
    #[error("ce n'est pas une archive IHE XDM : aucun dossier IHE_XDM/")]
    NoXdmFolder,
    #[error("archive IHE XDM sans METADATA.XML (attendu dans IHE_XDM/<lot>/)")]
    NoMetadata,
    #[error("METADATA.XML du lot « {subset} » refusé : {problem}")]
    Metadata {
        subset: String,
        problem: MetadataProblem,
    },
    #[error("un document du lot « {subset} » n'indique pas son fichier (URI absent)")]
    MissingUri { subset: String },
    #[error("le lot « {subset} » désigne un fichier par un chemin refusé : « {uri} »")]
    BadUri { subset: String, uri: String },
    #[error(
        "le fichier « {uri} » annoncé dans METADATA.XML du lot « {subset} » est absent de l'archive"
    )]
    MissingDocument { subset: String, uri: String },
}

impl XdmError {
    /// True only for a failure to read the file itself; a refused archive stays refused.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Io(_))
    }
}

/// What is wrong in a `METADATA.XML`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataProblem {
    #[error("{} octets une fois décompressé, au-delà des {max} acceptés", .size)]
    TooLarge { size: u64, max: u64 },
    #[error("{}", xml_reason(.0))]
    Xml(XmlError),
    #[error("ce n'est pas une soumission XDS (SubmitObjectsRequest attendu)")]
    NotSubmission,
    #[error("liste des objets (RegistryObjectList) absente")]
    NoObjectList,
    #[error("deux objets y portent le même identifiant")]
    DuplicateId,
}

/// The French reason of an XML error (the toolkit's own texts are for logs).
fn xml_reason(e: &XmlError) -> String {
    match e {
        XmlError::Doctype => {
            "déclaration DOCTYPE refusée (entités et références externes interdites)".into()
        }
        XmlError::UnknownEntity { .. } => {
            "entité XML inconnue (seules les cinq entités prédéfinies sont admises)".into()
        }
        XmlError::TooLarge { max, .. } => format!("XML de plus de {max} octets"),
        XmlError::TooDeep { max } => format!("XML imbriqué sur plus de {max} niveaux"),
        XmlError::TooManyElements { max } => format!("XML de plus de {max} éléments"),
        XmlError::BadCharRef { position } => {
            format!("référence de caractère invalide (octet {position})")
        }
        XmlError::UnboundPrefix { position } => {
            format!("préfixe d'espace de noms non déclaré (octet {position})")
        }
        XmlError::Truncated { position } => format!("XML tronqué (octet {position})"),
        XmlError::SeveralRoots { position } => {
            format!("plusieurs éléments racine (octet {position})")
        }
        XmlError::NoRoot => "aucun élément XML".into(),
        XmlError::UnsupportedEncoding => "encodage de caractères non pris en charge".into(),
        XmlError::Malformed { position, problem } => {
            format!("XML mal formé (octet {position}) : {problem}")
        }
    }
}

/// An archive name fit for a message: control and unusual characters replaced, at most
/// 48 characters.
pub(crate) fn sanitize(name: &str) -> String {
    const MAX: usize = 48;
    let mut out: String = name
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_alphanumeric() || " ._-/()+#@~,".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect();
    if name.chars().count() > MAX {
        out.push('…');
    }
    out
}
