//! Page layout: text wrapping, sections with wrapped paragraphs, bulleted lists and tables
//! (header row repeated after a break), page breaks, and on every page a running identity
//! header (from page 2) and a "Page n / N" footer, both marked as pagination artifacts.

use super::banner;
use super::datamatrix::Symbol;
use super::font::Font;
use super::{Block, PdfWriteError, Report};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub(super) const LEFT: f32 = 50.0;
pub(super) const RIGHT: f32 = PAGE_WIDTH - 50.0;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = PAGE_HEIGHT - 45.0;
const BOTTOM: f32 = 55.0;
const BODY: f32 = 10.0;
const CELL_PAD: f32 = 3.0;
/// Side of one DataMatrix module, in points (about 0.6 mm).
pub(super) const MODULE: f32 = 1.75;

/// Something drawn on a page (PDF coordinates: origin bottom left, y up).
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One line of text; `y` is the baseline. Artifacts are running headers and footers.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        artifact: bool,
        text: String,
    },
    /// A stroked rectangle, optionally filled with a gray level first.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
    },
    /// A horizontal rule.
    Rule { x1: f32, x2: f32, y: f32 },
    /// A DataMatrix with its lower-left corner at (`x`, `y`).
    DataMatrix {
        x: f32,
        y: f32,
        module: f32,
        symbol: Symbol,
    },
}

/// One page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

impl Page {
    /// The text lines of the page, in drawing order, without artifacts.
    pub fn content_lines(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|i| match i {
            Item::Text {
                artifact: false,
                text,
                ..
            } => Some(text.as_str()),
            _ => None,
        })
    }
}

pub(super) fn leading(size: f32) -> f32 {
    size * 1.3
}

/// Splits `text` into lines no wider than `width`: hard breaks kept, words wrapped, words
/// longer than a line cut.
pub(super) fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for hard in text.split('\n') {
        let hard = hard.replace('\t', " ");
        let mut line = String::new();
        for word in hard.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if font.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if font.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

pub(super) struct Flow<'a> {
    pub font: &'a Font,
    running: String,
    pages: Vec<Page>,
    pub y: f32,
}

impl<'a> Flow<'a> {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn push(&mut self, item: Item) {
        self.page().items.push(item);
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.push(Item::Text {
            x,
            y,
            size,
            bold,
            artifact: false,
            text: text.to_owned(),
        });
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        let running = self.running.clone();
        self.push(Item::Text {
            x: LEFT,
            y: TOP,
            size: 8.0,
            bold: false,
            artifact: true,
            text: running,
        });
        self.push(Item::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: TOP - 4.0,
        });
        self.y = TOP - 18.0;
    }

    /// Starts a new page unless `height` fits above the bottom margin.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Wrapped lines at `x`, breaking pages between lines.
    pub fn lines(&mut self, x: f32, width: f32, size: f32, bold: bool, text: &str) {
        for line in wrap(self.font, text, size, width) {
            self.ensure(leading(size));
            self.y -= leading(size);
            self.text(x, self.y + size * 0.25, size, bold, &line);
        }
    }

    fn section_title(&mut self, title: &str) {
        let lines = wrap(self.font, title, 12.0, WIDTH);
        let needed = leading(12.0) * lines.len() as f32 + 6.0 + 3.0 * leading(BODY);
        self.ensure(needed);
        self.y -= 6.0;
        self.lines(LEFT, WIDTH, 12.0, true, title);
        self.y -= 2.0;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(text) => self.lines(LEFT, WIDTH, BODY, false, text),
            Block::List(items) => {
                for item in items {
                    let lines = wrap(self.font, item, BODY, WIDTH - 14.0);
                    for (i, line) in lines.iter().enumerate() {
                        self.ensure(leading(BODY));
                        self.y -= leading(BODY);
                        let base = self.y + BODY * 0.25;
                        if i == 0 {
                            self.text(LEFT + 3.0, base, BODY, false, "•");
                        }
                        self.text(LEFT + 14.0, base, BODY, false, line);
                    }
                }
            }
            Block::Table { header, rows } => self.table(header, rows),
        }
        self.y -= 5.0;
    }

    /// Column widths: each column gets at least its longest word, the rest of the width is
    /// shared in proportion to how much more its longest cell needs.
    fn column_widths(&self, header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
        let columns = rows
            .iter()
            .map(Vec::len)
            .chain([header.len()])
            .max()
            .unwrap_or(0);
        let pad = 2.0 * CELL_PAD;
        let mut min = vec![12.0_f32; columns];
        let mut natural = vec![12.0_f32; columns];
        for row in rows.iter().map(Vec::as_slice).chain([header]) {
            for (i, cell) in row.iter().enumerate() {
                let longest_word = cell
                    .split_whitespace()
                    .map(|w| self.font.width(w, 9.0))
                    .fold(0.0, f32::max);
                min[i] = min[i].max((longest_word + pad).min(WIDTH * 0.4));
                let full = cell
                    .lines()
                    .map(|l| self.font.width(l, 9.0))
                    .fold(0.0, f32::max);
                natural[i] = natural[i].max((full + pad).min(WIDTH * 0.6));
            }
        }
        for (n, m) in natural.iter_mut().zip(&min) {
            *n = n.max(*m);
        }
        let sum_natural: f32 = natural.iter().sum();
        if sum_natural <= WIDTH {
            return natural
                .iter()
                .map(|n| n + (WIDTH - sum_natural) * n / sum_natural)
                .collect();
        }
        // Narrow columns (no wider than a fair share of what is left) keep their natural
        // width; the wide ones share the rest in proportion to their natural width.
        let mut widths = vec![0.0_f32; columns];
        let mut open: Vec<usize> = (0..columns).collect();
        let mut remaining = WIDTH;
        loop {
            let share = remaining / open.len().max(1) as f32;
            let (narrow, wide): (Vec<usize>, Vec<usize>) =
                open.iter().partition(|&&i| natural[i] <= share);
            if narrow.is_empty() || wide.is_empty() {
                break;
            }
            for i in narrow {
                widths[i] = natural[i];
                remaining -= natural[i];
            }
            open = wide;
        }
        let open_natural: f32 = open.iter().map(|&i| natural[i]).sum();
        for &i in &open {
            widths[i] = remaining * natural[i] / open_natural;
        }
        if widths.iter().zip(&min).all(|(w, m)| w >= m) {
            return widths;
        }
        let sum_min: f32 = min.iter().sum();
        if sum_min <= WIDTH {
            let extra: f32 = sum_natural - sum_min;
            natural
                .iter()
                .zip(&min)
                .map(|(n, m)| m + (WIDTH - sum_min) * (n - m) / extra)
                .collect()
        } else {
            min.iter().map(|m| WIDTH * m / sum_min).collect()
        }
    }

    fn row(&mut self, widths: &[f32], cells: &[String], bold: bool) {
        let size = 9.0;
        let lead = leading(size);
        let wrapped: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let text = cells.get(i).map_or("", String::as_str);
                wrap(self.font, text, size, w - 2.0 * CELL_PAD)
            })
            .collect();
        let count = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut from = 0;
        while from < count {
            let room = ((self.y - BOTTOM - 2.0 * CELL_PAD) / lead).floor();
            if room < 1.0 {
                self.new_page();
                continue;
            }
            let fit = room as usize;
            let take = fit.min(count - from);
            let height = take as f32 * lead + 2.0 * CELL_PAD;
            let top = self.y;
            let mut x = LEFT;
            for (i, w) in widths.iter().enumerate() {
                self.push(Item::Rect {
                    x,
                    y: top - height,
                    w: *w,
                    h: height,
                    fill: bold.then_some(0.9),
                });
                for (k, line) in wrapped[i].iter().skip(from).take(take).enumerate() {
                    let base = top - CELL_PAD - (k as f32 + 1.0) * lead + size * 0.25;
                    self.text(x + CELL_PAD, base, size, bold, line);
                }
                x += w;
            }
            self.y = top - height;
            from += take;
            if from < count {
                self.new_page();
            }
        }
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let widths = self.column_widths(header, rows);
        if !header.is_empty() {
            self.ensure(2.0 * (leading(9.0) + 2.0 * CELL_PAD));
            self.row(&widths, header, true);
        }
        for row in rows {
            let before = self.pages.len();
            self.row_keeping_header(&widths, header, row, before);
        }
    }

    /// A body row; when it starts a new page, the header row is repeated first.
    fn row_keeping_header(
        &mut self,
        widths: &[f32],
        header: &[String],
        row: &[String],
        before: usize,
    ) {
        let lead = leading(9.0);
        let lines = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                wrap(
                    self.font,
                    row.get(i).map_or("", String::as_str),
                    9.0,
                    w - 2.0 * CELL_PAD,
                )
                .len()
            })
            .max()
            .unwrap_or(1);
        let height = lines as f32 * lead + 2.0 * CELL_PAD;
        if self.y - height < BOTTOM && lines <= max_lines_per_page() {
            self.new_page();
        }
        if self.pages.len() != before && !header.is_empty() {
            self.row(widths, header, true);
        }
        self.row(widths, row, false);
    }
}

fn max_lines_per_page() -> usize {
    ((TOP - 18.0 - BOTTOM - 2.0 * CELL_PAD) / leading(9.0)).floor() as usize
}

/// Lays the report out.
pub(super) fn layout(report: &Report, font: &Font) -> Result<Vec<Page>, PdfWriteError> {
    let mut flow = Flow {
        font,
        running: banner::running_line(report),
        pages: vec![Page::default()],
        y: TOP,
    };
    banner::first_page(&mut flow, report)?;
    for section in &report.sections {
        flow.section_title(&section.title);
        for block in &section.blocks {
            flow.block(block);
        }
    }
    let total = flow.pages.len();
    let footer_left = report.establishment.first().cloned().unwrap_or_default();
    for (i, page) in flow.pages.iter_mut().enumerate() {
        let number = format!("Page {} / {total}", i + 1);
        let w = font.width(&number, 8.0);
        for (x, text) in [(LEFT, footer_left.clone()), (RIGHT - w, number)] {
            page.items.push(Item::Text {
                x,
                y: 30.0,
                size: 8.0,
                bold: false,
                artifact: true,
                text,
            });
        }
    }
    Ok(flow.pages)
}
