//! In-browser tests of the report views (wasm-bindgen-test in headless Chromium): each view
//! renders the demo report's facts, in English or Spanish, and capture strings stay text.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_render::Lang;
use pcaplens_web::state::Loaded;
use pcaplens_web::views::connections::Connections;
use pcaplens_web::views::expert::Expert;
use pcaplens_web::views::report::Report;
use pcaplens_web::views::tls::Tls;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let doc = document();
    let div: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn loaded(bytes: &[u8], name: &str) -> Arc<Loaded> {
    let report = analyze_bytes(
        bytes,
        &Config {
            file_name: Some(name.to_string()),
            ..Config::default()
        },
    );
    Arc::new(
        Loaded::from_json(report.to_json(), name.to_string(), bytes.len() as u64, 5.0).unwrap(),
    )
}

fn demo() -> Arc<Loaded> {
    loaded(&pcaplens_synth::demo::demo_capture(), "pcaplens-demo.pcap")
}

fn attrs(root: &web_sys::HtmlElement, selector: &str, attr: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute(attr))
        .collect()
}

#[wasm_bindgen_test]
async fn connections_list_every_stream_with_a_test_hook() {
    let root = container();
    let l = demo();
    mount_to(root.clone(), move || view! { <Connections loaded=l /> }).forget();
    leptos::task::tick().await;
    assert_eq!(
        attrs(&root, "tbody tr[data-stream]", "data-stream"),
        ["0", "1", "2"]
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("192.168.0.6:64370"), "{text}");
    assert!(
        text.contains("Fast retransmission"),
        "issues column: {text}"
    );
}

#[wasm_bindgen_test]
async fn expert_info_has_the_duplicate_ack_group_with_its_filter() {
    let root = container();
    let l = demo();
    mount_to(
        root.clone(),
        move || view! { <Expert loaded=l lang=Lang::Es /> },
    )
    .forget();
    leptos::task::tick().await;
    let group = root
        .query_selector("[data-group='tcp.analysis.duplicate_ack']")
        .unwrap()
        .expect("the dup ACK group");
    let text = group.text_content().unwrap_or_default();
    assert!(text.contains("tcp.analysis.duplicate_ack"), "{text}");
    assert!(text.contains("ACK duplicado"), "Spanish title: {text}");
}

#[wasm_bindgen_test]
async fn tls_rows_name_the_server() {
    let root = container();
    let l = demo();
    mount_to(root.clone(), move || view! { <Tls loaded=l /> }).forget();
    leptos::task::tick().await;
    assert_eq!(
        attrs(&root, "tbody tr[data-stream]", "data-stream").len(),
        3
    );
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("bumpy-rice-work.loca.lt"));
}

#[wasm_bindgen_test]
async fn the_report_page_keeps_hostile_names_as_text() {
    let name = "<img src=x onerror=alert(1)> | `x` *y*.pcap";
    let root = container();
    let l = loaded(&pcaplens_synth::demo::demo_capture(), name);
    mount_to(root.clone(), move || view! { <Report loaded=l /> }).forget();
    leptos::task::tick().await;
    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element from the name"
    );
    let title = root
        .query_selector("article h2")
        .unwrap()
        .and_then(|h| h.text_content())
        .unwrap_or_default();
    assert_eq!(title, format!("Capture analysis: {name}"));
    assert!(root.query_selector_all("article table").unwrap().length() >= 3);
}
