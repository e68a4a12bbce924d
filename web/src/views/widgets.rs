//! Pieces the views share: the virtualized sortable table, fact lists, stat cards, the copy
//! button, the sequence diagram (flow graph / SIP call flow) and downloads.

use std::cmp::Ordering;
use std::sync::Arc;

use js_sys::Array;
use leptos::prelude::*;
use pcaplens_core::Report;
use pcaplens_render::{t, Key, Lang};
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use super::sorting::{sort_indices, visible_window};
use super::View;
use crate::state::{AppState, Loaded};

/// Height of one table row in CSS pixels (style.css sets `.vt tbody tr` to exactly this).
pub const ROW_PX: f64 = 34.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 12;
/// Viewport height assumed until the table is measured.
const VIEWPORT_GUESS: f64 = 600.0;

/// How a cell's text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers: right-aligned, tabular digits.
    Right,
    /// Addresses, hashes, filters: monospace.
    Mono,
}

/// One column of a [`VirtualTable`].
pub struct Column<T: 'static> {
    pub header: Key,
    /// Width in rem (the table has a fixed layout so rows never change width while scrolling).
    pub width: f32,
    pub align: Align,
    /// Makes the header a sort button.
    pub sort: Option<fn(&T, &T) -> Ordering>,
    pub cell: fn(&T, Lang) -> String,
    /// An extra CSS class for some cells (e.g. "bad" for an error code).
    pub tone: Option<fn(&T) -> Option<&'static str>>,
    /// The cell is a frame number: a link that opens it in the Packets view.
    pub frame: Option<fn(&T) -> Option<u64>>,
}

impl<T> Column<T> {
    pub const fn new(header: Key, width: f32, align: Align, cell: fn(&T, Lang) -> String) -> Self {
        Column {
            header,
            width,
            align,
            sort: None,
            cell,
            tone: None,
            frame: None,
        }
    }

    pub const fn framed(mut self, frame: fn(&T) -> Option<u64>) -> Self {
        self.frame = Some(frame);
        self
    }

    pub const fn sorted(mut self, sort: fn(&T, &T) -> Ordering) -> Self {
        self.sort = Some(sort);
        self
    }

    pub const fn toned(mut self, tone: fn(&T) -> Option<&'static str>) -> Self {
        self.tone = Some(tone);
        self
    }
}

/// Everything a [`VirtualTable`] shows.
pub struct TableSpec<T: 'static> {
    pub loaded: Arc<Loaded>,
    /// The rows, borrowed from the report.
    pub rows: fn(&Report) -> &[T],
    pub columns: Vec<Column<T>>,
    pub lang: Lang,
    /// Accessible name of the table region.
    pub label: String,
    pub testid: &'static str,
    /// Indices of the rows that pass the view's filters, in report order.
    pub visible: Signal<Vec<usize>>,
    /// Rows that belong to a TCP stream: `data-stream` on the row, and opening it.
    pub stream_of: Option<fn(&T) -> Option<u64>>,
    pub on_open: Option<Callback<u64>>,
    /// Highlights the row of this stream.
    pub selected: Option<Signal<Option<u64>>>,
    /// A CSS class for a whole row.
    pub row_tone: Option<fn(&T) -> Option<&'static str>>,
}

/// A table that renders only the rows in view (plus a few), so a hundred thousand rows scroll
/// smoothly; sortable by clicking (or pressing Enter on) a column header.
pub fn virtual_table<T: Send + Sync + 'static>(spec: TableSpec<T>) -> impl IntoView {
    let TableSpec {
        loaded,
        rows,
        columns,
        lang,
        label,
        testid,
        visible,
        stream_of,
        on_open,
        selected,
        row_tone,
    } = spec;
    let columns = Arc::new(columns);
    let sort = RwSignal::new(None::<(usize, bool)>);
    // Part of each row's key: a new sort order re-creates the rows instead of moving them
    // (moving keyed rows inside a <tbody> between the spacer rows left them in place).
    let sort_epoch = Memo::new(move |old: Option<&u32>| {
        sort.track();
        old.map_or(0, |e| e.wrapping_add(1))
    });
    let order = {
        let (loaded, columns) = (loaded.clone(), columns.clone());
        Memo::new(move |_| {
            let mut v = visible.get();
            if let Some((col, descending)) = sort.get() {
                if let Some(cmp) = columns.get(col).and_then(|c| c.sort) {
                    let items = rows(&loaded.report);
                    sort_indices(&mut v, descending, |a, b| {
                        match (items.get(a), items.get(b)) {
                            (Some(x), Some(y)) => cmp(x, y),
                            _ => Ordering::Equal,
                        }
                    });
                }
            }
            v
        })
    };
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(VIEWPORT_GUESS);
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            let h = f64::from(el.client_height());
            if h > 0.0 {
                viewport.set(h);
            }
        }
    });
    let window = Memo::new(move |_| {
        let n = order.with(Vec::len);
        // The sticky header sits above the first row: count it as one row of scroll.
        visible_window(
            scroll_top.get() - ROW_PX,
            viewport.get(),
            ROW_PX,
            n,
            OVERSCAN,
        )
    });
    let on_scroll = move |e: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&e);
        scroll_top.set(f64::from(el.scroll_top()));
        viewport.set(f64::from(el.client_height()));
    };
    let total_width: f32 = columns.iter().map(|c| c.width).sum();
    let ncols = columns.len();

    let header = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let text = t(lang, c.header);
            let class = match c.align {
                Align::Right => "num",
                _ => "",
            };
            let aria_sort = move || match sort.get() {
                Some((col, false)) if col == i => "ascending",
                Some((col, true)) if col == i => "descending",
                _ => "none",
            };
            let body = if c.sort.is_some() {
                let arrow = move || match sort.get() {
                    Some((col, false)) if col == i => "▲",
                    Some((col, true)) if col == i => "▼",
                    _ => "",
                };
                let click = move |_| {
                    sort.update(|s| {
                        *s = match *s {
                            Some((col, false)) if col == i => Some((i, true)),
                            Some((col, true)) if col == i => None,
                            _ => Some((i, false)),
                        }
                    })
                };
                view! {
                    <button type="button" class="sort" on:click=click>
                        {text}
                        <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                    </button>
                }
                .into_any()
            } else {
                text.into_any()
            };
            view! { <th scope="col" class=class aria-sort=aria_sort>{body}</th> }
        })
        .collect_view();
    let cols = columns
        .iter()
        .map(|c| view! { <col style:width=format!("{}rem", c.width) /> })
        .collect_view();

    let row = {
        let (loaded, columns) = (loaded.clone(), columns.clone());
        move |i: usize| {
            let items = rows(&loaded.report);
            let Some(item) = items.get(i) else {
                return ().into_any();
            };
            let cells = columns
                .iter()
                .map(|c| {
                    let mut class = match c.align {
                        Align::Right => "num".to_string(),
                        Align::Mono => "addr".to_string(),
                        Align::Left => String::new(),
                    };
                    if let Some(extra) = c.tone.and_then(|f| f(item)) {
                        class.push(' ');
                        class.push_str(extra);
                    }
                    let text = (c.cell)(item, lang);
                    let full = text.clone();
                    match c.frame.and_then(|f| f(item)) {
                        Some(n) => view! { <td class=class title=full>{frame_link(n, text)}</td> }
                            .into_any(),
                        None => view! { <td class=class title=full>{text}</td> }.into_any(),
                    }
                })
                .collect_view();
            let tone = row_tone.and_then(|f| f(item)).unwrap_or("");
            match (stream_of.and_then(|f| f(item)), on_open) {
                (Some(stream), Some(open)) => {
                    let is_selected = move || selected.is_some_and(|s| s.get() == Some(stream));
                    let keydown = move |e: leptos::ev::KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            open.run(stream);
                        }
                    };
                    view! {
                        <tr
                            class=format!("openable {tone}")
                            class:selected=is_selected
                            data-stream=stream
                            tabindex="0"
                            aria-selected=move || is_selected().to_string()
                            on:click=move |_| open.run(stream)
                            on:keydown=keydown
                        >
                            {cells}
                        </tr>
                    }
                    .into_any()
                }
                (Some(stream), None) => {
                    view! { <tr class=tone data-stream=stream>{cells}</tr> }.into_any()
                }
                _ => view! { <tr class=tone>{cells}</tr> }.into_any(),
            }
        }
    };
    let spacer = move |rows: usize| {
        (rows > 0).then(|| {
            view! {
                <tr class="spacer" aria-hidden="true" style:height=format!("{}px", rows as f64 * ROW_PX)>
                    <td colspan=ncols></td>
                </tr>
            }
        })
    };
    let empty = move || {
        order.with(Vec::is_empty).then(|| {
            view! { <p class="empty" data-testid=format!("{testid}-empty")>{t(lang, Key::UiNoMatch)}</p> }
        })
    };
    view! {
        <div
            class="vt"
            role="region"
            aria-label=label
            tabindex="0"
            data-testid=testid
            node_ref=scroller
            on:scroll=on_scroll
        >
            <table class="data" style:min-width=format!("{total_width}rem")>
                <colgroup>{cols}</colgroup>
                <thead>
                    <tr>{header}</tr>
                </thead>
                <tbody>
                    {move || spacer(window.get().0)}
                    <For
                        each=move || {
                            let (s, e) = window.get();
                            let epoch = sort_epoch.get();
                            order.with(|o| {
                                o.get(s..e)
                                    .unwrap_or_default()
                                    .iter()
                                    .map(|&i| (epoch, i))
                                    .collect::<Vec<_>>()
                            })
                        }
                        key=|k| *k
                        children=move |(_, i)| row(i)
                    />
                    {move || {
                        let n = order.with(Vec::len);
                        spacer(n.saturating_sub(window.get().1))
                    }}
                </tbody>
            </table>
        </div>
        {empty}
    }
}

/// A definition list of (label, value) pairs.
pub fn facts(rows: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="facts">
            {rows
                .into_iter()
                .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                .collect_view()}
        </dl>
    }
}

/// Big numbers with their labels.
pub fn cards(items: Vec<(String, String, &'static str)>) -> impl IntoView {
    view! {
        <div class="cards">
            {items
                .into_iter()
                .map(|(label, value, testid)| {
                    view! {
                        <div class="card">
                            <div class="card-value" data-testid=testid>{value}</div>
                            <div class="card-label">{label}</div>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A display filter with a button that copies it (navigator.clipboard).
#[component]
pub fn FilterCopy(filter: String, lang: Lang) -> impl IntoView {
    let status = RwSignal::new(None::<Result<(), ()>>);
    let text = filter.clone();
    let copy = move |_| {
        let text = text.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&text);
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            status.set(Some(if ok { Ok(()) } else { Err(()) }));
        });
    };
    let label = format!("{}: {filter}", t(lang, Key::CopyFilter));
    view! {
        <span class="filter">
            <code class="filter-text" data-testid="filter-text">{filter.clone()}</code>
            <button type="button" class="small secondary" aria-label=label on:click=copy>
                {t(lang, Key::CopyFilter)}
            </button>
            <ApplyFilter filter lang />
            <span class="copy-status" role="status">
                {move || match status.get() {
                    Some(Ok(())) => t(lang, Key::Copied),
                    Some(Err(())) => t(lang, Key::UiCopyFailed),
                    None => "",
                }}
            </span>
        </span>
    }
}

/// The "apply" twin of every "copy filter": shows the frames the filter selects in the
/// Packets view.
#[component]
pub fn ApplyFilter(filter: String, lang: Lang) -> impl IntoView {
    let label = format!(
        "{}: {filter}",
        lang.pick("Show these packets", "Mostrar estos paquetes")
    );
    view! {
        <button
            type="button"
            class="small secondary"
            data-testid="filter-apply"
            aria-label=label
            on:click=move |_| {
                if let Some(state) = use_context::<AppState>() {
                    state.show_filter(&filter);
                }
            }
        >
            {lang.pick("Apply", "Aplicar")}
        </button>
    }
}

/// A frame number that opens that frame in the Packets view.
pub fn frame_link(frame: u64, text: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="link frame-no"
            data-frame=frame
            data-open-frame=frame
            on:click=move |_| open_frame(frame)
        >
            {text}
        </button>
    }
}

/// Opens a frame in the Packets view from anywhere.
pub fn open_frame(frame: u64) {
    if let Some(state) = use_context::<AppState>() {
        state.open_frame(frame);
    }
}

/// Opens a connection's detail from anywhere (Expert Info frames, TLS rows, ...).
pub fn open_connection(stream: u64) {
    if let Some(state) = use_context::<AppState>() {
        state.selected_stream.set(Some(stream));
        state.view.set(View::Connections);
    }
}

/// A button that opens a connection.
pub fn stream_button(stream: u64, lang: Lang) -> impl IntoView {
    let label = format!("{} {stream}", t(lang, Key::ColStream));
    view! {
        <button
            type="button"
            class="link"
            data-open-stream=stream
            title=t(lang, Key::UiOpenConnection)
            on:click=move |_| open_connection(stream)
        >
            {label}
        </button>
    }
}

/// Saves `text` as a file through a temporary blob: URL.
pub fn download(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("The download could not start: {e:?}");
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&text.into()), &options)
        .map_err(fail)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let anchor: HtmlAnchorElement = document()
        .create_element("a")
        .map_err(fail)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoking at once can abort the download before the browser has read the blob.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// How an arrow or a note is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    /// Warnings and errors (red).
    Bad,
    /// Notes (orange).
    Warn,
    /// Chat-level remarks (muted).
    Quiet,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Normal => "",
            Tone::Bad => "bad",
            Tone::Warn => "warn",
            Tone::Quiet => "quiet",
        }
    }
}

/// One arrow of a sequence diagram.
#[derive(Debug, Clone)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    pub frame: u64,
    /// Seconds, already formatted.
    pub time: String,
    /// Above the arrow (bold).
    pub label: String,
    /// Below the arrow (numbers).
    pub detail: String,
    pub tone: Tone,
    /// Remarks in the right-hand column.
    pub notes: Vec<(String, Tone)>,
}

const DIAGRAM_TOP: f64 = 58.0;
const DIAGRAM_ROW: f64 = 44.0;
const DIAGRAM_LEFT: f64 = 110.0;
const NOTES_WIDTH: f64 = 250.0;

/// A flow graph: one vertical line per participant, one arrow per message, frame number and
/// time on the left, analysis notes on the right (like Wireshark's Flow Graph).
pub fn sequence_diagram(
    id: &'static str,
    lanes: Vec<String>,
    arrows: Vec<Arrow>,
    title: String,
    lang: Lang,
) -> impl IntoView {
    let gap = if lanes.len() <= 2 { 330.0 } else { 230.0 };
    let lane_x = move |i: usize| DIAGRAM_LEFT + 100.0 + i as f64 * gap;
    let last_lane = lane_x(lanes.len().saturating_sub(1));
    let width = last_lane + 30.0 + NOTES_WIDTH;
    let height = DIAGRAM_TOP + arrows.len() as f64 * DIAGRAM_ROW + 16.0;
    let marker = format!("{id}-head");
    let marker_bad = format!("{id}-head-bad");
    let marker_warn = format!("{id}-head-warn");
    let lane_views = lanes
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let x = lane_x(i);
            view! {
                <g class="lane">
                    <text x=x y="20" text-anchor="middle" class="lane-name">{name.clone()}</text>
                    <line x1=x y1="30" x2=x y2=height - 6.0 class="lane-line" />
                </g>
            }
        })
        .collect_view();
    let head_text = view! {
        <text x="8" y="48" class="col-head">{t(lang, Key::ColFrame)}</text>
        <text x=DIAGRAM_LEFT - 8.0 y="48" text-anchor="end" class="col-head">{t(lang, Key::ColTime)}</text>
    };
    let rows = arrows
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let y = DIAGRAM_TOP + i as f64 * DIAGRAM_ROW + DIAGRAM_ROW * 0.55;
            let (x1, x2) = (lane_x(a.from), lane_x(a.to));
            // Stop just short of the lane so the arrow head touches it.
            let x2_end = if x2 > x1 { x2 - 2.0 } else { x2 + 2.0 };
            let mid = (x1 + x2) / 2.0;
            let head = match a.tone {
                Tone::Bad => format!("url(#{marker_bad})"),
                Tone::Warn => format!("url(#{marker_warn})"),
                _ => format!("url(#{marker})"),
            };
            let notes = a
                .notes
                .iter()
                .enumerate()
                .map(|(k, (text, tone))| {
                    view! {
                        <text
                            x=last_lane + 20.0
                            y=y - 4.0 + k as f64 * 14.0
                            class=format!("note {}", tone.class())
                        >
                            {text.clone()}
                        </text>
                    }
                })
                .collect_view();
            view! {
                <g class=format!("msg {}", a.tone.class()) data-frame=a.frame>
                    <text x="8" y=y + 4.0 class="frame">{a.frame}</text>
                    <text x=DIAGRAM_LEFT - 8.0 y=y + 4.0 text-anchor="end" class="time">{a.time}</text>
                    <text x=mid y=y - 7.0 text-anchor="middle" class="label">{a.label}</text>
                    <line x1=x1 y1=y x2=x2_end y2=y class="arrow" marker-end=head />
                    <text x=mid y=y + 14.0 text-anchor="middle" class="detail">{a.detail}</text>
                    {notes}
                </g>
            }
        })
        .collect_view();
    let region_label = title.clone();
    view! {
        <div class="diagram-scroll" tabindex="0" role="region" aria-label=region_label>
            <svg
                class="sequence"
                width=width
                height=height
                viewBox=format!("0 0 {width} {height}")
                role="img"
                aria-label=title
            >
                <defs>
                    <marker id=marker.clone() viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="head" />
                    </marker>
                    <marker id=marker_bad.clone() viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="head bad" />
                    </marker>
                    <marker id=marker_warn.clone() viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="head warn" />
                    </marker>
                </defs>
                {head_text}
                {lane_views}
                {rows}
            </svg>
        </div>
    }
}

/// "0.038" seconds since `start`, as a flow graph's time column.
pub fn relative_time(time: f64, start: f64, lang: Lang) -> String {
    pcaplens_render::units::decimal(lang, (time - start).max(0.0), 6)
}
