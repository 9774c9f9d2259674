//! Generated rows written many per INSERT (`?N` placeholders, so one text serves SQLite and
//! PostgreSQL), with explicit ids; and the times they carry.

use chrono::{DateTime, Duration, Utc};

use crate::store::db::Param;
use crate::store::{Store, StoreError};

/// Rows per INSERT (a flush may hold a few more: dependants wait for their parents).
pub(super) const ROWS: usize = 200;

/// One cell of a generated row.
pub(super) enum Cell {
    Int(i64),
    Text(String),
    Blob(&'static [u8]),
    Null,
}

/// A text cell.
pub(super) fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Rows for one table.
pub(super) struct Batch {
    head: String,
    width: usize,
    pub rows: Vec<Vec<Cell>>,
    /// Written every `ROWS` rows; otherwise by the caller (rows others refer to first).
    auto: bool,
}

impl Batch {
    /// `columns`: comma separated.
    pub fn new(table: &str, columns: &str) -> Self {
        Self {
            head: format!("INSERT INTO {table} ({columns}) VALUES "),
            width: columns.split(',').count(),
            rows: Vec::with_capacity(ROWS),
            auto: true,
        }
    }

    /// Written by the caller only.
    pub fn manual(mut self) -> Self {
        self.auto = false;
        self
    }

    pub fn push(&mut self, store: &Store, row: Vec<Cell>) -> Result<(), StoreError> {
        debug_assert_eq!(row.len(), self.width);
        self.rows.push(row);
        if self.auto && self.rows.len() >= ROWS {
            self.flush(store)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, store: &Store) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut sql = self.head.clone();
        let mut n = 0;
        for i in 0..self.rows.len() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for c in 0..self.width {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{n}"));
            }
            sql.push(')');
        }
        let bound: Vec<Param<'_>> = self
            .rows
            .iter()
            .flatten()
            .map(|cell| match cell {
                Cell::Int(v) => Param::Int(*v),
                Cell::Text(t) => Param::Text(t),
                Cell::Blob(b) => Param::Blob(b),
                Cell::Null => Param::Null,
            })
            .collect();
        store.execute(&sql, &bound)?;
        self.rows.clear();
        Ok(())
    }
}

/// The next free id of `table`.
pub(super) fn next_id(store: &Store, table: &str) -> Result<i64, StoreError> {
    Ok(store.query_value::<i64>(&format!("SELECT coalesce(max(id), 0) FROM {table}"), &[])? + 1)
}

/// The instant `days` (fractional) before `end`.
pub(super) fn instant_before(end: DateTime<Utc>, days: f64) -> DateTime<Utc> {
    #[allow(clippy::cast_possible_truncation)]
    let seconds = (days.max(0.0) * 86_400.0) as i64;
    end - Duration::seconds(seconds)
}

/// The same as stored: ISO 8601 UTC to the second.
pub(super) fn before(end: DateTime<Utc>, days: f64) -> String {
    instant_before(end, days)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A document's storing time as `documents` writes it: UTC without the `Z`.
pub(super) fn naive_before(end: DateTime<Utc>, days: f64) -> String {
    instant_before(end, days)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// A row index as an id offset.
pub(super) fn offset(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}
