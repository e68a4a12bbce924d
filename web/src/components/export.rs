//! Export the report as JSON: exactly the text of `pcaplens analyze FILE --json`.

use std::sync::Arc;

use js_sys::Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::state::Loaded;

#[component]
pub fn ExportJson(loaded: Arc<Loaded>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let file_name = export_file_name(&loaded.file_name);
    let lang = crate::views::current_lang();
    let label = {
        let file_name = file_name.clone();
        move || {
            lang.get().pick(
                format!("Download the report as JSON ({file_name})"),
                format!("Descargar el informe en JSON ({file_name})"),
            )
        }
    };
    let on_click = move |_| error.set(download(&loaded.json, &file_name).err());
    view! {
        <button type="button" data-testid="export-json" aria-label=label on:click=on_click>
            {move || pcaplens_render::t(lang.get(), pcaplens_render::Key::UiExportJson)}
        </button>
        {move || error.get().map(|e| view! { <p class="inline-error" role="alert">{e}</p> })}
    }
}

/// `<capture>.pcaplens.json`.
pub fn export_file_name(capture: &str) -> String {
    format!("{capture}.pcaplens.json")
}

/// Saves `text` (UTF-8, byte for byte) under `name` through a temporary blob: URL.
fn download(text: &str, name: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("The download could not start: {e:?}");
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&text.into()), &options)
        .map_err(fail)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = document();
    let anchor: HtmlAnchorElement = document.create_element("a").map_err(fail)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoking right after the click can abort the download before the browser has read the
    // blob; a minute later it certainly has.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
