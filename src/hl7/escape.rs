//! Escape sequences of ER7 text, both ways.
//!
//! Reading ([`unescape`], done only when a value's text is asked for, borrowed when the value
//! holds no escape character): `\F\ \S\ \T\ \R\ \E\` give the delimiters, `\P\` the
//! truncation character (v2.7), `\Xhh…\` the bytes `hh…` read in the message's charset. The
//! formatting sequences of FT/TX fields become plain text: `\.br\`, `\.sp n\` and `\.ce\` line
//! breaks (at most 10 for one sequence), `\.sk n\` spaces; `\.fi\ \.nf\ \.in n\ \.ti n\`,
//! highlighting (`\H\ \N\`), charset switches (`\Cxxyy\ \Mxxyyzz\`) and local sequences
//! (`\Z…\`) are dropped. Anything else, or an escape character with no closing one, is kept
//! as written. The raw text (`raw()` on every value) keeps every sequence for who needs them.
//!
//! Writing ([`escape_into`]): every delimiter and the escape character become their sequence;
//! CR and LF become `\X0D\` and `\X0A\`, other ASCII controls except TAB `\Xhh\`, so that a
//! written value never breaks a segment or an MLLP frame (0x0B, 0x1C).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::charset::{Charset, decode_escaped_bytes};
use super::delimiters::Delimiters;

/// Line breaks or spaces one formatting sequence may produce.
const MAX_REPEAT: usize = 10;

/// The text of a raw value (one that holds no delimiter of a lower level).
pub fn unescape<'t>(raw: &'t str, d: &Delimiters, charset: Charset) -> Cow<'t, str> {
    let esc = char::from(d.escape());
    let Some(first) = raw.find(esc) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut rest = &raw[first..];
    // `rest` starts with the escape character at the top of each turn.
    loop {
        let after = &rest[1..];
        let Some(close) = after.find(esc) else {
            out.push_str(rest);
            return Cow::Owned(out);
        };
        let body = &after[..close];
        if !decode_sequence(body, d, charset, &mut out) {
            out.push_str(&rest[..close + 2]);
        }
        rest = &after[close + 1..];
        match rest.find(esc) {
            Some(next) => {
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
            None => {
                out.push_str(rest);
                return Cow::Owned(out);
            }
        }
    }
}

/// Appends what one sequence (without its escape characters) stands for; false when the
/// sequence is not one the standard defines.
fn decode_sequence(body: &str, d: &Delimiters, charset: Charset, out: &mut String) -> bool {
    let single = match body {
        "F" => Some(d.field()),
        "S" => Some(d.component()),
        "T" => Some(d.subcomponent()),
        "R" => Some(d.repetition()),
        "E" => Some(d.escape()),
        "P" => d.truncation(),
        _ => None,
    };
    if let Some(c) = single {
        out.push(char::from(c));
        return true;
    }
    let Some(kind) = body.chars().next() else {
        return false;
    };
    let arg = &body[kind.len_utf8()..];
    match kind {
        'X' => match hex_bytes(arg) {
            Some(bytes) => {
                out.push_str(&decode_escaped_bytes(&bytes, charset));
                true
            }
            None => false,
        },
        'H' | 'N' if arg.is_empty() => true,
        'C' | 'M' if matches!(arg.len(), 4 | 6) && arg.bytes().all(|b| b.is_ascii_hexdigit()) => {
            true
        }
        'Z' => true,
        '.' => formatting(arg, out),
        _ => false,
    }
}

fn formatting(command: &str, out: &mut String) -> bool {
    let name = command.get(..2).unwrap_or(command);
    let count = || {
        let n = command.get(2..).unwrap_or("").trim();
        let n = n.strip_prefix('+').unwrap_or(n);
        if n.is_empty() {
            Some(1)
        } else {
            n.parse::<usize>().ok().map(|n| n.min(MAX_REPEAT))
        }
    };
    match name {
        "br" | "ce" if command.len() == 2 => out.push('\n'),
        "fi" | "nf" if command.len() == 2 => {}
        "sp" => match count() {
            Some(n) => out.extend(std::iter::repeat_n('\n', n)),
            None => return false,
        },
        "sk" => match count() {
            Some(n) => out.extend(std::iter::repeat_n(' ', n)),
            None => return false,
        },
        "in" | "ti" => {
            let n = command.get(2..).unwrap_or("").trim();
            let n = n.strip_prefix(['+', '-']).unwrap_or(n);
            return n.bytes().all(|b| b.is_ascii_digit());
        }
        _ => return false,
    }
    true
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digits = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(digits, 16).ok()
        })
        .collect()
}

/// The ASCII characters that must be written as an escape sequence, as a bit set: the
/// delimiters, and the controls except TAB. Bytes of non-ASCII characters never need one.
fn escape_set(d: &Delimiters) -> u128 {
    let controls = ((1u128 << 0x20) - 1) & !(1u128 << b'\t') | (1u128 << 0x7F);
    [
        Some(d.field()),
        Some(d.component()),
        Some(d.repetition()),
        Some(d.escape()),
        Some(d.subcomponent()),
        d.truncation(),
    ]
    .into_iter()
    .flatten()
    .fold(controls, |set, b| set | (1u128 << (b & 0x7F)))
}

fn in_set(set: u128, b: u8) -> bool {
    b < 0x80 && (set >> b) & 1 == 1
}

/// Appends `text` escaped for any position of a message written with `d`.
pub fn escape_into(out: &mut String, text: &str, d: &Delimiters) {
    let set = escape_set(d);
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| in_set(set, b)) {
        out.push_str(&rest[..at]);
        let b = rest.as_bytes()[at];
        let esc = char::from(d.escape());
        out.push(esc);
        match b {
            _ if b == d.field() => out.push('F'),
            _ if b == d.component() => out.push('S'),
            _ if b == d.repetition() => out.push('R'),
            _ if b == d.escape() => out.push('E'),
            _ if b == d.subcomponent() => out.push('T'),
            _ if Some(b) == d.truncation() => out.push('P'),
            _ => {
                let _ = write!(out, "X{b:02X}");
            }
        }
        out.push(esc);
        // `b` is ASCII: the next character starts right after it.
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// `text` escaped (see [`escape_into`]).
pub fn escape(text: &str, d: &Delimiters) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, d);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> String {
        unescape(raw, &Delimiters::STANDARD, Charset::Utf8).into_owned()
    }

    #[test]
    fn delimiter_sequences() {
        assert_eq!(text(r"a\F\b\S\c\T\d\R\e\E\f"), r"a|b^c&d~e\f");
        assert!(matches!(
            unescape("plain", &Delimiters::STANDARD, Charset::Utf8),
            Cow::Borrowed("plain")
        ));
        // \P\ only means something when a truncation character is declared.
        assert_eq!(text(r"\P\"), r"\P\");
        let d = Delimiters::new(b'|', b'^', b'~', b'\\', b'&', Some(b'#')).unwrap();
        assert_eq!(unescape(r"1\P\2", &d, Charset::Utf8), "1#2");
    }

    #[test]
    fn hex_sequences_follow_the_charset() {
        assert_eq!(text(r"a\X0D0A\b"), "a\r\nb");
        assert_eq!(text(r"\XC3A9\"), "é");
        assert_eq!(
            unescape(r"\XE9\", &Delimiters::STANDARD, Charset::Latin1),
            "é"
        );
        assert_eq!(
            unescape(r"\XA4\", &Delimiters::STANDARD, Charset::Latin9),
            "€"
        );
        // Odd length or non-hex: kept as written.
        assert_eq!(text(r"\X0\ \XZZ\"), r"\X0\ \XZZ\");
    }

    #[test]
    fn formatting_becomes_plain_text() {
        assert_eq!(text(r"l1\.br\l2"), "l1\nl2");
        assert_eq!(text(r"a\.sp 2\b\.sp\c"), "a\n\nb\nc");
        assert_eq!(text(r"a\.sk3\b"), "a   b");
        assert_eq!(text(r"\.in+4\\.ti-2\\.fi\\.nf\\H\bold\N\"), "bold");
        assert_eq!(text(r"\.sp 999999999\"), "\n".repeat(MAX_REPEAT));
        assert_eq!(text(r"\C2842\x\M2442\\Zlocal\"), "x");
        assert_eq!(text(r"\.xx\"), r"\.xx\");
    }

    #[test]
    fn unknown_or_unterminated_sequences_are_kept() {
        assert_eq!(text(r"C:\dir\file"), r"C:\dir\file");
        assert_eq!(text(r"end\"), r"end\");
        assert_eq!(text(r"\\"), r"\\");
        assert_eq!(text(r"a\F"), r"a\F");
    }

    #[test]
    fn escaping_covers_delimiters_and_controls() {
        let d = Delimiters::STANDARD;
        assert_eq!(escape(r"a|b^c~d\e&f", &d), r"a\F\b\S\c\R\d\E\e\T\f");
        assert_eq!(
            escape("l1\r\nl2\x0B\x1C\tz", &d),
            concat!(r"l1\X0D\\X0A\l2\X0B\\X1C\", "\tz")
        );
        assert_eq!(escape("é", &d), "é");
        for s in ["a|b", "x\\y", "\r\n", "\x0B"] {
            assert_eq!(text(&escape(s, &d)), s);
        }
    }
}
