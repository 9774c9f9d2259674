//! Builds the blocks of one container (`text`, `item`, `td`, `footnote`...): inline text goes
//! into the open paragraph with HTML whitespace collapsing (runs of spaces, tabs and line ends
//! become one space, none at the start or end of a line), `br` breaks the line, and a block
//! closes the open paragraph.

use std::sync::Arc;

use super::model::{Block, Inline, Run, Style};

/// The inline context: style, link and anchor of the text being read.
#[derive(Debug, Clone, Default)]
pub(super) struct Ctx {
    pub style: Style,
    pub link: Option<Arc<str>>,
    pub id: Option<Arc<str>>,
}

/// HTML's ASCII whitespace (U+00A0 NO-BREAK SPACE is not whitespace here).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

#[derive(Debug, Default)]
pub(super) struct Flow {
    blocks: Vec<Block>,
    line: Vec<Inline>,
    /// Something visible was written since the paragraph start or the last break.
    line_has_content: bool,
    /// Whitespace was seen after visible content: one space is due before the next content,
    /// in the context where the whitespace was (as HTML keeps the first blank of a run).
    pending_space: Option<Ctx>,
}

impl Flow {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends character data.
    pub fn text(&mut self, text: &str, ctx: &Ctx) {
        let mut chunk = String::new();
        let mut chunk_space = false;
        for c in text.chars() {
            if is_space(c) {
                if !chunk.is_empty() {
                    chunk_space = true;
                } else if self.line_has_content && self.pending_space.is_none() {
                    self.pending_space = Some(ctx.clone());
                }
            } else {
                self.flush_space();
                if chunk_space {
                    chunk.push(' ');
                    chunk_space = false;
                }
                chunk.push(c);
            }
        }
        if !chunk.is_empty() {
            self.push_run(chunk, ctx);
            self.line_has_content = true;
        }
        if chunk_space {
            self.pending_space = Some(ctx.clone());
        }
    }

    /// Writes the due space, if any.
    fn flush_space(&mut self) {
        if let Some(ctx) = self.pending_space.take() {
            self.push_run(" ".to_owned(), &ctx);
        }
    }

    fn push_run(&mut self, text: String, ctx: &Ctx) {
        if let Some(Inline::Text(run)) = self.line.last_mut()
            && run.style == ctx.style
            && run.link == ctx.link
            && run.id == ctx.id
        {
            run.text.push_str(&text);
            return;
        }
        self.line.push(Inline::Text(Run {
            text,
            style: ctx.style,
            link: ctx.link.clone(),
            id: ctx.id.clone(),
        }));
    }

    /// `br`.
    pub fn line_break(&mut self) {
        self.line.push(Inline::Break);
        self.line_has_content = false;
        self.pending_space = None;
    }

    /// A footnote call (shown like text).
    pub fn mark(&mut self, mark: Inline) {
        self.flush_space();
        self.line.push(mark);
        self.line_has_content = true;
    }

    /// Closes the open paragraph, if it shows anything. One trailing `br` is dropped, as in
    /// HTML (it ends a line that ends anyway).
    pub fn end_paragraph(&mut self) {
        self.pending_space = None;
        self.line_has_content = false;
        if matches!(self.line.last(), Some(Inline::Break)) {
            self.line.pop();
        }
        if !self.line.is_empty() {
            self.blocks
                .push(Block::Paragraph(std::mem::take(&mut self.line)));
        }
    }

    pub fn push_block(&mut self, block: Block) {
        self.end_paragraph();
        self.blocks.push(block);
    }

    pub fn finish(mut self) -> Vec<Block> {
        self.end_paragraph();
        self.blocks
    }

    /// For inline-only places (captions): the paragraphs joined by line breaks, and the other
    /// blocks found inside, to be shown after.
    pub fn into_inlines(self) -> (Vec<Inline>, Vec<Block>) {
        let mut inlines = Vec::new();
        let mut others = Vec::new();
        for block in self.finish() {
            match block {
                Block::Paragraph(line) | Block::Caption(line) => {
                    if !inlines.is_empty() {
                        inlines.push(Inline::Break);
                    }
                    inlines.extend(line);
                }
                other => others.push(other),
            }
        }
        (inlines, others)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<Vec<String>> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(l) => l
                    .iter()
                    .map(|i| match i {
                        Inline::Text(r) => r.text.clone(),
                        Inline::Break => "<br>".to_owned(),
                        _ => "?".to_owned(),
                    })
                    .collect(),
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn collapses_like_html() {
        let plain = Ctx::default();
        let bold = Ctx {
            style: Style {
                bold: true,
                ..Style::default()
            },
            ..Ctx::default()
        };
        let mut f = Flow::new();
        f.text("\n   Hello \t\n  ", &plain);
        f.text("  big ", &bold);
        f.text(" world  ", &plain);
        f.line_break();
        f.text("   next", &plain);
        f.line_break();
        f.end_paragraph();
        f.text("  ", &plain);
        f.end_paragraph();
        assert_eq!(
            texts(&f.finish()),
            [vec!["Hello ", "big ", "world", "<br>", "next"]]
        );
    }
}
