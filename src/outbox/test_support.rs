//! What the outbox's tests share: a seeded sandbox record on disk, the sandbox DMP with a
//! fault plan, documents produced for the demo patient whose DMP is open, and the DMP's
//! registry listed through TD3.1 (every status) — the count that must match.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::{Drainer, OutboxSettings, Production, StopFlag};
use crate::cda::produce::catalog::DocumentKind;
use crate::cda::produce::form::{ProductionContext, build, empty_form};
use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::transport::Timeouts;
use crate::dmp::xds::{AvailabilityStatus, Cx, FindDocumentsQuery};
use crate::domain::outbox::{OutboxAction, OutboxItemId};
use crate::domain::{DocumentId, Patient, ProfessionalInfo, Provenance, Visibility};
use crate::sandbox::dmp::RunningDmp;
use crate::sandbox::dmp::faults::FaultPlan;
use crate::store::documents::{self, NewDocument};
use crate::store::{DbKey, Store, patients};

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub key: [u8; 32],
    pub patient: Patient,
    pub professional: ProfessionalInfo,
    pub faults: Arc<FaultPlan>,
    pub _dmp: RunningDmp,
    pub client: Arc<DmpClient>,
}

impl Fixture {
    /// A seeded record and a running sandbox DMP (its client times out after 2 s).
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record.db");
        let key = rand::random::<[u8; 32]>();
        let today = chrono::Local::now().date_naive();
        let mut store = Store::open(&path, &DbKey::from_bytes(key)).expect("store");
        crate::sandbox::seed::seed_demo(&mut store, today, &mut |_, _| {}).expect("seed");
        let (_, demo) = crate::sandbox::dmp::seed::consultation_demo_patient(today)
            .expect("a demo patient with an open DMP");
        let ins = demo.identity.ins.expect("ins");
        let patient = patients::by_ins(&store, ins.matricule.as_str(), ins.oid.as_str())
            .expect("read")
            .expect("the demo patient in the record");
        let faults = Arc::new(FaultPlan::default());
        let dmp = crate::sandbox::dmp::start(today, Arc::clone(&faults))
            .await
            .expect("sandbox DMP");
        let client = dmp
            .endpoint(Timeouts {
                connect_secs: 2,
                total_secs: 2,
            })
            .expect("endpoint")
            .client()
            .expect("client");
        let professional = crate::sandbox::dmp::demo_caller()
            .expect("demo physician")
            .professional;
        Self {
            _dir: dir,
            path,
            key,
            patient,
            professional,
            faults,
            _dmp: dmp,
            client: Arc::new(client),
        }
    }

    pub fn open(&self) -> Store {
        Store::open(&self.path, &DbKey::from_bytes(self.key)).expect("store")
    }

    /// Produces document `n` for the patient and stores it.
    pub fn produce(&self, store: &Store, n: usize) -> DocumentId {
        self.produce_version(store, n, None)
    }

    /// Produces document `n`, a new version of `earlier` when given (same series, RPLC).
    pub fn produce_version(
        &self,
        store: &Store,
        n: usize,
        earlier: Option<DocumentId>,
    ) -> DocumentId {
        let now = chrono::Local::now().naive_local();
        let context = ProductionContext::new(
            &self.professional,
            &crate::sandbox::establishment(),
            self.patient.identity.clone(),
            None,
            now,
            format!("{}{n:06}", now.format("%Y%m%d%H%M%S")),
        )
        .expect("context");
        let mut form = empty_form(DocumentKind::CompteRenduConsultation);
        form.title = format!("Consultation {n}");
        if let Some(section) = form.sections.first_mut() {
            section.text =
                format!("Patient revu en consultation ({n}). Examen sans particularité.");
        }
        let mut doc = build(&form, &context).expect("form");
        if let Some(earlier) = earlier {
            let meta = documents::summary(store, earlier).expect("earlier").meta;
            doc.ids = crate::cda::produce::DocumentIds::after_stored(
                doc.ids.id.clone(),
                &meta.cda_id,
                &meta.set_id,
                meta.version_number,
            );
        }
        let produced = crate::cda::produce::produce(&doc).expect("produce");
        let meta = crate::cda::parse(&produced.n3).expect("parse").meta();
        documents::insert(
            store,
            &NewDocument {
                patient_id: self.patient.id,
                episode_id: None,
                meta: &meta,
                provenance: Provenance::Local,
                visibility: Visibility::default(),
                raw: &produced.n3,
            },
        )
        .expect("insert")
        .id()
    }

    /// Queues `document` now.
    pub fn enqueue(
        &self,
        store: &Store,
        settings: &OutboxSettings,
        document: DocumentId,
        action: OutboxAction,
        target: Option<super::Target>,
    ) -> OutboxItemId {
        let cda = documents::raw(store, document).expect("raw");
        let parsed = crate::cda::parse(&cda).expect("parse");
        super::enqueue(
            store,
            settings,
            Some(&self.client),
            &Production {
                document,
                patient: &self.patient,
                episode: None,
                visit_number: None,
                cda: &cda,
                parsed: &parsed,
                author: &self.professional,
                visibility: Visibility::default(),
                action,
                target,
                batch: None,
                created_by: "medecin",
                due_at: Utc::now(),
            },
        )
        .expect("enqueue")
    }

    /// A drainer on this record and DMP, retrying quickly.
    pub fn drainer(&self, mut settings: OutboxSettings) -> Arc<Drainer> {
        settings.first_backoff = std::time::Duration::from_millis(50);
        settings.max_backoff = std::time::Duration::from_millis(200);
        settings.lease = std::time::Duration::from_secs(30);
        let (path, key) = (self.path.clone(), self.key);
        Arc::new(Drainer {
            settings,
            open: Arc::new(move || Store::open(&path, &DbKey::from_bytes(key))),
            dmp: Some(Arc::clone(&self.client)),
            name: "test".into(),
            on_change: None,
            wake: Arc::new(tokio::sync::Notify::new()),
            idle: std::time::Duration::from_millis(50),
        })
    }

    /// Every entry of the patient in the DMP's registry, whatever its status: uniqueId and
    /// status, through TD3.1 as any client would list it.
    pub async fn registry(&self) -> Vec<(String, AvailabilityStatus)> {
        self.faults
            .clear(crate::sandbox::dmp::faults::Transaction::Find);
        let ins = self.patient.identity.ins.clone().expect("ins");
        let mut query = FindDocumentsQuery::new(Cx::from_ins(&ins));
        query.statuses = vec![
            AvailabilityStatus::Approved,
            AvailabilityStatus::Deprecated,
            AvailabilityStatus::Archived,
            AvailabilityStatus::Deleted,
        ];
        let caller = Caller::normal(self.professional.clone());
        self.client
            .find_documents(&caller, &ins, &query)
            .await
            .expect("list the registry")
            .into_iter()
            .map(|e| (e.unique_id, e.status))
            .collect()
    }
}

/// Runs `drainer` until `done` holds (checked every 50 ms, 60 s at most).
pub async fn drain_until(drainer: Arc<Drainer>, mut done: impl FnMut() -> bool) {
    let stop = Arc::new(StopFlag::default());
    let lanes = tokio::spawn(drainer.run(Arc::clone(&stop)));
    for _ in 0..1200 {
        if done() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.stop();
    let _ = lanes.await;
}
