//! Deep links: the view state in the URL fragment (`#view=packets&filter=tcp&frame=17`,
//! `#view=connection&stream=1`, `#view=expert`), so back/forward work and a note can link to
//! an exact view. Plain Rust (tested natively); the page syncs it in `app`.

/// What the fragment says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    /// A view's slug; `connection` is the Connections view with `stream` open.
    pub view: Option<String>,
    pub filter: Option<String>,
    pub frame: Option<u64>,
    pub stream: Option<u64>,
}

impl Route {
    /// Reads `view=...&filter=...` (a leading `#` is ignored; unknown keys too).
    pub fn parse(fragment: &str) -> Route {
        let mut r = Route::default();
        for pair in fragment.trim_start_matches('#').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "view" if !value.is_empty() => r.view = Some(value),
                "filter" => r.filter = Some(value),
                "frame" => r.frame = value.parse().ok(),
                "stream" => r.stream = value.parse().ok(),
                _ => {}
            }
        }
        r
    }

    /// The fragment text (without `#`), keys in a fixed order.
    pub fn to_fragment(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.view {
            parts.push(format!("view={}", encode(v)));
        }
        if let Some(f) = &self.filter {
            if !f.is_empty() {
                parts.push(format!("filter={}", encode(f)));
            }
        }
        if let Some(n) = self.frame {
            parts.push(format!("frame={n}"));
        }
        if let Some(s) = self.stream {
            parts.push(format!("stream={s}"));
        }
        parts.join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (and `+` as a space, as forms write it); bad escapes stay as they are.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b),
                }
            }
            b'+' => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_round_trip_filters_with_any_character() {
        let r = Route {
            view: Some("packets".into()),
            filter: Some("ip.addr == 10.0.0.1 && _ws.col.Info contains \"a&b=#%\"".into()),
            frame: Some(17),
            stream: None,
        };
        let text = r.to_fragment();
        assert!(
            !text.contains(' ') && !text.contains('#') && text.starts_with("view=packets&filter=")
        );
        assert_eq!(Route::parse(&format!("#{text}")), r);
    }

    #[test]
    fn parsing_ignores_junk() {
        let r = Route::parse("#view=connection&stream=1&x=2&frame=no&filter=%zz+a");
        assert_eq!(r.view.as_deref(), Some("connection"));
        assert_eq!(r.stream, Some(1));
        assert_eq!(r.frame, None);
        assert_eq!(r.filter.as_deref(), Some("%zz a"));
        assert_eq!(Route::parse(""), Route::default());
    }
}
