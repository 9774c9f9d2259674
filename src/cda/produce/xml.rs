//! CDA production's use of the toolkit's one writer (`crate::xml::XmlWriter`, one set of
//! escaping rules for every value): the document writer with its XML declaration, and the HL7
//! TS format.

use chrono::{DateTime, FixedOffset};

use crate::xml::XmlWriter;
pub use crate::xml_escape::escape;

/// HL7 TS with seconds and offset: `YYYYMMDDHHMMSS+ZZZZ`.
pub fn ts(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y%m%d%H%M%S%z").to_string()
}

/// The writer of a produced CDA.
pub type Xml = XmlWriter<'static>;

/// An indenting writer that starts with the XML declaration.
pub fn document() -> Xml {
    let mut x = XmlWriter::new();
    x.declaration();
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_drops_controls() {
        assert_eq!(
            escape("a & b < c > d \" e ' f\u{1}\u{1D}g\té"),
            "a &amp; b &lt; c &gt; d &quot; e &apos; fg&#9;é"
        );
    }

    #[test]
    fn nests_and_escapes_attributes() {
        let mut x = document();
        x.open("a", &[("k", "v\"<")]);
        x.leaf("b", &[], "1 & 2");
        x.empty("c", &[("z", "'")]);
        x.open_inline("p", &[]).text("x ").empty("br", &[]);
        x.open("content", &[]).text("y").close();
        x.close();
        let s = x.finish();
        assert!(s.contains(r#"<a k="v&quot;&lt;">"#));
        assert!(s.contains("<b>1 &amp; 2</b>"));
        assert!(s.contains(r#"<c z="&apos;"/>"#));
        assert!(s.contains("<p>x <br/><content>y</content></p>"));
        assert!(s.trim_end().ends_with("</a>"));
    }
}
