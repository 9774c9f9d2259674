//! Tables laid out by hand (egui_extras' table has no spans): each column gets a width
//! between its narrowest and its natural content width, as HTML's automatic layout does, to
//! fit the available width (a horizontal scroll area takes what still does not fit); cells are
//! placed on the grid with their `colspan` / `rowspan`, rows grow to their tallest cell, then
//! header shading goes under the text and borders over it.

use egui::{Align, Layout, Pos2, Rect, ScrollArea, Shape, UiBuilder, pos2, vec2};

use super::inline::{TextLook, measure_inlines};
use super::{MAX_IMAGE_WIDTH, View, blocks_ui};
use crate::cda::narrative::{Block, Cell, CellAlign, RowGroupKind, Table};

/// Space between a cell's border and its content.
const PAD: egui::Vec2 = vec2(6.0, 3.0);
/// Narrowest column.
const MIN_COLUMN: f32 = 12.0;
/// Room for a cell laid out before its row height is known.
const TALL: f32 = 100_000.0;

fn cell_look(cell: &Cell, base: &TextLook) -> TextLook {
    TextLook {
        font: base.font.clone(),
        bold: cell.header,
        align: match cell.align {
            Some(CellAlign::Center) => Align::Center,
            Some(CellAlign::Right) => Align::Max,
            Some(CellAlign::Left) | None => Align::Min,
        },
    }
}

/// Narrowest and natural width of blocks.
fn measure_blocks(
    ui: &egui::Ui,
    view: &View<'_>,
    blocks: &[Block],
    text: &TextLook,
    list_depth: usize,
) -> (f32, f32) {
    blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(inlines) => measure_inlines(ui, &view.look, text, inlines),
            Block::Caption(inlines) => measure_inlines(ui, &view.look, &text.bold(), inlines),
            Block::List(list) => {
                let marker = text.font.size * 2.0 + ui.spacing().item_spacing.x;
                let items = list
                    .items
                    .iter()
                    .map(|item| measure_blocks(ui, view, item, text, list_depth + 1))
                    .fold((0.0, 0.0), max2);
                let caption = measure_inlines(ui, &view.look, &text.bold(), &list.caption);
                max2((items.0 + marker, items.1 + marker), caption)
            }
            Block::Table(table) => {
                let (min, natural) = column_bounds(ui, view, table, text, list_depth);
                (min.iter().sum(), natural.iter().sum())
            }
            Block::Media(media) => {
                let image = media
                    .references
                    .iter()
                    .filter_map(|id| (view.images)(id))
                    .map(|t| t.size_vec2().x.min(MAX_IMAGE_WIDTH))
                    .fold(0.0, f32::max);
                let placeholder = if media
                    .references
                    .iter()
                    .any(|id| (view.images)(id).is_none())
                {
                    text.font.size * 16.0
                } else {
                    0.0
                };
                let natural = image.max(placeholder);
                (natural.min(text.font.size * 8.0), natural)
            }
        })
        .fold((0.0, 0.0), max2)
}

fn max2(a: (f32, f32), b: (f32, f32)) -> (f32, f32) {
    (a.0.max(b.0), a.1.max(b.1))
}

/// Grows `columns` evenly so that together they are at least `need` wide.
fn widen(columns: &mut [f32], need: f32) {
    let have: f32 = columns.iter().sum();
    if need > have && !columns.is_empty() {
        let extra = (need - have) / columns.len() as f32;
        columns.iter_mut().for_each(|c| *c += extra);
    }
}

/// Narrowest and natural width of each column (padding included); spanning cells widen the
/// columns they cover once the single cells are counted.
fn column_bounds(
    ui: &egui::Ui,
    view: &View<'_>,
    table: &Table,
    base: &TextLook,
    list_depth: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut min = vec![MIN_COLUMN; table.columns];
    let mut natural = vec![MIN_COLUMN; table.columns];
    let mut spanning = Vec::new();
    for (_, row) in table.rows() {
        for cell in &row.cells {
            let look = cell_look(cell, base);
            let (lo, hi) = measure_blocks(ui, view, &cell.blocks, &look, list_depth);
            let (lo, hi) = (lo + 2.0 * PAD.x, hi + 2.0 * PAD.x);
            if cell.colspan == 1 {
                if let (Some(m), Some(n)) = (min.get_mut(cell.column), natural.get_mut(cell.column))
                {
                    *m = m.max(lo);
                    *n = n.max(hi);
                }
            } else {
                spanning.push((cell.column..cell.column + cell.colspan, lo, hi));
            }
        }
    }
    for (range, lo, hi) in spanning {
        if let Some(cols) = min.get_mut(range.clone()) {
            widen(cols, lo);
        }
        if let Some(cols) = natural.get_mut(range) {
            widen(cols, hi);
        }
    }
    for (n, m) in natural.iter_mut().zip(&min) {
        *n = n.max(*m);
    }
    (min, natural)
}

/// Column widths that fit `available` when the content allows it.
fn fit(min: &[f32], natural: &[f32], available: f32) -> Vec<f32> {
    let sum_min: f32 = min.iter().sum();
    let sum_natural: f32 = natural.iter().sum();
    if sum_natural <= available {
        natural.to_vec()
    } else if sum_min >= available || sum_natural <= sum_min {
        min.to_vec()
    } else {
        let k = (available - sum_min) / (sum_natural - sum_min);
        min.iter()
            .zip(natural)
            .map(|(m, n)| m + (n - m) * k)
            .collect()
    }
}

pub(super) fn table_ui(ui: &mut egui::Ui, view: &View<'_>, table: &Table, list_depth: usize) {
    let base = TextLook::body(&view.look);
    if !table.caption.is_empty() {
        let width = ui.available_width();
        super::inline::paragraph_ui(ui, view, &table.caption, &base.bold(), width);
    }
    if table.columns == 0 || table.row_count() == 0 {
        return;
    }
    let available = ui.available_width();
    let (min, natural) = column_bounds(ui, view, table, &base, list_depth);
    let widths = fit(&min, &natural, available);
    let total: f32 = widths.iter().sum();
    let number = view.tables.get();
    view.tables.set(number + 1);
    if total > available + 0.5 {
        ScrollArea::horizontal()
            .id_salt(("structured_table", number))
            .auto_shrink([false, true])
            .show(ui, |ui| {
                grid_ui(ui, view, table, &widths, &base, list_depth);
            });
    } else {
        grid_ui(ui, view, table, &widths, &base, list_depth);
    }
}

/// A cell laid out, waiting for its final height.
struct Placed<'t> {
    row: usize,
    cell: &'t Cell,
    head: bool,
    background: egui::layers::ShapeIdx,
}

fn grid_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    table: &Table,
    widths: &[f32],
    base: &TextLook,
    list_depth: usize,
) {
    let look = &view.look;
    let origin = ui.cursor().min;
    let mut xs = Vec::with_capacity(widths.len() + 1);
    let mut x = origin.x;
    xs.push(x);
    for w in widths {
        x += w;
        xs.push(x);
    }
    let column_x = |c: usize| xs.get(c.min(widths.len())).copied().unwrap_or(x);
    let rows: Vec<_> = table.rows().collect();
    let painter = ui.painter().clone();
    let min_height = ui.fonts_mut(|f| f.row_height(&base.font)) + 2.0 * PAD.y;

    let mut ys = vec![origin.y];
    let mut placed: Vec<Placed<'_>> = Vec::new();
    // (last row, first row, height needed) of cells spanning several rows.
    let mut spans: Vec<(usize, usize, f32)> = Vec::new();
    for (r, (kind, row)) in rows.iter().enumerate() {
        let top = ys.last().copied().unwrap_or(origin.y);
        let mut height = min_height;
        for cell in &row.cells {
            let background = painter.add(Shape::Noop);
            let left = column_x(cell.column) + PAD.x;
            let right = column_x(cell.column + cell.colspan) - PAD.x;
            let inner = Rect::from_min_max(
                pos2(left, top + PAD.y),
                pos2(right.max(left + 1.0), top + PAD.y + TALL),
            );
            let text = cell_look(cell, base);
            let mut child = ui.new_child(
                UiBuilder::new()
                    .max_rect(inner)
                    .layout(Layout::top_down(text.align)),
            );
            blocks_ui(&mut child, view, &cell.blocks, &text, list_depth);
            let needed = child.min_rect().height().max(0.0) + 2.0 * PAD.y;
            if cell.rowspan > 1 {
                spans.push((r + cell.rowspan - 1, r, needed));
            } else {
                height = height.max(needed);
            }
            placed.push(Placed {
                row: r,
                cell,
                head: *kind == RowGroupKind::Head,
                background,
            });
        }
        for &(last, first, needed) in &spans {
            if last == r {
                let above = top - ys.get(first).copied().unwrap_or(top);
                height = height.max(needed - above);
            }
        }
        ys.push(top + height);
    }
    let bottom = ys.last().copied().unwrap_or(origin.y);
    let row_y = |r: usize| ys.get(r).copied().unwrap_or(bottom);

    for p in &placed {
        let rect = Rect::from_min_max(
            pos2(column_x(p.cell.column), row_y(p.row)),
            pos2(
                column_x(p.cell.column + p.cell.colspan),
                row_y(p.row + p.cell.rowspan),
            ),
        );
        let fill = if p.head {
            Some(look.head_fill)
        } else if p.cell.header {
            Some(look.header_cell_fill)
        } else {
            None
        };
        if let Some(fill) = fill {
            painter.set(p.background, Shape::rect_filled(rect, 0.0, fill));
        }
        let edges = [
            (rect.left_top(), rect.right_top(), p.cell.rules.top),
            (rect.left_bottom(), rect.right_bottom(), p.cell.rules.bottom),
            (rect.left_top(), rect.left_bottom(), p.cell.rules.left),
            (rect.right_top(), rect.right_bottom(), p.cell.rules.right),
        ];
        for (a, b, rule) in edges {
            let stroke = if rule { look.rule } else { look.grid };
            painter.line_segment([a, b], stroke);
        }
    }
    empty_slots(ui, view, &rows, &placed, &column_x, &row_y);
    let right = column_x(widths.len());
    ui.advance_cursor_after_rect(Rect::from_min_max(origin, Pos2::new(right, bottom)));
}

/// Largest grid (rows × columns) whose empty slots get drawn.
const MAX_SLOTS: usize = 100_000;

/// Borders (and header shading) of the grid slots no cell covers, so that a short row or a
/// row under a `rowspan` still reads as part of the grid.
fn empty_slots(
    ui: &egui::Ui,
    view: &View<'_>,
    rows: &[(RowGroupKind, &crate::cda::narrative::Row)],
    placed: &[Placed<'_>],
    column_x: &dyn Fn(usize) -> f32,
    row_y: &dyn Fn(usize) -> f32,
) {
    let columns = placed
        .iter()
        .map(|p| p.cell.column + p.cell.colspan)
        .max()
        .unwrap_or(0);
    if rows.len().saturating_mul(columns) > MAX_SLOTS {
        return;
    }
    let mut covered = vec![false; rows.len() * columns];
    for p in placed {
        for r in p.row..(p.row + p.cell.rowspan).min(rows.len()) {
            for c in p.cell.column..(p.cell.column + p.cell.colspan).min(columns) {
                if let Some(slot) = covered.get_mut(r * columns + c) {
                    *slot = true;
                }
            }
        }
    }
    let painter = ui.painter();
    for (r, (kind, _)) in rows.iter().enumerate() {
        for c in 0..columns {
            if covered.get(r * columns + c) != Some(&false) {
                continue;
            }
            let rect = Rect::from_min_max(
                pos2(column_x(c), row_y(r)),
                pos2(column_x(c + 1), row_y(r + 1)),
            );
            if *kind == RowGroupKind::Head {
                painter.rect_filled(rect, 0.0, view.look.head_fill);
            }
            painter.rect_stroke(rect, 0.0, view.look.grid, egui::StrokeKind::Middle);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fit_like_html() {
        let min = [20.0, 40.0, 10.0];
        let natural = [100.0, 40.0, 60.0];
        assert_eq!(fit(&min, &natural, 500.0), natural);
        assert_eq!(fit(&min, &natural, 50.0), min);
        // Half the room between narrowest (70) and natural (200): each column gets half its
        // own slack.
        assert_eq!(fit(&min, &natural, 135.0), [60.0, 40.0, 35.0]);
        let mut cols = [10.0, 20.0];
        widen(&mut cols, 50.0);
        assert_eq!(cols, [20.0, 30.0]);
        widen(&mut cols, 10.0);
        assert_eq!(cols, [20.0, 30.0]);
    }
}
