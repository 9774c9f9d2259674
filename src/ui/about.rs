//! The About box: name, version, mode (sandbox or production), data directory, licence.

use super::{Command, ScreenCtx};

pub fn about_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, commands: &mut Vec<Command>) {
    let i18n = ctx.i18n;
    let modal = egui::Modal::new(egui::Id::unique("about")).show(ui.ctx(), |ui| {
        ui.set_width(420.0);
        ui.heading(i18n.tr("app-name"));
        ui.label(i18n.tr("app-tagline"));
        ui.add_space(8.0);
        ui.label(format!(
            "{} {}",
            i18n.tr("about-version"),
            env!("CARGO_PKG_VERSION")
        ));
        ui.label(i18n.tr(if ctx.sandbox {
            "about-mode-sandbox"
        } else {
            "about-mode-production"
        }));
        ui.label(format!(
            "{} : {}",
            i18n.tr("about-data-dir"),
            ctx.data_dir.display()
        ));
        ui.label(i18n.tr("about-licence"));
        ui.add_space(8.0);
        if ui.button(i18n.tr("common-close")).clicked() {
            commands.push(Command::ShowAbout(false));
        }
    });
    if modal.should_close() {
        commands.push(Command::ShowAbout(false));
    }
}
