//! In-browser tests of the web crate (wasm-bindgen-test in headless Chromium): components
//! render a report, and the page ⇄ worker messages survive the trip through JS values.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_web::components::problems::ReportProblems;
use pcaplens_web::demo::{file_from_bytes, DEMO_FILE_NAME};
use pcaplens_web::protocol::{FromWorker, ToWorker};
use pcaplens_web::state::Loaded;
use pcaplens_web::views::summary::Summary;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the document to mount into.
fn container() -> web_sys::HtmlElement {
    let doc = document();
    let div: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

fn loaded_from(bytes: &[u8], name: &str) -> Arc<Loaded> {
    let report = analyze_bytes(
        bytes,
        &Config {
            file_name: Some(name.to_string()),
            ..Config::default()
        },
    );
    let loaded = Loaded::from_json(report.to_json(), name.to_string(), bytes.len() as u64, 12.0)
        .expect("the page reads the worker's JSON");
    assert_eq!(loaded.report, report, "JSON round trip changes nothing");
    Arc::new(loaded)
}

#[wasm_bindgen_test]
async fn summary_shows_the_packet_count_of_the_report() {
    let demo = pcaplens_synth::demo::demo_capture();
    let loaded = loaded_from(&demo, DEMO_FILE_NAME);
    let packets = loaded.report.capinfos.packets;
    assert_eq!(packets, pcaplens_synth::demo::frames::TOTAL as u64);
    let root = container();
    let view_loaded = loaded.clone();
    mount_to(
        root.clone(),
        move || view! { <Summary loaded=view_loaded /> },
    )
    .forget();
    leptos::task::tick().await;
    assert_eq!(
        text_of(&root, "[data-testid=summary-packets]").as_deref(),
        Some(packets.to_string().as_str())
    );
    // Nothing to complain about in a good capture.
    let problems = container();
    mount_to(
        problems.clone(),
        move || view! { <ReportProblems loaded /> },
    )
    .forget();
    leptos::task::tick().await;
    assert_eq!(problems.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn problems_explain_a_foreign_and_a_truncated_file() {
    let foreign = loaded_from(b"<html>not a capture</html>", "page.html");
    let root = container();
    mount_to(
        root.clone(),
        move || view! { <ReportProblems loaded=foreign /> },
    )
    .forget();
    leptos::task::tick().await;
    let text = text_of(&root, "[data-testid=error]").expect("an error panel");
    assert!(text.contains("could not be read as a capture"), "{text}");
    assert!(
        text.contains("3c 68 74 6d"),
        "names the first bytes: {text}"
    );

    let demo = pcaplens_synth::demo::demo_capture();
    let cut = loaded_from(&demo[..demo.len() - 10], "cut.pcap");
    assert!(cut.report.capinfos.truncated);
    let warning = cut
        .report
        .capinfos
        .warnings
        .first()
        .cloned()
        .expect("the reader's warning");
    let root = container();
    mount_to(
        root.clone(),
        move || view! { <ReportProblems loaded=cut /> },
    )
    .forget();
    leptos::task::tick().await;
    assert!(root
        .query_selector("[data-testid=error]")
        .unwrap()
        .is_none());
    let text = text_of(&root, "[data-testid=warnings]").expect("a warnings panel");
    assert!(text.contains("cut short"), "{text}");
    assert!(
        text.contains(&warning),
        "lists the reader's warning: {text}"
    );
}

#[wasm_bindgen_test]
fn capture_strings_are_rendered_as_text() {
    let name = "<img src=x onerror=alert(1)>.pcap";
    let loaded = loaded_from(b"\x00\x01\x02\x03junk", name);
    let root = container();
    mount_to(root.clone(), move || view! { <ReportProblems loaded /> }).forget();
    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element made from the name"
    );
    assert!(root.text_content().unwrap_or_default().contains(name));
}

#[wasm_bindgen_test]
fn worker_messages_round_trip_through_js() {
    for message in [
        FromWorker::Ready,
        FromWorker::Progress {
            bytes: (1 << 53) - 1,
            frames: 123_456_789,
        },
        FromWorker::Done {
            json: "{\n  \"ünïcode\": \"✓\"\n}\n".to_string(),
        },
        FromWorker::Failed {
            message: "could not read".to_string(),
        },
    ] {
        let js = message.to_js().unwrap();
        assert_eq!(FromWorker::from_js(js).unwrap(), message);
    }
    // The boot script's hand-written failure message is understood.
    let js = js_sys::JSON::parse(r#"{"type":"failed","message":"no wasm"}"#).unwrap();
    assert_eq!(
        FromWorker::from_js(js).unwrap(),
        FromWorker::Failed {
            message: "no wasm".to_string()
        }
    );
    assert!(FromWorker::from_js(js_sys::JSON::parse(r#"{"type":"nonsense"}"#).unwrap()).is_err());
}

#[wasm_bindgen_test]
fn analyze_request_carries_the_file_object_itself() {
    let file = file_from_bytes(&[1, 2, 3], "x.pcap").unwrap();
    let js = ToWorker::Analyze { file: file.clone() }.to_js().unwrap();
    // Externally tagged: {Analyze: {file}}.
    let inner = js_sys::Reflect::get(&js, &"Analyze".into()).unwrap();
    let carried = js_sys::Reflect::get(&inner, &"file".into()).unwrap();
    assert!(
        js_sys::Object::is(&carried, &file),
        "the same File, not a copy of its bytes"
    );
    let ToWorker::Analyze { file: back } = ToWorker::from_js(js).unwrap() else {
        panic!("not an Analyze request");
    };
    assert_eq!(back.name(), "x.pcap");
    assert_eq!(back.size(), 3.0);
    assert!(ToWorker::from_js(js_sys::Object::new().into()).is_err());
}
