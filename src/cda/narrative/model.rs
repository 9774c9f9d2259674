//! Data types of a parsed CDA narrative block (`section/text`): blocks (paragraphs, captions,
//! lists, tables, multimedia references) holding inline runs of styled text. Plain data, no
//! parsing and no rendering; the parser is `parser.rs`, the egui renderer `ui::structured_view`.

use std::sync::Arc;

/// The narrative block of one section, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Narrative {
    pub blocks: Vec<Block>,
    /// `footnote`s, numbered from 1 in document order, shown after the blocks.
    pub footnotes: Vec<Footnote>,
    /// Every element that carried an `ID`, with its text (whitespace collapsed), in document
    /// order: what an entry's `reference value="#ID"` points to.
    pub anchors: Vec<Anchor>,
}

impl Narrative {
    /// True when the narrative shows nothing (no block, no footnote).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.footnotes.is_empty()
    }

    /// The text of the element with this `ID` (a leading `#` is ignored).
    pub fn text_of(&self, id: &str) -> Option<&str> {
        let id = id.strip_prefix('#').unwrap_or(id);
        self.anchors
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.text.as_str())
    }
}

/// Block-level content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A `paragraph`, or text written directly in a container (`text`, `item`, `td`...).
    Paragraph(Vec<Inline>),
    /// A `caption` outside a list or table (shown as a small bold heading).
    Caption(Vec<Inline>),
    List(List),
    Table(Table),
    /// A `renderMultiMedia`: an image or document embedded elsewhere in the CDA.
    Media(Media),
}

/// Inline content of a paragraph, caption or list marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(Run),
    /// `br`: a line break.
    Break,
    /// The call of a `footnote` written here (its number).
    Footnote(u32),
    /// A `footnoteRef` to the footnote with this `ID`; `number` is `None` when no footnote
    /// carries that `ID`.
    FootnoteRef {
        idref: String,
        number: Option<u32>,
    },
}

/// A run of text with one style, link and anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Whitespace already collapsed as HTML does.
    pub text: String,
    pub style: Style,
    /// `linkHtml/@href`, when the run is the text of a link.
    pub link: Option<Arc<str>>,
    /// `ID` of the innermost enclosing element that has one (`content ID="..."`).
    pub id: Option<Arc<str>>,
}

/// Text style flags (from `styleCode`, `sub`, `sup`, `revised`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub emphasis: bool,
    /// `revised="delete"`: text marked as deleted.
    pub deleted: bool,
    pub sub: bool,
    pub sup: bool,
}

impl Style {
    /// Adds the flags named by a `styleCode` (space-separated tokens, case ignored; fused
    /// tokens seen in real documents such as `BoldItalics` count for both).
    pub fn apply_style_code(&mut self, code: &str) {
        for token in code.split_ascii_whitespace() {
            let token = token.to_ascii_lowercase();
            self.bold |= token.contains("bold");
            self.italic |= token.contains("italic");
            self.underline |= token.contains("underline");
            self.emphasis |= token.contains("emphasis");
        }
    }
}

/// An `ID` and the text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub text: String,
}

/// A `footnote`: its number, `ID` and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    pub number: u32,
    pub id: Option<String>,
    pub blocks: Vec<Block>,
}

/// A `renderMultiMedia`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// The `ID`s of `referencedObject` (an `observationMedia` or `regionOfInterest`).
    pub references: Vec<String>,
    pub caption: Vec<Inline>,
}

/// A `list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// `listType="ordered"`.
    pub ordered: bool,
    /// The marker asked by `styleCode`, if any.
    pub marker: Option<ListMarker>,
    pub caption: Vec<Inline>,
    /// Each `item`'s blocks.
    pub items: Vec<Vec<Block>>,
}

/// List markers of the CDA `styleCode` vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMarker {
    Disc,
    Circle,
    Square,
    Arabic,
    LittleRoman,
    BigRoman,
    LittleAlpha,
    BigAlpha,
}

impl ListMarker {
    pub(crate) fn from_style_code(code: &str) -> Option<Self> {
        code.split_ascii_whitespace().find_map(|t| {
            Some(match t.to_ascii_lowercase().as_str() {
                "disc" => Self::Disc,
                "circle" => Self::Circle,
                "square" => Self::Square,
                "arabic" => Self::Arabic,
                "littleroman" => Self::LittleRoman,
                "bigroman" => Self::BigRoman,
                "littlealpha" => Self::LittleAlpha,
                "bigalpha" => Self::BigAlpha,
                _ => return None,
            })
        })
    }
}

impl List {
    /// The marker of item `index` (from 0) for a list nested `depth` lists deep (from 0):
    /// "1.", "iv.", "c." for ordered lists; a bullet that changes with depth otherwise.
    pub fn marker_text(&self, index: usize, depth: usize) -> String {
        let marker = self.marker.unwrap_or(if self.ordered {
            ListMarker::Arabic
        } else {
            [ListMarker::Disc, ListMarker::Circle, ListMarker::Square][depth % 3]
        });
        let n = index + 1;
        match marker {
            ListMarker::Disc => "•".to_owned(),
            ListMarker::Circle => "◦".to_owned(),
            ListMarker::Square => "▪".to_owned(),
            ListMarker::Arabic => format!("{n}."),
            ListMarker::LittleRoman => format!("{}.", roman(n).to_ascii_lowercase()),
            ListMarker::BigRoman => format!("{}.", roman(n)),
            ListMarker::LittleAlpha => format!("{}.", alpha(n)),
            ListMarker::BigAlpha => format!("{}.", alpha(n).to_ascii_uppercase()),
        }
    }
}

/// Roman numeral of `n` (1..=3999; larger numbers are written in arabic digits).
fn roman(n: usize) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// Spreadsheet-style letters: a..z, aa, ab...
fn alpha(n: usize) -> String {
    let mut rest = n;
    let mut letters = Vec::new();
    while rest > 0 {
        rest -= 1;
        letters.push(char::from(b'a' + (rest % 26) as u8));
        rest /= 26;
    }
    letters.iter().rev().collect()
}

/// A `table`, its cells placed on a grid (`colspan` / `rowspan` resolved as HTML does).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub caption: Vec<Inline>,
    /// Number of grid columns.
    pub columns: usize,
    /// Row groups in display order: `thead`, then the bodies, then `tfoot`.
    pub groups: Vec<RowGroup>,
}

impl Table {
    /// Every row, in display order, with the kind of its group.
    pub fn rows(&self) -> impl Iterator<Item = (RowGroupKind, &Row)> {
        self.groups
            .iter()
            .flat_map(|g| g.rows.iter().map(move |r| (g.kind, r)))
    }

    /// Total number of rows.
    pub fn row_count(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowGroupKind {
    Head,
    Body,
    Foot,
}

/// A `thead`, `tbody` or `tfoot` (rows written directly in `table` form an implicit body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowGroup {
    pub kind: RowGroupKind,
    pub rows: Vec<Row>,
}

/// A `tr`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
}

/// A `th` or `td`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// `th`.
    pub header: bool,
    /// First grid column (from 0).
    pub column: usize,
    /// At least 1; never reaches past the grid.
    pub colspan: usize,
    /// At least 1; never reaches past the row group.
    pub rowspan: usize,
    /// `align` of the cell, else of its row, else of its row group.
    pub align: Option<CellAlign>,
    /// Rules asked by `styleCode` (`Toprule`, `Botrule`, `Lrule`, `Rrule`) on the cell or row.
    pub rules: Rules,
    pub blocks: Vec<Block>,
}

/// Horizontal alignment of a cell's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAlign {
    Left,
    Center,
    Right,
}

impl CellAlign {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "left" | "justify" | "char" => Some(Self::Left),
            "center" => Some(Self::Center),
            "right" => Some(Self::Right),
            _ => None,
        }
    }
}

/// Explicit cell borders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    pub top: bool,
    pub bottom: bool,
    pub left: bool,
    pub right: bool,
}

impl Rules {
    pub(crate) fn apply_style_code(&mut self, code: &str) {
        for token in code.split_ascii_whitespace() {
            match token.to_ascii_lowercase().as_str() {
                "toprule" => self.top = true,
                "botrule" => self.bottom = true,
                "lrule" => self.left = true,
                "rrule" => self.right = true,
                _ => {}
            }
        }
    }

    pub(crate) fn union(self, other: Self) -> Self {
        Self {
            top: self.top || other.top,
            bottom: self.bottom || other.bottom,
            left: self.left || other.left,
            right: self.right || other.right,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let mut list = List {
            ordered: true,
            marker: None,
            caption: Vec::new(),
            items: Vec::new(),
        };
        assert_eq!(list.marker_text(0, 0), "1.");
        list.marker = Some(ListMarker::LittleRoman);
        assert_eq!(list.marker_text(3, 0), "iv.");
        list.marker = Some(ListMarker::BigRoman);
        assert_eq!(list.marker_text(1993, 0), "MCMXCIV.");
        assert_eq!(list.marker_text(4999, 0), "5000.");
        list.marker = Some(ListMarker::BigAlpha);
        assert_eq!(list.marker_text(27, 0), "AB.");
        list.marker = Some(ListMarker::LittleAlpha);
        assert_eq!(list.marker_text(25, 0), "z.");
        list.ordered = false;
        list.marker = None;
        assert_eq!(list.marker_text(0, 0), "•");
        assert_eq!(list.marker_text(0, 1), "◦");
        assert_eq!(list.marker_text(0, 2), "▪");
    }

    #[test]
    fn style_codes() {
        let mut s = Style::default();
        s.apply_style_code("BoldItalics");
        assert!(s.bold && s.italic && !s.underline);
        let mut s = Style::default();
        s.apply_style_code("  underline   Emphasis xFoo ");
        assert!(s.underline && s.emphasis && !s.bold);
        let mut r = Rules::default();
        r.apply_style_code("Botrule Lrule Bold");
        assert_eq!(
            r,
            Rules {
                bottom: true,
                left: true,
                ..Rules::default()
            }
        );
        assert_eq!(
            ListMarker::from_style_code("Bold BigRoman"),
            Some(ListMarker::BigRoman)
        );
        assert_eq!(CellAlign::parse(" Center"), Some(CellAlign::Center));
        assert_eq!(CellAlign::parse("middle"), None);
    }
}
