//! The typed settings on the window's side: the language and theme they hold are applied at
//! once (at start, after a save, an import or another window's change), then the settings
//! screen gets them; its refusals and exports go to it.

use super::ChevetApp;
use crate::i18n::I18n;
use crate::settings::{DisplaySettings, SettingsRecord, Theme};
use crate::worker::{Request, SettingsChange};

impl ChevetApp {
    /// `Event::Settings`.
    pub(super) fn on_settings(&mut self, record: SettingsRecord, change: SettingsChange) {
        self.apply_display(record.settings.display);
        self.settings.on_settings(record, change);
    }

    /// The stored language (when one was chosen) and theme.
    pub(super) fn apply_display(&mut self, display: DisplaySettings) {
        if let Some(lang) = display.language
            && lang != self.i18n.language()
        {
            self.i18n = I18n::new(lang);
        }
        self.dark = display.theme.is_dark();
    }

    /// The language or theme picked: applied now, saved for the next start.
    pub(super) fn save_display(&mut self) {
        let display = DisplaySettings {
            language: Some(self.i18n.language()),
            theme: Theme::from_dark(self.dark),
        };
        self.send(Request::SaveDisplay { display });
    }
}
