//! Every field of every protocol, by name: the single source of field and protocol names.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::field::FieldDef;
use super::proto;

/// The field tables, one per protocol, in the order `frame.protocols` lists layers.
pub fn tables() -> &'static [&'static [&'static FieldDef]] {
    proto::TABLES
}

/// Every field and protocol.
pub fn all() -> impl Iterator<Item = &'static FieldDef> {
    tables().iter().flat_map(|t| t.iter().copied())
}

fn index() -> &'static HashMap<&'static str, &'static FieldDef> {
    static INDEX: OnceLock<HashMap<&'static str, &'static FieldDef>> = OnceLock::new();
    INDEX.get_or_init(|| all().map(|d| (d.name, d)).collect())
}

/// The field or protocol named `name` (`tcp.srcport`, `tcp`).
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    index().get(name).copied()
}

/// Field names starting with `prefix`, sorted (for completion in a filter bar).
pub fn complete(prefix: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = all()
        .map(|d| d.name)
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for d in all() {
            assert!(seen.insert(d.name), "duplicate field {}", d.name);
            assert!(
                d.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
                "bad name {}",
                d.name
            );
        }
    }

    #[test]
    fn test_lookup_finds_fields_and_protocols() {
        assert!(lookup("frame").is_some());
        assert!(lookup("frame.number").is_some());
        assert!(lookup("nope.nope").is_none());
    }
}
