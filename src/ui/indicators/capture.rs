//! A chart exported as an image: the button asks the window for a screenshot
//! (`ViewportCommand::Screenshot`, whose callback fills a slot), the next frames look at the
//! slot, cut the chart's rectangle out (points × pixels per point) and hand the pixels to the
//! workers (`Request::SaveChartImage`), which write the PNG. No file is touched here.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use egui::{ColorImage, Rect};

use super::IndicatorsState;
use crate::ui::Command;
use crate::worker::Request;

/// A screenshot not back by then is given up (the button works again).
const SCREENSHOT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chart {
    Bars,
    Trend,
}

type Slot = Arc<Mutex<Option<Arc<ColorImage>>>>;

/// A screenshot asked for, not back yet.
struct Pending {
    name: String,
    rect: Rect,
    slot: Slot,
    asked_at: Instant,
}

/// Where each chart was last drawn, and the capture under way.
#[derive(Default)]
pub(super) struct CaptureState {
    rects: [Option<Rect>; 2],
    pending: Option<Pending>,
    /// The pixels went to the workers; waiting for the file.
    saving: bool,
}

impl CaptureState {
    pub(super) fn set_rect(&mut self, chart: Chart, rect: Rect) {
        self.rects[chart as usize] = Some(rect);
    }

    pub(super) fn is_busy(&self) -> bool {
        self.pending.is_some() || self.saving
    }

    /// Asks the window for a screenshot of this frame; `name` names the file.
    pub(super) fn request(&mut self, ctx: &egui::Context, chart: Chart, name: String) {
        let Some(rect) = self.rects[chart as usize] else {
            return;
        };
        let slot: Slot = Arc::default();
        let filled = Arc::clone(&slot);
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(image);
            repaint.request_repaint();
        });
        self.pending = Some(Pending {
            name,
            rect,
            slot,
            asked_at: Instant::now(),
        });
    }

    /// The file was written (or the writing failed).
    pub(super) fn on_saved(&mut self) {
        self.saving = false;
    }
}

/// The screenshot is back: the chart's pixels go to the workers.
pub(super) fn poll(ctx: &egui::Context, state: &mut IndicatorsState, commands: &mut Vec<Command>) {
    let capture = &mut state.capture;
    let Some(pending) = &capture.pending else {
        return;
    };
    let image = pending
        .slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let Some(image) = image else {
        if pending.asked_at.elapsed() > SCREENSHOT_TIMEOUT {
            capture.pending = None;
            state.error = Some("indicators-chart-image-no-screenshot");
        } else {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        return;
    };
    let scale = ctx.pixels_per_point();
    let rect_px = Rect::from_min_max(pending.rect.min * scale, pending.rect.max * scale);
    let name = pending.name.clone();
    capture.pending = None;
    match crop_rgba(&image, rect_px) {
        Some((width, height, rgba)) => {
            capture.saving = true;
            commands.push(Command::Send(Request::SaveChartImage {
                name,
                width,
                height,
                rgba,
            }));
        }
        None => state.error = Some("indicators-chart-image-no-screenshot"),
    }
}

/// The pixels of `rect` (in pixels, clamped to the image) as RGBA bytes, unmultiplied, row by
/// row from the top: (width, height, bytes). `None` when nothing is left.
#[must_use]
pub fn crop_rgba(image: &ColorImage, rect: Rect) -> Option<(u32, u32, Vec<u8>)> {
    let [w, h] = image.size;
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
    let (x0, x1) = (clamp(rect.min.x.floor(), w), clamp(rect.max.x.ceil(), w));
    let (y0, y1) = (clamp(rect.min.y.floor(), h), clamp(rect.max.y.ceil(), h));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for pixel in &image.pixels[y * w + x0..y * w + x1] {
            rgba.extend_from_slice(&pixel.to_srgba_unmultiplied());
        }
    }
    Some((
        u32::try_from(x1 - x0).ok()?,
        u32::try_from(y1 - y0).ok()?,
        rgba,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, pos2};

    #[test]
    fn a_crop_keeps_the_rectangle_and_clamps_to_the_image() {
        let mut image = ColorImage::filled([4, 3], Color32::WHITE);
        image.pixels[4 + 1] = Color32::from_rgb(10, 20, 30);
        let (w, h, rgba) =
            crop_rgba(&image, Rect::from_min_max(pos2(1.0, 1.0), pos2(3.0, 2.0))).unwrap();
        assert_eq!((w, h), (2, 1));
        assert_eq!(&rgba[..4], &[10, 20, 30, 255]);
        assert_eq!(&rgba[4..], &[255, 255, 255, 255]);
        let (w, h, _) =
            crop_rgba(&image, Rect::from_min_max(pos2(-5.0, 2.5), pos2(50.0, 9.0))).unwrap();
        assert_eq!((w, h), (4, 1));
        assert!(crop_rgba(&image, Rect::from_min_max(pos2(9.0, 0.0), pos2(12.0, 1.0))).is_none());
    }
}
