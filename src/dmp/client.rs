//! The DMP client: one typed async function per transaction (TD0.2, TD0.3, TD0.4, TD3.1, TD3.2,
//! TD3.3a–d, TD2.1/2.2). Each builds its body (`hl7v3`, `xds`), signs a VIHF for the caller
//! (`vihf`), wraps both in a SOAP envelope (`soap`, `mtom`), posts it (`transport`, retries for
//! the idempotent ones only) and turns the answer into a typed result or a `DmpError`.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};

use super::error::DmpError;
use super::hl7v3::{
    self, AuthorizationAction, DmpStatus, MessageIds, PatientList, PatientListDate,
};
use super::mtom;
use super::signer::Signer;
use super::soap::{self, Answer, Headers};
use super::transport::{Body, Reply, Transport};
use super::vihf::{self, AuthMode, Coded, Lps, PurposeOfUse, VihfRequest};
use super::xds::{
    self, AvailabilityStatus, DmpDocumentEntry, DocumentContent, DocumentRequest, FeedDocument,
    FeedRequest, FindDocumentsQuery, GetDocumentsQuery, IdGen, SubmissionContext,
};
use crate::domain::{Ins, ProfessionalInfo, Visibility};
use crate::xml::Limits;

/// The DMP's services, as URL suffixes of the base address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Patients,
    Habilitations,
    PatientsSpecific,
    Registry,
    Repository,
}

impl Service {
    pub fn path(self) -> &'static str {
        match self {
            Self::Patients => "patients",
            Self::Habilitations => "habilitations",
            Self::PatientsSpecific => "patientsSpecific",
            Self::Registry => "registry",
            Self::Repository => "repository",
        }
    }
}

/// SOAP actions of the XDS transactions.
pub mod actions {
    pub const ITI18: &str = "urn:ihe:iti:2007:RegistryStoredQuery";
    pub const ITI43: &str = "urn:ihe:iti:2007:RetrieveDocumentSet";
    pub const ITI57: &str = "urn:ihe:iti:2010:UpdateDocumentSet";
    pub const ITI41: &str = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
}

/// Who this installation is for the DMP.
#[derive(Debug, Clone)]
pub struct DmpSettings {
    /// `https://…/si-dmp-server/v2/services` (no trailing slash).
    pub base_url: String,
    pub lps: Lps,
    /// OID of this software installation (HL7v3 sender device, XDS sourceId).
    pub software_oid: String,
    /// Identifiant_Structure (`1` + FINESS…).
    pub structure_id: String,
    pub structure_name: String,
    /// Secteur_Activite, e.g. `SA01`.
    pub secteur_activite: String,
    /// Authentication mode of the VIHF (indirect with the establishment's certificates, or
    /// direct with the card).
    pub mode: AuthMode,
}

/// The professional on whose behalf a transaction runs.
#[derive(Debug, Clone)]
pub struct Caller {
    pub professional: ProfessionalInfo,
    pub purpose: PurposeOfUse,
}

impl Caller {
    pub fn normal(professional: ProfessionalInfo) -> Self {
        Self {
            professional,
            purpose: PurposeOfUse::Normal,
        }
    }
}

/// The professional's roles for the VIHF: profession (G15 code before `/`) and savoir-faire.
fn roles(p: &ProfessionalInfo) -> Vec<Coded> {
    let code = p.specialty_code.trim_start_matches("G15_");
    let (profession, skill) = code.split_once('/').unwrap_or((code, ""));
    let mut roles = vec![Coded::profession(profession, "")];
    if !skill.is_empty() {
        roles.push(Coded::savoir_faire(skill, &p.specialty_label));
    }
    roles
}

/// The VIHF `DmpClient` puts in its envelopes for `caller`, about `patient` (`resource-id`) if
/// given, signed by `signer`: the assertion without its XML declaration.
pub(crate) fn signed_vihf(
    settings: &DmpSettings,
    signer: &dyn Signer,
    caller: &Caller,
    patient: Option<&Ins>,
) -> Result<String, DmpError> {
    let p = &caller.professional;
    let mut request = VihfRequest::new(
        settings.mode,
        &p.national_id,
        &settings.structure_id,
        &settings.secteur_activite,
        settings.lps.clone(),
    );
    request.subject_id = Some(format!("{} {}", p.given_name, p.family_name));
    request.roles = roles(p);
    request.resource = patient.cloned();
    request.purpose = caller.purpose;
    let signed = vihf::build_signed(&request, signer)?;
    Ok(match signed.find("?>") {
        Some(i) if signed.starts_with("<?xml") => signed[i + 2..].trim_start().to_owned(),
        _ => signed,
    })
}

impl From<vihf::VihfError> for DmpError {
    fn from(e: vihf::VihfError) -> Self {
        match e {
            vihf::VihfError::Signature(super::xmldsig::XmlDsigError::Sign(e)) => {
                DmpError::Signing(e)
            }
            _ => DmpError::request("a valid VIHF (configuration)"),
        }
    }
}

/// An answer as it came back: the HTTP reply and, for MTOM, its parts.
struct Received {
    reply: Reply,
    /// The MTOM parts (the SOAP envelope is the root part), when the answer is multipart.
    parts: Option<mtom::Multipart>,
}

impl Received {
    /// The SOAP envelope's bytes.
    fn envelope(&self) -> &[u8] {
        self.parts
            .as_ref()
            .map_or(&self.reply.body, |p| &p.root.body)
    }

    /// Parses the envelope once (within `limits`) and hands its payload to `read`; a Fault,
    /// an HTTP error or an answer that is not SOAP becomes the matching [`DmpError`].
    fn read<T>(
        &self,
        limits: &Limits,
        read: impl FnOnce(Answer<'_>) -> Result<T, DmpError>,
    ) -> Result<T, DmpError> {
        let not_soap = || {
            DmpError::from_http_status(self.reply.status)
                .unwrap_or(DmpError::malformed("a SOAP answer"))
        };
        let text = soap::decode_text(self.envelope());
        let Ok(doc) = soap::parse(&text, limits) else {
            return Err(not_soap());
        };
        let Ok(answer) = soap::read_answer(&doc) else {
            return Err(not_soap());
        };
        if answer.is_fault() {
            return Err(hl7v3::fault_error(&answer.payload));
        }
        if let Some(e) = DmpError::from_http_status(self.reply.status) {
            return Err(e);
        }
        read(answer)
    }
}

/// The client.
#[derive(Clone)]
pub struct DmpClient {
    transport: Transport,
    settings: Arc<DmpSettings>,
    signer: Arc<dyn Signer>,
}

impl DmpClient {
    pub fn new(transport: Transport, settings: DmpSettings, signer: Arc<dyn Signer>) -> Self {
        Self {
            transport,
            settings: Arc::new(settings),
            signer,
        }
    }

    pub fn settings(&self) -> &DmpSettings {
        &self.settings
    }

    fn url(&self, service: Service) -> String {
        format!(
            "{}/{}",
            self.settings.base_url.trim_end_matches('/'),
            service.path()
        )
    }

    fn envelope(&self, service: Service, action: &str, vihf: &str, body: &str) -> String {
        let url = self.url(service);
        soap::envelope(
            &Headers {
                action,
                to: &url,
                message_id: soap::new_message_id(),
                vihf: Some(vihf),
            },
            body,
        )
    }

    /// Posts and returns the answer as received (read it with [`Received::read`]).
    async fn exchange(
        &self,
        service: Service,
        action: &str,
        body: Body,
        idempotent: bool,
    ) -> Result<Received, DmpError> {
        let reply = self
            .transport
            .post(&self.url(service), action, &body, idempotent)
            .await?;
        let parts = if reply
            .content_type
            .to_ascii_lowercase()
            .contains("multipart")
        {
            Some(mtom::read(&reply.content_type, &reply.body)?)
        } else {
            None
        };
        Ok(Received { reply, parts })
    }

    /// One plain SOAP exchange: signs a VIHF for `caller` (about `patient`), wraps `body` and
    /// posts it to `service`.
    async fn soap_call(
        &self,
        caller: &Caller,
        patient: Option<&Ins>,
        service: Service,
        action: &str,
        body: &str,
        idempotent: bool,
    ) -> Result<Received, DmpError> {
        let vihf = signed_vihf(&self.settings, self.signer.as_ref(), caller, patient)?;
        let envelope = self.envelope(service, action, &vihf, body);
        self.exchange(service, action, Body::Soap { xml: envelope }, idempotent)
            .await
    }

    /// TD0.2: does the patient have a DMP, and may this professional read it?
    pub async fn exists(&self, caller: &Caller, ins: &Ins) -> Result<DmpStatus, DmpError> {
        let sender = hl7v3::Sender::new(&self.settings.software_oid, &self.settings.lps.name);
        let body = hl7v3::build_existence_test(ins, &sender, &MessageIds::generate());
        self.soap_call(
            caller,
            Some(ins),
            Service::Patients,
            hl7v3::actions::GET_DEMOGRAPHICS,
            &body,
            true,
        )
        .await?
        .read(&Limits::HL7V3, |a| hl7v3::read_existence_test(a.payload))
    }

    /// TD0.3: adds or removes this professional's authorization on the patient's DMP.
    pub async fn set_authorization(
        &self,
        caller: &Caller,
        ins: &Ins,
        action: AuthorizationAction,
    ) -> Result<(), DmpError> {
        let body = hl7v3::build_set_authorization(action, false);
        self.soap_call(
            caller,
            Some(ins),
            Service::Habilitations,
            hl7v3::actions::SET_AUTHORIZATION,
            &body,
            false,
        )
        .await?
        .read(&Limits::HL7V3, |a| hl7v3::read_set_authorization(a.payload))?
        .check()
    }

    /// TD0.4: the DMPs this professional is authorized on, since a date.
    pub async fn authorized_patients(
        &self,
        caller: &Caller,
        since: &NaiveDateTime,
        kind: PatientListDate,
    ) -> Result<PatientList, DmpError> {
        let body = hl7v3::build_patient_list(since, kind);
        self.soap_call(
            caller,
            None,
            Service::PatientsSpecific,
            hl7v3::actions::PATIENT_LIST,
            &body,
            true,
        )
        .await?
        .read(&Limits::HL7V3, |a| hl7v3::read_patient_list(a.payload))
    }

    /// TD3.1: the patient's documents matching the query.
    pub async fn find_documents(
        &self,
        caller: &Caller,
        ins: &Ins,
        query: &FindDocumentsQuery,
    ) -> Result<Vec<DmpDocumentEntry>, DmpError> {
        let response = self
            .soap_call(
                caller,
                Some(ins),
                Service::Registry,
                actions::ITI18,
                &query.to_xml(),
                true,
            )
            .await?
            .read(&Limits::XDS, |a| xds::read_query_response(a.payload))?
            .into_result()?;
        Ok(response.entries)
    }

    /// TD3.1b: entries known by uniqueId or entryUUID (with `ReturnType::ObjectRef`, only
    /// their entryUUIDs come back, in `object_refs`).
    pub async fn get_documents(
        &self,
        caller: &Caller,
        ins: &Ins,
        query: &GetDocumentsQuery,
    ) -> Result<xds::QueryResponse, DmpError> {
        self.soap_call(
            caller,
            Some(ins),
            Service::Registry,
            actions::ITI18,
            &query.to_xml()?,
            true,
        )
        .await?
        .read(&Limits::XDS, |a| xds::read_query_response(a.payload))?
        .into_result()
    }

    /// TD3.2: the bytes of one document (by uniqueId, from its repository).
    pub async fn retrieve(
        &self,
        caller: &Caller,
        ins: &Ins,
        repository_unique_id: &str,
        unique_id: &str,
    ) -> Result<Vec<u8>, DmpError> {
        let body = xds::retrieve_request_xml(&[DocumentRequest {
            repository_unique_id: repository_unique_id.to_owned(),
            document_unique_id: unique_id.to_owned(),
            home_community_id: None,
        }])?;
        let received = self
            .soap_call(
                caller,
                Some(ins),
                Service::Repository,
                actions::ITI43,
                &body,
                true,
            )
            .await?;
        let response = received
            .read(&Limits::XDS, |a| xds::read_retrieve_response(a.payload))?
            .into_result()?;
        let document = response
            .documents
            .into_iter()
            .next()
            .ok_or(DmpError::refused(super::error::Refusal::DocumentNotFound))?;
        match document.content {
            DocumentContent::Inline(bytes) => Ok(bytes),
            DocumentContent::Xop { content_id, .. } => received
                .parts
                .as_ref()
                .and_then(|parts| parts.attachment(&content_id))
                .map(|p| p.body.clone())
                .ok_or(DmpError::malformed("the MTOM part of the document")),
        }
    }

    fn submission(&self, caller: &Caller) -> SubmissionContext {
        let p = &caller.professional;
        SubmissionContext {
            source_id: self.settings.software_oid.clone(),
            author: xds::Author {
                person: Some(xds::Xcn::from_professional(p)),
                institutions: vec![xds::Xon::structure(
                    &self.settings.structure_name,
                    &self.settings.structure_id,
                )],
                roles: Vec::new(),
                specialties: vec![xds::specialty(p)],
                telecommunications: Vec::new(),
            },
            content_type: xds::content_type("04", "Hospitalisation"),
            time: Utc::now(),
            title: None,
            comments: None,
        }
    }

    async fn update(&self, caller: &Caller, ins: &Ins, body: String) -> Result<(), DmpError> {
        self.soap_call(
            caller,
            Some(ins),
            Service::Registry,
            actions::ITI57,
            &body,
            false,
        )
        .await?
        .read(&Limits::XDS, |a| {
            xds::read_first_registry_response(a.payload)
        })?
        .into_result()?;
        Ok(())
    }

    /// TD3.3a/b: masks / unmasks, makes visible / invisible to the patient or the legal
    /// representatives. Creates a new version of the entry (same logicalId).
    pub async fn set_visibility(
        &self,
        caller: &Caller,
        ins: &Ins,
        entry: &DmpDocumentEntry,
        visibility: Visibility,
    ) -> Result<(), DmpError> {
        let body = xds::visibility_update_xml(
            entry,
            visibility,
            &self.submission(caller),
            &mut IdGen::new(),
        )?;
        self.update(caller, ins, body).await
    }

    /// TD3.3c/d: deletes, archives or unarchives an entry.
    pub async fn set_status(
        &self,
        caller: &Caller,
        ins: &Ins,
        entry: &DmpDocumentEntry,
        status: AvailabilityStatus,
    ) -> Result<(), DmpError> {
        let body = xds::availability_update_xml(
            entry,
            status,
            &self.submission(caller),
            &mut IdGen::new(),
        )?;
        self.update(caller, ins, body).await
    }

    /// TD2.1 / TD2.2: feeds one document (a replacement when `replaces` names the entryUUID of
    /// the version it replaces), with its XAdES signature.
    pub async fn feed(
        &self,
        caller: &Caller,
        ins: &Ins,
        entry: DmpDocumentEntry,
        document: &[u8],
        replaces: Option<String>,
    ) -> Result<String, DmpError> {
        let pnr = self.prepare_feed(caller, entry, document, replaces)?;
        self.send_feed(caller, ins, &pnr, document).await?;
        Ok(pnr.submission_set_unique_id)
    }

    /// Builds and signs the ITI-41 request once: its ids (submission set, signature) are fixed
    /// here, so that the outbox stores it and sends the same request again after an ambiguous
    /// failure. Only the VIHF is made afresh at each send.
    pub fn prepare_feed(
        &self,
        caller: &Caller,
        entry: DmpDocumentEntry,
        document: &[u8],
        replaces: Option<String>,
    ) -> Result<xds::ProvideAndRegister, DmpError> {
        let request = FeedRequest {
            submission: self.submission(caller),
            documents: vec![FeedDocument {
                entry,
                bytes: document,
                content_id: FEED_DOCUMENT_PART.to_owned(),
                replaces,
            }],
            signature_content_id: FEED_SIGNATURE_PART.to_owned(),
        };
        xds::provide_and_register(&request, self.signer.as_ref(), &mut IdGen::new())
    }

    /// Sends a request made by [`DmpClient::prepare_feed`] with `document` (the same bytes).
    pub async fn send_feed(
        &self,
        caller: &Caller,
        ins: &Ins,
        pnr: &xds::ProvideAndRegister,
        document: &[u8],
    ) -> Result<(), DmpError> {
        let vihf = signed_vihf(&self.settings, self.signer.as_ref(), caller, Some(ins))?;
        let envelope = self.envelope(Service::Repository, actions::ITI41, &vihf, &pnr.body);
        let boundary = mtom::new_boundary();
        let bytes = mtom::write(
            &boundary,
            actions::ITI41,
            &envelope,
            &[
                mtom::Part {
                    content_id: FEED_DOCUMENT_PART.to_owned(),
                    content_type: "text/xml".to_owned(),
                    body: document.to_vec(),
                },
                mtom::Part {
                    content_id: FEED_SIGNATURE_PART.to_owned(),
                    content_type: "text/xml".to_owned(),
                    body: pnr.signature.clone().into_bytes(),
                },
            ],
        );
        self.exchange(
            Service::Repository,
            actions::ITI41,
            Body::Mtom {
                content_type: mtom::content_type(&boundary, actions::ITI41),
                bytes,
            },
            false,
        )
        .await?
        .read(&Limits::XDS, |a| {
            xds::read_first_registry_response(a.payload)
        })?
        .into_result()?;
        Ok(())
    }
}

/// Content-IDs of the two MTOM parts of a feeding.
const FEED_DOCUMENT_PART: &str = "doc1@chevet";
const FEED_SIGNATURE_PART: &str = "signature@chevet";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_split_profession_and_savoir_faire() {
        let p = ProfessionalInfo {
            national_id: "810101234567".into(),
            given_name: "Claire".into(),
            family_name: "LAMBERT".into(),
            title: None,
            specialty_code: "G15_10/SM04".into(),
            specialty_label: "Cardiologie".into(),
        };
        let r = roles(&p);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].code, "10");
        assert_eq!(r[1].code, "SM04");
    }
}
