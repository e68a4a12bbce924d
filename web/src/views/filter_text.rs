//! The filter bar's plain-Rust helpers (tested natively): validation, completion of field
//! names, and the filter "Apply as filter" makes of a field.

/// Field names offered at once while typing.
const MAX_COMPLETIONS: usize = 40;

/// Whether a filter compiles: `Ok` or Wireshark's message with the position (in characters).
pub fn check_filter(text: &str) -> Result<(), (String, usize, usize)> {
    if text.trim().is_empty() {
        return Ok(());
    }
    pcaplens_core::filter::compile(text)
        .map(|_| ())
        .map_err(|e| (e.message, e.start, e.len))
}

/// Completions of the field name being typed at the end of `text`: whole filter texts.
pub fn completions(text: &str, history: &[String]) -> Vec<String> {
    let start = text
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .map_or(0, |i| i + 1);
    let (head, word) = text.split_at(start);
    let mut out: Vec<String> = history
        .iter()
        .filter(|h| h.starts_with(text) && h.as_str() != text)
        .cloned()
        .collect();
    if !word.is_empty() && !word.chars().all(|c| c.is_ascii_digit()) {
        out.extend(
            pcaplens_core::packets::registry::complete(word)
                .into_iter()
                .filter(|n| *n != word)
                .take(MAX_COMPLETIONS)
                .map(|n| format!("{head}{n}")),
        );
    }
    out
}

/// The filter "Apply as filter" makes of a field: `field == value`, quoted when the value is
/// not a literal of the field's type; just the field when it has no value.
pub fn filter_for(field: &str, value: &str) -> String {
    if value.is_empty() {
        return field.to_string();
    }
    let plain = format!("{field} == {value}");
    if check_filter(&plain).is_ok() {
        return plain;
    }
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{field} == \"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_offers_field_names_after_the_last_operator() {
        let c = completions("ip.addr == 10.0.0.1 && tcp.analysis.re", &[]);
        assert!(
            c.iter()
                .any(|s| s == "ip.addr == 10.0.0.1 && tcp.analysis.retransmission"),
            "{c:?}"
        );
        assert!(completions("tcp.port == 4", &[]).is_empty());
        let history = vec!["dns.flags.rcode != 0".to_string()];
        assert_eq!(completions("dns.fl", &history)[0], "dns.flags.rcode != 0");
    }

    #[test]
    fn apply_as_filter_quotes_only_what_needs_quotes() {
        assert_eq!(filter_for("tcp.srcport", "443"), "tcp.srcport == 443");
        assert_eq!(filter_for("tcp", ""), "tcp");
        assert_eq!(
            filter_for("_ws.col.Info", "Standard query"),
            "_ws.col.Info == \"Standard query\""
        );
        assert!(check_filter("tcp.port == ").is_err());
    }
}
