//! Reads a `table` (caption, `thead` / `tbody` / `tfoot`, rows written directly in the table,
//! `th` / `td` with their alignment, rules and spans; anything else is shown before the table)
//! and places the cells of each row group on the grid as HTML's table model does: each cell
//! takes the first column not covered by a `rowspan` from a row above, `colspan` is capped at
//! the grid width limit, and `rowspan` (0 = to the end of the group) never leaves its group.

use super::events::{Ev, Name, Tag};
use super::flow::{Ctx, Flow};
use super::model::{Cell, CellAlign, Row, RowGroup, RowGroupKind, Rules, Table};
use super::parser::{Parser, Res};
use super::{MAX_CELLS, MAX_COLUMNS, NarrativeError};

impl Parser<'_> {
    pub(super) fn table(&mut self, flow: &mut Flow, ctx: &Ctx) -> Res<Table> {
        let mut table = Table::default();
        let mut head = Vec::new();
        let mut bodies: Vec<RowGroup> = Vec::new();
        let mut foot = Vec::new();
        // Rows written directly in `table` go to an implicit body, continued while no
        // explicit group comes between them.
        let mut implicit_open = false;
        loop {
            let child = match self.ev.next()? {
                Ev::End | Ev::Eof => break,
                Ev::Text(text) => {
                    self.stray_text(flow, &text, ctx);
                    continue;
                }
                Ev::Start(child) => child,
            };
            let kind = match child.name {
                Name::Thead => Some(RowGroupKind::Head),
                Name::Tbody => Some(RowGroupKind::Body),
                Name::Tfoot => Some(RowGroupKind::Foot),
                _ => None,
            };
            if let Some(kind) = kind {
                implicit_open = false;
                let scope = self.enter(&child, ctx);
                let align = child.attr("align").and_then(CellAlign::parse);
                let rows = self.rows(flow, &scope.ctx, align)?;
                self.leave(&scope);
                let group = RowGroup { kind, rows };
                match kind {
                    RowGroupKind::Head => head.push(group),
                    RowGroupKind::Body => bodies.push(group),
                    RowGroupKind::Foot => foot.push(group),
                }
                continue;
            }
            match child.name {
                Name::Caption if table.caption.is_empty() => {
                    let scope = self.enter(&child, ctx);
                    let (inlines, others) = self.inline_content(&scope.ctx)?;
                    self.leave(&scope);
                    table.caption = inlines;
                    others.into_iter().for_each(|b| flow.push_block(b));
                }
                Name::Col | Name::Colgroup => self.ev.skip()?,
                Name::Tr => {
                    let row = self.row(&child, flow, ctx, None)?;
                    match bodies.last_mut() {
                        Some(group) if implicit_open => group.rows.push(row),
                        _ => bodies.push(RowGroup {
                            kind: RowGroupKind::Body,
                            rows: vec![row],
                        }),
                    }
                    implicit_open = true;
                }
                _ => self.element(flow, ctx, &child)?,
            }
        }
        table.groups = head.into_iter().chain(bodies).chain(foot).collect();
        for group in &mut table.groups {
            place_group(group, &mut table.columns).map_err(|max| NarrativeError::TooWide {
                max,
                position: self.ev.position(),
            })?;
        }
        Ok(table)
    }

    /// The rows of a `thead`, `tbody` or `tfoot`.
    fn rows(&mut self, flow: &mut Flow, ctx: &Ctx, align: Option<CellAlign>) -> Res<Vec<Row>> {
        let mut rows = Vec::new();
        loop {
            match self.ev.next()? {
                Ev::End | Ev::Eof => return Ok(rows),
                Ev::Text(text) => self.stray_text(flow, &text, ctx),
                Ev::Start(child) if child.name == Name::Tr => {
                    rows.push(self.row(&child, flow, ctx, align)?);
                }
                Ev::Start(child) => self.element(flow, ctx, &child)?,
            }
        }
    }

    fn row(
        &mut self,
        tag: &Tag,
        flow: &mut Flow,
        ctx: &Ctx,
        group_align: Option<CellAlign>,
    ) -> Res<Row> {
        let scope = self.enter(tag, ctx);
        let align = tag.attr("align").and_then(CellAlign::parse).or(group_align);
        let mut rules = Rules::default();
        if let Some(code) = tag.attr("styleCode") {
            rules.apply_style_code(code);
        }
        let mut row = Row::default();
        loop {
            match self.ev.next()? {
                Ev::End | Ev::Eof => break,
                Ev::Text(text) => self.stray_text(flow, &text, &scope.ctx),
                Ev::Start(child) if matches!(child.name, Name::Th | Name::Td) => {
                    row.cells.push(self.cell(&child, &scope.ctx, align, rules)?);
                }
                Ev::Start(child) => self.element(flow, &scope.ctx, &child)?,
            }
        }
        self.leave(&scope);
        Ok(row)
    }

    fn cell(
        &mut self,
        tag: &Tag,
        ctx: &Ctx,
        row_align: Option<CellAlign>,
        row_rules: Rules,
    ) -> Res<Cell> {
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(NarrativeError::TooManyCells {
                max: MAX_CELLS,
                position: self.ev.position(),
            });
        }
        let scope = self.enter(tag, ctx);
        let mut rules = Rules::default();
        if let Some(code) = tag.attr("styleCode") {
            rules.apply_style_code(code);
        }
        let mut content = Flow::new();
        self.children(&mut content, &scope.ctx)?;
        self.leave(&scope);
        Ok(Cell {
            header: tag.name == Name::Th,
            column: 0,
            // Non-numbers and 0 count as 1, as in HTML.
            colspan: span(tag.attr("colspan")).filter(|&n| n > 0).unwrap_or(1),
            // 0 means "to the end of the row group"; `place_group` clamps it.
            rowspan: span(tag.attr("rowspan")).unwrap_or(1),
            align: tag.attr("align").and_then(CellAlign::parse).or(row_align),
            rules: rules.union(row_rules),
            blocks: content.finish(),
        })
    }
}

fn span(value: Option<&str>) -> Option<usize> {
    value.and_then(|v| v.trim().parse::<usize>().ok())
}

/// Sets each cell's `column`, clamps its spans, and widens `columns` to fit. Fails (with the
/// limit) when a cell would start beyond [`MAX_COLUMNS`].
fn place_group(group: &mut RowGroup, columns: &mut usize) -> Result<(), usize> {
    let row_count = group.rows.len();
    // For each column: how many more rows (this one included) a cell from above covers.
    let mut covered: Vec<usize> = Vec::new();
    for (r, row) in group.rows.iter_mut().enumerate() {
        let rows_left = row_count - r;
        let mut col = 0;
        for cell in &mut row.cells {
            while covered.get(col).is_some_and(|&n| n > 0) {
                col += 1;
            }
            if col >= MAX_COLUMNS {
                return Err(MAX_COLUMNS);
            }
            cell.column = col;
            cell.colspan = cell.colspan.clamp(1, MAX_COLUMNS - col);
            cell.rowspan = match cell.rowspan {
                0 => rows_left,
                n => n.min(rows_left),
            };
            let end = col + cell.colspan;
            if covered.len() < end {
                covered.resize(end, 0);
            }
            for slot in &mut covered[col..end] {
                *slot = cell.rowspan;
            }
            col = end;
        }
        *columns = (*columns).max(covered.len());
        for slot in &mut covered {
            *slot = slot.saturating_sub(1);
        }
    }
    Ok(())
}
