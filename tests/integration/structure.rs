//! The code's shape, checked on its sources (issue 12): services never know the UI toolkit;
//! screens never reach into the app nor do I/O; handlers never call each other and the worker
//! context holds no handler type; every `Request` and `Event` variant's doc names a function
//! that exists, so a button leads to its network code in one search.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (line comments and doc comments).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(n, line)| {
        let code = line.split("//").next().unwrap_or_default();
        (!code.trim().is_empty()).then_some((n + 1, code))
    })
}

/// Whether a file holds tests only (`tests.rs`, `*_tests.rs`): they may read fixtures.
fn is_test_file(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|s| s == "tests" || s.to_string_lossy().ends_with("_tests"))
}

/// Lines of (non-test) files under `dir` whose code mentions one of `words`, except where
/// `allowed` holds for the line.
fn offending(dir: &str, words: &[&str], allowed: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources(&src().join(dir)) {
        if is_test_file(&path) {
            continue;
        }
        for (n, code) in code_lines(&text) {
            if words.iter().any(|w| code.contains(w)) && !allowed(code) {
                found.push(format!("{}:{n}: {}", path.display(), code.trim()));
            }
        }
    }
    found
}

#[test]
fn issue12_services_never_import_the_ui_toolkit() {
    // Every module but the UI's own (`ui`, `app`) and the binary — modules to come included.
    let mut found = Vec::new();
    let mut modules = 0;
    for entry in std::fs::read_dir(src()).expect("src").flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if ["ui", "app", "main", "lib"].contains(&name.as_str()) {
            continue;
        }
        modules += 1;
        let files = if path.is_dir() {
            sources(&path)
        } else {
            vec![(path.clone(), std::fs::read_to_string(&path).expect("read"))]
        };
        for (file, text) in files {
            for (n, code) in code_lines(&text) {
                if code.contains("egui") || code.contains("eframe") {
                    found.push(format!("{}:{n}: {}", file.display(), code.trim()));
                }
            }
        }
    }
    assert!(modules > 10, "service modules found");
    assert!(
        found.is_empty(),
        "services import egui:\n{}",
        found.join("\n")
    );
}

#[test]
fn issue12_screens_never_reach_into_the_app_nor_do_io() {
    let found = offending(
        "ui",
        &[
            "crate::app",
            "crate::sandbox",
            "crate::dmp::",
            "crate::card::",
            "crate::store::",
            "std::fs",
            "std::net",
            "std::process",
            "std::thread",
            "tokio",
            "reqwest",
            "rusqlite",
        ],
        // Types the screens show, never the functions that read them.
        |code| {
            [
                "crate::store::KeyOrigin",
                "crate::store::patients::{PatientRow, SearchResult}",
            ]
            .iter()
            .any(|allowed| code.contains(allowed))
        },
    );
    assert!(
        found.is_empty(),
        "screens doing more than drawing:\n{}",
        found.join("\n")
    );
}

#[test]
fn issue12_handlers_never_call_each_other() {
    let dir = src().join("worker").join("handlers");
    let handlers: Vec<String> = sources(&dir)
        .iter()
        .filter_map(|(p, _)| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|name| name != "mod")
        .collect();
    let mut found = Vec::new();
    for (path, text) in sources(&dir) {
        if path.ends_with("mod.rs") {
            continue;
        }
        for (n, code) in code_lines(&text) {
            for other in &handlers {
                if code.contains(&format!("super::{other}")) || code.contains("handlers::") {
                    found.push(format!("{}:{n}: {}", path.display(), code.trim()));
                }
            }
        }
    }
    let context = std::fs::read_to_string(src().join("worker").join("context.rs")).expect("ctx");
    if code_lines(&context).any(|(_, code)| code.contains("handlers")) {
        found.push("worker/context.rs names a handler".to_owned());
    }
    assert!(
        found.is_empty(),
        "handlers calling handlers:\n{}",
        found.join("\n")
    );
}

/// Whether `function` is defined (`fn function`) in one of `files`.
fn defines(files: &[(PathBuf, String)], function: &str) -> bool {
    let needle = format!("fn {function}");
    files.iter().any(|(_, text)| {
        text.match_indices(&needle).any(|(i, _)| {
            text[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '(' || c == '<')
        })
    })
}

/// Whether the path named in a doc (`dmp_folder::run`, `auth::local::login`,
/// `ChevetApp::on_folder`, `dmp::consult::DmpConsult::make_visible`) leads to a function.
fn resolves(all: &[(PathBuf, String)], path: &str) -> bool {
    let segments: Vec<&str> = path.split("::").collect();
    let Some((function, modules)) = segments.split_last() else {
        return false;
    };
    let (modules, ty) = match modules.split_last() {
        Some((last, rest)) if last.starts_with(char::is_uppercase) => (rest, Some(*last)),
        _ => (modules, None),
    };
    let root = src();
    let candidates: Vec<&(PathBuf, String)> = all
        .iter()
        .filter(|(file, text)| {
            let in_module = modules.is_empty()
                || ["", "worker", "worker/handlers"].iter().any(|base| {
                    let dir = root.join(base).join(modules.join("/"));
                    file.starts_with(&dir) || file == &dir.with_extension("rs")
                });
            let has_type = ty.is_none_or(|t| {
                text.contains(&format!("impl {t} "))
                    || text.contains(&format!("for {t} "))
                    || text.contains(&format!("impl {t}<"))
            });
            in_module && has_type
        })
        .collect();
    let files: Vec<(PathBuf, String)> = candidates.into_iter().cloned().collect();
    !files.is_empty() && defines(&files, function)
}

/// The backticked paths of each variant's doc in the enum `name` of `worker/mod.rs`.
fn variant_docs(name: &str) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(src().join("worker").join("mod.rs")).expect("worker");
    let start = text
        .find(&format!("pub enum {name} {{"))
        .expect("enum in worker/mod.rs");
    let body = &text[start..];
    let end = body.find("\n}\n").expect("enum end");
    let mut variants = Vec::new();
    let mut doc = String::new();
    for line in body[..end].lines().skip(1) {
        let trimmed = line.trim();
        if let Some(d) = trimmed.strip_prefix("///") {
            doc.push_str(d);
            doc.push(' ');
        } else if line.starts_with("    ") && !line.starts_with("     ") && !doc.is_empty() {
            let variant: String = trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let paths = doc
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|p| {
                    p.contains("::") && p.chars().all(|c| c.is_alphanumeric() || "_:".contains(c))
                })
                .map(str::to_owned)
                .collect();
            variants.push((variant, paths));
            doc.clear();
        }
    }
    variants
}

#[test]
fn issue12_every_request_and_event_doc_names_a_function_that_exists() {
    let all = sources(&src());
    let mut wrong = Vec::new();
    for name in ["Request", "Event"] {
        let variants = variant_docs(name);
        assert!(variants.len() > 20, "{name}: variants found");
        for (variant, paths) in variants {
            if variant == "Cancel" && paths.is_empty() {
                continue;
            }
            if paths.is_empty() {
                wrong.push(format!("{name}::{variant}: names no function"));
            }
            for path in paths {
                if !resolves(&all, &path) {
                    wrong.push(format!("{name}::{variant}: `{path}` not found"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "docs pointing nowhere:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn issue12_the_doc_check_catches_a_wrong_path() {
    let all = sources(&src());
    assert!(resolves(&all, "dmp_folder::run"));
    assert!(resolves(&all, "ChevetApp::on_folder"));
    assert!(!resolves(&all, "dmp_folder::no_such_function"));
    assert!(!resolves(&all, "NoSuchType::apply"));
}
