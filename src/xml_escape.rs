//! Escaping of values written into XML we generate (CDA, PDF metadata, DMP messages): the five
//! special characters become entities and the characters XML 1.0 forbids are dropped.

/// Appends `value` escaped for text or attribute content.
pub fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// `value` escaped.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(&mut out, value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_drops_forbidden_controls() {
        assert_eq!(
            escape("a<b>&\"c'\u{0}\u{1b}\td\u{FFFF}é"),
            "a&lt;b&gt;&amp;&quot;c&apos;\tdé"
        );
    }
}
