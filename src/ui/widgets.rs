//! Small shared widgets: the identity-status badge, the sandbox marker, labelled fields (and
//! their first focus), and the text style a clinical screen needs (larger body text, clear
//! headings).

use egui::{Color32, RichText};

use crate::domain::IdentityStatus;
use crate::i18n::I18n;

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/DejaVu-LICENSE.txt`): a regular-weight face
/// that reads well on ward screens and has the arrows, check marks and triangles the UI uses.
const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Its bold face, registered as the font family the structured view uses for bold text.
const DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Fonts and text sizes tuned for reading at arm's length on a ward workstation.
pub fn install_style(ctx: &egui::Context) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    ctx.add_font(FontInsert {
        name: "DejaVuSans".to_owned(),
        data: egui::FontData::from_static(DEJAVU_SANS),
        families: vec![
            InsertFontFamily {
                family: egui::FontFamily::Proportional,
                priority: FontPriority::Highest,
            },
            InsertFontFamily {
                family: egui::FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    });
    ctx.add_font(FontInsert {
        name: "DejaVuSans-Bold".to_owned(),
        data: egui::FontData::from_static(DEJAVU_SANS_BOLD),
        families: vec![InsertFontFamily {
            family: egui::FontFamily::Name(super::structured_view::BOLD_FAMILY.into()),
            priority: FontPriority::Highest,
        }],
    });
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(22.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(15.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(12.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
    });
}

/// Colours of the four identity statuses: only a qualified identity is green.
pub fn status_colour(status: IdentityStatus) -> Color32 {
    match status {
        IdentityStatus::Provisoire => Color32::from_rgb(0xB4, 0x3C, 0x00),
        IdentityStatus::Recuperee => Color32::from_rgb(0x1F, 0x5F, 0xA8),
        IdentityStatus::Validee => Color32::from_rgb(0x6A, 0x3D, 0x9A),
        IdentityStatus::Qualifiee => Color32::from_rgb(0x1B, 0x7A, 0x36),
    }
}

/// A filled badge with white text; its text is its accessible label.
pub fn badge_ui(ui: &mut egui::Ui, text: &str, fill: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(text).color(Color32::WHITE).strong())
        })
        .inner
}

/// The identity status badge, e.g. "Identité qualifiée".
pub fn identity_badge_ui(ui: &mut egui::Ui, i18n: &I18n, status: IdentityStatus) -> egui::Response {
    badge_ui(ui, &i18n.tr(status.label_key()), status_colour(status)).on_hover_text(i18n.tr(
        match status {
            IdentityStatus::Provisoire => "identity-provisoire-help",
            IdentityStatus::Recuperee => "identity-recuperee-help",
            IdentityStatus::Validee => "identity-validee-help",
            IdentityStatus::Qualifiee => "identity-qualifiee-help",
        },
    ))
}

/// The marker that says this is the sandbox, never production.
pub fn sandbox_marker_ui(ui: &mut egui::Ui, i18n: &I18n) {
    badge_ui(
        ui,
        &i18n.tr("sandbox-marker"),
        Color32::from_rgb(0xD9, 0x6C, 0x00),
    )
    .on_hover_text(i18n.tr("sandbox-marker-help"));
}

/// A label followed by a single-line text field that is labelled by it (accessibility, tests).
pub fn labelled_field_ui(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    password: bool,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .password(password)
            .desired_width(260.0),
    )
    .labelled_by(label.id)
}

/// Gives `field` the keyboard focus the first time its form shows (`*done` remembers it).
pub fn focus_once(field: &egui::Response, done: &mut bool) {
    if !*done {
        field.request_focus();
        *done = true;
    }
}

/// Age in whole years at `today`.
pub fn age_years(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> u32 {
    today.years_since(birth).unwrap_or(0)
}

/// Date as French users read it.
pub fn date_text(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub fn datetime_text(dt: chrono::NaiveDateTime) -> String {
    dt.format("%d/%m/%Y %H:%M").to_string()
}

/// A stored UTC time (`2026-12-05T10:42:00Z`) as the workstation's local date and time.
pub fn local_time_text(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc).map_or_else(
        |_| utc.to_owned(),
        |t| {
            t.with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn ages_count_whole_years() {
        let birth = NaiveDate::from_ymd_opt(1979, 3, 28).expect("date");
        let day_before = NaiveDate::from_ymd_opt(2026, 3, 27).expect("date");
        let birthday = NaiveDate::from_ymd_opt(2026, 3, 28).expect("date");
        assert_eq!(age_years(birth, day_before), 46);
        assert_eq!(age_years(birth, birthday), 47);
    }

    #[test]
    fn each_status_has_its_own_colour() {
        let mut colours: Vec<_> = IdentityStatus::ALL
            .iter()
            .map(|s| status_colour(*s))
            .collect();
        colours.dedup();
        assert_eq!(colours.len(), 4);
    }
}
