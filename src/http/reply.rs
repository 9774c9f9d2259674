//! One HTTP answer read whole (by [`send`](super::send)), as the network clients (DMP, OpenID
//! providers) hand it to their parsers: status, content type and body. Its Debug form shows
//! sizes, never content.

/// What came back.
#[derive(Clone)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for HttpReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HttpReply({}, {}, {} bytes)",
            self.status,
            self.content_type,
            self.body.len()
        )
    }
}

impl HttpReply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The media type without parameters, lower case.
    pub fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_and_debug_without_content() {
        let r = HttpReply {
            status: 200,
            content_type: "Application/JSON; charset=utf-8".into(),
            body: b"secret".to_vec(),
        };
        assert!(r.is_success());
        assert_eq!(r.media_type(), "application/json");
        assert!(!format!("{r:?}").contains("secret"));
    }
}
