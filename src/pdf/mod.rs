//! PDF in both directions: `write` lays out and writes the PDFs Chevet produces (with the "INS à
//! scanner" DataMatrix); this file renders PDF pages with PDFium (through `pdfium-render`), on
//! worker threads only. The
//! library is loaded once per process from, in order: `$CHEVET_PDFIUM`, the executable's
//! directory, `../lib/chevet/` beside it (Debian package), the source tree's `vendor/pdfium/`
//! (development), then the system library path. When none is found the viewer says so and the
//! rest of the document stays readable.

pub mod write;

use std::path::PathBuf;
use std::sync::OnceLock;

use pdfium_render::prelude::{PdfRenderConfig, Pdfium, PdfiumError, PdfiumInternalError};

/// Pages wider than this are rendered at this width (memory bound: 4096 × ~5800 × 4 B).
pub const MAX_WIDTH_PX: u32 = 4096;

/// Why a page could not be rendered.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    #[error("PDFium library not found (searched {searched} places)")]
    LibraryMissing { searched: usize },
    #[error("PDFium library unusable: {0}")]
    Library(String),
    #[error("the PDF is damaged or not a PDF")]
    Damaged,
    #[error("the PDF is protected by a password")]
    Encrypted,
    #[error("page {page} does not exist")]
    NoSuchPage { page: usize },
    #[error("rendering failed: {0}")]
    Render(String),
}

impl PdfError {
    pub fn is_retryable(&self) -> bool {
        false
    }

    /// Fluent id of the message shown in the viewer.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::LibraryMissing { .. } | Self::Library(_) => "pdf-engine-missing",
            Self::Damaged => "pdf-damaged",
            Self::Encrypted => "pdf-encrypted",
            Self::NoSuchPage { .. } | Self::Render(_) => "pdf-render-failed",
        }
    }
}

/// One rendered page, RGBA 8-bit, not premultiplied.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedPage {
    pub page: usize,
    pub page_count: usize,
    pub width_px: u32,
    pub height_px: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for RenderedPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RenderedPage({}/{}, {}×{})",
            self.page + 1,
            self.page_count,
            self.width_px,
            self.height_px
        )
    }
}

/// The loaded PDFium library.
pub struct PdfEngine {
    pdfium: Pdfium,
    pub library: PathBuf,
}

/// Where the library is looked for, in order.
pub fn library_candidates() -> Vec<PathBuf> {
    let name = Pdfium::pdfium_platform_library_name();
    let mut out = Vec::new();
    if let Some(path) = std::env::var_os("CHEVET_PDFIUM") {
        out.push(PathBuf::from(path));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        out.push(dir.join(&name));
        out.push(dir.join("../lib/chevet").join(&name));
    }
    out.push(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("vendor/pdfium")
            .join(&name),
    );
    out
}

/// The process-wide engine, loaded on first use.
pub fn engine() -> Result<&'static PdfEngine, PdfError> {
    static ENGINE: OnceLock<Result<PdfEngine, PdfError>> = OnceLock::new();
    ENGINE.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<PdfEngine, PdfError> {
    let candidates = library_candidates();
    for path in candidates.iter().filter(|p| p.is_file()) {
        match Pdfium::bind_to_library(path) {
            Ok(bindings) => {
                tracing::info!(library = %path.display(), "PDFium loaded");
                return Ok(PdfEngine {
                    pdfium: Pdfium::new(bindings),
                    library: path.clone(),
                });
            }
            Err(e) => tracing::warn!(library = %path.display(), "PDFium not loadable: {e}"),
        }
    }
    match Pdfium::bind_to_system_library() {
        Ok(bindings) => Ok(PdfEngine {
            pdfium: Pdfium::new(bindings),
            library: PathBuf::from(Pdfium::pdfium_platform_library_name()),
        }),
        Err(_) => {
            tracing::warn!("PDFium not found; PDF pages cannot be shown");
            Err(PdfError::LibraryMissing {
                searched: candidates.len() + 1,
            })
        }
    }
}

fn map_error(e: PdfiumError) -> PdfError {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
            PdfError::Encrypted
        }
        PdfiumError::PdfiumLibraryInternalError(
            PdfiumInternalError::FormatError | PdfiumInternalError::FileError,
        ) => PdfError::Damaged,
        other => PdfError::Render(other.to_string()),
    }
}

impl PdfEngine {
    /// Number of pages of a PDF.
    pub fn page_count(&self, pdf: &[u8]) -> Result<usize, PdfError> {
        let doc = self
            .pdfium
            .load_pdf_from_byte_slice(pdf, None)
            .map_err(map_error)?;
        Ok(usize::try_from(doc.pages().len()).unwrap_or(0))
    }

    /// Renders page `page` (0-based) at `width_px` pixels wide, keeping the aspect ratio.
    pub fn render(&self, pdf: &[u8], page: usize, width_px: u32) -> Result<RenderedPage, PdfError> {
        let doc = self
            .pdfium
            .load_pdf_from_byte_slice(pdf, None)
            .map_err(map_error)?;
        let pages = doc.pages();
        let page_count = usize::try_from(pages.len()).unwrap_or(0);
        let index = i32::try_from(page)
            .ok()
            .filter(|_| page < page_count)
            .ok_or(PdfError::NoSuchPage { page })?;
        let pdf_page = pages.get(index).map_err(map_error)?;
        let width = i32::try_from(width_px.clamp(16, MAX_WIDTH_PX)).unwrap_or(1024);
        let config = PdfRenderConfig::new()
            .set_target_width(width)
            .set_maximum_height(width.saturating_mul(4));
        let bitmap = pdf_page.render_with_config(&config).map_err(map_error)?;
        let width_px = u32::try_from(bitmap.width()).unwrap_or(0);
        let height_px = u32::try_from(bitmap.height()).unwrap_or(0);
        let rgba = bitmap.as_rgba_bytes();
        if width_px == 0 || height_px == 0 || rgba.len() != (width_px * height_px * 4) as usize {
            return Err(PdfError::Render("unexpected bitmap size".into()));
        }
        Ok(RenderedPage {
            page,
            page_count,
            width_px,
            height_px,
            rgba,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF written by hand (A4, a black rectangle), with a correct xref table.
    pub(crate) fn tiny_pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        ];
        let stream = "0 0 0 rg 100 600 200 100 re f";
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        offsets.push(out.len());
        out.extend_from_slice(
            format!(
                "4 0 obj\n<< /Length {} >>\nstream\n{stream}\nendstream\nendobj\n",
                stream.len()
            )
            .as_bytes(),
        );
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        out
    }

    #[test]
    fn renders_a_page_when_the_library_is_present() {
        let Ok(engine) = engine() else {
            // The test script fetches PDFium; without it the viewer's message is what we test.
            assert_eq!(
                engine().err().map(|e| e.message_id()),
                Some("pdf-engine-missing")
            );
            return;
        };
        let pdf = tiny_pdf();
        assert_eq!(engine.page_count(&pdf).expect("count"), 1);
        let page = engine.render(&pdf, 0, 595).expect("render");
        assert_eq!(page.width_px, 595);
        assert_eq!(page.height_px, 842);
        // The black rectangle is at x 100..300, y (from the top) 142..242.
        let at = |x: u32, y: u32| {
            let i = ((y * page.width_px + x) * 4) as usize;
            page.rgba[i..i + 3].to_vec()
        };
        assert_eq!(at(200, 190), vec![0, 0, 0]);
        assert_eq!(at(50, 50), vec![255, 255, 255]);
        assert!(matches!(
            engine.render(&pdf, 1, 100),
            Err(PdfError::NoSuchPage { page: 1 })
        ));
        assert!(matches!(
            engine.render(b"not a pdf", 0, 100),
            Err(PdfError::Damaged)
        ));
    }
}
