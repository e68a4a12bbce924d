//! The views of a loaded report, one module each, chosen with the tab bar.
//!
//! To add a view: add a variant to [`View`] (and to [`View::ALL`] in tab order), give it a
//! label and a slug, write `views/<slug>.rs` with a component taking `Arc<Loaded>` and a
//! `Lang`, and add its arm to [`View::render`]. Views only read the report; they never change
//! app state except through [`AppState`](crate::state::AppState) actions and its
//! `selected_stream` / `view` signals (cross-links: an Expert Info frame opens its connection).
//!
//! Every text comes from `pcaplens_render` (labels from its string table, explanations and
//! filters from `expert`, the hand-in report from `report_md`) and every capture-derived
//! string is rendered as a text node, never as markup.
//!
//! The plain-Rust helpers ([`markdown`], [`sorting`], [`geometry`]) are tested natively; the
//! components exist only on wasm32.

pub mod geometry;
pub mod markdown;
pub mod sorting;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub use browser::*;

/// One tab of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Summary,
    Connections,
    Expert,
    Tls,
    Dns,
    Dhcp,
    Icmp,
    Sip,
    Flows,
    Report,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: &'static [View] = &[
        View::Summary,
        View::Connections,
        View::Expert,
        View::Tls,
        View::Dns,
        View::Dhcp,
        View::Icmp,
        View::Sip,
        View::Flows,
        View::Report,
    ];

    /// A stable name for element ids and test ids (`tab-<slug>`, `view-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            View::Summary => "summary",
            View::Connections => "connections",
            View::Expert => "expert",
            View::Tls => "tls",
            View::Dns => "dns",
            View::Dhcp => "dhcp",
            View::Icmp => "icmp",
            View::Sip => "sip",
            View::Flows => "flows",
            View::Report => "report",
        }
    }

    /// The tab's label key.
    pub fn key(self) -> pcaplens_render::Key {
        use pcaplens_render::Key;
        match self {
            View::Summary => Key::TabSummary,
            View::Connections => Key::TabConnections,
            View::Expert => Key::TabExpert,
            View::Tls => Key::TabTls,
            View::Dns => Key::TabDns,
            View::Dhcp => Key::TabDhcp,
            View::Icmp => Key::TabIcmp,
            View::Sip => Key::TabSip,
            View::Flows => Key::UiTabFlows,
            View::Report => Key::TabReport,
        }
    }

    /// How many things the view lists, shown in its tab ("DNS (4)"); None for views that are
    /// not lists.
    pub fn count(self, report: &pcaplens_core::Report) -> Option<u64> {
        Some(match self {
            View::Summary | View::Report => return None,
            View::Connections => report.tcp.connections.len() as u64,
            View::Expert => pcaplens_render::expert::groups(report, pcaplens_render::Lang::En)
                .iter()
                .filter(|g| g.severity != pcaplens_render::Severity::Chat)
                .count() as u64,
            View::Tls => report.tls.handshakes.len() as u64,
            View::Dns => report.dns.queries + report.dns.responses,
            View::Dhcp => report.dhcp.transactions.len() as u64,
            View::Icmp => report.icmp.messages.len() as u64 + report.icmp.messages_omitted,
            View::Sip => report.sip.calls.len() as u64 + report.sip.calls_dropped,
            View::Flows => report.flows.ip_conversations.len() as u64,
        })
    }

    /// The tab's text: its label, with the count when it has one.
    pub fn label(
        self,
        lang: pcaplens_render::Lang,
        report: Option<&pcaplens_core::Report>,
    ) -> String {
        let label = pcaplens_render::t(lang, self.key());
        match report.and_then(|r| self.count(r)) {
            Some(n) => format!("{label} ({n})"),
            None => label.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcaplens_render::Lang;

    #[test]
    fn slugs_are_unique_and_labels_translate() {
        let mut slugs: Vec<&str> = View::ALL.iter().map(|v| v.slug()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), View::ALL.len());
        assert_eq!(View::Report.label(Lang::Es, None), "Informe");
        let report = pcaplens_core::analyze_bytes(
            &pcaplens_synth::demo::demo_capture(),
            &pcaplens_core::Config::default(),
        );
        assert_eq!(
            View::Connections.label(Lang::En, Some(&report)),
            "TCP connections (3)"
        );
        assert_eq!(View::Summary.label(Lang::En, Some(&report)), "Summary");
    }
}
