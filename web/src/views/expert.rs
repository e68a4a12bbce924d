//! Expert Info: every finding grouped as in Wireshark's Analyze › Expert Information, most
//! severe first, each with what it means, its frames (a frame of a TCP stream opens that
//! connection) and the display filter that finds it in Wireshark, with a copy button.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::expert::{groups, CountUnit, ExpertGroup, SeveritySource};
use pcaplens_render::{t, units, Key, Lang};

use super::widgets::{frame_link, stream_button, ApplyFilter, FilterCopy};
use crate::state::Loaded;

/// Findings listed per group before "show all".
const ITEMS_SHOWN: usize = 30;
/// The most findings "show all" lists (the JSON export has every one).
const ITEMS_MAX: usize = 3000;

#[component]
pub fn Expert(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let all = groups(&loaded.report, lang);
    if all.is_empty() {
        return view! {
            <section class="view expert">
                <p class="empty" data-testid="expert-empty">{t(lang, Key::NoIssues)}</p>
            </section>
        }
        .into_any();
    }
    let list = all
        .into_iter()
        .enumerate()
        .map(|(i, g)| group(g, i == 0, lang))
        .collect_view();
    view! {
        <section class="view expert" aria-labelledby="expert-heading">
            <h2 id="expert-heading" class="visually-hidden">{t(lang, Key::TabExpert)}</h2>
            <p class="hint">{t(lang, Key::UiExpertIntro)}</p>
            <div class="expert-groups">{list}</div>
        </section>
    }
    .into_any()
}

fn count_text(n: u64, unit: CountUnit, lang: Lang) -> String {
    match unit {
        CountUnit::Frames => units::count(lang, n, ("frame", "frames"), ("trama", "tramas")),
        CountUnit::Connections => units::count(
            lang,
            n,
            ("connection", "connections"),
            ("conexión", "conexiones"),
        ),
        CountUnit::Problems => {
            units::count(lang, n, ("problem", "problems"), ("problema", "problemas"))
        }
    }
}

fn group(g: ExpertGroup, open: bool, lang: Lang) -> impl IntoView {
    let severity = g.severity.wireshark_name().to_lowercase();
    let source_note = (g.severity_source == SeveritySource::Pcaplens)
        .then(|| view! { <p class="hint">{format!("({})", g.severity_source.label(lang))}</p> });
    let wireshark = g.wireshark_message.map(|m| {
        view! { <p class="ws-message"><span>{t(lang, Key::UiWiresharkSays)}": "</span><code>{m}</code></p> }
    });
    let filter = g.filter.clone().map(|f| {
        view! {
            <p class="filter-line">
                <span>{t(lang, Key::ColFilter)}": "</span>
                <FilterCopy filter=f lang />
            </p>
        }
    });
    let streams = (!g.streams.is_empty()).then(|| {
        let total = g.streams.len();
        let all_streams = RwSignal::new(total <= ITEMS_SHOWN);
        let list = Arc::new(g.streams.clone());
        let rows = move || {
            let limit = if all_streams.get() { ITEMS_MAX } else { ITEMS_SHOWN };
            list.iter()
                .take(limit)
                .map(|s| {
                    view! {
                        <li>
                            {stream_button(s.stream, lang)}
                            {format!(": {} ", s.count)}
                            <code class="filter-text">{s.filter.clone()}</code>
                            <ApplyFilter filter=s.filter.clone() lang />
                        </li>
                    }
                })
                .collect_view()
        };
        view! {
            <h4>{t(lang, Key::UiPerConnection)}</h4>
            <ul class="per-stream">{rows}</ul>
            <Show when=move || !all_streams.get()>
                <button type="button" class="secondary small" on:click=move |_| all_streams.set(true)>
                    {format!("{} ({total})", t(lang, Key::ShowAll))}
                </button>
            </Show>
        }
    });
    let total = g.items.len();
    let show_all = RwSignal::new(total <= ITEMS_SHOWN);
    let items = Arc::new(g.items);
    let more_count = g.count.saturating_sub(total as u64);
    let item_list = move || {
        let limit = if show_all.get() {
            ITEMS_MAX
        } else {
            ITEMS_SHOWN
        };
        items
            .iter()
            .take(limit)
            .map(|item| {
                let frame = item
                    .frame
                    .map(|f| frame_link(f, format!("{} {f}", t(lang, Key::ColFrame))));
                let stream = item.stream.map(|s| stream_button(s, lang));
                view! {
                    <li>
                        {frame}
                        {stream}
                        {item.detail.clone().map(|d| view! { <span class="item-detail">{format!(" {d}")}</span> })}
                    </li>
                }
            })
            .collect_view()
    };
    let show_more = move || {
        (!show_all.get()).then(|| {
            view! {
                <button type="button" class="secondary small" on:click=move |_| show_all.set(true)>
                    {format!("{} ({total})", t(lang, Key::ShowAll))}
                </button>
            }
        })
    };
    let beyond = (total > ITEMS_MAX || more_count > 0).then(|| {
        view! {
            <p class="hint">{lang.pick(
                "The JSON export lists every frame.".to_string(),
                "La exportación JSON incluye todas las tramas.".to_string(),
            )}</p>
        }
    });
    view! {
        <details class=format!("expert-group sev-{severity}") data-group=g.id.clone() open=open>
            <summary>
                <span class=format!("badge sev-{severity}")>{g.severity.label(lang)}</span>
                <span class="proto">{g.protocol}</span>
                <span class="group-title">{g.title.clone()}</span>
                <span class="group-count">{count_text(g.count, g.unit, lang)}</span>
            </summary>
            <div class="group-body">
                <p class="explanation">{g.explanation.clone()}</p>
                {source_note}
                {wireshark}
                {filter}
                {streams}
                <h4>{t(lang, Key::UiFindings)}</h4>
                <ul class="findings">{item_list}</ul>
                {show_more}
                {beyond}
            </div>
        </details>
    }
}
