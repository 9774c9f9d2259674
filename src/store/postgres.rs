//! The PostgreSQL side of the store: connecting over TLS with the server's certificate verified
//! against the establishment's CA, running statements (prepared once, then cached), and what
//! its errors mean for the repositories. Only [`super::db`] calls into here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::StoreError;
use super::db::{Constraint, Param, Row, Value, dollar_placeholders};

/// Prepared statements kept per connection; dynamic SQL (search filters) beyond this is
/// prepared again.
const STATEMENT_CACHE_LEN: usize = 256;

/// Where the establishment's record is and how to trust it.
#[derive(Clone)]
pub struct PgTarget {
    /// `postgres://user@host:port/dbname` (a password here is used, but belongs in the keyring).
    pub url: String,
    /// The password, from the OS keyring; overrides one in the URL.
    pub password: Option<String>,
    /// PEM file of the CA that signed the server's certificate.
    pub ca_file: PathBuf,
    /// Also the first connection's limit; statements are bounded by the server's settings.
    pub connect_timeout: Duration,
    /// The schema holding Chevet's tables, when not the role's default search path.
    pub schema: Option<String>,
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgTarget")
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

impl PgTarget {
    /// A target from the test peers' variables (`CHEVET_TEST_PG_URL`, `CHEVET_TEST_PG_CA`).
    pub fn from_test_env() -> Option<Self> {
        let url = std::env::var("CHEVET_TEST_PG_URL").ok()?;
        let ca = std::env::var("CHEVET_TEST_PG_CA").ok()?;
        Some(Self {
            url,
            password: None,
            ca_file: PathBuf::from(ca),
            connect_timeout: Duration::from_secs(5),
            schema: None,
        })
    }
}

/// One open connection and its prepared statements.
pub(crate) struct PgConn {
    /// Always `Some` until dropped (see the `Drop` impl).
    client: Option<postgres::Client>,
    statements: HashMap<String, postgres::Statement>,
    target: PgTarget,
}

fn tls_config(ca_file: &Path) -> Result<rustls::ClientConfig, StoreError> {
    let pem = std::fs::read(ca_file)?;
    let mut roots = rustls::RootCertStore::empty();
    let mut reader = pem.as_slice();
    for cert in rustls_pemfile_certs(&mut reader)? {
        roots
            .add(cert)
            .map_err(|e| StoreError::Connect(format!("CA certificate: {e}")))?;
    }
    if roots.is_empty() {
        return Err(StoreError::Connect("no certificate in the CA file".into()));
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| StoreError::Connect(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The certificates of a PEM file.
fn rustls_pemfile_certs(
    reader: &mut &[u8],
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, StoreError> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Connect(format!("CA file: {e}")))
}

impl PgConn {
    /// Connects with TLS required and the server verified (host name against its certificate).
    pub(crate) fn connect(target: &PgTarget) -> Result<Self, StoreError> {
        let mut config: postgres::Config = target
            .url
            .parse()
            .map_err(|_| StoreError::Connect("the database address is not valid".into()))?;
        if let Some(password) = &target.password {
            config.password(password.as_bytes());
        }
        config
            .ssl_mode(postgres::config::SslMode::Require)
            .connect_timeout(target.connect_timeout)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30))
            .application_name("chevet");
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(&target.ca_file)?);
        let mut client = config
            .connect(tls)
            .map_err(|e| StoreError::Connect(error_chain(&e)))?;
        if let Some(schema) = &target.schema {
            if !is_identifier(schema) {
                return Err(StoreError::Connect("the schema name is not valid".into()));
            }
            client.batch_execute(&format!("SET search_path TO {schema}"))?;
        }
        Ok(Self {
            client: Some(client),
            statements: HashMap::new(),
            target: target.clone(),
        })
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client()?.prepare(&dollar_placeholders(sql))?;
        if self.statements.len() >= STATEMENT_CACHE_LEN {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<usize, StoreError> {
        let stmt = self.statement(sql)?;
        let bound: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let n = self.client()?.execute(&stmt, &bound)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub(crate) fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let bound: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let rows = self.client()?.query(&stmt, &bound)?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| row.try_get::<_, PgValue>(i).map(|v| v.0))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Row::new)
                    .map_err(StoreError::from)
            })
            .collect()
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client()?.batch_execute(sql)?)
    }

    pub(crate) fn target(&self) -> &PgTarget {
        &self.target
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.as_ref().is_none_or(postgres::Client::is_closed)
    }

    /// The client, for what has no portable form (LISTEN/NOTIFY).
    pub(crate) fn client(&mut self) -> Result<&mut postgres::Client, StoreError> {
        self.client
            .as_mut()
            .ok_or_else(|| StoreError::Connect("the connection is closed".into()))
    }
}

/// A plain lower-case SQL identifier (no quoting needed, nothing injected).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// An error and its causes, on one line ("error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer"): what an administrator needs, without the connection secrets.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

impl Drop for PgConn {
    /// The synchronous client closes its connection by blocking on its own runtime, which
    /// panics on an async worker thread: there, the closing moves to a short-lived thread.
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_err() {
            drop(client);
            return;
        }
        let closing = std::thread::Builder::new()
            .name("chevet-record-close".into())
            .spawn(move || drop(client));
        if let Err(e) = closing {
            tracing::warn!("shared record connection left to the server to close: {e}");
        }
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Self::Null => Ok(IsNull::Yes),
            Self::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                Type::BOOL => (v != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => v.to_string().to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound to {ty}").into()),
            },
            Self::Real(v) => match *ty {
                Type::FLOAT4 => {
                    #[allow(clippy::cast_possible_truncation)]
                    let narrow = v as f32;
                    narrow.to_sql(ty, out)
                }
                _ => v.to_sql(ty, out),
            },
            Self::Text(t) => t.to_sql(ty, out),
            Self::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column as read from PostgreSQL.
struct PgValue(Value);

impl<'a> postgres::types::FromSql<'a> for PgValue {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Self(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::OID => Value::Int(i64::from(u32::from_sql(ty, raw)?)),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                Value::Text(String::from_sql(ty, raw)?)
            }
            _ => return Err(format!("column type {ty} is not read by Chevet").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Self(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// An error as it may be logged: the SQLSTATE and the server's message, never its DETAIL or
/// WHERE (which quote row values); other errors (I/O, TLS) as they are.
pub(crate) fn summary(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}", db.code().code(), db.message()),
        None => error_chain(e),
    }
}

/// The constraint behind a refused write.
pub(crate) fn constraint(e: &postgres::Error) -> Option<Constraint> {
    let code = e.code()?;
    Some(if *code == SqlState::UNIQUE_VIOLATION {
        Constraint::Unique
    } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
        Constraint::ForeignKey
    } else if *code == SqlState::CHECK_VIOLATION {
        Constraint::Check
    } else if *code == SqlState::NOT_NULL_VIOLATION {
        Constraint::NotNull
    } else if *code == SqlState::RAISE_EXCEPTION || *code == SqlState::INSUFFICIENT_PRIVILEGE {
        Constraint::Refused
    } else {
        return None;
    })
}

/// True when trying again may succeed: a conflict between writers, or the server or the network
/// went away (the workstation then works from its cache).
pub(crate) fn is_retryable(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
        ]
        .contains(code),
        // No SQLSTATE: the error came from the connection (I/O, TLS, timeout).
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::store::consent::tests::each_store_with_patient;
    use crate::store::db::Backend;

    #[test]
    fn a_refused_write_is_told_without_the_values_it_held() {
        each_store_with_patient(|store, _| {
            if store.backend() != Backend::Postgres {
                return;
            }
            let refused = store
                .execute(
                    "INSERT INTO setting (key, value) VALUES ('k', 'SECRET-1'), ('k', 'SECRET-2')",
                    &[],
                )
                .expect_err("duplicate key");
            let text = format!("{refused} {refused:#}");
            assert!(text.contains("23505"), "{text}");
            assert!(!text.contains("SECRET") && !text.contains("(k)"), "{text}");
        });
    }
}
