//! Recursive reading of the narrative elements into blocks. Inline elements (`content`, `sub`,
//! `sup`, `linkHtml`, unknown ones) only change the context of the text they hold; block
//! elements close the open paragraph. Content found where the schema does not allow it (text
//! between table rows, a `list` inside a `paragraph`...) is kept and shown where it falls, never
//! dropped and never an error.

use std::sync::Arc;

use super::NarrativeError;
use super::events::{Ev, Events, Name, Tag};
use super::flow::{Ctx, Flow};
use super::model::{Anchor, Block, Footnote, Inline, List, ListMarker, Media, Narrative};

pub(super) type Res<T> = Result<T, NarrativeError>;

pub(super) fn parse(xml: &str, prefix: Option<&str>) -> Res<Narrative> {
    let mut p = Parser {
        ev: Events::new(xml, prefix),
        cells: 0,
        footnotes: Vec::new(),
        anchors: Vec::new(),
        open_anchors: Vec::new(),
    };
    let mut flow = Flow::new();
    p.children(&mut flow, &Ctx::default())?;
    let mut narrative = Narrative {
        blocks: flow.finish(),
        footnotes: p.footnotes,
        anchors: p.anchors,
    };
    resolve_footnote_refs(&mut narrative);
    Ok(narrative)
}

pub(super) struct Parser<'a> {
    pub(super) ev: Events<'a>,
    pub(super) cells: usize,
    footnotes: Vec<Footnote>,
    anchors: Vec<Anchor>,
    /// Indexes in `anchors` of the open elements that have an `ID`.
    open_anchors: Vec<usize>,
}

/// What `enter` opened: the context for the element's content.
pub(super) struct Scope {
    pub(super) ctx: Ctx,
    anchor: bool,
}

impl Parser<'_> {
    /// Starts an element: its `ID` (anchor of the text inside) and `styleCode`.
    pub(super) fn enter(&mut self, tag: &Tag, ctx: &Ctx) -> Scope {
        let mut inner = ctx.clone();
        if let Some(code) = tag.attr("styleCode") {
            inner.style.apply_style_code(code);
        }
        let anchor = match tag.attr("ID") {
            Some(id) => {
                inner.id = Some(Arc::from(id));
                self.open_anchors.push(self.anchors.len());
                self.anchors.push(Anchor {
                    id: id.to_owned(),
                    text: String::new(),
                });
                true
            }
            None => false,
        };
        Scope { ctx: inner, anchor }
    }

    pub(super) fn leave(&mut self, scope: &Scope) {
        if scope.anchor
            && let Some(index) = self.open_anchors.pop()
            && let Some(anchor) = self.anchors.get_mut(index)
        {
            anchor.text = anchor
                .text
                .split_ascii_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
        }
    }

    fn anchor_text(&mut self, text: &str) {
        for &index in &self.open_anchors {
            if let Some(anchor) = self.anchors.get_mut(index) {
                anchor.text.push_str(text);
            }
        }
    }

    fn text(&mut self, flow: &mut Flow, text: &str, ctx: &Ctx) {
        flow.text(text, ctx);
        self.anchor_text(text);
    }

    /// Text where only elements are expected (between rows, items...): kept when visible.
    pub(super) fn stray_text(&mut self, flow: &mut Flow, text: &str, ctx: &Ctx) {
        if text.chars().any(|c| !c.is_ascii_whitespace()) {
            self.text(flow, text, ctx);
        }
    }

    /// Reads the content of the current element (or of the fragment) into `flow`.
    pub(super) fn children(&mut self, flow: &mut Flow, ctx: &Ctx) -> Res<()> {
        loop {
            match self.ev.next()? {
                Ev::End | Ev::Eof => return Ok(()),
                Ev::Text(text) => self.text(flow, &text, ctx),
                Ev::Start(tag) => self.element(flow, ctx, &tag)?,
            }
        }
    }

    /// Reads an inline-only element (caption) into inlines, and the blocks found inside.
    pub(super) fn inline_content(&mut self, ctx: &Ctx) -> Res<(Vec<Inline>, Vec<Block>)> {
        let mut flow = Flow::new();
        self.children(&mut flow, ctx)?;
        Ok(flow.into_inlines())
    }

    pub(super) fn element(&mut self, flow: &mut Flow, ctx: &Ctx, tag: &Tag) -> Res<()> {
        let scope = self.enter(tag, ctx);
        let mut inner = scope.ctx.clone();
        match tag.name {
            Name::Content | Name::Other => {
                match tag.attr("revised").map(str::to_ascii_lowercase).as_deref() {
                    Some("delete") => inner.style.deleted = true,
                    Some("insert") => inner.style.underline = true,
                    _ => {}
                }
                self.children(flow, &inner)?;
            }
            Name::Sub | Name::Sup => {
                inner.style.sub = tag.name == Name::Sub;
                inner.style.sup = tag.name == Name::Sup;
                self.children(flow, &inner)?;
            }
            Name::LinkHtml => {
                inner.link = tag.attr("href").map(clean_href).map(Arc::from);
                self.children(flow, &inner)?;
            }
            Name::Br => {
                flow.line_break();
                self.anchor_text(" ");
                self.ev.skip()?;
            }
            Name::Caption => {
                let (inlines, others) = self.inline_content(&inner)?;
                if !inlines.is_empty() {
                    flow.push_block(Block::Caption(inlines));
                }
                others.into_iter().for_each(|b| flow.push_block(b));
            }
            Name::List => {
                flow.end_paragraph();
                let list = self.list(tag, flow, &inner)?;
                flow.push_block(Block::List(list));
            }
            Name::Table => {
                flow.end_paragraph();
                let table = self.table(flow, &inner)?;
                flow.push_block(Block::Table(table));
            }
            Name::RenderMultiMedia => {
                flow.end_paragraph();
                let media = self.media(tag, flow, &inner)?;
                flow.push_block(Block::Media(media));
            }
            Name::Footnote => self.footnote(tag, flow, &inner)?,
            Name::FootnoteRef => {
                flow.mark(Inline::FootnoteRef {
                    idref: tag.attr("IDREF").unwrap_or_default().to_owned(),
                    number: None,
                });
                self.ev.skip()?;
            }
            Name::Col | Name::Colgroup => self.ev.skip()?,
            // Paragraphs, and table or list parts out of place: a paragraph of their content.
            Name::Paragraph
            | Name::Item
            | Name::Thead
            | Name::Tbody
            | Name::Tfoot
            | Name::Tr
            | Name::Th
            | Name::Td => {
                flow.end_paragraph();
                self.children(flow, &inner)?;
                flow.end_paragraph();
            }
        }
        self.leave(&scope);
        Ok(())
    }

    fn footnote(&mut self, tag: &Tag, flow: &mut Flow, ctx: &Ctx) -> Res<()> {
        let number = u32::try_from(self.footnotes.len() + 1).unwrap_or(u32::MAX);
        flow.mark(Inline::Footnote(number));
        let index = self.footnotes.len();
        self.footnotes.push(Footnote {
            number,
            id: tag.attr("ID").map(str::to_owned),
            blocks: Vec::new(),
        });
        // The note is shown apart: it starts from a plain context.
        let note_ctx = Ctx {
            id: ctx.id.clone(),
            ..Ctx::default()
        };
        // Its text belongs to its own anchor only, not to the paragraph that calls it.
        let outer = std::mem::take(&mut self.open_anchors);
        if tag.attr("ID").is_some()
            && let Some(&own) = outer.last()
        {
            self.open_anchors.push(own);
        }
        let mut note = Flow::new();
        let read = self.children(&mut note, &note_ctx);
        self.open_anchors = outer;
        read?;
        if let Some(footnote) = self.footnotes.get_mut(index) {
            footnote.blocks = note.finish();
        }
        Ok(())
    }

    fn media(&mut self, tag: &Tag, flow: &mut Flow, ctx: &Ctx) -> Res<Media> {
        let references = tag
            .attr("referencedObject")
            .unwrap_or_default()
            .split_ascii_whitespace()
            .map(|r| r.trim_start_matches('#').to_owned())
            .collect();
        let mut media = Media {
            references,
            caption: Vec::new(),
        };
        loop {
            match self.ev.next()? {
                Ev::End | Ev::Eof => return Ok(media),
                Ev::Text(text) => self.stray_text(flow, &text, ctx),
                Ev::Start(child) if child.name == Name::Caption && media.caption.is_empty() => {
                    let scope = self.enter(&child, ctx);
                    let (inlines, others) = self.inline_content(&scope.ctx)?;
                    self.leave(&scope);
                    media.caption = inlines;
                    others.into_iter().for_each(|b| flow.push_block(b));
                }
                Ev::Start(child) => self.element(flow, ctx, &child)?,
            }
        }
    }

    fn list(&mut self, tag: &Tag, flow: &mut Flow, ctx: &Ctx) -> Res<List> {
        let mut list = List {
            ordered: tag
                .attr("listType")
                .is_some_and(|t| t.eq_ignore_ascii_case("ordered")),
            marker: tag.attr("styleCode").and_then(ListMarker::from_style_code),
            caption: Vec::new(),
            items: Vec::new(),
        };
        loop {
            match self.ev.next()? {
                Ev::End | Ev::Eof => return Ok(list),
                Ev::Text(text) => self.stray_text(flow, &text, ctx),
                Ev::Start(child) => match child.name {
                    Name::Caption if list.caption.is_empty() && list.items.is_empty() => {
                        let scope = self.enter(&child, ctx);
                        let (inlines, others) = self.inline_content(&scope.ctx)?;
                        self.leave(&scope);
                        list.caption = inlines;
                        others.into_iter().for_each(|b| flow.push_block(b));
                    }
                    Name::Item => {
                        let scope = self.enter(&child, ctx);
                        let mut item = Flow::new();
                        self.children(&mut item, &scope.ctx)?;
                        self.leave(&scope);
                        list.items.push(item.finish());
                    }
                    // Anything else is shown before the list.
                    _ => self.element(flow, ctx, &child)?,
                },
            }
        }
    }
}

/// An `href` without its blanks: a URL has none, and documents wrap long ones on several
/// indented lines (which XML attribute normalisation turns into runs of spaces).
fn clean_href(href: &str) -> String {
    href.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Gives each `footnoteRef` the number of the footnote with its `ID`.
fn resolve_footnote_refs(narrative: &mut Narrative) {
    let numbers: Vec<(String, u32)> = narrative
        .footnotes
        .iter()
        .filter_map(|f| f.id.clone().map(|id| (id, f.number)))
        .collect();
    if numbers.is_empty() {
        return;
    }
    let mut fix = |inlines: &mut Vec<Inline>| {
        for inline in inlines {
            if let Inline::FootnoteRef { idref, number } = inline {
                let target = idref.trim_start_matches('#');
                *number = numbers.iter().find(|(id, _)| id == target).map(|n| n.1);
            }
        }
    };
    for block in &mut narrative.blocks {
        walk_inlines(block, &mut fix);
    }
    for note in &mut narrative.footnotes {
        for block in &mut note.blocks {
            walk_inlines(block, &mut fix);
        }
    }
}

fn walk_inlines(block: &mut Block, f: &mut impl FnMut(&mut Vec<Inline>)) {
    match block {
        Block::Paragraph(inlines) | Block::Caption(inlines) => f(inlines),
        Block::Media(media) => f(&mut media.caption),
        Block::List(list) => {
            f(&mut list.caption);
            for block in list.items.iter_mut().flatten() {
                walk_inlines(block, f);
            }
        }
        Block::Table(table) => {
            f(&mut table.caption);
            for group in &mut table.groups {
                for row in &mut group.rows {
                    for block in row.cells.iter_mut().flat_map(|c| c.blocks.iter_mut()) {
                        walk_inlines(block, f);
                    }
                }
            }
        }
    }
}
