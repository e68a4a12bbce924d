//! Plain-words panels for what went wrong: a failure before any report, a file that is not
//! a capture, and a capture that is damaged or cut short (with the reader's warnings).

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::Loaded;
use crate::views::current_lang;

/// A failure before any report existed (the worker could not start or read the file).
#[component]
pub fn FailurePanel(message: String) -> impl IntoView {
    let lang = current_lang();
    view! {
        <section class="panel error" role="alert" data-testid="error">
            <h2>{move || lang.get().pick("Something went wrong", "Algo ha fallado")}</h2>
            <p>{message}</p>
        </section>
    }
}

/// What the report says is wrong with the file, if anything.
#[component]
pub fn ReportProblems(loaded: Arc<Loaded>) -> impl IntoView {
    let lang_signal = current_lang();
    // Rebuilt when the language changes.
    move || {
        let lang = lang_signal.get();
        let c = &loaded.report.capinfos;
        let error = loaded.report.error.clone().map(|detail| {
        let name = &loaded.file_name;
        view! {
            <section class="panel error" role="alert" data-testid="error">
                <h2>{lang.pick(
                    format!("\u{201c}{name}\u{201d} could not be read as a capture"),
                    format!("\u{201c}{name}\u{201d} no se ha podido leer como captura"),
                )}</h2>
                <p>
                    {lang.pick(
                        "pcaplens reads pcap and pcapng files (also gzip-compressed), as saved by \
                         Wireshark, tcpdump or dumpcap. Details: ",
                        "pcaplens lee archivos pcap y pcapng (también comprimidos con gzip), como los \
                         que guardan Wireshark, tcpdump o dumpcap. Detalles: ",
                    )}
                    {detail}
                </p>
            </section>
        }
    });
        let damaged = (c.truncated || !c.warnings.is_empty()).then(|| {
        let headline = if c.truncated {
            lang.pick(
                "The capture is cut short: the file ends in the middle of a packet. The results \
                 below cover the complete packets before that point.",
                "La captura está cortada: el archivo termina a mitad de un paquete. Los resultados \
                 cubren los paquetes completos anteriores a ese punto.",
            )
        } else {
            pcaplens_render::t(lang, pcaplens_render::Key::CaptureDamaged)
        };
        view! {
            <section class="panel warning" data-testid="warnings">
                <h2>{pcaplens_render::t(lang, pcaplens_render::Key::CaptureIncomplete)}</h2>
                <p>{headline}</p>
                <ul>{c.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            </section>
        }
    });
        (error, damaged)
    }
}
