//! A QR code drawn with egui's painter: dark modules as filled squares on a white square with
//! the four-module quiet zone the standard asks for, whatever the theme. Nothing leaves the
//! screen: no image file, no texture.

use egui::{Color32, Rect, Sense, Vec2, pos2, vec2};

/// Modules of quiet zone around the code.
const QUIET_MODULES: usize = 4;

/// The modules of `text`'s QR code (medium error correction), row by row: `(width, dark)`.
pub fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((code.width(), dark))
}

/// Draws `text` as a QR code of `side` points; the response carries `label` for screen
/// readers.
pub fn qr_code_ui(ui: &mut egui::Ui, text: &str, side: f32, label: &str) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    let label = label.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label.as_str()));
    let Some((width, dark)) = modules(text) else {
        return response;
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    let total = width + 2 * QUIET_MODULES;
    let module = side / total as f32;
    for (i, is_dark) in dark.iter().enumerate() {
        if !is_dark {
            continue;
        }
        let (x, y) = (i % width + QUIET_MODULES, i / width + QUIET_MODULES);
        let min = pos2(
            rect.min.x + x as f32 * module,
            rect.min.y + y as f32 * module,
        );
        painter.rect_filled(
            Rect::from_min_size(min, vec2(module, module)).expand(0.25),
            0.0,
            Color32::BLACK,
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_uri_gives_a_square_code_with_dark_and_light_modules() {
        let (width, dark) =
            modules("otpauth://totp/Chevet%3Amedecin?secret=MZXW6YTBOI&issuer=Chevet").expect("qr");
        assert_eq!(dark.len(), width * width);
        assert!(width >= 21 && (width - 17) % 4 == 0, "a QR version's width");
        // The finder pattern's corner module is dark, the one beside its ring light.
        assert!(dark[0] && !dark[width + 1]);
    }
}
