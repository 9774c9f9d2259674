//! What the viewer shows of an embedded content (N1 body or attachment), decoded on a worker:
//! a PDF for the PDF viewer, text (plain text, RTF converted), or an image as RGBA pixels.
//! Images are bounded in size before decoding; anything else is named by its media type.

use std::sync::Arc;

use super::{Attachment, CdaError};

/// Largest image side accepted, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 10_000;
/// Largest decoded image, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 256 * 1024 * 1024;

/// RGBA pixels of a decoded image.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedImage {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for DecodedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DecodedImage({}×{})", self.width, self.height)
    }
}

/// A content ready to show.
#[derive(Clone, Debug)]
pub enum ViewContent {
    Pdf(Arc<Vec<u8>>),
    Text(String),
    Image(Arc<DecodedImage>),
    /// Not displayable here; the media type says what it is.
    Unsupported(String),
}

/// Why a content cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error(transparent)]
    Cda(#[from] CdaError),
    #[error("image unreadable: {0}")]
    Image(String),
}

impl ContentError {
    pub fn is_retryable(&self) -> bool {
        false
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Cda(e) => e.message_id(),
            Self::Image(_) => "error-image-unreadable",
        }
    }
}

/// Decodes an image, refusing dimensions that would exhaust memory.
pub fn decode_image(bytes: &[u8]) -> Result<DecodedImage, ContentError> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ContentError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_BYTES);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| ContentError::Image(e.to_string()))?
        .to_rgba8();
    Ok(DecodedImage {
        width: img.width(),
        height: img.height(),
        rgba: img.into_raw(),
    })
}

/// Decodes an attachment into what the viewer shows.
pub fn view_content(a: &Attachment) -> Result<ViewContent, ContentError> {
    let media = a.media_type().to_ascii_lowercase();
    let bytes = a.decode()?;
    Ok(if a.is_pdf() {
        ViewContent::Pdf(Arc::new(bytes))
    } else if media.starts_with("text/plain") || media.starts_with("text/xml") {
        ViewContent::Text(String::from_utf8_lossy(&bytes).into_owned())
    } else if media.contains("rtf") {
        ViewContent::Text(super::rtf::rtf_to_text(&bytes))
    } else if media.starts_with("image/") {
        ViewContent::Image(Arc::new(decode_image(&bytes)?))
    } else {
        ViewContent::Unsupported(a.media_type().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_1x2() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbaImage::from_raw(1, 2, vec![255, 0, 0, 255, 0, 0, 255, 255])
            .expect("raw")
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn images_decode_to_rgba() {
        let img = decode_image(&png_1x2()).expect("decode");
        assert_eq!((img.width, img.height), (1, 2));
        assert_eq!(&img.rgba[..4], &[255, 0, 0, 255]);
    }

    #[test]
    fn garbage_and_giant_images_are_refused() {
        assert!(decode_image(b"not an image").is_err());
        // A PNG header announcing 100000×100000 pixels.
        let mut giant = png_1x2();
        giant[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        giant[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(decode_image(&giant).is_err());
    }

    #[test]
    fn the_prescription_png_declared_as_jpeg_is_shown() {
        let raw = crate::testing::cda_fixture("eP-MED-DM_2024.01_PosoStruct.xml");
        let doc = crate::cda::parse(&raw).expect("parse");
        let image = doc
            .attachments()
            .iter()
            .find(|a| a.media_type().starts_with("image/"))
            .expect("image attachment");
        assert!(matches!(view_content(image), Ok(ViewContent::Image(_))));
    }
}
