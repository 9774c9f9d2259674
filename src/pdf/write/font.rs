//! The embedded font (DejaVu Sans, Bitstream Vera licence, shipped in `assets/fonts`): glyph
//! lookup and advance widths for layout, and its embedding as a Type0 / CIDFontType2 subset
//! with an Identity CID-to-GID map, a `W` widths array and a ToUnicode CMap.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use super::PdfWriteError;

static FONT_DATA: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));

/// PostScript name of the font.
const FONT_NAME: &str = "DejaVuSans";

/// The parsed font.
pub(super) struct Font {
    face: Face<'static>,
    units_per_em: f32,
    fallback: u16,
}

impl Font {
    pub fn load() -> Result<Self, PdfWriteError> {
        let face = Face::parse(FONT_DATA, 0).map_err(|_| PdfWriteError::Font)?;
        let units_per_em = f32::from(face.units_per_em());
        let fallback = face.glyph_index('?').map_or(0, |g| g.0);
        Ok(Self {
            face,
            units_per_em,
            fallback,
        })
    }

    /// Glyph of a character; `?` when the font lacks it.
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(self.fallback, |g| g.0)
    }

    /// Advance of a glyph in thousandths of the font size (PDF glyph space).
    pub fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    fn scaled(&self, units: i16) -> f32 {
        f32::from(units) * 1000.0 / self.units_per_em
    }
}

/// Glyphs used by the document: original glyph id → (new id, character shown).
pub(super) struct UsedGlyphs {
    remapper: GlyphRemapper,
    chars: BTreeMap<u16, char>,
}

impl UsedGlyphs {
    pub fn new() -> Self {
        Self {
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        }
    }

    /// The two-byte string of new glyph ids for `text` (what a content stream shows).
    pub fn encode(&mut self, font: &Font, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = font.glyph(c);
            let new = self.remapper.remap(old);
            self.chars.entry(new).or_insert(c);
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }
}

/// Deterministic six-letter subset tag (ISO 32000-1 §9.6.4) from the glyph set.
fn subset_tag(used: &UsedGlyphs) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for g in used.remapper.remapped_gids() {
        for b in g.to_be_bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}

pub(super) fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Writes the font objects; `refs` gives five free ids: Type0, CIDFont, descriptor, font
/// file, ToUnicode.
pub(super) fn embed(
    pdf: &mut Pdf,
    refs: [Ref; 5],
    font: &Font,
    used: &UsedGlyphs,
) -> Result<(), PdfWriteError> {
    let [type0, cid, descriptor, file, to_unicode] = refs;
    let base = format!("{}+{FONT_NAME}", subset_tag(used));
    let base = Name(base.as_bytes());

    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);

    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let old_ids: Vec<u16> = used.remapper.remapped_gids().collect();
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(info)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid_font
        .widths()
        .consecutive(0, old_ids.iter().map(|&g| font.advance(g)));
    cid_font.finish();

    let f = &font.face;
    let bbox = f.global_bounding_box();
    let cap = f.capital_height().unwrap_or(f.ascender());
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            font.scaled(bbox.x_min),
            font.scaled(bbox.y_min),
            font.scaled(bbox.x_max),
            font.scaled(bbox.y_max),
        ))
        .italic_angle(f.italic_angle())
        .ascent(font.scaled(f.ascender()))
        .descent(font.scaled(f.descender()))
        .cap_height(font.scaled(cap))
        .stem_v(80.0)
        .font_file2(file);

    let subset =
        subsetter::subset(FONT_DATA, 0, &used.remapper).map_err(|_| PdfWriteError::Subset)?;
    let packed = compress(&subset);
    pdf.stream(file, &packed).filter(Filter::FlateDecode).pair(
        Name(b"Length1"),
        i32::try_from(subset.len()).unwrap_or(i32::MAX),
    );

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), info);
    for (&new, &c) in &used.chars {
        cmap.pair(new, c);
    }
    let cmap = compress(&cmap.finish());
    pdf.cmap(to_unicode, &cmap).filter(Filter::FlateDecode);
    Ok(())
}
