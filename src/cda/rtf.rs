//! RTF bodies of N1 documents, shown as text: paragraphs, tabs, `\'hh` (Windows-1252) and
//! `\uN` characters are kept; formatting, fonts, colours, pictures and hidden destinations
//! (`{\*\…}`, `\fonttbl`, `\colortbl`, `\stylesheet`, `\info`, `\pict`) are dropped. Bounded
//! by the input: no recursion, nothing to expand.

/// Destinations whose content is not text to show.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "header",
    "footer",
    "headerl",
    "headerr",
    "footerl",
    "footerr",
    "listtable",
    "listoverridetable",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "xmlnstbl",
    "rsidtbl",
    "generator",
];

/// Windows-1252 code point of a byte (RTF's `\ansi` default).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The text of an RTF document.
pub fn rtf_to_text(rtf: &[u8]) -> String {
    let mut out = String::new();
    // For each open group: is it skipped?
    let mut skip_stack: Vec<bool> = vec![false];
    // Characters to drop after a \uN (its ANSI fallback), per `\ucN` (default 1).
    let mut uc: usize = 1;
    let mut to_drop: usize = 0;
    let mut i = 0;
    let skipping = |stack: &Vec<bool>| stack.last().copied().unwrap_or(false);
    while i < rtf.len() {
        let b = rtf[i];
        match b {
            b'{' => {
                let parent = skipping(&skip_stack);
                // `{\*\dest …}` is an ignorable destination.
                let starred = rtf.get(i + 1..i + 3) == Some(b"\\*");
                skip_stack.push(parent || starred);
                i += 1;
            }
            b'}' => {
                if skip_stack.len() > 1 {
                    skip_stack.pop();
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&next) = rtf.get(i) else { break };
                if next.is_ascii_alphabetic() {
                    let start = i;
                    while i < rtf.len() && rtf[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&rtf[start..i]).unwrap_or_default();
                    let num_start = i;
                    if i < rtf.len() && (rtf[i] == b'-' || rtf[i].is_ascii_digit()) {
                        i += 1;
                        while i < rtf.len() && rtf[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                    let param: Option<i64> = std::str::from_utf8(&rtf[num_start..i])
                        .ok()
                        .and_then(|n| n.parse().ok());
                    if i < rtf.len() && rtf[i] == b' ' {
                        i += 1;
                    }
                    if SKIPPED.contains(&word) {
                        if let Some(top) = skip_stack.last_mut() {
                            *top = true;
                        }
                        continue;
                    }
                    if skipping(&skip_stack) {
                        continue;
                    }
                    match word {
                        "par" | "line" | "sect" | "page" => out.push('\n'),
                        "tab" | "cell" => out.push('\t'),
                        "row" => out.push('\n'),
                        "emdash" => out.push('—'),
                        "endash" => out.push('–'),
                        "bullet" => out.push('•'),
                        "lquote" => out.push('‘'),
                        "rquote" => out.push('’'),
                        "ldblquote" => out.push('“'),
                        "rdblquote" => out.push('”'),
                        "uc" => uc = param.map_or(1, |p| usize::try_from(p).unwrap_or(0)),
                        "u" => {
                            if let Some(p) = param {
                                let code = if p < 0 { p + 65536 } else { p };
                                if let Some(c) = u32::try_from(code).ok().and_then(char::from_u32) {
                                    out.push(c);
                                }
                                to_drop = uc;
                            }
                        }
                        _ => {}
                    }
                } else {
                    i += 1;
                    match next {
                        b'\'' => {
                            let hex = rtf.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                i += 2;
                                if to_drop > 0 {
                                    to_drop -= 1;
                                } else if !skipping(&skip_stack) {
                                    out.push(cp1252(v));
                                }
                            }
                        }
                        b'\\' | b'{' | b'}' if !skipping(&skip_stack) => out.push(char::from(next)),
                        b'~' if !skipping(&skip_stack) => out.push('\u{a0}'),
                        b'\n' | b'\r' if !skipping(&skip_stack) => out.push('\n'),
                        _ => {}
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                if to_drop > 0 {
                    to_drop -= 1;
                } else if !skipping(&skip_stack) {
                    out.push(cp1252(b));
                }
            }
        }
    }
    // Collapse runs of blank lines.
    let mut text = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_accents_and_unicode() {
        let rtf = br"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}
{\*\generator Word;}\f0\fs24 Compte rendu \'e9chographique\par
{\b Conclusion :} normal.\tab Fin\par
Patient \u233?e\par}";
        let text = rtf_to_text(rtf);
        assert_eq!(
            text,
            "Compte rendu échographique\nConclusion : normal.\tFin\nPatient ée"
        );
        assert!(!text.contains("Arial") && !text.contains("Word"));
    }

    #[test]
    fn escapes_and_broken_input_do_not_panic() {
        assert_eq!(rtf_to_text(br"{\rtf1 a\{b\}c\\d}"), r"a{b}c\d");
        assert_eq!(rtf_to_text(b""), "");
        // An invalid hex escape is dropped; what follows stays text.
        assert_eq!(rtf_to_text(br"{\rtf1 \'zz\'"), "zz");
        let _ = rtf_to_text(b"}}}}{{{{\\");
        let _ = rtf_to_text(br"\u-4000?\u99999999999999999999");
    }

    #[test]
    fn pictures_are_dropped() {
        let rtf = br"{\rtf1 Avant{\pict\pngblip 89504e470d0a}Apr\'e8s}";
        assert_eq!(rtf_to_text(rtf), "AvantAprès");
    }
}
