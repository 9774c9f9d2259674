//! Writing messages: values as plain (unescaped) text in a small tree — a field is
//! repetitions of components of subcomponents — and the ER7 writer that escapes every leaf.
//! Trailing empty parts are not written (`A^B^^` is written `A^B`), so a written value reads
//! back as the same tree once normalised: `parse(write(x)) == x.normalized()`. Segments end
//! with CR (the standard's separator, what MLLP peers expect).
//!
//! The MSH segment's fields 1 and 2 are always written from the delimiters, whatever values
//! they hold. Segment names are written as given: callers use the standard's ids.

use super::access::{Field, Segment};
use super::delimiters::Delimiters;
use super::er7::Message;
use super::escape::escape_into;

/// The text of one field: repetitions → components → subcomponents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldValue {
    repetitions: Vec<Vec<Vec<String>>>,
}

impl FieldValue {
    /// A field with no value.
    pub fn empty() -> Self {
        Self::default()
    }

    /// A field holding one text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            repetitions: vec![vec![vec![text.into()]]],
        }
    }

    /// A field of one repetition with these components (each one subcomponent).
    pub fn components<S: Into<String>>(components: impl IntoIterator<Item = S>) -> Self {
        Self {
            repetitions: vec![components.into_iter().map(|c| vec![c.into()]).collect()],
        }
    }

    /// A field from its full tree.
    pub fn from_parts(repetitions: Vec<Vec<Vec<String>>>) -> Self {
        Self { repetitions }
    }

    /// The decoded tree of a parsed field (normalised).
    pub fn from_field(field: &Field<'_>) -> Self {
        let repetitions = field
            .repetitions()
            .map(|rep| {
                rep.components()
                    .map(|c| c.subcomponents().map(|s| s.text().into_owned()).collect())
                    .collect()
            })
            .collect();
        Self { repetitions }.normalized()
    }

    pub fn parts(&self) -> &[Vec<Vec<String>>] {
        &self.repetitions
    }

    pub fn is_empty(&self) -> bool {
        self.repetitions
            .iter()
            .flatten()
            .flatten()
            .all(String::is_empty)
    }

    /// The same value without trailing empty subcomponents, components and repetitions.
    pub fn normalized(mut self) -> Self {
        for rep in &mut self.repetitions {
            for component in rep.iter_mut() {
                trim_end(component, String::is_empty);
            }
            trim_end(rep, Vec::is_empty);
        }
        trim_end(&mut self.repetitions, Vec::is_empty);
        self
    }

    fn write(&self, out: &mut String, d: &Delimiters) {
        let reps = &self.repetitions[..kept(&self.repetitions, |rep| rep_is_empty(rep))];
        for (r, rep) in reps.iter().enumerate() {
            if r > 0 {
                out.push(char::from(d.repetition()));
            }
            let components = &rep[..kept(rep, |c| component_is_empty(c))];
            for (c, component) in components.iter().enumerate() {
                if c > 0 {
                    out.push(char::from(d.component()));
                }
                let subs = &component[..kept(component, |s| s.is_empty())];
                for (s, sub) in subs.iter().enumerate() {
                    if s > 0 {
                        out.push(char::from(d.subcomponent()));
                    }
                    escape_into(out, sub, d);
                }
            }
        }
    }
}

/// How many items are left once trailing empty ones are dropped.
fn kept<T>(items: &[T], empty: impl Fn(&T) -> bool) -> usize {
    items
        .iter()
        .rposition(|item| !empty(item))
        .map_or(0, |i| i + 1)
}

fn component_is_empty(component: &[String]) -> bool {
    component.iter().all(String::is_empty)
}

fn rep_is_empty(rep: &[Vec<String>]) -> bool {
    rep.iter().all(|c| component_is_empty(c))
}

fn trim_end<T>(items: &mut Vec<T>, empty: impl Fn(&T) -> bool) {
    while items.last().is_some_and(&empty) {
        items.pop();
    }
}

/// One segment to write: its id and its fields (`fields[0]` is field 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentValue {
    pub name: String,
    pub fields: Vec<FieldValue>,
}

impl SegmentValue {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            fields: Vec::new(),
        }
    }

    /// Sets field `n` (1-based), adding empty fields before it when needed.
    pub fn set(&mut self, n: usize, value: FieldValue) -> &mut Self {
        if n == 0 {
            return self;
        }
        if self.fields.len() < n {
            self.fields.resize_with(n, FieldValue::empty);
        }
        self.fields[n - 1] = value;
        self
    }

    /// [`SegmentValue::set`] by value, for chaining.
    pub fn with(mut self, n: usize, value: FieldValue) -> Self {
        self.set(n, value);
        self
    }

    /// Field `n` (1-based), when set.
    pub fn field(&self, n: usize) -> Option<&FieldValue> {
        n.checked_sub(1).and_then(|i| self.fields.get(i))
    }

    /// The decoded tree of a parsed segment (MSH-1 and MSH-2 hold the delimiters as text).
    pub fn from_segment(segment: &Segment<'_>) -> Self {
        let mut fields: Vec<FieldValue> = segment
            .fields()
            .enumerate()
            .map(|(i, f)| {
                if segment.name() == "MSH" && i < 2 {
                    FieldValue::text(f.raw())
                } else {
                    FieldValue::from_field(&f)
                }
            })
            .collect();
        trim_end(&mut fields, FieldValue::is_empty);
        Self {
            name: segment.name().to_owned(),
            fields,
        }
    }

    /// The segment in ER7, without its terminator.
    pub fn write(&self, out: &mut String, d: &Delimiters) {
        out.push_str(&self.name);
        let sep = char::from(d.field());
        let mut fields = self.fields.as_slice();
        if self.name == "MSH" {
            out.push(sep);
            out.push_str(&d.encoding_characters());
            fields = fields.get(2..).unwrap_or(&[]);
        }
        let last = fields
            .iter()
            .rposition(|f| !f.is_empty())
            .map_or(0, |i| i + 1);
        for field in &fields[..last] {
            out.push(sep);
            field.write(out, d);
        }
    }
}

/// Segments in ER7, each ended by CR.
pub fn write_message(segments: &[SegmentValue], d: &Delimiters) -> String {
    let mut out = String::with_capacity(256);
    for segment in segments {
        segment.write(&mut out, d);
        out.push('\r');
    }
    out
}

/// The decoded tree of every segment of a parsed message.
pub fn to_values(message: &Message<'_>) -> Vec<SegmentValue> {
    message
        .all_segments()
        .map(|s| SegmentValue::from_segment(&s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hl7::parse;

    #[test]
    fn writes_escaped_and_trimmed() {
        let d = Delimiters::STANDARD;
        let msh = SegmentValue::new("MSH")
            .with(3, FieldValue::text("DPI"))
            .with(9, FieldValue::components(["ACK", "T02", "ACK"]))
            .with(10, FieldValue::text("1|2"));
        let obx = SegmentValue::new("OBX")
            .with(3, FieldValue::components(["a^b", "", ""]))
            .with(
                5,
                FieldValue::from_parts(vec![
                    vec![vec!["x".into(), "y&z".into()]],
                    vec![vec!["r2".into()]],
                    vec![],
                ]),
            )
            .with(8, FieldValue::empty());
        let text = write_message(&[msh, obx], &d);
        assert_eq!(
            text,
            "MSH|^~\\&|DPI||||||ACK^T02^ACK|1\\F\\2\rOBX|||a\\S\\b||x&y\\T\\z~r2\r"
        );
        let message = parse(text.as_bytes()).unwrap();
        assert_eq!(message.control_id(), "1|2");
        let obx = message.segment("OBX").unwrap();
        assert_eq!(
            obx.field(5)
                .repetition(0)
                .component(1)
                .subcomponent(2)
                .text(),
            "y&z"
        );
        assert_eq!(obx.field(5).repetition(1).text(), "r2");
    }

    #[test]
    fn msh_delimiters_come_from_the_writer() {
        let d = Delimiters::new(b'#', b'$', b'%', b'!', b'*', None).unwrap();
        let msh = SegmentValue::new("MSH")
            .with(1, FieldValue::text("|"))
            .with(2, FieldValue::text("^~\\&"))
            .with(3, FieldValue::text("a#b"));
        let text = write_message(&[msh, SegmentValue::new("NTE")], &d);
        assert_eq!(text, "MSH#$%!*#a!F!b\rNTE\r");
        let message = parse(text.as_bytes()).unwrap();
        assert_eq!(message.msh().field(3).text(), "a#b");
        assert_eq!(message.msh().field(1).text(), "#");
        assert_eq!(message.msh().field(2).text(), "$%!*");
        assert_eq!(message.segment_count(), 2);
    }
}
