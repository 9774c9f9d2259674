//! User-visible text: Fluent bundles compiled into the binary from `locales/<lang>/chevet.ftl`.
//! French is the default and the fallback; English is available. Code refers to messages by
//! id only, never to literal text.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language Chevet speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Self; 2] = [Self::Fr, Self::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| code.eq_ignore_ascii_case(l.code()))
    }

    /// The language's own name, shown in the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Self::Fr => include_str!("../locales/fr/chevet.ftl"),
            Self::En => include_str!("../locales/en/chevet.ftl"),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Language) -> Bundle {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![id]);
    // egui draws the Unicode isolation marks as boxes; our arguments never mix scripts.
    bundle.set_use_isolating(false);
    match FluentResource::try_new(lang.source().to_owned()) {
        Ok(res) => {
            if let Err(errors) = bundle.add_resource(res) {
                tracing::error!(
                    lang = lang.code(),
                    count = errors.len(),
                    "duplicate messages"
                );
            }
        }
        Err((res, errors)) => {
            tracing::error!(
                lang = lang.code(),
                count = errors.len(),
                "locale syntax errors"
            );
            let _ = bundle.add_resource(res);
        }
    }
    bundle
}

/// The translations in use.
pub struct I18n {
    language: Language,
    bundle: Bundle,
    fallback: Bundle,
}

impl Default for I18n {
    fn default() -> Self {
        Self::new(Language::default())
    }
}

impl I18n {
    pub fn new(language: Language) -> Self {
        Self {
            language,
            bundle: bundle(language),
            fallback: bundle(Language::Fr),
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The message `id`; the id itself when no language has it (visible, so it gets fixed).
    pub fn tr(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments.
    pub fn tr_args(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        self.format(id, Some(&fargs))
    }

    /// True when the message exists in the current language.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for b in [&self.bundle, &self.fallback] {
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = b.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, "message formatting errors");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, "missing message");
        id.to_owned()
    }
}

/// The message ids defined in a language's file (for tests and tooling).
pub fn message_ids(lang: Language) -> Vec<String> {
    lang.source()
        .lines()
        .filter_map(|line| {
            let (head, _) = line.split_once('=')?;
            let head = head.trim_end();
            let first = head.chars().next()?;
            (first.is_ascii_lowercase()
                && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .then(|| head.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_messages() {
        let mut fr = message_ids(Language::Fr);
        let mut en = message_ids(Language::En);
        fr.sort();
        en.sort();
        let only_fr: Vec<_> = fr.iter().filter(|id| !en.contains(id)).collect();
        let only_en: Vec<_> = en.iter().filter(|id| !fr.contains(id)).collect();
        assert!(only_fr.is_empty(), "missing in en: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in fr: {only_en:?}");
        assert!(fr.len() > 50);
    }

    #[test]
    fn files_parse_without_errors() {
        for lang in Language::ALL {
            assert!(
                FluentResource::try_new(lang.source().to_owned()).is_ok(),
                "{}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_message_id_used_in_the_code_exists() {
        let ids = message_ids(Language::Fr);
        let mut missing = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    // Outside the UI, `=> "…"` arms are data codes (e.g. `pdf-copy` in a
                    // report, `dmp-outbox` a job of `chevet serve`), not messages: only
                    // error ids are checked there.
                    let data_module = path
                        .components()
                        .any(|c| c.as_os_str() == "cda" || c.as_os_str() == "serve");
                    for id in used_ids(&text) {
                        if data_module && !id.starts_with("error-") {
                            continue;
                        }
                        if !ids.contains(&id) {
                            missing.push(format!("{}: {id}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "undefined messages: {missing:#?}");
    }

    /// String literals that look like message ids: `"word-word…"` passed to tr/tr_args or
    /// returned by `label_key` / `message_id` functions.
    fn used_ids(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let before = text[..i].trim_end();
            let keyed = before.ends_with("tr(")
                || before.ends_with("tr_args(")
                || before.ends_with("=>")
                || before.ends_with("t(");
            let shaped = lit.contains('-')
                && lit.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && lit
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if keyed && shaped && KNOWN_PREFIXES.iter().any(|p| lit.starts_with(p)) {
                out.push(lit.to_owned());
            }
        }
        out
    }

    const KNOWN_PREFIXES: &[&str] = &[
        "app-",
        "login-",
        "patients-",
        "folder-",
        "list-",
        "doc-",
        "settings-",
        "about-",
        "error-",
        "identity-",
        "sex-",
        "episode-",
        "role-",
        "provenance-",
        "share-",
        "sandbox-",
        "store-",
        "task-",
        "common-",
        "audit-",
        "pdf-",
        "setup-",
        "menu-",
        "card-",
        "lock-",
        "dmp-",
    ];

    #[test]
    fn arguments_are_substituted() {
        let fr = I18n::new(Language::Fr);
        let text = fr.tr_args("patients-count", &[("count", FluentValue::from(3))]);
        assert!(text.contains('3'), "{text}");
        assert_eq!(
            I18n::new(Language::En).tr("no-such-message"),
            "no-such-message"
        );
    }
}
