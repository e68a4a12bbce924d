//! The Packets view, like Wireshark's main window: a display-filter bar (validated as you
//! type, field-name completion, history), the packet list (virtualized: the worker sends the
//! rows in view a page at a time, sorted on its side), and the selected frame's packet details
//! (a collapsible tree) over its bytes (hex + ASCII, the selected field highlighted).
//!
//! Keyboard: arrows move in the list, Enter opens the details, Ctrl+G goes to a frame.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::Lang;
use wasm_bindgen::JsCast;

use crate::colors;
use crate::protocol::{DetailNode, FrameDetails, SortColumn};
use crate::state::{AppState, Loaded, TreeState};
use crate::views::filter_text::{check_filter, completions, filter_for};
use crate::views::sorting::visible_window;

/// Height of one packet row in CSS pixels (style.css sets `.pl tbody tr` to exactly this).
const ROW_PX: f64 = 22.0;
const OVERSCAN: usize = 20;

#[component]
pub fn Packets(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let _ = loaded;
    state.ensure_packet_list();
    // Ctrl+G anywhere in the view: go to a frame (as in Wireshark).
    let on_keydown = |e: leptos::ev::KeyboardEvent| {
        if e.ctrl_key() && e.key().eq_ignore_ascii_case("g") {
            e.prevent_default();
            focus_selector("#packet-goto");
        }
    };
    view! {
        <div class="packets" on:keydown=on_keydown>
            <FilterBar lang />
            <PacketList lang />
            <div class="pd">
                <PacketTree lang />
                <PacketHex lang />
            </div>
        </div>
    }
}

/// The display-filter bar.
#[component]
fn FilterBar(lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = RwSignal::new(state.packet_filter.get_untracked());
    // A filter applied from elsewhere (links, deep links) shows in the bar.
    Effect::new(move |_| text.set(state.packet_filter.get()));
    let check = Memo::new(move |_| text.with(|t| check_filter(t)));
    let options = Memo::new(move |_| {
        let history = state.filter_history.get();
        text.with(|t| completions(t, &history))
    });
    let apply = move || {
        if check.get_untracked().is_ok() {
            state.apply_filter(text.get_untracked());
        }
    };
    let goto_text = RwSignal::new(String::new());
    let goto = move || {
        if let Ok(n) = goto_text.get_untracked().trim().parse::<u64>() {
            if n > 0 {
                state.open_frame(n);
            }
        }
    };
    let count = move || {
        state.packets.with(|p| {
            let total = p.frames;
            if p.filter.is_empty() && p.done {
                format!("{}", p.displayed)
            } else {
                format!("{} of {}", p.displayed, total)
            }
        })
    };
    let progress = move || {
        state.packets.with(|p| {
            if let Some(e) = &p.error {
                return e.clone();
            }
            if p.done {
                String::new()
            } else {
                lang.pick("reading…", "leyendo…").to_string()
            }
        })
    };
    view! {
        <div class="filterbar">
            <form
                class="filter-form"
                role="search"
                on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    apply();
                }
            >
                <input
                    type="text"
                    class="filter-input"
                    class:filter-ok=move || check.with(|c| c.is_ok()) && text.with(|t| !t.trim().is_empty())
                    class:filter-bad=move || check.with(|c| c.is_err())
                    data-testid="packet-filter"
                    list="packet-filter-options"
                    spellcheck="false"
                    autocomplete="off"
                    placeholder=lang.pick("Apply a display filter … (e.g. tcp.analysis.flags)", "Aplicar un filtro de visualización … (p. ej. tcp.analysis.flags)")
                    aria-label=lang.pick("Display filter", "Filtro de visualización")
                    aria-invalid=move || check.with(|c| c.is_err()).to_string()
                    prop:value=move || text.get()
                    on:input=move |e| text.set(event_target_value(&e))
                />
                <datalist id="packet-filter-options">
                    {move || options.get().into_iter().map(|o| view! { <option value=o></option> }).collect_view()}
                </datalist>
                <button type="submit" class="small" data-testid="packet-filter-apply" disabled=move || check.with(|c| c.is_err())>
                    {lang.pick("Apply", "Aplicar")}
                </button>
                <button type="button" class="small secondary" on:click=move |_| { text.set(String::new()); state.apply_filter(String::new()); }>
                    {lang.pick("Clear", "Borrar")}
                </button>
            </form>
            <form
                class="goto-form"
                on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    goto();
                }
            >
                <label>
                    {lang.pick("Go to frame", "Ir a la trama")}
                    <input
                        type="text"
                        inputmode="numeric"
                        class="goto-input"
                        id="packet-goto"
                        data-testid="packet-goto"
                        size="7"
                        prop:value=move || goto_text.get()
                        on:input=move |e| goto_text.set(event_target_value(&e))
                    />
                </label>
            </form>
            <span class="packet-count">
                {lang.pick("Displayed: ", "Mostradas: ")}
                <span
                    data-testid="packet-count"
                    data-done=move || state.packets.with(|p| p.done.to_string())
                    data-filter=move || state.packets.with(|p| p.filter.clone())
                >
                    {count}
                </span>
            </span>
            <span class="packet-progress" role="status">{progress}</span>
        </div>
        <p class="filter-message" role="status" data-testid="packet-filter-message">
            {move || match check.get() {
                Ok(()) => String::new(),
                Err((message, start, _)) => {
                    format!("{message} ({} {})", lang.pick("at character", "en el carácter"), start + 1)
                }
            }}
        </p>
    }
}

/// The packet list: only the rows in view are in the DOM; missing pages are asked of the worker.
#[component]
fn PacketList(lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(400.0);
    let scroller = NodeRef::<leptos::html::Div>::new();
    let displayed = Memo::new(move |_| state.packets.with(|p| p.displayed));
    let window = Memo::new(move |_| {
        let n = usize::try_from(displayed.get()).unwrap_or(usize::MAX);
        visible_window(
            scroll_top.get() - ROW_PX,
            viewport.get(),
            ROW_PX,
            n,
            OVERSCAN,
        )
    });
    // Ask for the pages in view.
    Effect::new(move |_| {
        let (s, e) = window.get();
        state.packets.track();
        let n = displayed.get();
        let mut i = s as u64;
        while i < (e as u64).min(n) {
            state.request_rows(i);
            i += crate::state::PAGE_ROWS;
        }
        if e > s && (e as u64) <= n {
            state.request_rows(e as u64 - 1);
        }
    });
    // Scroll the selected row into view when asked (links, keys, go to).
    Effect::new(move |_| {
        state.scroll_request.track();
        let Some(index) = state.selected_index.get() else {
            return;
        };
        if let Some(el) = scroller.get_untracked() {
            let top = index as f64 * ROW_PX;
            let view = f64::from(el.client_height()) - 2.0 * ROW_PX;
            let current = f64::from(el.scroll_top());
            if top < current || top > current + view {
                el.set_scroll_top((top - view / 2.0).max(0.0) as i32);
            }
        }
    });
    let on_scroll = move |e: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&e);
        scroll_top.set(f64::from(el.scroll_top()));
        viewport.set(f64::from(el.client_height()));
    };
    let move_by = move |delta: i64| {
        let n = displayed.get_untracked();
        if n == 0 {
            return;
        }
        let current = state.selected_index.get_untracked();
        let next = match current {
            Some(i) => (i as i64 + delta).clamp(0, n as i64 - 1) as u64,
            None => 0,
        };
        let row = state.packets.with_untracked(|p| p.rows.get(&next).cloned());
        if let Some(row) = row {
            state.select_frame(row.number, Some(next));
            state.scroll_request.update(|k| *k = k.wrapping_add(1));
        } else {
            state.request_rows(next);
        }
    };
    let on_keydown = move |e: leptos::ev::KeyboardEvent| {
        let page = (viewport.get_untracked() / ROW_PX).max(1.0) as i64;
        match e.key().as_str() {
            "ArrowDown" => move_by(1),
            "ArrowUp" => move_by(-1),
            "PageDown" => move_by(page),
            "PageUp" => move_by(-page),
            "Home" => move_by(i64::MIN / 2),
            "End" => move_by(i64::MAX / 2),
            "Enter" => {
                focus_selector(".packet-tree");
            }
            _ => return,
        }
        e.prevent_default();
    };
    let headers: [(SortColumn, &str, &str, &str); 7] = [
        (SortColumn::Number, "No.", "No.", "num"),
        (SortColumn::Time, "Time", "Tiempo", "num"),
        (SortColumn::Source, "Source", "Origen", ""),
        (SortColumn::Destination, "Destination", "Destino", ""),
        (SortColumn::Protocol, "Protocol", "Protocolo", ""),
        (SortColumn::Length, "Length", "Longitud", "num"),
        (SortColumn::Info, "Info", "Info", ""),
    ];
    let header = headers
        .into_iter()
        .map(|(col, en, es, class)| {
            let arrow = move || {
                state.packets.with(|p| match p.sort {
                    Some((c, false)) if c == col => "▲",
                    Some((c, true)) if c == col => "▼",
                    _ => "",
                })
            };
            let click = move |_| {
                let next = state.packets.with_untracked(|p| match p.sort {
                    Some((c, false)) if c == col => Some((col, true)),
                    Some((c, true)) if c == col => None,
                    _ => Some((col, false)),
                });
                state.sort_packets(next);
            };
            view! {
                <th scope="col" class=class>
                    <button type="button" class="sort" on:click=click>
                        {lang.pick(en, es)}
                        <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                    </button>
                </th>
            }
        })
        .collect_view();
    let rows = move || {
        let (s, e) = window.get();
        let selected = state.selected_frame.get();
        state.packets.with(|p| {
            (s..e)
                .map(|i| {
                    let index = i as u64;
                    match p.rows.get(&index).cloned() {
                        Some(row) => {
                            let number = row.number;
                            let class = format!(
                                "pkt pkt-{}{}",
                                colors::class_of(row.color),
                                if selected == Some(number) {
                                    " selected"
                                } else {
                                    ""
                                }
                            );
                            view! {
                                <tr
                                    class=class
                                    data-testid="packet-row"
                                    data-frame=number
                                    data-index=index
                                    title=colors::name_of(row.color)
                                    aria-selected=(selected == Some(number)).to_string()
                                    on:click=move |_| state.select_frame(number, Some(index))
                                >
                                    <td class="num">{number}</td>
                                    <td class="num">{format!("{:.6}", row.time)}</td>
                                    <td class="addr">{row.source.clone()}</td>
                                    <td class="addr">{row.destination.clone()}</td>
                                    <td>{row.protocol.clone()}</td>
                                    <td class="num">{row.length}</td>
                                    <td class="info">{row.info.clone()}</td>
                                </tr>
                            }
                            .into_any()
                        }
                        None => view! {
                            <tr class="pkt loading"><td colspan="7">"…"</td></tr>
                        }
                        .into_any(),
                    }
                })
                .collect_view()
        })
    };
    let spacer = move |rows: usize| {
        (rows > 0).then(|| {
            view! {
                <tr class="spacer" aria-hidden="true" style:height=format!("{}px", rows as f64 * ROW_PX)>
                    <td colspan="7"></td>
                </tr>
            }
        })
    };
    view! {
        <div
            class="pl"
            role="grid"
            tabindex="0"
            aria-label=lang.pick("Packet list", "Lista de paquetes")
            data-testid="packet-list"
            node_ref=scroller
            on:scroll=on_scroll
            on:keydown=on_keydown
        >
            <table class="data packet-table">
                <colgroup>
                    <col class="c-no" />
                    <col class="c-time" />
                    <col class="c-addr" />
                    <col class="c-addr" />
                    <col class="c-proto" />
                    <col class="c-len" />
                    <col />
                </colgroup>
                <thead>
                    <tr>{header}</tr>
                </thead>
                <tbody>
                    {move || spacer(window.get().0)}
                    {rows}
                    {move || {
                        let n = usize::try_from(displayed.get()).unwrap_or(usize::MAX);
                        spacer(n.saturating_sub(window.get().1))
                    }}
                </tbody>
            </table>
        </div>
    }
}

fn focus_selector(selector: &str) {
    let el = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// The field selected in the tree: its source and byte range, name and value.
#[derive(Debug, Clone, PartialEq)]
struct Picked {
    path: Vec<usize>,
    field: String,
    value: String,
    source: u8,
    start: u32,
    len: u32,
}

fn picked_signal() -> RwSignal<Option<Picked>> {
    match use_context::<PickedField>() {
        Some(p) => p.0,
        None => {
            let p = PickedField(RwSignal::new(None));
            provide_context(p);
            p.0
        }
    }
}

#[derive(Clone, Copy)]
struct PickedField(RwSignal<Option<Picked>>);

/// The selected frame's dissection tree.
#[component]
fn PacketTree(lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let picked = picked_signal();
    let shown_source = shown_source_signal();
    // A new frame clears the selection.
    Effect::new(move |_| {
        state.selected_frame.track();
        picked.set(None);
        shown_source.set(0);
    });
    let body = move || {
        match state.frame_tree.get() {
        TreeState::None => view! {
            <p class="muted">{lang.pick("Select a packet to see its details.", "Elija un paquete para ver sus detalles.")}</p>
        }
        .into_any(),
        TreeState::Loading(n) => view! { <p class="muted">{format!("{} {n}…", lang.pick("Dissecting frame", "Analizando la trama"))}</p> }.into_any(),
        TreeState::Failed(_, message) => view! { <p class="error">{message}</p> }.into_any(),
        TreeState::Ready(tree) => {
            let nodes = tree_nodes(&tree.layers, Vec::new(), 0);
            view! { <ul class="tree" role="tree" data-frame=tree.frame>{nodes}</ul> }.into_any()
        }
    }
    };
    let actions = move || {
        picked.get().map(|p| {
            let filter = filter_for(&p.field, &p.value);
            let apply_filter = filter.clone();
            let (field, value) = (p.field.clone(), p.value.clone());
            view! {
                <div class="tree-actions">
                    <code class="filter-text">{filter.clone()}</code>
                    <button type="button" class="small" data-testid="tree-apply" on:click=move |_| state.show_filter(&apply_filter)>
                        {lang.pick("Apply as filter", "Aplicar como filtro")}
                    </button>
                    <button type="button" class="small secondary" on:click=move |_| copy_text(field.clone())>
                        {lang.pick("Copy field name", "Copiar nombre del campo")}
                    </button>
                    <button type="button" class="small secondary" on:click=move |_| copy_text(value.clone())>
                        {lang.pick("Copy value", "Copiar valor")}
                    </button>
                </div>
            }
        })
    };
    view! {
        <section class="packet-tree" tabindex="-1" data-testid="packet-tree" aria-label=lang.pick("Packet details", "Detalles del paquete")>
            {actions}
            {body}
        </section>
    }
}

fn copy_text(text: String) {
    let promise = window().navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

fn tree_nodes(nodes: &[DetailNode], path: Vec<usize>, depth: usize) -> impl IntoView {
    let picked = picked_signal();
    let shown_source = shown_source_signal();
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut here = path.clone();
            here.push(i);
            let me = Picked {
                path: here.clone(),
                field: n.field.clone(),
                value: n.value.clone(),
                source: n.source,
                start: n.start,
                len: n.len,
            };
            let key = here.clone();
            let is_picked = move || picked.with(|p| p.as_ref().is_some_and(|p| p.path == key));
            let select = move |e: leptos::ev::MouseEvent| {
                e.stop_propagation();
                shown_source.set(me.source);
                picked.set(Some(me.clone()));
            };
            let label = view! {
                <span
                    class="tn"
                    class:picked=is_picked
                    class:generated=n.generated
                    data-depth=depth
                    data-field=n.field.clone()
                    title=n.field.clone()
                    on:click=select
                >
                    {n.label.clone()}
                </span>
            };
            if n.children.is_empty() {
                view! { <li role="treeitem">{label}</li> }.into_any()
            } else {
                let children = tree_nodes(&n.children, here, depth + 1);
                view! {
                    <li role="treeitem">
                        <details open=depth > 0>
                            <summary>{label}</summary>
                            <ul role="group">{children}</ul>
                        </details>
                    </li>
                }
                .into_any()
            }
        })
        .collect_view()
}

#[derive(Clone, Copy)]
struct ShownSource(RwSignal<u8>);

fn shown_source_signal() -> RwSignal<u8> {
    match use_context::<ShownSource>() {
        Some(s) => s.0,
        None => {
            let s = ShownSource(RwSignal::new(0));
            provide_context(s);
            s.0
        }
    }
}

/// The deepest node of `nodes` whose bytes in `source` cover byte `at`.
fn node_at(nodes: &[DetailNode], source: u8, at: u32, path: &mut Vec<usize>) -> Option<Picked> {
    for (i, n) in nodes.iter().enumerate() {
        if n.source == source && n.len > 0 && at >= n.start && at < n.start.saturating_add(n.len) {
            path.push(i);
            if let Some(deeper) = node_at(&n.children, source, at, path) {
                return Some(deeper);
            }
            return Some(Picked {
                path: path.clone(),
                field: n.field.clone(),
                value: n.value.clone(),
                source: n.source,
                start: n.start,
                len: n.len,
            });
        }
    }
    None
}

/// The selected frame's bytes (and reassembled PDUs'), with the picked field highlighted.
#[component]
fn PacketHex(lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let picked = picked_signal();
    let shown = shown_source_signal();
    let body = move || {
        let TreeState::Ready(tree) = state.frame_tree.get() else {
            return ().into_any();
        };
        let source = shown.get();
        let tabs = (tree.sources.len() > 1).then(|| {
            tree.sources
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let i = u8::try_from(i).unwrap_or(u8::MAX);
                    view! {
                        <button type="button" class="small secondary" class:active=move || shown.get() == i on:click=move |_| shown.set(i)>
                            {s.name.clone()}
                        </button>
                    }
                })
                .collect_view()
        });
        let hex = tree
            .sources
            .get(usize::from(source))
            .map(|s| s.bytes.clone())
            .unwrap_or_default();
        let dump = hex_rows(tree.clone(), source, picked);
        view! {
            <div class="hex-sources">{tabs}</div>
            <div class="hex" data-hex=hex data-source=source>{dump}</div>
        }
        .into_any()
    };
    view! {
        <section class="packet-hex" data-testid="packet-hex" aria-label=lang.pick("Packet bytes", "Bytes del paquete")>
            {body}
        </section>
    }
}

fn hex_rows(
    tree: Arc<FrameDetails>,
    source: u8,
    picked: RwSignal<Option<Picked>>,
) -> impl IntoView {
    let bytes = tree.source_bytes(usize::from(source));
    let range = move || {
        picked.with(|p| match p {
            Some(p) if p.source == source && p.len > 0 => (p.start, p.start.saturating_add(p.len)),
            _ => (0, 0),
        })
    };
    let click = {
        let tree = tree.clone();
        move |at: u32| {
            let mut path = Vec::new();
            if let Some(p) = node_at(&tree.layers, source, at, &mut path) {
                picked.set(Some(p));
            }
        }
    };
    bytes
        .chunks(16)
        .enumerate()
        .map(|(line, chunk)| {
            let base = (line * 16) as u32;
            let cells = chunk
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    let at = base + k as u32;
                    let click = click.clone();
                    let lit = move || {
                        let (s, e) = range();
                        at >= s && at < e
                    };
                    view! {
                        <span class="hb" class:hl=lit class:gap=k == 8 data-i=at on:click=move |_| click(at)>
                            {format!("{b:02x}")}
                        </span>
                    }
                })
                .collect_view();
            let ascii = chunk
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    let at = base + k as u32;
                    let click = click.clone();
                    let lit = move || {
                        let (s, e) = range();
                        at >= s && at < e
                    };
                    let c = if b.is_ascii_graphic() || *b == b' ' { char::from(*b) } else { '.' };
                    view! { <span class="ha" class:hl=lit on:click=move |_| click(at)>{c.to_string()}</span> }
                })
                .collect_view();
            view! {
                <div class="hex-line">
                    <span class="ho">{format!("{:04x}", base)}</span>
                    <span class="hx">{cells}</span>
                    <span class="hs">{ascii}</span>
                </div>
            }
        })
        .collect_view()
}
