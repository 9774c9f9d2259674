//! Fixed identifiers of XDS.b / ebRIM 3.0 and of the French DMP: XML namespaces, object types,
//! classification schemes and external identifier schemes (IHE ITI TF-3 §4.2.5), association
//! types, stored query ids, response statuses and the OIDs of the code systems the DMP uses.

/// XML namespaces.
pub mod ns {
    pub const RIM: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    pub const QUERY: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
    pub const LCM: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
    pub const RS: &str = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
    pub const XDSB: &str = "urn:ihe:iti:xds-b:2007";
    pub const XOP: &str = "http://www.w3.org/2004/08/xop/include";
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    /// XAdES as used by the agency's DMP samples (ETSI TS 101 903 v1.1.1).
    pub const XADES: &str = "http://uri.etsi.org/01903/v1.1.1#";
}

/// objectType of a stable DocumentEntry.
pub const OBJECT_TYPE_DOCUMENT_ENTRY: &str = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
pub const OBJECT_TYPE_ASSOCIATION: &str =
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association";

/// DocumentEntry classification schemes.
pub const DE_AUTHOR: &str = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
pub const DE_CLASS_CODE: &str = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
pub const DE_CONFIDENTIALITY_CODE: &str = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
pub const DE_EVENT_CODE: &str = "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4";
pub const DE_FORMAT_CODE: &str = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
pub const DE_FACILITY_TYPE_CODE: &str = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
pub const DE_PRACTICE_SETTING_CODE: &str = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
pub const DE_TYPE_CODE: &str = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
/// DocumentEntry external identifier schemes.
pub const DE_PATIENT_ID: &str = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
pub const DE_UNIQUE_ID: &str = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";

/// SubmissionSet classification node and schemes.
pub const SS_CLASSIFICATION_NODE: &str = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
pub const SS_AUTHOR: &str = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
pub const SS_CONTENT_TYPE_CODE: &str = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
pub const SS_PATIENT_ID: &str = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
pub const SS_SOURCE_ID: &str = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
pub const SS_UNIQUE_ID: &str = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";

/// Association types.
pub const ASSOC_HAS_MEMBER: &str = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
pub const ASSOC_RPLC: &str = "urn:ihe:iti:2007:AssociationType:RPLC";
pub const ASSOC_SIGNS: &str = "urn:ihe:iti:2007:AssociationType:signs";
pub const ASSOC_UPDATE_AVAILABILITY_STATUS: &str =
    "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus";

/// Stored queries.
pub const QUERY_FIND_DOCUMENTS: &str = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
pub const QUERY_GET_DOCUMENTS: &str = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";

/// Response statuses.
pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
pub const STATUS_PARTIAL_SUCCESS: &str = "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess";
pub const STATUS_FAILURE: &str = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
pub const SEVERITY_ERROR: &str = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error";
pub const SEVERITY_WARNING: &str = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning";

/// Code systems and identifier roots.
pub const OID_HL7_CONFIDENTIALITY: &str = "2.16.840.1.113883.5.25";
/// TRE_A07 "statut de visibilité du document" (MASQUE_PS, INVISIBLE_PATIENT…).
pub const OID_DMP_VISIBILITY: &str = "1.2.250.1.213.1.1.4.13";
/// JDV_J57 class codes.
pub const OID_CLASS_CODE: &str = "1.2.250.1.213.1.1.4.1";
/// JDV_J59 submission set content type codes.
pub const OID_CONTENT_TYPE_CODE: &str = "1.2.250.1.213.2.2";
/// JDV_J60 / IHE format codes.
pub const OID_FORMAT_CODE: &str = "1.3.6.1.4.1.19376.1.2.3";
/// JDV_J61 healthcare facility types (TRE_R02 "secteur d'activité").
pub const OID_FACILITY_TYPE: &str = "1.2.250.1.71.4.2.4";
/// JDV_J62 practice settings.
pub const OID_PRACTICE_SETTING: &str = "1.2.250.1.213.1.1.4.9";
/// Profession / specialty codes (TRE_G15 and savoir-faire).
pub const OID_SPECIALTY: &str = "1.2.250.1.213.1.1.4.5";
/// National identifier of health professionals (idNat_PS).
pub const OID_PS_NATIONAL_ID: &str = "1.2.250.1.71.4.2.1";
/// National identifier of structures (idNat_Struct).
pub const OID_STRUCTURE_ID: &str = "1.2.250.1.71.4.2.2";
/// LOINC.
pub const OID_LOINC: &str = "2.16.840.1.113883.6.1";

/// The XAdES signature entry of a feeding (IHE DSG as the DMP samples use it).
pub mod signature {
    pub const CLASS_CODE: &str = "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1";
    pub const CLASS_SCHEME: &str = "URN";
    pub const CLASS_LABEL: &str = "Digital Signature";
    pub const TYPE_CODE: &str = "E1762";
    pub const TYPE_SCHEME: &str = "ASTM";
    pub const TYPE_LABEL: &str = "Full Document";
    pub const FORMAT_CODE: &str = "http://www.w3.org/2000/09/xmldsig#";
    pub const FORMAT_SCHEME: &str = "URN";
    pub const FORMAT_LABEL: &str = "Default Signature Style";
    /// ASTM E1762 "Source" purpose of signature: the eventCode and the SignatureProperty.
    pub const PURPOSE_CODE: &str = "1.2.840.10065.1.12.1.14";
    pub const PURPOSE_SCHEME: &str = "1.2.840.10065.1.12";
    pub const PURPOSE_LABEL: &str = "Source";
    /// `languageCode` of the signature entry ("art": artificial language).
    pub const LANGUAGE: &str = "art";
}
