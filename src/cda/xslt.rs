//! Documents through an XSL stylesheet: `xsltproc` (XSLT 1.0) turns a CDA document into XHTML,
//! with the document's own stylesheet when it is auto-presentable (`<?xml-stylesheet
//! href="#"?>`), else with the agency's (ANS CDA-FO, embedded in Chevet). The XHTML holds
//! patient data outside the encrypted store: it is written in the private `<data dir>/tmp`
//! (0700), and the caller deletes it after [`KEEP_SECS`]; [`clean_temp`] empties the directory
//! at start.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the browser's copy stays on disk.
pub const KEEP_SECS: u64 = 300;
/// Longest time a transformation may take.
const TIMEOUT_SECS: u64 = 60;

const STYLESHEET: &[(&str, &[u8])] = &[
    (
        "CDA-FO.xsl",
        include_bytes!("../../assets/stylesheet/CDA-FO.xsl"),
    ),
    (
        "cda_l10n.xml",
        include_bytes!("../../assets/stylesheet/cda_l10n.xml"),
    ),
    (
        "cda_narrativeblock.xml",
        include_bytes!("../../assets/stylesheet/cda_narrativeblock.xml"),
    ),
];

/// The private directory for transient files of the browser.
pub fn temp_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("tmp")
}

/// Removes what an earlier run left in the temporary directory.
pub fn clean_temp(data_dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(temp_dir(data_dir)) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// True when the document names itself as its stylesheet (auto-presentable document).
fn is_auto_presentable(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.find("<?xml-stylesheet")
        .map(|i| &text[i..])
        .and_then(|pi| pi.find("?>").map(|end| &pi[..end]))
        .is_some_and(|pi| pi.contains("href=\"#\"") || pi.contains("href='#'"))
}

/// Writes the agency stylesheet where xsltproc can load it (once per data directory).
fn stylesheet_path(data_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = data_dir.join("stylesheet").join(env!("CARGO_PKG_VERSION"));
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in STYLESHEET {
        let path = dir.join(name);
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(bytes.len() as u64) {
            std::fs::write(&path, bytes)?;
        }
    }
    Ok(dir.join("CDA-FO.xsl"))
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Why the transformation failed.
#[derive(Debug, thiserror::Error)]
pub enum XsltError {
    #[error("xsltproc is not installed")]
    Missing,
    #[error("xsltproc failed (exit {0:?})")]
    Failed(Option<i32>),
    #[error("xsltproc timed out")]
    Timeout,
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl XsltError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout)
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Missing => "error-xslt-missing",
            Self::Failed(_) | Self::Io(_) => "error-xslt-failed",
            Self::Timeout => "error-xslt-timeout",
        }
    }
}

/// Transforms `raw` to XHTML in `out_dir`; returns the XHTML path.
pub async fn transform(data_dir: &Path, raw: &[u8]) -> Result<PathBuf, XsltError> {
    let tmp = temp_dir(data_dir);
    private_dir(&tmp)?;
    let token = hex::encode(rand::random::<[u8; 12]>());
    let input = tmp.join(format!("{token}.xml"));
    let output = tmp.join(format!("{token}.html"));
    std::fs::write(&input, raw)?;
    let auto = is_auto_presentable(raw);
    let stylesheet = if auto {
        None
    } else {
        Some(stylesheet_path(data_dir)?)
    };
    let mut command = tokio::process::Command::new("xsltproc");
    command.arg("--nonet").arg("--output").arg(&output);
    // An auto-presentable document is itself the stylesheet, applied to itself.
    command.arg(stylesheet.as_deref().unwrap_or(&input));
    command.arg(&input).kill_on_drop(true);
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let run = tokio::time::timeout(Duration::from_secs(TIMEOUT_SECS), command.status()).await;
    let _ = std::fs::remove_file(&input);
    let status = match run {
        Err(_) => return Err(XsltError::Timeout),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => return Err(XsltError::Missing),
        Ok(Err(e)) => return Err(XsltError::Io(e)),
        Ok(Ok(status)) => status,
    };
    if !status.success() || !output.exists() {
        let _ = std::fs::remove_file(&output);
        return Err(XsltError::Failed(status.code()));
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(raw: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("tempdir");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let html = rt
            .block_on(transform(dir.path(), raw))
            .unwrap_or_else(|e| panic!("xsltproc (Debian package xsltproc) failed: {e}"));
        let text = std::fs::read_to_string(&html).expect("html");
        // Only the output is left behind, in the private directory.
        let left: Vec<_> = std::fs::read_dir(temp_dir(dir.path()))
            .expect("tmp")
            .flatten()
            .collect();
        assert_eq!(left.len(), 1);
        text
    }

    use crate::testing::cda_fixture as fixture;

    #[test]
    fn the_agency_stylesheet_renders_a_lettre_de_liaison() {
        let html = run(&fixture("LDL-SES_2022.01.xml"));
        assert!(html.contains("<html"), "XHTML expected");
        assert!(html.contains("PAT-TROIS"), "patient banner rendered");
    }

    #[test]
    fn an_auto_presentable_document_uses_its_own_stylesheet() {
        let html = run(&fixture("BIO-CR-BIO_2021.01_Auto-Presentable.xml"));
        assert!(
            html.contains("<html") || html.contains("<HTML"),
            "XHTML expected"
        );
    }

    #[test]
    fn auto_presentable_documents_are_recognised() {
        assert!(is_auto_presentable(
            b"<?xml version=\"1.0\"?><?xml-stylesheet type=\"text/xsl\" href=\"#\"?><x/>"
        ));
        assert!(!is_auto_presentable(
            b"<?xml-stylesheet type=\"text/xsl\" href=\"../FeuilleDeStyle/CDA-FO.xsl\"?><x/>"
        ));
        assert!(!is_auto_presentable(b"<ClinicalDocument/>"));
    }
}
