//! The parameters of an ITI-18 stored query as the sandbox reads them: the slots of the
//! `AdhocQuery` and the value syntax of IHE ITI TF-2a 3.18.4.1.2.3 — `'value'` (single quotes
//! doubled inside), `('a','b')` lists, bare tokens (times), codes `code^^scheme`, XDS times
//! (DTM, UTC). A parameter may come as several `Value`s (ORed, or ANDed for the event-code and
//! confidentiality-code lists, which the caller decides).

use chrono::{DateTime, Utc};

use crate::dmp::xds::entry_read::all_slots;
use crate::dmp::xds::{Code, parse_dtm};
use crate::xml::Element;

use super::xds_side::Fault;

const BAD_VALUE: Fault = Fault::new(
    "XDSRegistryMetadataError",
    "Un paramètre de la requête est mal formé.",
);
const TOO_MANY: Fault = Fault::new(
    "XDSStoredQueryParamNumber",
    "Un paramètre de la requête est répété ou incompatible avec un autre.",
);

/// The slots of an `AdhocQuery`: name and values, in order.
pub(crate) struct Params(Vec<(String, Vec<String>)>);

impl Params {
    pub fn of(query: Element<'_>) -> Self {
        Self(all_slots(query))
    }

    /// Every `Value` of every slot named `name`, as written.
    pub fn raw(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// Each `Value` split into its items (`('a','b')` → `a`, `b`).
    pub fn lists(&self, name: &str) -> Result<Vec<Vec<String>>, Fault> {
        self.raw(name).into_iter().map(split_value).collect()
    }

    /// Every item of every `Value` (the ORed form).
    pub fn items(&self, name: &str) -> Result<Vec<String>, Fault> {
        Ok(self.lists(name)?.into_iter().flatten().collect())
    }

    /// The one value of a single-valued parameter, `None` when absent.
    pub fn single(&self, name: &str) -> Result<Option<String>, Fault> {
        let mut items = self.items(name)?;
        match items.len() {
            0 => Ok(None),
            1 => Ok(items.pop()),
            _ => Err(TOO_MANY),
        }
    }

    /// A time parameter (`…From`, `…To`).
    pub fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, Fault> {
        match self.single(name)? {
            None => Ok(None),
            Some(v) => parse_dtm(&v).map(Some).ok_or(BAD_VALUE),
        }
    }

    /// A code list parameter, one list per `Value`.
    pub fn codes(&self, name: &str) -> Result<Vec<Vec<CodeFilter>>, Fault> {
        Ok(self
            .lists(name)?
            .into_iter()
            .map(|list| list.iter().map(|v| CodeFilter::parse(v)).collect())
            .collect())
    }

    /// A code list parameter whose `Value`s are ORed.
    pub fn any_codes(&self, name: &str) -> Result<Vec<CodeFilter>, Fault> {
        Ok(self.codes(name)?.into_iter().flatten().collect())
    }
}

/// A code of a query parameter: `code^^scheme`, or a bare code matching any scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeFilter {
    code: String,
    scheme: Option<String>,
}

impl CodeFilter {
    pub fn parse(value: &str) -> Self {
        match value.split_once("^^") {
            Some((code, scheme)) => Self {
                code: code.trim().to_owned(),
                scheme: Some(scheme.trim().to_owned()),
            },
            None => Self {
                code: value.trim().to_owned(),
                scheme: None,
            },
        }
    }

    pub fn matches(&self, c: &Code) -> bool {
        c.code == self.code && self.scheme.as_ref().is_none_or(|s| *s == c.scheme)
    }
}

/// `true` when `filter` is empty (no constraint) or one of its codes is `code`.
pub(crate) fn any_matches(filter: &[CodeFilter], code: Option<&Code>) -> bool {
    filter.is_empty() || code.is_some_and(|c| filter.iter().any(|f| f.matches(c)))
}

/// `true` when every list of `lists` (ANDed) holds a code of `codes` (ORed inside a list).
pub(crate) fn all_lists_match(lists: &[Vec<CodeFilter>], codes: &[Code]) -> bool {
    lists
        .iter()
        .all(|list| codes.iter().any(|c| list.iter().any(|f| f.matches(c))))
}

/// Splits one `Value`: `'x'` → `[x]`, `('a','b')` → `[a, b]`, a bare token → `[token]`.
pub(crate) fn split_value(raw: &str) -> Result<Vec<String>, Fault> {
    let text = raw.trim();
    let Some(rest) = text.strip_prefix('(') else {
        return Ok(vec![scalar(text)?]);
    };
    let inner = rest.strip_suffix(')').ok_or(BAD_VALUE)?;
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut item = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next().ok_or(BAD_VALUE)? {
                    '\'' if chars.next_if_eq(&'\'').is_some() => item.push('\''),
                    '\'' => break,
                    c => item.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                item.push(c);
            }
            item = item.trim().to_owned();
            if item.is_empty() || item.contains('\'') {
                return Err(BAD_VALUE);
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => break,
            Some(',') => {}
            Some(_) => return Err(BAD_VALUE),
        }
    }
    Ok(items)
}

/// `'x'` (quotes doubled inside) or a bare token.
fn scalar(text: &str) -> Result<String, Fault> {
    let Some(rest) = text.strip_prefix('\'') else {
        return if text.is_empty() || text.contains('\'') {
            Err(BAD_VALUE)
        } else {
            Ok(text.to_owned())
        };
    };
    let inner = rest.strip_suffix('\'').ok_or(BAD_VALUE)?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return Err(BAD_VALUE);
        }
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_syntax() {
        assert_eq!(split_value("'a^^b'"), Ok(vec!["a^^b".to_owned()]));
        assert_eq!(split_value(" 'l''x' "), Ok(vec!["l'x".to_owned()]));
        assert_eq!(split_value("20240301"), Ok(vec!["20240301".to_owned()]));
        assert_eq!(
            split_value("('a', 'b''c' ,'d,e')"),
            Ok(vec!["a".to_owned(), "b'c".to_owned(), "d,e".to_owned()])
        );
        assert_eq!(
            split_value("(1, 2)"),
            Ok(vec!["1".to_owned(), "2".to_owned()])
        );
        for bad in [
            "",
            "'a",
            "('a'",
            "('a' 'b')",
            "()",
            "('a',)",
            "'a'b'",
            "(a'b)",
        ] {
            assert_eq!(split_value(bad), Err(BAD_VALUE), "{bad}");
        }
    }

    #[test]
    fn code_filters() {
        let c = Code::new("10", "1.2.250.1.213.1.1.4.1", "Compte rendu");
        assert!(CodeFilter::parse("10^^1.2.250.1.213.1.1.4.1").matches(&c));
        assert!(CodeFilter::parse("10").matches(&c));
        assert!(!CodeFilter::parse("10^^1.2.3").matches(&c));
        assert!(!CodeFilter::parse("11^^1.2.250.1.213.1.1.4.1").matches(&c));
        assert!(any_matches(&[], None));
        assert!(!any_matches(&[CodeFilter::parse("10")], None));
        let codes = [c, Code::new("N", "2.16.840.1.113883.5.25", "")];
        let and = [
            vec![CodeFilter::parse("10"), CodeFilter::parse("99")],
            vec![CodeFilter::parse("N^^2.16.840.1.113883.5.25")],
        ];
        assert!(all_lists_match(&and, &codes));
        assert!(!all_lists_match(&[vec![CodeFilter::parse("99")]], &codes));
    }
}
