//! The SOAP Body contents Chevet exchanges with the DMP outside XDS — HL7v3 messages on the
//! `patients` service and the "DMP services" `habilitations` and `patientsSpecific` — built from
//! typed inputs and read into typed answers:
//!
//! | TD | request builder | answer parser |
//! |---|---|---|
//! | TD0.2 existence test | [`build_existence_test`] | [`parse_existence_test`] → [`DmpStatus`] |
//! | TD0.3 setAuthorization | [`build_set_authorization`] | [`parse_set_authorization`] → [`ServiceStatus`] |
//! | TD0.4 patientList | [`build_patient_list`] | [`parse_patient_list`] → [`PatientList`] |
//! | TD1.3a consultation | [`build_consultation`] | [`parse_consultation`] → [`DmpAdminData`] |
//! | TD1.6 listAuthorizationByPatient | [`build_list_authorizations`] | [`parse_list_authorizations`] → [`ProfessionalAuthorizations`] |
//!
//! Builders return the Body's content (one element, namespaces declared on it); the SOAP
//! envelope, WS-Addressing and VIHF are the transport's. Parsers take the whole response
//! envelope (recommended: some answers declare their prefixes on the Envelope), a Body, or the
//! payload alone. A SOAP Fault in place of the payload is returned as its
//! [`DmpError`](crate::dmp::error::DmpError), anything unexpected as
//! [`DmpError::Malformed`](crate::dmp::error::DmpError::Malformed). Nothing here
//! logs, and the types holding a patient's identity redact their `Debug`.

mod ack;
mod consultation;
mod existence;
mod fault;
mod habilitations;
mod message;
mod patient_list;
mod person;
mod registration;
mod services;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
pub(crate) mod test_support;

pub use ack::{AckCode, AckDetail, Acknowledgement, QueryResponse};
pub use consultation::{DmpAdminData, build_consultation, parse_consultation, read_consultation};
pub use existence::{
    AccessMode, AuthorizationStatus, DmpStatus, build_existence_test, parse_existence_test,
    read_existence_test,
};
pub use fault::fault_error;
pub(crate) use fault::find_fault;
pub use habilitations::{
    AuthorizationAction, AuthorizationMode, ProfessionalAuthorization, ProfessionalAuthorizations,
    build_list_authorizations, build_set_authorization, parse_list_authorizations,
    parse_set_authorization, read_list_authorizations, read_set_authorization,
};
pub use message::{MessageIds, ProcessingCode, Sender, format_ts, new_uuid, parse_date, parse_ts};
pub use patient_list::{
    PatientList, PatientListDate, PatientListEntry, build_patient_list, parse_patient_list,
    read_patient_list,
};
pub use person::{
    Address, FamilyName, LegalRepresentative, NationalId, NationalIdKind, OID_INS_C, PatientTraits,
    PersonName, Telecom,
};
pub use registration::{AdministrativeFlag, Closure, DmpState};
pub use services::ServiceStatus;

/// Namespace of HL7v3 messages.
pub const HL7_NS: &str = "urn:hl7-org:v3";
/// Namespace of the `habilitations` service (TD0.3, TD1.6).
pub const NS_HABILITATIONS: &str = "urn:si-dmp-habilitations";
/// Namespace of the `patients` / `patientsSpecific` services (TD0.4).
pub const NS_PATIENTS: &str = "urn:si-dmp-patients";
/// The DMP as an HL7v3 device (receiver of our messages).
pub const DMP_DEVICE_OID: &str = "1.2.250.1.213.4.1.1.1";
/// Code system of `controlActProcess/reasonCode` (TRE_R271).
pub const REASON_CODE_SYSTEM: &str = "1.2.250.1.213.1.1.4.11";

/// SOAP `Action` of each request (WS-Addressing header, set by the transport).
pub mod actions {
    /// TD0.2 and TD1.3a (service `patients`).
    pub const GET_DEMOGRAPHICS: &str = "urn:hl7-org:v3:PRPA_IN201307UV02";
    /// TD0.3 (service `habilitations`).
    pub const SET_AUTHORIZATION: &str =
        "urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorization";
    /// TD1.6 (service `habilitations`).
    pub const LIST_AUTHORIZATIONS: &str =
        "urn:si-dmp-habilitations:HabilitationsEndPoint:listAuthorizationByPatient";
    /// TD0.4 (service `patientsSpecific`).
    pub const PATIENT_LIST: &str = "urn:si-dmp-patients:PatientSpecificEndPoint:patientList";
}
