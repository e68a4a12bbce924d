//! SIP: calls and dialogs grouped by Call-ID (method, parties, final answer, setup time and
//! duration) and the call flow of the chosen one, as Wireshark's Telephony › SIP Flows.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::sip::Call;
use pcaplens_render::{t, units, Key, Lang};

use super::widgets::{relative_time, sequence_diagram, Arrow, Tone};
use crate::state::Loaded;

/// Calls listed before "show all".
const CALLS_SHOWN: usize = 200;

#[component]
pub fn Sip(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let sip = &loaded.report.sip;
    if sip.messages.is_empty() && sip.calls.is_empty() {
        return view! { <section class="view sip"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let chosen = RwSignal::new(0usize);
    let show_all = RwSignal::new(sip.calls.len() <= CALLS_SHOWN);
    let rows = {
        let loaded = loaded.clone();
        move || {
            let limit = if show_all.get() {
                usize::MAX
            } else {
                CALLS_SHOWN
            };
            loaded
                .report
                .sip
                .calls
                .iter()
                .enumerate()
                .take(limit)
                .map(|(i, c)| call_row(i, c, chosen, lang))
                .collect_view()
        }
    };
    let flow = {
        let loaded = loaded.clone();
        move || {
            let i = chosen.get();
            let call = loaded.report.sip.calls.get(i)?;
            Some(call_flow(&loaded, call, lang))
        }
    };
    let dropped = (sip.calls_dropped + sip.messages_dropped > 0).then(|| {
        view! { <p class="hint">{lang.pick(
            format!("{} calls and {} messages beyond the table caps are counted but not listed.", sip.calls_dropped, sip.messages_dropped),
            format!("{} llamadas y {} mensajes por encima del límite se cuentan pero no se listan.", sip.calls_dropped, sip.messages_dropped),
        )}</p> }
    });
    let total = sip.calls.len();
    view! {
        <section class="view sip" aria-labelledby="sip-heading">
            <h2 id="sip-heading" class="visually-hidden">{t(lang, Key::TabSip)}</h2>
            <h3>{t(lang, Key::UiCalls)}</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, Key::UiCalls)>
                <table class="data" data-testid="sip-calls">
                    <thead>
                        <tr>
                            <th scope="col">{t(lang, Key::ColCallId)}</th>
                            <th scope="col">{t(lang, Key::ColMethod)}</th>
                            <th scope="col">{t(lang, Key::UiColFrom)}</th>
                            <th scope="col">{t(lang, Key::UiColTo)}</th>
                            <th scope="col">{t(lang, Key::ColState)}</th>
                            <th scope="col">{t(lang, Key::ColStatus)}</th>
                            <th scope="col" class="num">{t(lang, Key::UiColSetup)}</th>
                            <th scope="col" class="num">{t(lang, Key::ColDuration)}</th>
                            <th scope="col" class="num">{t(lang, Key::UiMessages)}</th>
                            <th scope="col">{t(lang, Key::UiCallFlow)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Show when=move || !show_all.get()>
                <button type="button" class="secondary more" on:click=move |_| show_all.set(true)>
                    {format!("{} ({total})", t(lang, Key::ShowAll))}
                </button>
            </Show>
            {dropped}
            {flow}
        </section>
    }
    .into_any()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn state_text(state: &str, lang: Lang) -> String {
    match state {
        "completed" => lang.pick("completed", "completada"),
        "answered" => lang.pick("answered, no BYE", "contestada, sin BYE"),
        "cancelled" => lang.pick("cancelled", "cancelada"),
        "rejected" => lang.pick("rejected", "rechazada"),
        "unanswered" => lang.pick("unanswered", "sin respuesta"),
        other => other,
    }
    .to_string()
}

fn call_row(i: usize, c: &Call, chosen: RwSignal<usize>, lang: Lang) -> impl IntoView {
    let status = match (c.final_status, &c.final_reason) {
        (Some(s), Some(r)) => format!("{s} {r}"),
        (Some(s), None) => s.to_string(),
        _ => "—".into(),
    };
    let bad = matches!(c.state.as_str(), "rejected" | "unanswered");
    let dur = |v: Option<f64>| v.map_or_else(|| "—".into(), |s| units::duration(lang, s));
    view! {
        <tr class:selected=move || chosen.get() == i class:warn-row=bad>
            <td class="addr">{c.call_id.clone()}</td>
            <td>{opt(&c.method)}</td>
            <td class="addr">{opt(&c.from)}</td>
            <td class="addr">{opt(&c.to)}</td>
            <td>{state_text(&c.state, lang)}</td>
            <td>{status}</td>
            <td class="num">{dur(c.setup_s)}</td>
            <td class="num">{dur(c.duration_s)}</td>
            <td class="num">{c.messages}</td>
            <td>
                <button
                    type="button"
                    class="small secondary"
                    aria-pressed=move || (chosen.get() == i).to_string()
                    on:click=move |_| chosen.set(i)
                >
                    {t(lang, Key::UiCallFlow)}
                </button>
            </td>
        </tr>
    }
}

fn call_flow(loaded: &Loaded, call: &Call, lang: Lang) -> impl IntoView {
    let msgs: Vec<_> = loaded
        .report
        .sip
        .messages
        .iter()
        .filter(|m| m.call_id.as_deref() == Some(call.call_id.as_str()))
        .collect();
    let mut lanes: Vec<String> = Vec::new();
    let mut lane = |addr: &str| -> usize {
        if let Some(i) = lanes.iter().position(|l| l == addr) {
            i
        } else {
            lanes.push(addr.to_string());
            lanes.len() - 1
        }
    };
    let start = loaded.report.capinfos.first_time.unwrap_or(call.first_time);
    let arrows: Vec<Arrow> = msgs
        .iter()
        .map(|m| {
            let (from, to) = (lane(&m.src), lane(&m.dst));
            let label = match (&m.method, m.status) {
                (Some(method), _) => method.clone(),
                (None, Some(s)) => format!("{s} {}", m.reason.clone().unwrap_or_default()),
                _ => "?".into(),
            };
            let mut detail = m
                .cseq
                .clone()
                .map(|c| format!("CSeq: {c}"))
                .unwrap_or_default();
            if let Some(sdp) = &m.sdp {
                let media: Vec<String> = sdp
                    .media
                    .iter()
                    .map(|x| format!("{} {} {}", x.media, x.port, x.codecs.join("/")))
                    .collect();
                detail.push_str(&format!(" · SDP {}", media.join(", ")));
            }
            let tone = match m.status {
                Some(s) if s >= 400 => Tone::Bad,
                Some(s) if s >= 300 => Tone::Warn,
                _ => Tone::Normal,
            };
            Arrow {
                from,
                to,
                frame: m.frame,
                time: relative_time(m.time, start, lang),
                label,
                detail,
                tone,
                notes: vec![(m.transport.to_uppercase(), Tone::Quiet)],
            }
        })
        .collect();
    let title = format!("{} — {}", t(lang, Key::UiCallFlow), call.call_id);
    view! {
        <h3>{t(lang, Key::UiCallFlow)}</h3>
        <p class="hint">{t(lang, Key::UiCallFlowNote)}</p>
        <p class="addr">{call.call_id.clone()}</p>
        <div data-testid="sip-flow">{sequence_diagram("sipflow", lanes, arrows, title, lang)}</div>
    }
}
