//! The HTML pages of the sandbox provider, in French: the login page (one button per demo
//! professional, and "Refuser"), the e-CPS stand-in listing pending CIBA requests, the
//! logout and error pages. Every value written into a page is escaped; pages carry no patient
//! data and no token.

use super::demo::{DemoPro, demo_professionals};
use super::options::Flavour;
use super::state::PendingCiba;
use crate::xml_escape::escape;

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f6f9;color:#1d2733;margin:0}\
main{max-width:40rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;color:#00467f;margin-top:0}.note{color:#5a6775;font-size:.9rem}\
form{margin:0}button{font:inherit;cursor:pointer;border-radius:6px;padding:.6rem 1rem;border:1px solid #00467f}\
.pro{display:block;width:100%;text-align:left;background:#eef4fb;margin:.4rem 0}.pro small{display:block;color:#5a6775}\
.deny{background:#fff;color:#a4161a;border-color:#a4161a}.ok{background:#00467f;color:#fff}\
.req{border:1px solid #d0d7df;border-radius:8px;padding:1rem;margin:1rem 0}\
.code{font-size:3rem;font-weight:700;letter-spacing:.3rem;font-family:monospace;margin:.3rem 0}\
.row{display:flex;gap:.6rem}";

fn layout(title: &str, refresh_s: Option<u32>, body: &str) -> String {
    let refresh = refresh_s
        .map(|s| format!("<meta http-equiv=\"refresh\" content=\"{s}\">"))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">{refresh}\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body><main>\n<h1>{}</h1>\n{body}\n</main></body></html>\n",
        escape(title),
        escape(title),
    )
}

/// Title of the provider's pages.
pub(crate) fn provider_title(flavour: Flavour) -> &'static str {
    match flavour {
        Flavour::Psc => "Pro Santé Connect — bac à sable",
        Flavour::Hospital => "Connexion à l'établissement — bac à sable",
    }
}

fn pro_line(pro: &DemoPro) -> String {
    format!(
        "{}<small>{} — n° {}</small>",
        escape(&pro.display_name()),
        escape(pro.profession_label),
        escape(pro.national_id)
    )
}

/// The login page: one button per professional and a refusal, posting `interaction`.
pub(crate) fn login(flavour: Flavour, action: &str, interaction: &str) -> String {
    let mut body = String::from(
        "<p>Ce fournisseur d'identité simulé remplace la connexion par carte CPS ou e-CPS. \
         Choisissez le professionnel fictif sous l'identité duquel vous connecter.</p>\n",
    );
    body.push_str(&format!(
        "<form method=\"post\" action=\"{}\">\n<input type=\"hidden\" name=\"interaction\" value=\"{}\">\n",
        escape(action),
        escape(interaction)
    ));
    for pro in demo_professionals() {
        body.push_str(&format!(
            "<button class=\"pro\" type=\"submit\" name=\"choice\" value=\"{}\">{}</button>\n",
            escape(pro.national_id),
            pro_line(pro)
        ));
    }
    body.push_str(
        "<p><button class=\"deny\" type=\"submit\" name=\"choice\" value=\"deny\">Refuser</button></p>\n</form>\n\
         <p class=\"note\">Bac à sable : identités fictives, aucune donnée réelle.</p>",
    );
    layout(provider_title(flavour), None, &body)
}

/// An error shown in the browser (nothing can be sent back to the client).
pub(crate) fn error(flavour: Flavour, message: &str) -> String {
    layout(
        provider_title(flavour),
        None,
        &format!(
            "<p><strong>La demande de connexion ne peut pas aboutir.</strong></p><p>{}</p>\
             <p class=\"note\">Revenez à Chevet et recommencez la connexion.</p>",
            escape(message)
        ),
    )
}

/// After a browser logout without a return address.
pub(crate) fn logged_out(flavour: Flavour) -> String {
    layout(
        provider_title(flavour),
        None,
        "<p>Vous êtes déconnecté(e). Vous pouvez fermer cet onglet.</p>",
    )
}

/// The e-CPS stand-in: each pending request with its binding message and two buttons.
pub(crate) fn ecps(pending: &[PendingCiba]) -> String {
    let mut body = String::from(
        "<p>Cette page tient lieu de l'application e-CPS : les demandes d'authentification \
         (CIBA) en attente s'affichent ici. Vérifiez que le code affiché est celui que montre \
         Chevet avant d'approuver.</p>\n",
    );
    if pending.is_empty() {
        body.push_str("<p class=\"note\">Aucune demande en attente.</p>");
    }
    for request in pending {
        let who = super::demo::find(&request.national_id)
            .map(pro_line)
            .unwrap_or_else(|| escape(&request.national_id));
        body.push_str(&format!(
            "<div class=\"req\"><div>{who}</div><div class=\"code\">{}</div>\
             <div class=\"note\">Expire dans {} s.</div>\
             <form method=\"post\" action=\"{}\" class=\"row\"><input type=\"hidden\" name=\"id\" value=\"{}\">\
             <button class=\"ok\" type=\"submit\" name=\"decision\" value=\"approve\">Approuver</button>\
             <button class=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Refuser</button></form></div>\n",
            escape(&request.binding_message),
            request.expires_in_s,
            super::options::ECPS_PATH,
            escape(&request.id),
        ));
    }
    layout("e-CPS — bac à sable", Some(3), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_lists_every_professional_and_escapes() {
        let page = login(Flavour::Psc, "/wallet/auth", "<x\">");
        assert!(page.contains("Pro Santé Connect — bac à sable"));
        for pro in demo_professionals() {
            assert!(page.contains(pro.national_id));
        }
        assert!(page.contains("Refuser"));
        assert!(page.contains("&lt;x&quot;&gt;"));
        assert!(!page.contains("<x\">"));
    }

    #[test]
    fn ecps_shows_the_binding_message_escaped() {
        let page = ecps(&[PendingCiba {
            id: "abc".into(),
            national_id: "810101234567".into(),
            binding_message: "<42>".into(),
            expires_in_s: 90,
        }]);
        assert!(page.contains("&lt;42&gt;"));
        assert!(page.contains("Dr Claire LAMBERT"));
        assert!(page.contains("Approuver") && page.contains("Refuser"));
        assert!(ecps(&[]).contains("Aucune demande"));
    }
}
