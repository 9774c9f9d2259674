//! Search keys: text folded to lower-case ASCII words (accents removed, ligatures spelt out,
//! punctuation and apostrophes as spaces), so that "Hélène D'Aubigné-Öz" and "helene
//! daubigne oz" meet. The import, the search and the FHIR mapping all fold with this.

use unicode_normalization::UnicodeNormalization;

/// `text` folded: lower-case ASCII letters and digits, words separated by one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    if text.is_ascii() {
        // Most of the extract: no decomposition to do.
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    for c in text.nfkd() {
        let mapped: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' => "d",
            'ł' | 'Ł' => "l",
            _ => "",
        };
        if !mapped.is_empty() {
            push_word_part(&mut out, &mut pending_space, mapped);
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let lower = c.to_ascii_lowercase();
            push_word_part(&mut out, &mut pending_space, lower.encode_utf8(&mut [0; 4]));
        } else if unicode_normalization::char::is_combining_mark(c) {
            // The accent of the previous letter: dropped.
        } else if c == '\'' || c == '’' {
            // "D'Aubigné" → "d aubigne": both halves are words.
            pending_space = true;
        } else {
            pending_space = true;
        }
    }
    out
}

fn push_word_part(out: &mut String, pending_space: &mut bool, part: &str) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    out.push_str(part);
}

/// The words of `text`, folded.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The words of a street type code of the AFNOR address (`R` → "rue"), so that a user
/// typing "rue" or "avenue" finds the extract's coded lines; an unknown code is kept.
pub fn street_type_label(code: &str) -> &str {
    match code.trim().to_ascii_uppercase().as_str() {
        "R" | "RUE" => "rue",
        "AV" | "AVE" => "avenue",
        "BD" => "boulevard",
        "PL" => "place",
        "CHE" | "CHEM" => "chemin",
        "IMP" => "impasse",
        "ALL" => "allee",
        "RTE" => "route",
        "QUAI" | "QU" => "quai",
        "SQ" => "square",
        "CRS" => "cours",
        "PROM" => "promenade",
        "FG" | "FBG" => "faubourg",
        "LOT" => "lotissement",
        "RES" => "residence",
        "HAM" => "hameau",
        "PAS" | "PASS" => "passage",
        "SEN" => "sentier",
        "CAR" => "carrefour",
        "QUA" => "quartier",
        "RPT" => "rond point",
        "CHS" => "chaussee",
        "PARV" => "parvis",
        "ESP" => "esplanade",
        "MTE" => "montee",
        "TRA" => "traverse",
        "ZA" => "zone artisanale",
        "ZI" => "zone industrielle",
        "ZAC" => "zone d amenagement concerte",
        "VC" => "voie communale",
        "CITE" => "cite",
        "DOM" => "domaine",
        "VLA" => "villa",
        _ => code,
    }
}

/// Words of an address too common to drive a search (« rue », « avenue », a street number,
/// « cedex »): they still have to match, but the rarer words find the candidates.
pub fn is_weak_word(word: &str) -> bool {
    let digits = !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
    (digits && word.len() <= 4)
        || matches!(
            word,
            "rue"
                | "avenue"
                | "av"
                | "boulevard"
                | "bd"
                | "place"
                | "chemin"
                | "impasse"
                | "allee"
                | "route"
                | "quai"
                | "square"
                | "cours"
                | "promenade"
                | "faubourg"
                | "residence"
                | "cedex"
                | "bis"
                | "ter"
                | "b"
                | "t"
        )
}

/// Words too common to search by alone ("rue de la paix": "de" and "la").
pub fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "de" | "du"
            | "des"
            | "la"
            | "le"
            | "les"
            | "l"
            | "d"
            | "et"
            | "a"
            | "au"
            | "aux"
            | "en"
            | "sur"
            | "sous"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_ligatures_and_punctuation_fold() {
        assert_eq!(fold("Hélène D'Aubigné-Öz"), "helene d aubigne oz");
        assert_eq!(fold("  ŒDIPE  Cœur "), "oedipe coeur");
        assert_eq!(fold("12 bis, R. de la Paix"), "12 bis r de la paix");
        assert_eq!(
            fold("dr.martin@hopital.mssante.fr"),
            "dr martin hopital mssante fr"
        );
        assert_eq!(fold(""), "");
        assert_eq!(words("Saint-Étienne"), vec!["saint", "etienne"]);
    }
}
