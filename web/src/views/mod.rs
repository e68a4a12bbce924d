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

pub mod filter_text;
pub mod geometry;
pub mod markdown;
pub mod sorting;

#[cfg(target_arch = "wasm32")]
pub mod connection_detail;
#[cfg(target_arch = "wasm32")]
pub mod connections;
#[cfg(target_arch = "wasm32")]
pub mod dhcp;
#[cfg(target_arch = "wasm32")]
pub mod dns;
#[cfg(target_arch = "wasm32")]
pub mod expert;
#[cfg(target_arch = "wasm32")]
pub mod flows;
#[cfg(target_arch = "wasm32")]
pub mod icmp;
#[cfg(target_arch = "wasm32")]
pub mod packets;
#[cfg(target_arch = "wasm32")]
pub mod report;
#[cfg(target_arch = "wasm32")]
pub mod sip;
#[cfg(target_arch = "wasm32")]
pub mod summary;
#[cfg(target_arch = "wasm32")]
pub mod tls;
#[cfg(target_arch = "wasm32")]
pub mod widgets;

/// One tab of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Summary,
    Connections,
    Packets,
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
        View::Packets,
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
            View::Packets => "packets",
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
            // Not in the string table; `label` names it.
            View::Packets => Key::TabSummary,
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
            View::Packets => report.capinfos.packets,
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
        let label = match self {
            View::Packets => lang.pick("Packets", "Paquetes"),
            _ => pcaplens_render::t(lang, self.key()),
        };
        match report.and_then(|r| self.count(r)) {
            Some(n) => format!("{label} ({n})"),
            None => label.to_string(),
        }
    }
}

/// The page's language signal (English when there is no app state, e.g. in component tests).
#[cfg(target_arch = "wasm32")]
pub fn current_lang() -> leptos::prelude::RwSignal<pcaplens_render::Lang> {
    use leptos::prelude::*;
    use_context::<crate::state::AppState>()
        .map(|s| s.lang)
        .unwrap_or_else(|| RwSignal::new(pcaplens_render::Lang::En))
}

#[cfg(target_arch = "wasm32")]
impl View {
    /// The view's content for a report, rebuilt when the language changes (views take the
    /// language as a plain value, so every label in them follows it).
    pub fn render(self, loaded: std::sync::Arc<crate::state::Loaded>) -> leptos::prelude::AnyView {
        use leptos::prelude::*;
        let lang = use_context::<crate::state::AppState>()
            .map(|s| s.lang)
            .unwrap_or_else(|| RwSignal::new(pcaplens_render::Lang::En));
        (move || {
            let lang = lang.get();
            let loaded = loaded.clone();
            match self {
                Self::Summary => view! { <summary::Summary loaded lang /> }.into_any(),
                Self::Connections => view! { <connections::Connections loaded lang /> }.into_any(),
                Self::Packets => view! { <packets::Packets loaded lang /> }.into_any(),
                Self::Expert => view! { <expert::Expert loaded lang /> }.into_any(),
                Self::Tls => view! { <tls::Tls loaded lang /> }.into_any(),
                Self::Dns => view! { <dns::Dns loaded lang /> }.into_any(),
                Self::Dhcp => view! { <dhcp::Dhcp loaded lang /> }.into_any(),
                Self::Icmp => view! { <icmp::Icmp loaded lang /> }.into_any(),
                Self::Sip => view! { <sip::Sip loaded lang /> }.into_any(),
                Self::Flows => view! { <flows::Flows loaded lang /> }.into_any(),
                Self::Report => view! { <report::Report loaded lang /> }.into_any(),
            }
        })
        .into_any()
    }

    /// The tab's text as a reactive closure (follows the language; counts from the report).
    pub fn tab_label(self) -> impl Fn() -> String + Send + Sync + Copy + 'static {
        use leptos::prelude::*;
        let state = use_context::<crate::state::AppState>();
        move || match state {
            Some(s) => {
                let lang = s.lang.get();
                s.loaded
                    .with(|l| self.label(lang, l.as_ref().map(|l| &l.report)))
            }
            None => self.label(pcaplens_render::Lang::En, None),
        }
    }
}

/// "12 of 40" / "12 de 40" (or just "40" when nothing is filtered out).
pub fn shown_of(lang: pcaplens_render::Lang, shown: usize, total: usize) -> String {
    if shown == total {
        total.to_string()
    } else {
        lang.pick(format!("{shown} of {total}"), format!("{shown} de {total}"))
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
