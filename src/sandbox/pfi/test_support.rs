//! Test helpers of the sandbox PFI: the sandbox DMP started in-process with a client for it,
//! a demo patient with an open DMP the demo physician may read, CI-SIS CDA fixtures retargeted
//! to that patient with fresh document ids, MDM messages of the `CISIS_CDA_HL7_V2` volet
//! written with `hl7::writer`, an MLLP sender, and a listener standing for Chevet's that
//! keeps the ZAM it receives.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::base64::Engine as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::transport::Timeouts;
use crate::dmp::xds::{AvailabilityStatus, Cx, DmpDocumentEntry, FindDocumentsQuery};
use crate::domain::Ins;
use crate::hl7::listener::{self, ListenerConfig, ReceivedMessage, Sink, SinkError, Verdict};
use crate::hl7::writer::write_message;
use crate::hl7::{Delimiters, FieldValue, MllpDecoder, SegmentValue, mllp};
use crate::sandbox::demo::DemoPatient;
use crate::sandbox::dmp::faults::FaultPlan;
use crate::sandbox::dmp::seed::situation;
use crate::sandbox::dmp::state::{Access, DmpLife};

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The sandbox DMP and a client for it.
pub async fn dmp() -> (crate::sandbox::dmp::RunningDmp, DmpClient) {
    let running = crate::sandbox::dmp::start(today(), Arc::new(FaultPlan::default()))
        .await
        .expect("sandbox DMP");
    let client = running
        .endpoint(Timeouts {
            connect_secs: 5,
            total_secs: 20,
        })
        .expect("endpoint")
        .client()
        .expect("client");
    (running, client)
}

/// The demo physician, author of the test documents.
pub fn doctor() -> Caller {
    crate::sandbox::dmp::demo_caller().expect("demo physician")
}

/// The first demo patient with a qualified INS and an open DMP the demo physician may read.
pub fn patient() -> DemoPatient {
    patient_in(DmpLife::Open, Some(Access::Valid))
}

/// The first demo patient with a qualified INS in this DMP situation.
pub fn patient_in(life: DmpLife, access: Option<Access>) -> DemoPatient {
    crate::sandbox::demo::demo_patients(today())
        .into_iter()
        .enumerate()
        .find(|(i, p)| {
            situation(*i) == (life, access)
                && p.identity.status.ins_usable()
                && p.identity.ins.is_some()
        })
        .map(|(_, p)| p)
        .expect("a demo patient in this situation")
}

pub fn ins(patient: &DemoPatient) -> Ins {
    patient.identity.ins.clone().expect("INS")
}

/// A suffix no other test uses (an OID arc: digits, no leading zero).
pub fn fresh_suffix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("9{nanos}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A CDA fixture for `patient`, its ids suffixed with `suffix`.
pub fn cda(file: &str, patient: &DemoPatient, suffix: &str) -> Vec<u8> {
    crate::sandbox::demo::retarget(&crate::testing::cda_fixture(file), patient, suffix)
        .expect("retarget")
}

/// What a test MDM says.
pub struct Mdm<'a> {
    /// `T02`, `T10`, `T04`.
    pub event: &'a str,
    pub control_id: &'a str,
    pub cda: &'a [u8],
    pub author: Option<&'a Caller>,
    /// The eight required flags and the optional acknowledgements, in order.
    pub flags: Vec<(&'a str, bool)>,
    /// MSSanté recipients: (id, address).
    pub recipients: Vec<(&'a str, &'a str)>,
    /// TXA-13, the replaced document's id.
    pub replaced: Option<&'a str>,
}

/// The flags of a document for the DMP only.
pub fn dmp_only() -> Vec<(&'static str, bool)> {
    vec![
        ("MASQUE_PS", false),
        ("INVISIBLE_PATIENT", false),
        ("INVISIBLE_REP_LEGAUX", false),
        ("CONNEXION_SECRETE", false),
        ("MODIF_CONF_CODE", false),
        ("DESTDMP", true),
        ("DESTMSSANTEPS", false),
        ("DESTMSSANTEPAT", false),
    ]
}

impl<'a> Mdm<'a> {
    pub fn new(event: &'a str, control_id: &'a str, cda: &'a [u8], author: &'a Caller) -> Self {
        Self {
            event,
            control_id,
            cda,
            author: Some(author),
            flags: dmp_only(),
            recipients: Vec::new(),
            replaced: None,
        }
    }

    pub fn flag(mut self, code: &'a str, value: bool) -> Self {
        match self.flags.iter_mut().find(|(c, _)| *c == code) {
            Some(flag) => flag.1 = value,
            None => self.flags.push((code, value)),
        }
        self
    }

    /// The message, ER7 with CR separators.
    pub fn write(&self) -> Vec<u8> {
        let t = |s: &str| FieldValue::text(s);
        let c = |parts: &[&str]| FieldValue::components(parts.iter().copied());
        let orc = match self.event {
            "T10" => "RO",
            "T04" => "CA",
            _ => "NW",
        };
        let mut segments = vec![
            SegmentValue::new("MSH")
                .with(3, t("CHEVET"))
                .with(4, t("CHEVET"))
                .with(5, t("PFI"))
                .with(6, t("CHEVET"))
                .with(7, t("20260101120000"))
                .with(9, c(&["MDM", self.event, "MDM_T02"]))
                .with(10, t(self.control_id))
                .with(11, t("P"))
                .with(12, t("2.6"))
                .with(17, t("FRA"))
                .with(18, t("UNICODE UTF-8"))
                .with(21, c(&["2.1", "CISIS_CDA_HL7_V2"])),
            SegmentValue::new("EVN").with(2, t("20260101120000")),
            SegmentValue::new("PID").with(1, t("1")),
            SegmentValue::new("PV1").with(1, t("1")).with(2, t("I")),
            SegmentValue::new("ORC").with(1, t(orc)),
            SegmentValue::new("OBR").with(1, t("1")),
            SegmentValue::new("TXA")
                .with(1, t("1"))
                .with(13, t(self.replaced.unwrap_or_default())),
            SegmentValue::new("OBX")
                .with(1, t("1"))
                .with(2, t("ED"))
                .with(3, c(&["11490-0", "Document", "LN"]))
                .with(
                    5,
                    c(&[
                        "",
                        "text",
                        "XML",
                        "Base64",
                        &::base64::engine::general_purpose::STANDARD.encode(self.cda),
                    ]),
                )
                .with(11, t("F")),
        ];
        if let Some(author) = self.author {
            let p = &author.professional;
            let person = FieldValue::from_parts(vec![vec![
                vec![p.national_id.clone()],
                vec![p.family_name.clone()],
                vec![p.given_name.clone()],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![
                    "ASIP-SANTE-PS".into(),
                    "1.2.250.1.71.4.2.1".into(),
                    "ISO".into(),
                ],
                vec!["D".into()],
                vec![],
                vec![],
                vec!["IDNPS".into()],
            ]]);
            let organisation = FieldValue::from_parts(vec![vec![
                vec!["Chevet".into()],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![
                    "ASIP-SANTE-ST".into(),
                    "1.2.250.1.71.4.2.2".into(),
                    "ISO".into(),
                ],
                vec!["FINEG".into()],
                vec![],
                vec![],
                vec![crate::sandbox::demo::SANDBOX_FINESS_GEO[0].into()],
            ]]);
            segments.push(
                SegmentValue::new("PRT")
                    .with(2, t("UC"))
                    .with(4, c(&["SB", "Send by", "participation"]))
                    .with(5, person)
                    .with(8, organisation),
            );
        }
        for (id, address) in &self.recipients {
            segments.push(
                SegmentValue::new("PRT")
                    .with(2, t("UC"))
                    .with(4, c(&["RCT", "", "participation"]))
                    .with(5, t(id))
                    .with(15, c(&["", "NET", "X.400", address])),
            );
        }
        for (n, (code, value)) in self.flags.iter().enumerate() {
            segments.push(
                SegmentValue::new("OBX")
                    .with(1, t(&(n + 2).to_string()))
                    .with(2, t("CWE"))
                    .with(3, c(&[code, code, "MetaDMPMSS"]))
                    .with(
                        5,
                        c(&[
                            if *value { "Y" } else { "N" },
                            "",
                            "expandedYes-NoIndicator",
                        ]),
                    )
                    .with(11, t("F")),
            );
        }
        write_message(&segments, &Delimiters::default()).into_bytes()
    }
}

/// Sends one frame and reads its ACK: MSA-1 and the ERR segments' text; `None` when the
/// connection closed without an ACK.
pub async fn send(addr: SocketAddr, message: &[u8]) -> Option<(String, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(&mllp::encode(message))
        .await
        .expect("write");
    let mut decoder = MllpDecoder::new(mllp::DEFAULT_MAX_FRAME_BYTES);
    let mut buffer = [0u8; 4096];
    let frame = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 {
                return None;
            }
            decoder.push(&buffer[..n]);
            if let Some(frame) = decoder.next_frame() {
                return frame.ok();
            }
        }
    })
    .await
    .expect("an ACK or a closed connection in time")?;
    let ack = crate::hl7::parse(&frame).expect("ACK parses");
    let msa = ack.segment("MSA").expect("MSA");
    let errors: Vec<String> = ack.segments("ERR").map(|e| e.raw().to_owned()).collect();
    Some((msa.field(1).text().into_owned(), errors.join("\n")))
}

/// Chevet's listener as a test sees it: every message received, as text.
#[derive(Default)]
pub struct Inbox(pub Mutex<Vec<String>>);

impl Sink for Inbox {
    async fn accept(&self, message: ReceivedMessage) -> Result<Verdict, SinkError> {
        if let Ok(mut all) = self.0.lock() {
            all.push(String::from_utf8_lossy(&message.raw).into_owned());
        }
        Ok(Verdict::accepted())
    }
}

impl Inbox {
    pub fn all(&self) -> Vec<String> {
        self.0.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

pub async fn inbox() -> (Arc<Inbox>, listener::ListenerHandle) {
    let inbox = Arc::new(Inbox::default());
    let handle = listener::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ListenerConfig::default(),
        Arc::clone(&inbox),
    )
    .await
    .expect("test listener");
    (inbox, handle)
}

/// Waits until `done` holds (at most 30 s).
pub async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("condition not reached in time");
}

/// Every entry of the patient in the DMP with this uniqueId, whatever its status.
pub async fn entries(client: &DmpClient, ins: &Ins, unique_id: &str) -> Vec<DmpDocumentEntry> {
    let mut query = FindDocumentsQuery::new(Cx::from_ins(ins));
    query.statuses = vec![
        AvailabilityStatus::Approved,
        AvailabilityStatus::Archived,
        AvailabilityStatus::Deprecated,
        AvailabilityStatus::Deleted,
    ];
    client
        .find_documents(&doctor(), ins, &query)
        .await
        .expect("find")
        .into_iter()
        .filter(|e| e.unique_id == unique_id)
        .collect()
}
