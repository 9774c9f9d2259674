//! The one SQL surface the repositories use, over either backend: SQLite/SQLCipher (a
//! workstation's file) or PostgreSQL (the establishment's shared record). Repositories write one
//! SQL text with `?N` placeholders, bind [`Param`]s built by [`params!`] and read [`Row`]s of
//! owned [`Value`]s; this module binds, translates placeholders for PostgreSQL and maps the
//! backends' errors onto [`StoreError`]. Both schemas use the same column types on purpose
//! (integer ids and 0/1 flags, ISO-8601 text dates, blobs), so one SQL text serves both.

use std::cell::RefCell;

use rusqlite::types::{ToSqlOutput, ValueRef};

use super::StoreError;
use super::postgres::PgConn;

/// One bound parameter, borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What can be bound as a parameter.
pub trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Param<'_> {
                Param::Int(i64::from(*self))
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, bool);

impl ToParam for usize {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for String {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for [u8] {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}

impl ToParam for Vec<u8> {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}

impl<const N: usize> ToParam for [u8; N] {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::to_param)
    }
}

impl ToParam for Param<'_> {
    fn to_param(&self) -> Param<'_> {
        *self
    }
}

/// The parameters of one statement: `params![a, b, c]`. Temporaries live until the end of the
/// statement that uses the macro, so write it inside the call.
macro_rules! params {
    () => {
        &[] as &[$crate::store::db::Param<'_>]
    };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::store::db::ToParam::to_param(&$x)),+] as &[$crate::store::db::Param<'_>]
    };
}
pub(crate) use params;

/// One column of a row read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// What a column can be read as.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Option<Self>;
}

impl FromValue for Value {
    fn from_value(value: Value) -> Option<Self> {
        Some(value)
    }
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Int(v) => Some(v),
            _ => None,
        }
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Option<Self> {
                i64::from_value(value).and_then(|v| <$t>::try_from(v).ok())
            }
        }
    )*};
}
narrow_int!(i32, u32, u16, u8, usize);

impl FromValue for bool {
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).map(|v| v != 0)
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Real(v) => Some(v),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(v) => Some(v as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Blob(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A row read back: its columns in the order of the SELECT.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(values: Vec<Value>) -> Self {
        Self { values }
    }

    /// Column `index` as a `T`; a missing column or another type is [`StoreError::Corrupt`].
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, StoreError> {
        let value = self.values.get(index).cloned().unwrap_or(Value::Null);
        T::from_value(value).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "column {index} is not a {}",
                std::any::type_name::<T>()
            ))
        })
    }

    /// Takes column `index` without copying it (large blobs).
    pub fn take<T: FromValue>(&mut self, index: usize) -> Result<T, StoreError> {
        let value = self
            .values
            .get_mut(index)
            .map(|v| std::mem::replace(v, Value::Null))
            .unwrap_or(Value::Null);
        T::from_value(value).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "column {index} is not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A constraint a write broke, as the repositories need to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    Unique,
    ForeignKey,
    Check,
    NotNull,
    /// A trigger refused the write (append-only tables).
    Refused,
}

/// The connection itself.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    /// `RefCell`: the client needs `&mut` for every call while repositories read through
    /// `&Store`; a store is used by one thread at a time (it is `Send`, not `Sync`).
    Postgres(Box<RefCell<PgConn>>),
}

impl Conn {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize, StoreError> {
        match self {
            Self::Sqlite(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params.iter()))?),
            Self::Postgres(pg) => pg.borrow_mut().execute(sql, params),
        }
    }

    pub(crate) fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        match self {
            Self::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        values.push(sqlite_value(row.get_ref(i)?));
                    }
                    out.push(Row::new(values));
                }
                Ok(out)
            }
            Self::Postgres(pg) => pg.borrow_mut().query(sql, params),
        }
    }

    pub(crate) fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Self::Postgres(pg) => pg.borrow_mut().batch(sql),
        }
    }
}

fn sqlite_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(v) => Value::Int(v),
        ValueRef::Real(v) => Value::Real(v),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Self::Null => ValueRef::Null,
            Self::Int(v) => ValueRef::Integer(v),
            Self::Real(v) => ValueRef::Real(v),
            Self::Text(t) => ValueRef::Text(t.as_bytes()),
            Self::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// `?N` placeholders (SQLite) as `$N` (PostgreSQL), outside quoted text.
pub(crate) fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

impl StoreError {
    /// The constraint a refused write broke, if that is why it failed.
    pub fn constraint(&self) -> Option<Constraint> {
        match self {
            Self::Sql(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                use rusqlite::ffi;
                Some(match e.extended_code {
                    ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                        Constraint::Unique
                    }
                    ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Constraint::ForeignKey,
                    ffi::SQLITE_CONSTRAINT_CHECK => Constraint::Check,
                    ffi::SQLITE_CONSTRAINT_NOTNULL => Constraint::NotNull,
                    _ => Constraint::Refused,
                })
            }
            Self::Postgres(e) => super::postgres::constraint(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_translated_outside_quotes_only() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d LIKE ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d LIKE $12"
        );
        assert_eq!(dollar_placeholders("\"we?ird\" = ?3"), "\"we?ird\" = $3");
    }

    #[test]
    fn params_borrow_and_map_null() {
        let text = String::from("x");
        let none: Option<&str> = None;
        let blob = [1_u8, 2];
        let bound = params![1_i64, text, none, true, blob];
        assert_eq!(
            bound,
            &[
                Param::Int(1),
                Param::Text("x"),
                Param::Null,
                Param::Int(1),
                Param::Blob(&[1, 2])
            ]
        );
    }

    #[test]
    fn values_read_as_rust_types() {
        let row = Row::new(vec![
            Value::Int(7),
            Value::Null,
            Value::Text("t".into()),
            Value::Int(0),
        ]);
        assert_eq!(row.get::<i64>(0).expect("int"), 7);
        assert_eq!(row.get::<Option<String>>(1).expect("null"), None);
        assert_eq!(row.get::<String>(2).expect("text"), "t");
        assert!(!row.get::<bool>(3).expect("flag"));
        assert!(matches!(row.get::<String>(0), Err(StoreError::Corrupt(_))));
        assert!(matches!(row.get::<i64>(9), Err(StoreError::Corrupt(_))));
    }
}
