//! Plain text of a narrative, for search and tests: one line per paragraph, list items with
//! their markers and indentation, table rows as cells joined by " | ", footnotes at the end.

use super::model::{Block, Inline, Narrative};

/// The narrative as plain text.
pub fn narrative_text(narrative: &Narrative) -> String {
    let mut lines = Vec::new();
    blocks_text(&narrative.blocks, "", 0, &mut lines);
    for note in &narrative.footnotes {
        let mut note_lines = Vec::new();
        blocks_text(&note.blocks, "", 0, &mut note_lines);
        lines.push(format!("[{}] {}", note.number, note_lines.join(" ")));
    }
    lines.join("\n")
}

/// The text of inline content (`br` as a line end).
pub fn inlines_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(run) => out.push_str(&run.text),
            Inline::Break => out.push('\n'),
            Inline::Footnote(n)
            | Inline::FootnoteRef {
                number: Some(n), ..
            } => {
                out.push_str(&format!("[{n}]"));
            }
            Inline::FootnoteRef { number: None, .. } => out.push_str("[*]"),
        }
    }
    out
}

fn push_lines(text: &str, indent: &str, lines: &mut Vec<String>) {
    lines.extend(text.lines().map(|l| format!("{indent}{l}")));
}

fn blocks_text(blocks: &[Block], indent: &str, depth: usize, lines: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Caption(inlines) => {
                push_lines(&inlines_text(inlines), indent, lines);
            }
            Block::Media(media) => push_lines(&inlines_text(&media.caption), indent, lines),
            Block::List(list) => {
                push_lines(&inlines_text(&list.caption), indent, lines);
                for (i, item) in list.items.iter().enumerate() {
                    let marker = list.marker_text(i, depth);
                    let mut item_lines = Vec::new();
                    let inner = format!("{indent}{}", " ".repeat(marker.chars().count() + 1));
                    blocks_text(item, &inner, depth + 1, &mut item_lines);
                    let mut rest = item_lines.into_iter();
                    let first = rest.next().unwrap_or_default();
                    let first = first.get(inner.len()..).unwrap_or_default();
                    lines.push(format!("{indent}{marker} {first}"));
                    lines.extend(rest);
                }
            }
            Block::Table(table) => {
                push_lines(&inlines_text(&table.caption), indent, lines);
                for (_, row) in table.rows() {
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .map(|cell| {
                            let mut cell_lines = Vec::new();
                            blocks_text(&cell.blocks, "", 0, &mut cell_lines);
                            cell_lines.join(" ")
                        })
                        .collect();
                    lines.push(format!("{indent}{}", cells.join(" | ")));
                }
            }
        }
    }
}
