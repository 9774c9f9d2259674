//! The toolkit's tokenizer: a strict, borrowing XML 1.0 lexer over text already decoded (so
//! no slice is validated as UTF-8 twice), shared by the tree reader and the CDA cursor. The
//! entity rules they both apply are in `entities`.
//!
//! It hands out start tags (name, attributes as written, empty or not), end tags (checked
//! against the open start tag), runs of character data as written, and CDATA sections;
//! comments, processing instructions and the XML declaration are skipped. It refuses, with a
//! byte position and never any content: a DOCTYPE, an end tag that matches nothing, a
//! malformed tag or attribute, a repeated attribute, and an end of input inside markup or
//! inside an element (truncated). Entity references are checked where the text is read:
//! only the five predefined entities and character references exist.
//!
//! quick-xml was the tokenizer before; profiling the DMP and CDA benchmarks showed it
//! re-validating every slice as UTF-8 (13–17 % of the time) and walking attributes twice.

use std::collections::HashSet;

use super::error::{XmlError, XmlProblem};

/// An attribute as written: its name and the text between its quotes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawAttr<'s> {
    pub name: &'s str,
    pub value: &'s str,
}

/// One step of the input.
#[derive(Debug)]
pub(crate) enum Token<'s> {
    /// `<name …>` or `<name …/>`; its attributes are in [`Lexer::attrs`].
    Start {
        name: &'s str,
        /// The text between `<` and `>` (or `/>`).
        tag: &'s str,
        empty: bool,
    },
    /// The end tag of the innermost open element.
    End,
    /// Character data as written (entity references and line ends not yet resolved).
    Text(&'s str),
    /// The content of a CDATA section (line ends not yet normalised).
    CData(&'s str),
    Eof,
}

pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    /// Names of the open elements.
    open: Vec<&'s str>,
    /// Attributes of the last start tag.
    pub attrs: Vec<RawAttr<'s>>,
    /// Bytes of the original input before `src` (for reported positions).
    offset: u64,
    /// Start of the last token, in `src`.
    token_start: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Index of the first `needle` (ASCII) in `s`: a plain loop over the first bytes (most runs
/// between markup are short indentation), the standard library's memchr beyond.
pub(crate) fn find_byte(s: &str, needle: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut head = bytes.len().min(32);
    if let Some(i) = bytes[..head].iter().position(|&b| b == needle) {
        return Some(i);
    }
    while !s.is_char_boundary(head) {
        head += 1;
    }
    s[head..].find(char::from(needle)).map(|i| head + i)
}

/// Where a name ends: at white space, `/`, `>` or `=`.
fn name_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| is_space(b) || matches!(b, b'/' | b'>' | b'='))
        .map_or(bytes.len(), |n| from + n)
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str, offset: u64) -> Self {
        Self {
            src,
            pos: 0,
            open: Vec::new(),
            attrs: Vec::new(),
            offset,
            token_start: 0,
        }
    }

    /// Byte offset in the source of the next token.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Byte offset in the source where the last token started.
    pub fn token_start(&self) -> usize {
        self.token_start
    }

    /// A position in the source as reported in errors (input before the source included).
    pub fn report(&self, at: usize) -> u64 {
        self.offset + at as u64
    }

    fn malformed(&self, at: usize, problem: XmlProblem) -> XmlError {
        XmlError::Malformed {
            position: self.report(at),
            problem,
        }
    }

    fn truncated(&self) -> XmlError {
        XmlError::Truncated {
            position: self.report(self.src.len()),
        }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token<'s>, XmlError> {
        loop {
            let start = self.pos;
            self.token_start = start;
            let rest = &self.src[start..];
            if rest.is_empty() {
                return if self.open.is_empty() {
                    Ok(Token::Eof)
                } else {
                    Err(self.truncated())
                };
            }
            if !rest.starts_with('<') {
                let len = find_byte(rest, b'<').unwrap_or(rest.len());
                if start + len == self.src.len() && !self.open.is_empty() {
                    return Err(self.truncated());
                }
                self.pos = start + len;
                return Ok(Token::Text(&rest[..len]));
            }
            let bytes = rest.as_bytes();
            match bytes.get(1) {
                Some(b'/') => return self.end_tag(start),
                Some(b'?') => {
                    let end = rest.find("?>").ok_or_else(|| self.truncated())?;
                    self.pos = start + end + 2;
                }
                Some(b'!') => {
                    if let Some(comment) = rest.strip_prefix("<!--") {
                        let end = comment.find("-->").ok_or_else(|| self.truncated())?;
                        self.pos = start + 4 + end + 3;
                    } else if let Some(data) = rest.strip_prefix("<![CDATA[") {
                        let end = data.find("]]>").ok_or_else(|| self.truncated())?;
                        self.pos = start + 9 + end + 3;
                        return Ok(Token::CData(&data[..end]));
                    } else if rest
                        .get(2..9)
                        .is_some_and(|w| w.eq_ignore_ascii_case("DOCTYPE"))
                    {
                        return Err(XmlError::Doctype);
                    } else if rest.len() < 9 && !rest.contains('>') {
                        return Err(self.truncated());
                    } else {
                        return Err(self.malformed(start, XmlProblem::Other));
                    }
                }
                Some(_) => return self.start_tag(start),
                None => return Err(self.truncated()),
            }
        }
    }

    fn end_tag(&mut self, start: usize) -> Result<Token<'s>, XmlError> {
        let rest = &self.src[start..];
        let close = find_byte(rest, b'>').ok_or_else(|| self.truncated())?;
        let name = rest[2..close].trim_end_matches([' ', '\t', '\r', '\n']);
        match self.open.last() {
            None => return Err(self.malformed(start, XmlProblem::UnmatchedEndTag)),
            Some(open) if *open != name => {
                return Err(self.malformed(start, XmlProblem::MismatchedEndTag));
            }
            Some(_) => {}
        }
        self.open.pop();
        self.pos = start + close + 1;
        Ok(Token::End)
    }

    fn start_tag(&mut self, start: usize) -> Result<Token<'s>, XmlError> {
        let src = self.src;
        let bytes = src.as_bytes();
        let end = name_end(bytes, start + 1);
        if end == start + 1 {
            return Err(self.malformed(start, XmlProblem::Other));
        }
        let name = &src[start + 1..end];
        self.attrs.clear();
        let mut at = end;
        let empty = loop {
            while at < bytes.len() && is_space(bytes[at]) {
                at += 1;
            }
            match bytes.get(at) {
                None => return Err(self.truncated()),
                Some(b'>') => break false,
                Some(b'/') => match bytes.get(at + 1) {
                    Some(b'>') => break true,
                    None => return Err(self.truncated()),
                    Some(_) => return Err(self.malformed(at, XmlProblem::Other)),
                },
                Some(_) => at = self.attribute(at)?,
            }
        };
        let tag = &src[start + 1..at];
        self.pos = at + if empty { 2 } else { 1 };
        self.check_repeated(start)?;
        if !empty {
            self.open.push(name);
        }
        Ok(Token::Start { name, tag, empty })
    }

    /// Reads `name="value"` (or single quotes) at `at`; returns where it ends.
    fn attribute(&mut self, at: usize) -> Result<usize, XmlError> {
        match scan_attribute(self.src, at) {
            Ok((attr, next)) => {
                self.attrs.push(attr);
                Ok(next)
            }
            Err(Scan::Truncated) => Err(self.truncated()),
            Err(Scan::Malformed) => Err(self.malformed(at, XmlProblem::Attribute)),
        }
    }

    /// Refuses a start tag that repeats an attribute name.
    fn check_repeated(&self, start: usize) -> Result<(), XmlError> {
        const FEW: usize = 16;
        let attrs = &self.attrs;
        let repeated = if attrs.len() <= FEW {
            attrs
                .iter()
                .enumerate()
                .any(|(i, a)| attrs[..i].iter().any(|b| b.name == a.name))
        } else {
            let mut seen = HashSet::with_capacity(attrs.len());
            !attrs.iter().all(|a| seen.insert(a.name))
        };
        if repeated {
            Err(self.malformed(start, XmlProblem::Attribute))
        } else {
            Ok(())
        }
    }
}

/// Why an attribute could not be read.
enum Scan {
    Truncated,
    Malformed,
}

/// Reads `name="value"` (or single quotes) at `at` of `src`: the attribute and where it ends.
fn scan_attribute(src: &str, at: usize) -> Result<(RawAttr<'_>, usize), Scan> {
    let bytes = src.as_bytes();
    let end = name_end(bytes, at);
    if end == at {
        return Err(Scan::Malformed);
    }
    let mut i = end;
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    match bytes.get(i) {
        None => return Err(Scan::Truncated),
        Some(b'=') => i += 1,
        Some(_) => return Err(Scan::Malformed),
    }
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    let quote = match bytes.get(i) {
        None => return Err(Scan::Truncated),
        Some(&q @ (b'"' | b'\'')) => q,
        Some(_) => return Err(Scan::Malformed),
    };
    let value_len = find_byte(&src[i + 1..], quote).ok_or(Scan::Truncated)?;
    let attr = RawAttr {
        name: &src[at..end],
        value: &src[i + 1..i + 1 + value_len],
    };
    Ok((attr, i + 1 + value_len + 1))
}

/// The raw value of the attribute `name` of a start tag the lexer has already accepted
/// (`tag`: as in [`Token::Start`]).
pub(crate) fn find_attribute<'s>(tag: &'s str, name: &str) -> Option<&'s str> {
    let bytes = tag.as_bytes();
    let mut at = name_end(bytes, 0);
    loop {
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] == b'/' {
            return None;
        }
        let (attr, next) = scan_attribute(tag, at).ok()?;
        if attr.name == name {
            return Some(attr.value);
        }
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Result<Vec<String>, XmlError> {
        let mut lexer = Lexer::new(src, 0);
        let mut out = Vec::new();
        loop {
            match lexer.next_token()? {
                Token::Start { name, empty, .. } => {
                    let attrs: Vec<String> = lexer
                        .attrs
                        .iter()
                        .map(|a| format!("{}={}", a.name, a.value))
                        .collect();
                    out.push(format!(
                        "<{name} {}{}>",
                        attrs.join(" "),
                        if empty { "/" } else { "" }
                    ));
                }
                Token::End => out.push("</>".into()),
                Token::Text(t) => out.push(format!("t:{t}")),
                Token::CData(t) => out.push(format!("c:{t}")),
                Token::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn tags_attributes_text_and_sections() {
        let src = "<?xml version='1.0'?><!-- c --><a x = \"1>2\" y='q\"'>t<![CDATA[<b>]]><e/></a >";
        assert_eq!(
            tokens(src).expect("lexes"),
            ["<a x=1>2 y=q\">", "t:t", "c:<b>", "<e />", "</>"]
        );
    }

    #[test]
    fn refusals() {
        let cases: [(&str, XmlError); 10] = [
            ("<a>", XmlError::Truncated { position: 3 }),
            ("<a>text", XmlError::Truncated { position: 7 }),
            ("<a b=\"1", XmlError::Truncated { position: 7 }),
            ("<!DOCTYPE a><a/>", XmlError::Doctype),
            (
                "<a></b>",
                XmlError::Malformed {
                    position: 3,
                    problem: XmlProblem::MismatchedEndTag,
                },
            ),
            (
                "</a>",
                XmlError::Malformed {
                    position: 0,
                    problem: XmlProblem::UnmatchedEndTag,
                },
            ),
            (
                "<a b c=\"1\"/>",
                XmlError::Malformed {
                    position: 3,
                    problem: XmlProblem::Attribute,
                },
            ),
            (
                "<a b=1/>",
                XmlError::Malformed {
                    position: 3,
                    problem: XmlProblem::Attribute,
                },
            ),
            (
                "<a b='1' b='2'/>",
                XmlError::Malformed {
                    position: 0,
                    problem: XmlProblem::Attribute,
                },
            ),
            (
                "< a/>",
                XmlError::Malformed {
                    position: 0,
                    problem: XmlProblem::Other,
                },
            ),
        ];
        for (src, expected) in cases {
            assert_eq!(tokens(src), Err(expected), "{src}");
        }
    }

    #[test]
    fn bytes_are_found_near_and_far() {
        let far = format!("{}é<", "a".repeat(40));
        assert_eq!(find_byte(&far, b'<'), Some(42));
        assert_eq!(find_byte("ab<", b'<'), Some(2));
        assert_eq!(find_byte(&"é".repeat(40), b'<'), None);
    }

    #[test]
    fn attributes_of_an_accepted_tag() {
        let tag = "e a=\"1\" b = '2>' c=\"\"";
        assert_eq!(find_attribute(tag, "b"), Some("2>"));
        assert_eq!(find_attribute(tag, "c"), Some(""));
        assert_eq!(find_attribute(tag, "d"), None);
        assert_eq!(find_attribute("e", "a"), None);
    }
}
