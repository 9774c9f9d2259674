//! The typed settings on both backends: validation, the one-time conversion of the former
//! rows, the version check, the export/import round trip and the refusals.

use chrono::NaiveDate;

use super::*;
use crate::domain::EpisodeKind;
use crate::domain::dmp::CountSince;
use crate::i18n::Language;
use crate::store::Store;
use crate::store::db::{Backend, params};
use crate::store::testing::{each_backend, each_empty_backend};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a day")
}

fn legacy_row(store: &Store, key: &str, value: &str) {
    store
        .execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)",
            params![key, value],
        )
        .expect("legacy row");
}

#[test]
fn issue18_defaults_validate_and_match_the_former_defaults() {
    let s = Settings::default();
    assert!(s.validate().is_empty(), "{:?}", s.validate());
    assert_eq!(s.display.language, None);
    assert_eq!(s.display.theme, Theme::Light);
    assert_eq!(
        s.dmp.count_kinds,
        vec![EpisodeKind::Consultation, EpisodeKind::Urgence]
    );
    assert_eq!(s.dmp.count_since, CountSince::LastVisit);
    assert!(s.dmp.counts_by_itself(EpisodeKind::Urgence));
    assert!(!s.dmp.counts_by_itself(EpisodeKind::Hospitalisation));
}

#[test]
fn issue18_validation_names_the_field_and_the_message() {
    let today = day(2026, 12, 6);
    let mut s = Settings::default();
    s.dmp.count_since = CountSince::Date(day(2027, 1, 1));
    s.dmp.count_kinds = vec![EpisodeKind::Urgence, EpisodeKind::Urgence];
    let issues = s.validate_on(today);
    assert_eq!(
        issues,
        vec![
            SettingIssue::error(paths::COUNT_KINDS, "settings-typed-issue-kinds-duplicate"),
            SettingIssue::error(paths::COUNT_SINCE, "settings-typed-issue-since-future"),
        ]
    );
    s.dmp.count_since = CountSince::Date(day(1999, 1, 1));
    s.dmp.count_kinds.clear();
    s.legacy.insert("vieux.reglage".into(), "1".into());
    let issues = s.validate_on(today);
    assert!(has_errors(&issues));
    assert_eq!(
        issues,
        vec![
            SettingIssue::warning(paths::COUNT_KINDS, "settings-typed-issue-kinds-empty"),
            SettingIssue::error(paths::COUNT_SINCE, "settings-typed-issue-since-too-old"),
            SettingIssue::warning("legacy.vieux.reglage", "settings-typed-issue-legacy"),
        ]
    );
    s.dmp.count_since = CountSince::Date(today);
    assert!(!has_errors(&s.validate_on(today)));
    assert_eq!(
        check_date_text("hier").expect_err("no date").message_id,
        "settings-typed-issue-since-format"
    );
    assert_eq!(check_date_text(" 2026-11-02 ").ok(), Some(day(2026, 11, 2)));
}

#[test]
fn issue18_legacy_rows_are_converted_once_and_unknown_keys_kept() {
    each_backend(|mut store| {
        legacy_row(&store, "ui.language", "en");
        legacy_row(&store, "ui.dark", "true");
        legacy_row(&store, "dmp.count_kinds", "I, E");
        legacy_row(&store, "dmp.count_since", "seen-list");
        legacy_row(&store, "imprimante.defaut", "salle-3");
        legacy_row(&store, "ui.zoom", "1.5");
        legacy_row(&store, "backup.escrow", "not-a-setting");
        let first = load(&mut store).expect("converted");
        let s = &first.settings;
        assert_eq!(s.display.language, Some(Language::En));
        assert_eq!(s.display.theme, Theme::Dark);
        assert_eq!(
            s.dmp.count_kinds,
            vec![EpisodeKind::Hospitalisation, EpisodeKind::Urgence]
        );
        assert_eq!(s.dmp.count_since, CountSince::ListSeen);
        assert_eq!(s.legacy.len(), 2);
        assert_eq!(s.legacy["imprimante.defaut"], "salle-3");
        assert_eq!(first.version, 1);
        assert_eq!(first.updated_by, "migration");
        let issues = s.validate();
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.path.starts_with("legacy."))
                .count(),
            2
        );
        let left: i64 = store
            .query_value("SELECT count(*) FROM setting", &[])
            .expect("count");
        assert_eq!(left, 1, "the moved rows are gone, the backup's state stays");
        assert!(!s.legacy.contains_key("backup.escrow"));
        // Converted once: a later row of the old table is not read again.
        legacy_row(&store, "ui.language", "fr");
        assert_eq!(load(&mut store).expect("again"), first);
    });
}

#[test]
fn issue18_a_value_not_understood_stays_in_legacy() {
    let s = from_legacy(&[
        ("dmp.count_kinds".into(), "O,X".into()),
        ("dmp.count_since".into(), "hier".into()),
        ("ui.dark".into(), "peut-être".into()),
    ]);
    assert_eq!(s.dmp, DmpCountSettings::default());
    assert_eq!(s.display.theme, Theme::Light);
    assert_eq!(s.legacy.len(), 3);
}

#[test]
fn issue18_a_stale_save_is_refused_and_changes_are_audited() {
    each_backend(|mut store| {
        let start = load(&mut store).expect("load");
        let mut mine = start.settings.clone();
        mine.dmp.count_since = CountSince::Date(day(2026, 1, 5));
        let saved = save(&mut store, &mine, start.version, "admin").expect("saved");
        assert_eq!(saved.version, start.version + 1);
        assert_eq!(saved.settings, mine);
        assert_eq!(saved.updated_by, "admin");
        // Another workstation edited from the same version: refused, nothing written.
        let mut theirs = start.settings.clone();
        theirs.dmp.count_kinds = vec![EpisodeKind::Hospitalisation];
        let refused = save(&mut store, &theirs, start.version, "autre").expect_err("stale");
        assert!(
            matches!(refused, SettingsError::Stale { expected, current }
                if expected == start.version && current == saved.version),
            "{refused:?}"
        );
        assert_eq!(refused.message_id(), "settings-typed-error-stale");
        assert!(!refused.is_retryable());
        assert_eq!(load(&mut store).expect("load"), saved);
        // An invalid value is refused with its issues.
        let mut wrong = saved.settings.clone();
        wrong.dmp.count_since = CountSince::Date(day(2999, 1, 1));
        match save(&mut store, &wrong, saved.version, "admin") {
            Err(SettingsError::Invalid(issues)) => {
                assert_eq!(issues[0].path, paths::COUNT_SINCE);
            }
            other => panic!("{other:?}"),
        }
        // Language and theme change whatever the version, and keep the rest.
        let display = DisplaySettings {
            language: Some(Language::En),
            theme: Theme::Dark,
        };
        let shown = save_display(&mut store, display, "anonymous").expect("display");
        assert_eq!(shown.version, saved.version + 1);
        assert_eq!(shown.settings.dmp, mine.dmp);
        let audited: i64 = store
            .query_value(
                "SELECT count(*) FROM audit WHERE action = 'setting.changed'",
                &[],
            )
            .expect("audit");
        assert_eq!(audited, 3, "count_since, then language and theme");
    });
}

#[test]
fn issue18_export_then_import_round_trips() {
    each_backend(|mut store| {
        let dir = tempfile::tempdir().expect("dir");
        let start = load(&mut store).expect("load");
        let mut s = start.settings.clone();
        s.display.theme = Theme::Dark;
        s.dmp.count_kinds = vec![EpisodeKind::Hospitalisation, EpisodeKind::Consultation];
        s.dmp.count_since = CountSince::Date(day(2025, 3, 1));
        s.legacy.insert("ancien".into(), "x".into());
        let saved = save(&mut store, &s, start.version, "admin").expect("saved");
        let path = export(&mut store, dir.path(), "admin").expect("exported");
        assert!(path.starts_with(dir.path().join("exports")));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(&format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("\"count_since\": \"2025-03-01\""));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Changed meanwhile, then the file brings the exported values back.
        let mut other = saved.settings.clone();
        other.dmp.count_since = CountSince::ListSeen;
        other.legacy.clear();
        let changed = save(&mut store, &other, saved.version, "admin").expect("changed");
        let imported = import(&mut store, &path, "admin").expect("imported");
        assert_eq!(imported.settings, s);
        assert_eq!(imported.version, changed.version + 1);
        let actions: Vec<String> = store
            .query(
                "SELECT action FROM audit WHERE action LIKE 'settings.%' ORDER BY seq",
                &[],
            )
            .expect("audit")
            .iter()
            .map(|r| r.get(0).expect("action"))
            .collect();
        assert_eq!(actions, ["settings.exported", "settings.imported"]);
    });
}

#[test]
fn issue18_newer_formats_and_invalid_files_are_refused_before_anything_changes() {
    each_backend(|mut store| {
        let dir = tempfile::tempdir().expect("dir");
        let before = load(&mut store).expect("load");
        let text = to_file_text(&before.settings, chrono::Utc::now()).expect("text");
        let newer = text.replacen(
            &format!("\"format\": {SETTINGS_FORMAT}"),
            &format!("\"format\": {}", SETTINGS_FORMAT + 1),
            1,
        );
        let path = dir.path().join("newer.json");
        std::fs::write(&path, newer).expect("write");
        let e = import(&mut store, &path, "admin").expect_err("newer");
        assert!(
            matches!(
                e,
                SettingsError::NewerFormat {
                    found: 2,
                    supported: 1
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.message_id(), "settings-typed-error-newer");

        let future = text.replace("\"last-visit\"", "\"2999-01-01\"");
        let path = dir.path().join("future.json");
        std::fs::write(&path, future).expect("write");
        match import(&mut store, &path, "admin") {
            Err(SettingsError::Invalid(issues)) => {
                assert_eq!(issues.len(), 1);
                assert_eq!(issues[0].message_id, "settings-typed-issue-since-future");
            }
            other => panic!("{other:?}"),
        }

        let unknown = text.replace("\"last-visit\"", "\"hier\"");
        let path = dir.path().join("unknown.json");
        std::fs::write(&path, unknown).expect("write");
        let e = import(&mut store, &path, "admin").expect_err("not a date");
        assert!(
            matches!(e, SettingsError::Format { line, .. } if line > 0),
            "{e:?}"
        );

        let e = import(&mut store, &dir.path().join("absent.json"), "admin").expect_err("none");
        assert!(matches!(
            e,
            SettingsError::File(std::io::ErrorKind::NotFound)
        ));
        assert_eq!(load(&mut store).expect("load"), before, "nothing changed");
    });
}

#[test]
fn issue18_the_directory_cursor_moves_out_of_the_settings() {
    each_empty_backend(|mut store| {
        let backend = store.backend();
        let before: Vec<_> = crate::store::migrations::MIGRATIONS
            .iter()
            .filter(|m| m.version < 22)
            .collect();
        for m in &before {
            let sql = match backend {
                Backend::Sqlite => m.sqlite,
                Backend::Postgres => m.postgres,
            };
            store.execute_batch(sql).expect("step");
        }
        let last = before.last().map_or(0, |m| m.version);
        match backend {
            Backend::Sqlite => store
                .execute_batch(&format!("PRAGMA user_version = {last}"))
                .expect("version"),
            Backend::Postgres => store
                .execute_batch(&format!(
                    "CREATE TABLE schema_version (version BIGINT PRIMARY KEY,
                     name TEXT NOT NULL, applied_at TEXT NOT NULL);
                     INSERT INTO schema_version VALUES ({last}, 'partial', '')"
                ))
                .expect("version"),
        }
        legacy_row(&store, "annuaire.api_synced_on", "2026-11-30");
        legacy_row(&store, "ui.dark", "true");
        crate::store::migrations::migrate(&mut store).expect("upgrade");
        assert_eq!(
            api_synced_on(&store).expect("cursor"),
            Some(day(2026, 11, 30))
        );
        let s = load(&mut store).expect("load").settings;
        assert_eq!(s.display.theme, Theme::Dark);
        assert!(
            s.legacy.is_empty(),
            "the cursor is no setting: {:?}",
            s.legacy
        );
        set_api_synced_on(&store, day(2026, 12, 6)).expect("set");
        assert_eq!(
            api_synced_on(&store).expect("cursor"),
            Some(day(2026, 12, 6))
        );
    });
}

#[test]
fn issue18_two_workstations_on_the_shared_record_one_save_wins() {
    let Some(target) = crate::store::testing::pg_target() else {
        return;
    };
    let (mut first, schema) = crate::store::testing::pg_empty_store(&target);
    crate::store::migrations::migrate(&mut first).expect("migrate");
    let mut second = crate::store::testing::pg_store_in(&target, &schema);
    let start = load(&mut first).expect("load");
    assert_eq!(load(&mut second).expect("load"), start);
    let mut a = start.settings.clone();
    a.dmp.count_kinds = vec![EpisodeKind::Hospitalisation];
    let mut b = start.settings.clone();
    b.dmp.count_since = CountSince::ListSeen;
    let saved = save(&mut first, &a, start.version, "poste-1").expect("first");
    let refused = save(&mut second, &b, start.version, "poste-2").expect_err("stale");
    assert!(
        matches!(refused, SettingsError::Stale { .. }),
        "{refused:?}"
    );
    assert_eq!(load(&mut second).expect("load"), saved);
}
