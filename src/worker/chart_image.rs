//! A chart's pixels written as a PNG file in the exports folder: RGBA 8 bits, a `Software`
//! text chunk naming the producer and its version, a `Comment` (UTF-8) with the full stamp
//! line (what the image is, when it was written). Pure encoding plus one private file write.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::export;

/// Largest side accepted, in pixels (a screenshot of a large screen at 2× fits).
const MAX_SIDE_PX: u32 = 16_384;

/// Why a chart image was not written.
#[derive(Debug, thiserror::Error)]
pub enum ChartImageError {
    /// The pixels do not match the announced size (or the size is out of bounds).
    #[error("chart image of {width}x{height} with {bytes} bytes of pixels")]
    Size {
        width: u32,
        height: u32,
        bytes: usize,
    },
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
    #[error("writing the chart image failed: {0}")]
    Io(#[from] std::io::Error),
}

impl ChartImageError {
    /// A disk error may pass (space freed, folder fixed); bad pixels never do.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Io(_))
    }

    /// The Fluent id of what the user reads.
    #[must_use]
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Size { .. } | Self::Encode(_) => "indicators-chart-image-invalid",
            Self::Io(_) => "indicators-chart-image-write-failed",
        }
    }
}

/// The PNG file's bytes: `rgba` is `width × height` pixels, row by row from the top, 4 bytes
/// each (unmultiplied sRGB with alpha).
pub fn encode(
    width: u32,
    height: u32,
    rgba: &[u8],
    what: &str,
    at: DateTime<Utc>,
) -> Result<Vec<u8>, ChartImageError> {
    let expected = u64::from(width) * u64::from(height) * 4;
    if width == 0
        || height == 0
        || width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || rgba.len() as u64 != expected
    {
        return Err(ChartImageError::Size {
            width,
            height,
            bytes: rgba.len(),
        });
    }
    let mut out = Vec::with_capacity(rgba.len() / 4);
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let producer = export::stamp::producer();
        encoder.add_text_chunk(
            "Software".to_owned(),
            format!("{} {}", producer.name, producer.version),
        )?;
        encoder.add_itxt_chunk("Comment".to_owned(), export::stamp::stamp_line(what, at))?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgba)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Writes the chart as `<exports>/<name>-<time>.png` (the name kept to letters, digits, `-`
/// and `_`); the path written.
pub fn save(
    data_dir: &Path,
    name: &str,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Result<PathBuf, ChartImageError> {
    let name = file_stem(name);
    let bytes = encode(width, height, rgba, &name, Utc::now())?;
    let file = format!("{name}-{}.png", export::file::timestamp_for_name());
    Ok(export::file::write_private(
        &export::file::exports_dir(data_dir),
        &file,
        &bytes,
    )?)
}

/// A file name's stem from a chart's name: ASCII letters, digits, `-` and `_`, at most 80.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(80)
        .collect();
    if stem.is_empty() {
        "graphique".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>, Vec<(String, String)>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let meta = reader.info();
        let mut texts: Vec<(String, String)> = meta
            .uncompressed_latin1_text
            .iter()
            .map(|t| (t.keyword.clone(), t.text.clone()))
            .collect();
        for t in &meta.utf8_text {
            texts.push((t.keyword.clone(), t.get_text().unwrap()));
        }
        (info, buf, texts)
    }

    #[test]
    fn an_image_round_trips_with_its_producer() {
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
        let rgba: Vec<u8> = (0..3 * 2 * 4).map(|i| i as u8).collect();
        let bytes = encode(3, 2, &rgba, "indicateurs", at).unwrap();
        let (info, pixels, texts) = decode(&bytes);
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!(&pixels[..rgba.len()], rgba.as_slice());
        let software = format!("Chevet {}", env!("CARGO_PKG_VERSION"));
        assert!(
            texts.contains(&("Software".to_owned(), software)),
            "{texts:?}"
        );
        let comment = export::stamp::stamp_line("indicateurs", at);
        assert!(
            texts.contains(&("Comment".to_owned(), comment)),
            "{texts:?}"
        );
    }

    #[test]
    fn pixels_that_do_not_match_the_size_are_refused() {
        let at = Utc::now();
        let e = encode(3, 2, &[0; 10], "x", at).unwrap_err();
        assert!(matches!(e, ChartImageError::Size { .. }));
        assert!(!e.is_retryable());
        assert!(encode(0, 0, &[], "x", at).is_err());
    }

    #[test]
    fn saved_images_are_private_and_named_safely() {
        let dir = tempfile::tempdir().unwrap();
        let path = save(dir.path(), "../bars é/x", 1, 1, &[1, 2, 3, 255]).unwrap();
        assert_eq!(
            path.parent().unwrap(),
            export::file::exports_dir(dir.path())
        );
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("barsx-") && name.ends_with(".png"),
            "{name}"
        );
        let (info, _, _) = decode(&std::fs::read(&path).unwrap());
        assert_eq!((info.width, info.height), (1, 1));
    }
}
