//! Course pages: `?capture=<URL>` opens a capture served by the same site (a relative URL
//! only; anything else is refused with a message and nothing is requested), and `?embed=1`
//! gives a compact layout for an iframe.

use js_sys::Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, Response, Url, UrlSearchParams};

use crate::state::{AppState, Phase, Reading};

/// The page's query parameters.
fn params() -> Option<UrlSearchParams> {
    let search = window().location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()
}

/// `?embed=1` (or `embed=true`).
pub fn embed_mode() -> bool {
    params()
        .and_then(|p| p.get("embed"))
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Why a `capture` URL is refused, or the absolute URL to fetch. Only relative references
/// (a path, "./x.pcap", "../x.pcap", "/labs/x.pcap") that resolve to the page's own origin are
/// accepted: no scheme, no "//host", no backslashes or control characters.
pub fn check_capture_url(raw: &str, page_href: &str, page_origin: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("empty".into());
    }
    if raw.chars().any(|c| c.is_control() || c == '\\') {
        return Err("contains characters a plain path never has".into());
    }
    if raw.starts_with("//") {
        return Err("points to another host".into());
    }
    let scheme = raw.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    });
    if scheme {
        return Err("is a full address; only paths on this site are allowed".into());
    }
    let url =
        Url::new_with_base(raw, page_href).map_err(|_| "is not a valid address".to_string())?;
    if url.origin() != page_origin {
        return Err("is not on this site".into());
    }
    Ok(url.href())
}

/// The file name a URL ends with ("lab3.pcapng"), for the page and the report.
fn file_name_of(href: &str) -> String {
    let path = Url::new(href).map(|u| u.pathname()).unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or("");
    let decoded = js_sys::decode_uri_component(last)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| last.to_string());
    if decoded.is_empty() {
        "capture.pcap".into()
    } else {
        decoded
    }
}

/// Opens the `?capture=` file, if the page was given one.
pub fn open_from_query(state: AppState) {
    let Some(raw) = params().and_then(|p| p.get("capture")) else {
        return;
    };
    let location = window().location();
    let (href, origin) = (
        location.href().unwrap_or_default(),
        location.origin().unwrap_or_default(),
    );
    let lang = state.lang.get_untracked();
    let url = match check_capture_url(&raw, &href, &origin) {
        Ok(url) => url,
        Err(why) => {
            state.phase.set(Phase::Failed(lang.pick(
                format!(
                    "This page was asked to open the capture “{raw}”, which {why}. For your safety pcaplens only opens captures stored on this same site, so nothing was downloaded. You can still open a capture file from your computer."
                ),
                format!(
                    "Esta página ha pedido abrir la captura «{raw}», que {why}. Por seguridad pcaplens solo abre capturas guardadas en este mismo sitio, así que no se ha descargado nada. Puedes abrir igualmente un archivo de captura de tu equipo."
                ),
            )));
            return;
        }
    };
    let name = file_name_of(&url);
    let now = js_sys::Date::now();
    state.phase.set(Phase::Reading(Reading {
        file_name: name.clone(),
        file_size: 0,
        started_ms: now,
        elapsed_ms: 0.0,
        bytes: 0,
        frames: 0,
    }));
    wasm_bindgen_futures::spawn_local(async move {
        match fetch_file(&url, &name).await {
            Ok(file) => {
                // Cancelled while downloading: leave it.
                if matches!(state.phase.get_untracked(), Phase::Reading(_)) {
                    state.open(file);
                }
            }
            Err(detail) => state.phase.set(Phase::Failed(lang.pick(
                format!("The capture “{name}” could not be downloaded from this site: {detail}."),
                format!("No se ha podido descargar la captura «{name}» de este sitio: {detail}."),
            ))),
        }
    });
}

async fn fetch_file(url: &str, name: &str) -> Result<File, String> {
    let describe = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{e:?}"))
    };
    let response: Response = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    if !response.ok() {
        return Err(format!(
            "HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(describe)?)
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    File::new_with_blob_sequence(&Array::of1(&blob), name).map_err(describe)
}
