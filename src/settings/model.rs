//! The typed settings of an installation: one [`Settings`] value with its sections (display,
//! DMP count), closed values as enums, serialised as JSON with stable lowercase names. Keys of
//! the former key/value table that meant nothing known are kept in [`Settings::legacy`].

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::EpisodeKind;
use crate::domain::dmp::CountSince;
use crate::i18n::Language;

/// The version of the settings document this build writes and reads. A document or file of a
/// higher format comes from a newer Chevet: it is read where possible, never overwritten.
pub const SETTINGS_FORMAT: u32 = 1;

/// Every setting of the installation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Language and theme: anyone may change them, even before signing in.
    pub display: DisplaySettings,
    /// The zero-click count of new DMP documents (administrators).
    pub dmp: DmpCountSettings,
    /// Keys of the former key/value settings that were not understood, kept as they were.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub legacy: BTreeMap<String, String>,
}

/// Language and theme of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    /// `None`: the configuration's language (`--language`, `language =` in the file).
    #[serde(with = "language_code")]
    pub language: Option<Language>,
    pub theme: Theme,
}

/// Light or dark window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    pub fn is_dark(self) -> bool {
        self == Self::Dark
    }

    pub fn from_dark(dark: bool) -> Self {
        if dark { Self::Dark } else { Self::Light }
    }
}

/// When the count of new DMP documents runs by itself, and what "new" is measured from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DmpCountSettings {
    /// The care kinds for which the count runs when a folder opens; elsewhere on request.
    #[serde(with = "episode_kinds")]
    pub count_kinds: Vec<EpisodeKind>,
    /// `last-visit`, `seen-list`, or a date `AAAA-MM-JJ`.
    #[serde(with = "count_since")]
    pub count_since: CountSince,
}

impl Default for DmpCountSettings {
    fn default() -> Self {
        Self {
            count_kinds: EpisodeKind::ALL
                .into_iter()
                .filter(|k| k.counts_new_dmp_documents_by_default())
                .collect(),
            count_since: CountSince::default(),
        }
    }
}

impl DmpCountSettings {
    /// Whether the count runs with no click for an episode of this kind.
    pub fn counts_by_itself(&self, kind: EpisodeKind) -> bool {
        self.count_kinds.contains(&kind)
    }
}

/// The stable name of a care kind in the settings document.
pub fn kind_name(kind: EpisodeKind) -> &'static str {
    match kind {
        EpisodeKind::Hospitalisation => "hospitalisation",
        EpisodeKind::Consultation => "consultation",
        EpisodeKind::Urgence => "urgence",
    }
}

fn kind_from_name(name: &str) -> Option<EpisodeKind> {
    EpisodeKind::ALL.into_iter().find(|k| kind_name(*k) == name)
}

mod language_code {
    use super::{Deserialize, Deserializer, Language, Serializer};

    pub fn serialize<S: Serializer>(lang: &Option<Language>, s: S) -> Result<S::Ok, S::Error> {
        match lang {
            Some(l) => s.serialize_str(l.code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Language>, D::Error> {
        let code: Option<String> = Option::deserialize(d)?;
        code.map(|c| {
            Language::from_code(&c).ok_or_else(|| {
                serde::de::Error::invalid_value(serde::de::Unexpected::Str(&c), &"fr or en")
            })
        })
        .transpose()
    }
}

mod episode_kinds {
    use super::{Deserialize, Deserializer, EpisodeKind, Serializer, kind_from_name, kind_name};

    pub fn serialize<S: Serializer>(kinds: &[EpisodeKind], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(kinds.iter().map(|k| kind_name(*k)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EpisodeKind>, D::Error> {
        let names: Vec<String> = Vec::deserialize(d)?;
        names
            .iter()
            .map(|n| {
                kind_from_name(n).ok_or_else(|| {
                    serde::de::Error::invalid_value(
                        serde::de::Unexpected::Str(n),
                        &"hospitalisation, consultation or urgence",
                    )
                })
            })
            .collect()
    }
}

mod count_since {
    use super::{CountSince, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(since: &CountSince, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&since.to_setting())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CountSince, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_count_since(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &"last-visit, seen-list or a date AAAA-MM-JJ",
            )
        })
    }
}

/// `last-visit`, `seen-list` or a date; `None` for anything else (unlike
/// [`CountSince::parse`], which falls back to the default).
pub fn parse_count_since(text: &str) -> Option<CountSince> {
    match text.trim() {
        "last-visit" => Some(CountSince::LastVisit),
        "seen-list" => Some(CountSince::ListSeen),
        other => chrono::NaiveDate::parse_from_str(other, "%Y-%m-%d")
            .ok()
            .map(CountSince::Date),
    }
}
