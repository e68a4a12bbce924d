//! The downloads a front end offers, with their file names and MIME types, built in one place so
//! the browser and the CLI name files the same way.
//!
//! File names derive from the capture's name, which is untrusted: only ASCII letters, digits,
//! `-`, `_` and `.` survive, so a name can never carry a path, a control character or a
//! spoofing character into a download dialog.

use pcaplens_core::Report;

use crate::i18n::Lang;
use crate::{csv, report_md};

/// Longest stem kept from the capture's name.
pub const MAX_STEM_LEN: usize = 60;

/// Something to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Export {
    /// `Report::to_json()`, the canonical JSON.
    Json,
    /// The hand-in report.
    Markdown,
    ConnectionsCsv,
    IssuesCsv,
    DnsCsv,
}

impl Export {
    pub const ALL: [Export; 5] = [
        Export::Json,
        Export::Markdown,
        Export::ConnectionsCsv,
        Export::IssuesCsv,
        Export::DnsCsv,
    ];

    /// The MIME type for a Blob / Content-Type.
    pub fn mime(self) -> &'static str {
        match self {
            Export::Json => "application/json",
            Export::Markdown => "text/markdown;charset=utf-8",
            Export::ConnectionsCsv | Export::IssuesCsv | Export::DnsCsv => "text/csv;charset=utf-8",
        }
    }

    /// The file's contents.
    pub fn render(self, report: &Report, lang: Lang) -> String {
        match self {
            Export::Json => report.to_json(),
            Export::Markdown => report_md::markdown(report, lang),
            Export::ConnectionsCsv => csv::connections(report),
            Export::IssuesCsv => csv::issues(report),
            Export::DnsCsv => csv::dns(report),
        }
    }

    /// "lab3.pcaplens-report-en.md", "lab3.connections.csv", ... ("capture" when the name is
    /// unknown or nothing of it is safe).
    pub fn file_name(self, report: &Report, lang: Lang) -> String {
        let stem = safe_stem(report.file_name.as_deref().unwrap_or(""));
        match self {
            Export::Json => format!("{stem}.pcaplens.json"),
            Export::Markdown => format!(
                "{stem}.{}-{}.md",
                lang.pick("pcaplens-report", "informe-pcaplens"),
                lang.code()
            ),
            Export::ConnectionsCsv => format!("{stem}.connections.csv"),
            Export::IssuesCsv => format!("{stem}.tcp-issues.csv"),
            Export::DnsCsv => format!("{stem}.dns.csv"),
        }
    }
}

/// The capture's name without directories and capture extensions, reduced to safe ASCII.
fn safe_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut stem = base;
    for ext in [".gz", ".pcapng", ".pcap", ".cap", ".ntar"] {
        if stem.len() > ext.len() && stem.to_ascii_lowercase().ends_with(ext) {
            stem = &stem[..stem.len() - ext.len()];
        }
    }
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM_LEN)
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '.' || c == '_');
    if trimmed.is_empty() {
        "capture".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Report {
        Report {
            file_name: Some(name.into()),
            ..Report::default()
        }
    }

    #[test]
    fn file_names_are_safe_and_stable() {
        let r = named("lab3 | grupo `A`.pcapng");
        assert_eq!(
            Export::Markdown.file_name(&r, Lang::Es),
            "lab3___grupo__A.informe-pcaplens-es.md"
        );
        assert_eq!(
            Export::Markdown.file_name(&r, Lang::En),
            "lab3___grupo__A.pcaplens-report-en.md"
        );
        assert_eq!(
            Export::ConnectionsCsv.file_name(&named("x.pcap.gz"), Lang::En),
            "x.connections.csv"
        );
        assert_eq!(
            Export::Json.file_name(&named("../../etc/passwd"), Lang::En),
            "passwd.pcaplens.json"
        );
        assert_eq!(
            Export::Json.file_name(&named("C:\\caps\\trace.cap"), Lang::En),
            "trace.pcaplens.json"
        );
        assert_eq!(
            Export::DnsCsv.file_name(&named("\u{202E}gpj.exe"), Lang::En),
            "gpj.exe.dns.csv"
        );
        assert_eq!(
            Export::IssuesCsv.file_name(&Report::default(), Lang::En),
            "capture.tcp-issues.csv"
        );
        assert_eq!(
            Export::Json.file_name(&named("..."), Lang::En),
            "capture.pcaplens.json"
        );
        let long = "a".repeat(500);
        assert!(Export::Json.file_name(&named(&long), Lang::En).len() < 80);
    }

    #[test]
    fn every_export_renders() {
        let r = named("t.pcap");
        for e in Export::ALL {
            assert!(!e.render(&r, Lang::En).is_empty(), "{e:?}");
            assert!(!e.mime().is_empty());
        }
        assert!(Export::Json
            .render(&r, Lang::Es)
            .contains("\"file_name\": \"t.pcap\""));
    }
}
