//! Plain-language text built from the facts: the overview paragraph and the conclusions that
//! open and close the hand-in report (the web's summary view shows the same sentences), and a
//! short plain-text summary for the command line.
//!
//! Sentences are plain text that may contain capture-derived strings: Markdown callers escape
//! them with [`crate::escape::md`]; [`summary`] strips terminal control characters itself.

use std::collections::HashMap;

use pcaplens_core::report::tcp::Connection;
use pcaplens_core::Report;

use crate::escape;
use crate::expert::{self, CountUnit, Severity};
use crate::i18n::Lang;
use crate::keypackets::offered_versions;
use crate::names;
use crate::units::{self, and_list, count, frame_list, frames_text};

/// Streams named in one conclusion before "…".
const MAX_STREAMS_NAMED: usize = 8;
/// DHCP transactions described one by one in the conclusions.
const MAX_DHCP_CONCLUSIONS: usize = 10;
/// Distinct TLS outcomes (version, cipher, SNI, ALPN) described in the conclusions.
const MAX_TLS_CONCLUSIONS: usize = 5;

/// "stream 3" / "streams 1, 2 and 5"; in Spanish with the article ("el stream 3", "los streams
/// 1, 2 y 5"), as it is used mid-sentence.
fn streams_text(lang: Lang, streams: &[u64]) -> String {
    let shown: Vec<String> = streams
        .iter()
        .take(MAX_STREAMS_NAMED)
        .map(u64::to_string)
        .collect();
    let head = match (lang, streams.len()) {
        (Lang::En, 1) => "stream",
        (Lang::En, _) => "streams",
        (Lang::Es, 1) => "el stream",
        (Lang::Es, _) => "los streams",
    };
    let mut s = format!("{head} {}", and_list(lang, &shown));
    if streams.len() > MAX_STREAMS_NAMED {
        s.push_str(&format!(" … (+{})", streams.len() - MAX_STREAMS_NAMED));
    }
    s
}

/// The opening paragraph: what the capture holds.
pub fn overview(report: &Report, lang: Lang) -> String {
    if let Some(error) = &report.error {
        return lang.pick(
            format!("The file could not be read as a capture: {error}."),
            format!("El archivo no se ha podido leer como captura: {error}."),
        );
    }
    let cap = &report.capinfos;
    let name = report
        .file_name
        .as_deref()
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    if cap.packets == 0 {
        return lang.pick(
            format!("The capture{name} contains no packets."),
            format!("La captura{name} no contiene paquetes."),
        );
    }
    let packets = count(
        lang,
        cap.packets,
        ("packet", "packets"),
        ("paquete", "paquetes"),
    );
    let size = units::bytes(lang, cap.data_bytes);
    let mut s = match (cap.first_time, cap.last_time, cap.duration_s) {
        (Some(first), Some(last), Some(d)) => lang.pick(
            format!(
                "The capture{name} contains {packets} ({size}) recorded over {}, from {} to {}.",
                units::duration(lang, d),
                units::utc(first),
                units::utc(last)
            ),
            format!(
                "La captura{name} contiene {packets} ({size}) registrados durante {}, desde el {} hasta el {}.",
                units::duration(lang, d),
                units::utc(first),
                units::utc(last)
            ),
        ),
        _ => lang.pick(
            format!("The capture{name} contains {packets} ({size})."),
            format!("La captura{name} contiene {packets} ({size})."),
        ),
    };

    let mut parts = Vec::new();
    let conns = &report.tcp.connections;
    if !conns.is_empty() {
        let done = conns.iter().filter(|c| c.handshake_completed).count() as u64;
        parts.push(lang.pick(
            format!(
                "{} ({done} with a complete three-way handshake)",
                count(
                    lang,
                    conns.len() as u64,
                    ("TCP connection", "TCP connections"),
                    ("", "")
                )
            ),
            format!(
                "{} ({done} con el acuerdo en tres pasos completo)",
                count(
                    lang,
                    conns.len() as u64,
                    ("", ""),
                    ("conexión TCP", "conexiones TCP")
                )
            ),
        ));
    }
    let tls = &report.tls.handshakes;
    if !tls.is_empty() {
        let mut snis: Vec<String> = tls.iter().filter_map(|h| h.sni.clone()).collect();
        snis.dedup();
        let mut p = count(
            lang,
            tls.len() as u64,
            ("TLS handshake", "TLS handshakes"),
            ("handshake TLS", "handshakes TLS"),
        );
        if !snis.is_empty() {
            let shown: Vec<String> = snis.iter().take(5).cloned().collect();
            p.push_str(&format!(" (SNI: {}", shown.join(", ")));
            if snis.len() > 5 {
                p.push_str(&format!(" … (+{})", snis.len() - 5));
            }
            p.push(')');
        }
        parts.push(p);
    }
    if report.dns.queries > 0 {
        parts.push(count(
            lang,
            report.dns.queries,
            ("DNS query", "DNS queries"),
            ("consulta DNS", "consultas DNS"),
        ));
    }
    if !report.dhcp.messages.is_empty() {
        parts.push(count(
            lang,
            report.dhcp.messages.len() as u64,
            ("DHCP message", "DHCP messages"),
            ("mensaje DHCP", "mensajes DHCP"),
        ));
    }
    if !report.icmp.messages.is_empty() {
        parts.push(count(
            lang,
            report.icmp.messages.len() as u64,
            ("ICMP message", "ICMP messages"),
            ("mensaje ICMP", "mensajes ICMP"),
        ));
    }
    if !report.sip.messages.is_empty() {
        parts.push(count(
            lang,
            report.sip.messages.len() as u64,
            ("SIP message", "SIP messages"),
            ("mensaje SIP", "mensajes SIP"),
        ));
    }
    if !parts.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!("It holds {}.", and_list(lang, &parts)),
            format!("Contiene {}.", and_list(lang, &parts)),
        ));
    }
    s
}

/// Conclusions generated from the facts, one sentence (or two) per topic.
pub fn conclusions(report: &Report, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(error) = &report.error {
        out.push(lang.pick(
            format!("The file could not be analyzed: {error}."),
            format!("No se ha podido analizar el archivo: {error}."),
        ));
        return out;
    }
    let cap = &report.capinfos;
    if cap.packets == 0 {
        out.push(
            lang.pick(
                "The capture is empty: there is nothing to analyse.",
                "La captura está vacía: no hay nada que analizar.",
            )
            .into(),
        );
        return out;
    }
    if cap.truncated {
        out.push(
            lang.pick(
                "The capture file is cut short (it ends in the middle of a packet): everything below describes the packets before that point.",
                "El archivo de captura está cortado (termina a mitad de un paquete): todo lo que sigue describe los paquetes anteriores a ese punto.",
            )
            .into(),
        );
    }
    handshake_conclusions(report, lang, &mut out);
    tls_conclusions(report, lang, &mut out);
    loss_conclusions(report, lang, &mut out);
    window_conclusions(report, lang, &mut out);
    close_conclusions(report, lang, &mut out);
    dns_conclusions(report, lang, &mut out);
    dhcp_conclusions(report, lang, &mut out);
    icmp_conclusions(report, lang, &mut out);
    sip_conclusions(report, lang, &mut out);
    out
}

fn streams_where(conns: &[Connection], pred: impl Fn(&Connection) -> bool) -> Vec<u64> {
    conns.iter().filter(|c| pred(c)).map(|c| c.stream).collect()
}

fn handshake_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    let total = conns.len();
    let done = conns.iter().filter(|c| c.handshake_completed).count();
    let mut s = if done == total && total == 1 {
        lang.pick(
            format!(
                "The TCP connection (stream {}) completed the three-way handshake (SYN, SYN-ACK, ACK).",
                conns[0].stream
            ),
            format!(
                "La conexión TCP (stream {}) completó el acuerdo en tres pasos (three-way handshake: SYN, SYN-ACK, ACK).",
                conns[0].stream
            ),
        )
    } else if done == total {
        lang.pick(
            format!("All {total} TCP connections completed the three-way handshake (SYN, SYN-ACK, ACK)."),
            format!("Las {total} conexiones TCP completaron el acuerdo en tres pasos (three-way handshake: SYN, SYN-ACK, ACK)."),
        )
    } else {
        lang.pick(
            format!("{done} of {total} TCP connections completed the three-way handshake."),
            format!("{done} de {total} conexiones TCP completaron el acuerdo en tres pasos (three-way handshake)."),
        )
    };
    let s0 = streams_where(conns, |c| c.conn_state == "S0");
    if !s0.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!(
                "The SYN got no reply in {}: the server did not answer, or a firewall dropped the packets.",
                streams_text(lang, &s0)
            ),
            format!(
                "El SYN no obtuvo respuesta en {}: el servidor no contestó o un cortafuegos descartó los paquetes.",
                streams_text(lang, &s0)
            ),
        ));
    }
    let rej = streams_where(conns, |c| c.conn_state == "REJ");
    if !rej.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!(
                "The connection was refused with a RST in {}: nothing was listening on that port.",
                streams_text(lang, &rej)
            ),
            format!(
                "La conexión se rechazó con un RST en {}: no había nada escuchando en ese puerto.",
                streams_text(lang, &rej)
            ),
        ));
    }
    let oth = streams_where(conns, |c| c.conn_state == "OTH");
    if !oth.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!(
                "In {} the handshake was not captured: the connection was already open when the capture started.",
                streams_text(lang, &oth)
            ),
            format!(
                "En {} no se capturó el handshake: la conexión ya estaba abierta cuando empezó la captura.",
                streams_text(lang, &oth)
            ),
        ));
    }
    out.push(s);
}

fn tls_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let handshakes = &report.tls.handshakes;
    // Streams with the same outcome share one sentence: (negotiated, version, cipher, SNI, ALPN)
    // → streams, in order of first appearance.
    type Outcome = (
        bool,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut outcomes: Vec<(Outcome, Vec<u64>, Vec<String>)> = Vec::new();
    for hs in handshakes {
        let negotiated =
            hs.server_hello_frame.is_some() || hs.selected_version.is_some() || hs.cipher.is_some();
        let version = if negotiated {
            hs.selected_version
                .as_deref()
                .or(hs.legacy_version.as_deref())
                .map(names::tls_version)
        } else {
            None
        };
        let key: Outcome = (
            negotiated,
            version,
            hs.cipher.clone(),
            hs.sni.clone(),
            hs.server_alpn.clone(),
        );
        match outcomes.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, streams, _)) => streams.push(hs.stream),
            None => outcomes.push((key, vec![hs.stream], offered_versions(hs))),
        }
    }
    for ((negotiated, version, cipher, sni, alpn), streams, offered) in
        outcomes.iter().take(MAX_TLS_CONCLUSIONS)
    {
        let who = streams_text(lang, streams);
        let mut s = if *negotiated {
            let version = version.clone().unwrap_or_else(|| {
                lang.pick("an unknown version", "una versión desconocida")
                    .into()
            });
            let mut s = match (lang, streams.len()) {
                (Lang::En, 1) => format!("Stream {} negotiated {version}", streams[0]),
                (Lang::En, _) => format!("{} negotiated {version}", upper_first(&who)),
                (Lang::Es, 1) => format!("El stream {} negoció {version}", streams[0]),
                (Lang::Es, _) => format!("{} negociaron {version}", upper_first(&who)),
            };
            if let Some(c) = cipher.as_deref() {
                let c = names::cipher_suite(c).unwrap_or(c);
                s.push_str(&lang.pick(format!(" with {c}"), format!(" con {c}")));
            }
            s
        } else {
            let mut s = lang.pick(
                format!("In {who} the client offered TLS"),
                format!("En {who} el cliente ofreció TLS"),
            );
            if !offered.is_empty() {
                s.push_str(&format!(" ({})", offered.join(", ")));
            }
            s
        };
        if let Some(n) = sni {
            s.push_str(&lang.pick(format!(" for {n}"), format!(" para {n}")));
        }
        if let Some(a) = alpn {
            s.push_str(&format!(" (ALPN {a})"));
        }
        if *negotiated {
            s.push('.');
        } else {
            s.push_str(lang.pick(
                ", but no ServerHello was captured.",
                ", pero no se capturó ningún ServerHello.",
            ));
        }
        out.push(s);
    }
    if outcomes.len() > MAX_TLS_CONCLUSIONS {
        let rest: usize = outcomes[MAX_TLS_CONCLUSIONS..]
            .iter()
            .map(|o| o.1.len())
            .sum();
        out.push(lang.pick(
            format!("{rest} more TLS handshakes had other server names or parameters (all are in the JSON export)."),
            format!("Otros {rest} handshakes TLS tuvieron otros nombres de servidor o parámetros (todos están en la exportación JSON)."),
        ));
    }
    if handshakes
        .iter()
        .any(|h| h.selected_version.as_deref().and_then(names::parse_code) == Some(0x0304))
    {
        out.push(
            lang.pick(
                "With TLS 1.3 everything after the ServerHello, including the server's certificate, is encrypted: only the SNI and the hello messages show who talked to whom.",
                "Con TLS 1.3 todo lo que va después del ServerHello, incluido el certificado del servidor, viaja cifrado: solo el SNI y los mensajes hello muestran quién habló con quién.",
            )
            .into(),
        );
    }
    // Fatal alerts, one sentence per alert name with the streams that ended with it.
    let mut fatal: Vec<(Option<u8>, Vec<u64>, u64)> = Vec::new();
    for hs in handshakes {
        for alert in hs.alerts.iter().filter(|a| a.level == Some(2)) {
            match fatal.iter_mut().find(|(d, _, _)| *d == alert.description) {
                Some((_, streams, _)) => {
                    if streams.last() != Some(&hs.stream) {
                        streams.push(hs.stream);
                    }
                }
                None => fatal.push((alert.description, vec![hs.stream], alert.frame)),
            }
        }
    }
    for (description, streams, first_frame) in fatal {
        let name = description.and_then(names::tls_alert).unwrap_or("?");
        let who = upper_first(&streams_text(lang, &streams));
        out.push(match (lang, streams.len()) {
            (Lang::En, 1) => format!("{who} ended with a fatal TLS alert, {name} (frame {first_frame})."),
            (Lang::En, _) => format!("{who} ended with a fatal TLS alert, {name} (the first in frame {first_frame})."),
            (Lang::Es, 1) => format!("{who} terminó con una alerta TLS fatal, {name} (trama {first_frame})."),
            (Lang::Es, _) => format!("{who} terminaron con una alerta TLS fatal, {name} (la primera en la trama {first_frame})."),
        });
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn loss_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    let sum = |f: fn(&Connection) -> u64| conns.iter().map(f).sum::<u64>();
    let retrans = sum(|c| c.analysis.retransmission);
    let fast = sum(|c| c.analysis.fast_retransmission);
    let spurious = sum(|c| c.analysis.spurious_retransmission);
    let dup = sum(|c| c.analysis.duplicate_ack);
    let ooo = sum(|c| c.analysis.out_of_order);
    let unseen = sum(|c| c.analysis.lost_segment + c.analysis.ack_lost_segment);
    if retrans + spurious + dup + ooo == 0 {
        out.push(
            lang.pick(
                "No retransmissions, duplicate ACKs or out-of-order segments were flagged: no sign of packet loss on the path during the capture.",
                "No se marcó ninguna retransmisión, ACK duplicado ni segmento fuera de orden: no hay indicios de pérdida de paquetes en el camino durante la captura.",
            )
            .into(),
        );
    } else {
        let affected = streams_where(conns, |c| {
            c.analysis.retransmission
                + c.analysis.spurious_retransmission
                + c.analysis.duplicate_ack
                + c.analysis.out_of_order
                > 0
        });
        let mut parts = Vec::new();
        if retrans > 0 {
            let mut p = count(
                lang,
                retrans,
                ("retransmission", "retransmissions"),
                ("retransmisión", "retransmisiones"),
            );
            if fast > 0 {
                let es = if fast == 1 { "rápida" } else { "rápidas" };
                p.push_str(&lang.pick(format!(" ({fast} fast)"), format!(" ({fast} {es})")));
            }
            parts.push(p);
        }
        if spurious > 0 {
            parts.push(count(
                lang,
                spurious,
                ("spurious retransmission", "spurious retransmissions"),
                ("retransmisión espuria", "retransmisiones espurias"),
            ));
        }
        if dup > 0 {
            parts.push(count(
                lang,
                dup,
                ("duplicate ACK", "duplicate ACKs"),
                ("ACK duplicado", "ACK duplicados"),
            ));
        }
        if ooo > 0 {
            parts.push(count(
                lang,
                ooo,
                ("out-of-order segment", "out-of-order segments"),
                ("segmento fuera de orden", "segmentos fuera de orden"),
            ));
        }
        let mut s = lang.pick(
            format!(
                "There was packet loss or delay on the path: {} in {}.",
                and_list(lang, &parts),
                streams_text(lang, &affected)
            ),
            format!(
                "Hubo pérdida o retardo de paquetes en el camino: {} en {}.",
                and_list(lang, &parts),
                streams_text(lang, &affected)
            ),
        );
        if fast > 0 && dup > 0 {
            s.push(' ');
            s.push_str(lang.pick(
                "The duplicate ACKs triggered fast retransmissions: TCP recovered without waiting for its retransmission timer.",
                "Los ACK duplicados provocaron retransmisiones rápidas: TCP se recuperó sin esperar a que venciera el temporizador de retransmisión.",
            ));
        }
        if spurious > 0 {
            s.push(' ');
            s.push_str(lang.pick(
                "The spurious retransmissions resent data the receiver already had: they were caused by delay rather than loss.",
                "Las retransmisiones espurias reenviaron datos que el receptor ya tenía: las causó el retardo, no la pérdida.",
            ));
        }
        out.push(s);
    }
    if unseen > 0 {
        out.push(lang.pick(
            format!("Wireshark found {unseen} places where segments are missing from the capture (previous segment not captured / ACKed unseen segment): the capture did not record all the traffic (it started late, dropped packets, or saw only one path), so some counts may be incomplete."),
            format!("Wireshark encontró {unseen} puntos en los que faltan segmentos en la captura (segmento anterior no capturado / ACK de un segmento no capturado): la captura no registró todo el tráfico (empezó tarde, descartó paquetes o solo veía un camino), así que algunos recuentos pueden estar incompletos."),
        ));
    }
}

fn issue_frames(report: &Report, stream: u64, kind: &str) -> Vec<u64> {
    let mut frames: Vec<u64> = report
        .tcp
        .issues
        .iter()
        .filter(|i| i.stream == stream && i.kind == kind)
        .map(|i| i.frame)
        .collect();
    frames.sort_unstable();
    frames.dedup();
    frames
}

fn window_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let zero: Vec<&Connection> = report
        .tcp
        .connections
        .iter()
        .filter(|c| c.analysis.zero_window > 0)
        .collect();
    if zero.len() > MAX_STREAMS_NAMED {
        let streams: Vec<u64> = zero.iter().map(|c| c.stream).collect();
        out.push(lang.pick(
            format!(
                "{} reached a zero window: their receiving applications could not keep up and the senders had to pause.",
                upper_first(&streams_text(lang, &streams))
            ),
            format!(
                "{} llegaron a ventana cero: las aplicaciones receptoras no daban abasto y los emisores tuvieron que pararse.",
                upper_first(&streams_text(lang, &streams))
            ),
        ));
    }
    for c in zero.iter().filter(|_| zero.len() <= MAX_STREAMS_NAMED) {
        let frames = issue_frames(report, c.stream, "zero_window");
        let where_ = if frames.is_empty() {
            String::new()
        } else {
            format!(" ({})", frames_text(lang, &frames, 10))
        };
        out.push(lang.pick(
            format!(
                "Stream {} reached a zero window {}{where_}: the receiving application could not keep up and the sender had to pause until a window update reopened the window.",
                c.stream,
                count(lang, c.analysis.zero_window, ("time", "times"), ("", ""))
            ),
            format!(
                "El stream {} llegó a ventana cero {}{where_}: la aplicación receptora no daba abasto y el emisor tuvo que pararse hasta que una actualización de ventana la volvió a abrir.",
                c.stream,
                count(lang, c.analysis.zero_window, ("", ""), ("vez", "veces"))
            ),
        ));
    }
    let full = streams_where(&report.tcp.connections, |c| c.analysis.window_full > 0);
    if !full.is_empty() {
        out.push(lang.pick(
            format!(
                "The sender filled the receiver's whole window in {}: there the receive window, not the network, limited the speed.",
                streams_text(lang, &full)
            ),
            format!(
                "El emisor llenó toda la ventana del receptor en {}: ahí la ventana de recepción, y no la red, limitó la velocidad.",
                streams_text(lang, &full)
            ),
        ));
    }
}

fn close_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    let fin = streams_where(conns, |c| c.close == "fin");
    if !fin.is_empty() {
        parts.push(lang.pick(
            format!(
                "{} closed normally with a FIN from each side ({})",
                count(
                    lang,
                    fin.len() as u64,
                    ("connection", "connections"),
                    ("", "")
                ),
                streams_text(lang, &fin)
            ),
            format!(
                "{} con un FIN de cada extremo ({})",
                count(
                    lang,
                    fin.len() as u64,
                    ("", ""),
                    (
                        "conexión se cerró normalmente",
                        "conexiones se cerraron normalmente"
                    )
                ),
                streams_text(lang, &fin)
            ),
        ));
    }
    // Grouped by who reset / who closed, in order of first appearance.
    let by_side = |close: &str, side: fn(&Connection) -> Option<&str>| {
        let mut groups: Vec<(Option<String>, Vec<u64>)> = Vec::new();
        for c in conns.iter().filter(|c| c.close == close) {
            let who = side(c).map(str::to_string);
            match groups.iter_mut().find(|(w, _)| *w == who) {
                Some((_, streams)) => streams.push(c.stream),
                None => groups.push((who, vec![c.stream])),
            }
        }
        groups
    };
    for (who, streams) in by_side("rst", |c| c.rst_from.as_deref()) {
        let who = who.map(|w| names::side(lang, &w)).unwrap_or_else(|| {
            lang.pick("an unknown side", "un extremo desconocido")
                .into()
        });
        let verb = match (lang, streams.len()) {
            (Lang::En, 1) => "was reset (RST) by",
            (Lang::En, _) => "were reset (RST) by",
            (Lang::Es, 1) => "fue abortado (RST) por",
            (Lang::Es, _) => "fueron abortados (RST) por",
        };
        parts.push(format!("{} {verb} {who}", streams_text(lang, &streams)));
    }
    for (who, streams) in by_side("half_fin", |c| c.fin_from.as_deref()) {
        let who = who
            .map(|w| names::side(lang, &w))
            .unwrap_or_else(|| lang.pick("one side", "un extremo").into());
        parts.push(lang.pick(
            format!("in {} only {who} sent FIN", streams_text(lang, &streams)),
            format!("en {} solo {who} envió FIN", streams_text(lang, &streams)),
        ));
    }
    let open = streams_where(conns, |c| {
        c.close == "open" && c.conn_state != "S0" && c.conn_state != "REJ"
    });
    if !open.is_empty() {
        parts.push(lang.pick(
            format!(
                "{} still open at the end of the capture",
                streams_text(lang, &open)
            ),
            format!(
                "{} {} al terminar la captura",
                streams_text(lang, &open),
                if open.len() == 1 {
                    "seguía abierto"
                } else {
                    "seguían abiertos"
                }
            ),
        ));
    }
    if parts.is_empty() {
        return;
    }
    let list = and_list(lang, &parts);
    out.push(lang.pick(format!("Closing: {list}."), format!("Cierre: {list}.")));
}

fn dns_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let dns = &report.dns;
    if dns.queries == 0 && dns.responses == 0 {
        return;
    }
    let mut s = lang.pick(
        format!(
            "DNS: {} and {}.",
            count(lang, dns.queries, ("query", "queries"), ("", "")),
            count(lang, dns.responses, ("response", "responses"), ("", ""))
        ),
        format!(
            "DNS: {} y {}.",
            count(lang, dns.queries, ("", ""), ("consulta", "consultas")),
            count(lang, dns.responses, ("", ""), ("respuesta", "respuestas"))
        ),
    );
    let errors: Vec<String> = dns
        .messages
        .iter()
        .filter(|m| m.response)
        .filter_map(|m| {
            let rcode = m.rcode.as_deref()?;
            (names::dns_rcode_number(rcode) != Some(0)).then(|| {
                let name = m.qname.as_deref().unwrap_or("?");
                lang.pick(
                    format!("{rcode} for {name} (frame {})", m.frame),
                    format!("{rcode} para {name} (trama {})", m.frame),
                )
            })
        })
        .take(10)
        .collect();
    if !errors.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!("Errors: {}.", and_list(lang, &errors)),
            format!("Errores: {}.", and_list(lang, &errors)),
        ));
    }
    if dns.unanswered > 0 {
        s.push(' ');
        s.push_str(&lang.pick(
            format!(
                "{} got no response in the capture.",
                count(lang, dns.unanswered, ("query", "queries"), ("", ""))
            ),
            format!(
                "{} sin respuesta en la captura.",
                count(
                    lang,
                    dns.unanswered,
                    ("", ""),
                    ("consulta quedó", "consultas quedaron")
                )
            ),
        ));
    }
    out.push(s);
}

fn dhcp_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let dhcp = &report.dhcp;
    let mut by_xid: HashMap<&str, Vec<&pcaplens_core::report::dhcp::Message>> = HashMap::new();
    for m in &dhcp.messages {
        by_xid.entry(m.xid.as_str()).or_default().push(m);
    }
    for t in dhcp.transactions.iter().take(MAX_DHCP_CONCLUSIONS) {
        let msgs: &[&pcaplens_core::report::dhcp::Message] =
            by_xid.get(t.xid.as_str()).map_or(&[], Vec::as_slice);
        let ack = msgs.iter().find(|m| {
            m.message_type
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("ACK"))
        });
        let nak = msgs.iter().find(|m| {
            m.message_type
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("NAK"))
        });
        let frames = frame_list(&t.frames, 8);
        if t.dora_complete {
            let client = ack.and_then(|m| m.client_mac.clone());
            let ip = ack.and_then(|m| m.yiaddr.clone());
            let server = ack.and_then(|m| m.server_id.clone());
            let mut s = lang.pick(
                format!("DHCP (xid {}): complete DORA exchange (Discover, Offer, Request, Ack; frames {frames})", t.xid),
                format!("DHCP (xid {}): intercambio DORA completo (Discover, Offer, Request, Ack; tramas {frames})", t.xid),
            );
            if let (Some(client), Some(ip)) = (client, ip) {
                s.push_str(&lang.pick(
                    format!(": client {client} obtained {ip}"),
                    format!(": el cliente {client} obtuvo {ip}"),
                ));
                if let Some(server) = server {
                    s.push_str(&lang.pick(
                        format!(" from server {server}"),
                        format!(" del servidor {server}"),
                    ));
                }
            }
            s.push('.');
            out.push(s);
        } else if let Some(nak) = nak {
            out.push(lang.pick(
                format!("DHCP (xid {}): the server refused the request with a DHCPNAK (frame {}); the client has to start again with DHCPDISCOVER.", t.xid, nak.frame),
                format!("DHCP (xid {}): el servidor rechazó la petición con un DHCPNAK (trama {}); el cliente debe empezar de nuevo con DHCPDISCOVER.", t.xid, nak.frame),
            ));
        } else if let Some(only) = single_message(msgs) {
            let frame = t.frames.first().copied().unwrap_or_default();
            out.push(lang.pick(
                format!(
                    "DHCP (xid {}): the client sent {only} (frame {frame}).",
                    t.xid
                ),
                format!(
                    "DHCP (xid {}): el cliente envió {only} (trama {frame}).",
                    t.xid
                ),
            ));
        } else {
            let frames = frames_text(lang, &t.frames, 8);
            out.push(lang.pick(
                format!("DHCP (xid {}): incomplete exchange ({frames}).", t.xid),
                format!("DHCP (xid {}): intercambio incompleto ({frames}).", t.xid),
            ));
        }
    }
    let rest = dhcp.transactions.len().saturating_sub(MAX_DHCP_CONCLUSIONS);
    if rest > 0 {
        let complete = dhcp.transactions[MAX_DHCP_CONCLUSIONS..]
            .iter()
            .filter(|t| t.dora_complete)
            .count();
        out.push(lang.pick(
            format!("DHCP: {rest} more transactions, {complete} of them with a complete DORA exchange."),
            format!("DHCP: {rest} transacciones más, {complete} de ellas con un intercambio DORA completo."),
        ));
    }
}

/// An INVITE outcome after a count, with Spanish plural agreement ("2 rechazadas").
fn call_outcome(lang: Lang, state: &str, n: u64) -> &'static str {
    let one = n == 1;
    match (lang, state) {
        (Lang::Es, "completed") if !one => "completadas (contestadas y luego BYE)",
        (Lang::Es, "answered") if !one => "contestadas, sin BYE",
        (Lang::Es, "rejected") if !one => "rechazadas",
        (Lang::Es, "cancelled") if !one => "canceladas por quien llama",
        (Lang::Es, "unanswered") if !one => "sin respuesta final",
        _ => names::sip_call_state(lang, state, Some("INVITE")),
    }
}

/// "DHCPRELEASE" when a transaction is one message that needs no answer (RELEASE, DECLINE,
/// INFORM without reply).
fn single_message(msgs: &[&pcaplens_core::report::dhcp::Message]) -> Option<String> {
    let [only] = msgs else { return None };
    let kind = only.message_type.as_deref()?.to_ascii_uppercase();
    matches!(kind.as_str(), "RELEASE" | "DECLINE" | "INFORM").then(|| format!("DHCP{kind}"))
}

fn icmp_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let icmp = &report.icmp;
    if icmp.echo_requests > 0 {
        let mut s = lang.pick(
            format!(
                "Ping: {} and {}",
                count(
                    lang,
                    icmp.echo_requests,
                    ("echo request", "echo requests"),
                    ("", "")
                ),
                count(lang, icmp.echo_replies, ("reply", "replies"), ("", ""))
            ),
            format!(
                "Ping: {} y {}",
                count(
                    lang,
                    icmp.echo_requests,
                    ("", ""),
                    ("solicitud de eco", "solicitudes de eco")
                ),
                count(
                    lang,
                    icmp.echo_replies,
                    ("", ""),
                    ("respuesta", "respuestas")
                )
            ),
        );
        if icmp.unanswered > 0 {
            s.push_str(&lang.pick(
                format!("; {} unanswered.", icmp.unanswered),
                format!("; {} sin respuesta.", icmp.unanswered),
            ));
        } else {
            s.push_str(lang.pick(
                "; every request was answered.",
                "; todas las solicitudes obtuvieron respuesta.",
            ));
        }
        out.push(s);
    }
    let errors: Vec<String> = icmp
        .messages
        .iter()
        .filter(|m| names::icmp_is_error(m.version, m.icmp_type))
        .take(10)
        .map(|m| {
            lang.pick(
                format!(
                    "{} (frame {})",
                    names::icmp_name(lang, m.version, m.icmp_type, m.code),
                    m.frame
                ),
                format!(
                    "{} (trama {})",
                    names::icmp_name(lang, m.version, m.icmp_type, m.code),
                    m.frame
                ),
            )
        })
        .collect();
    if !errors.is_empty() {
        out.push(lang.pick(
            format!(
                "ICMP errors reported delivery problems: {}.",
                and_list(lang, &errors)
            ),
            format!(
                "Hubo errores ICMP que indican problemas de entrega: {}.",
                and_list(lang, &errors)
            ),
        ));
    }
}

fn sip_conclusions(report: &Report, lang: Lang, out: &mut Vec<String>) {
    let sip = &report.sip;
    if sip.messages.is_empty() {
        return;
    }
    let errors: Vec<String> = sip
        .messages
        .iter()
        .filter_map(|m| {
            m.status
                .filter(|s| (400..700).contains(s) && *s != 401 && *s != 407)
        })
        .map(|s| match names::sip_reason(s) {
            Some(r) => format!("{s} {r}"),
            None => s.to_string(),
        })
        .take(10)
        .collect();
    let mut s = lang.pick(
        format!(
            "SIP: {} in {}.",
            count(
                lang,
                sip.messages.len() as u64,
                ("message", "messages"),
                ("", "")
            ),
            count(
                lang,
                sip.calls.len() as u64,
                ("dialog (Call-ID)", "dialogs (Call-IDs)"),
                ("", "")
            )
        ),
        format!(
            "SIP: {} en {}.",
            count(
                lang,
                sip.messages.len() as u64,
                ("", ""),
                ("mensaje", "mensajes")
            ),
            count(
                lang,
                sip.calls.len() as u64,
                ("", ""),
                ("diálogo (Call-ID)", "diálogos (Call-ID)")
            )
        ),
    );
    // INVITE dialogs by outcome, in a fixed order.
    let invites: Vec<_> = sip
        .calls
        .iter()
        .filter(|c| {
            c.method
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case("INVITE"))
        })
        .collect();
    let mut outcomes = Vec::new();
    for state in [
        "completed",
        "answered",
        "rejected",
        "cancelled",
        "unanswered",
    ] {
        let n = invites.iter().filter(|c| c.state == state).count() as u64;
        if n > 0 {
            outcomes.push(format!("{n} {}", call_outcome(lang, state, n)));
        }
    }
    if !outcomes.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!("Calls (INVITE): {}.", and_list(lang, &outcomes)),
            format!("Llamadas (INVITE): {}.", and_list(lang, &outcomes)),
        ));
    }
    let mut others: Vec<String> = Vec::new();
    for c in sip
        .calls
        .iter()
        .filter(|c| !invites.iter().any(|i| std::ptr::eq(*i, *c)))
    {
        if let Some(m) = &c.method {
            if !others.contains(m) {
                others.push(m.clone());
            }
        }
    }
    if !others.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!("Other requests: {}.", others.join(", ")),
            format!("Otras peticiones: {}.", others.join(", ")),
        ));
    }
    if !errors.is_empty() {
        s.push(' ');
        s.push_str(&lang.pick(
            format!("Error responses: {}.", errors.join(", ")),
            format!("Respuestas de error: {}.", errors.join(", ")),
        ));
    }
    out.push(s);
}

/// A few plain-text lines for a terminal: what the capture holds and the Expert Info groups
/// with their filters. Control characters from the capture are replaced, so a hostile SNI
/// cannot send escape sequences to the terminal.
pub fn summary(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&escape::plain(&overview(report, lang)));
    out.push('\n');
    let groups = expert::groups(report, lang);
    if groups.is_empty() {
        if report.error.is_none() && report.capinfos.packets > 0 {
            out.push_str(lang.pick(
                "Expert Info: nothing flagged.\n",
                "Información experta: nada marcado.\n",
            ));
        }
    } else {
        out.push_str(lang.pick("Expert Info:\n", "Información experta:\n"));
        let width = groups
            .iter()
            .map(|g| g.severity.label(lang).chars().count())
            .max()
            .unwrap_or(0);
        for g in &groups {
            let unit = match g.unit {
                CountUnit::Connections => lang.pick(" (connections)", " (conexiones)"),
                CountUnit::Frames | CountUnit::Problems => "",
            };
            let filter = g
                .filter
                .as_deref()
                .map(|f| format!("  [{f}]"))
                .unwrap_or_default();
            out.push_str(&escape::plain(&format!(
                "  {:<width$} {:>6}  {}{unit}{filter}",
                g.severity.label(lang),
                g.count,
                g.title
            )));
            out.push('\n');
        }
    }
    let worst = groups.iter().map(|g| g.severity).min();
    if matches!(worst, Some(Severity::Error)) {
        out.push_str(lang.pick(
            "The capture could not be read completely; see the errors above.\n",
            "La captura no se ha podido leer por completo; mira los errores de arriba.\n",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn overview_states_the_facts() {
        let r = testdata::lossy_tls_report();
        let en = overview(&r, Lang::En);
        assert!(en.starts_with("The capture lab3 | grupo `A`.pcapng contains 60 packets (30.0 kB) recorded over 12.500 s, from 2023-11-14 22:13:20.000000 UTC to 2023-11-14 22:13:32.500000 UTC."), "{en}");
        assert!(en.contains("It holds 3 TCP connections (2 with a complete three-way handshake), 1 TLS handshake (SNI: www.example.com), 4 DNS queries, 5 DHCP messages and 4 ICMP messages."), "{en}");
        let es = overview(&r, Lang::Es);
        assert!(
            es.contains("contiene 60 paquetes (30,0 kB) registrados durante 12,500 s"),
            "{es}"
        );
        assert!(es.contains("Contiene 3 conexiones TCP (2 con el acuerdo en tres pasos completo), 1 handshake TLS (SNI: www.example.com), 4 consultas DNS, 5 mensajes DHCP y 4 mensajes ICMP."), "{es}");
    }

    #[test]
    fn conclusions_follow_from_the_facts() {
        let r = testdata::lossy_tls_report();
        let en = conclusions(&r, Lang::En);
        let all = en.join("\n");
        assert!(all.contains("2 of 3 TCP connections completed the three-way handshake. The SYN got no reply in stream 1"), "{all}");
        assert!(
            all.contains(
                "Stream 0 negotiated TLS 1.3 with TLS_AES_128_GCM_SHA256 for www.example.com."
            ),
            "{all}"
        );
        assert!(
            all.contains("Stream 0 ended with a fatal TLS alert, handshake_failure (frame 26)."),
            "{all}"
        );
        assert!(all.contains("There was packet loss or delay on the path: 3 retransmissions (1 fast), 1 spurious retransmission and 3 duplicate ACKs in stream 0."), "{all}");
        assert!(
            all.contains("Stream 0 reached a zero window 1 time (frame 22)"),
            "{all}"
        );
        assert!(all.contains("Closing: 1 connection closed normally with a FIN from each side (stream 2) and stream 0 was reset (RST) by the server."), "{all}");
        assert!(all.contains("Errors: NXDOMAIN for nope|`x`.example (frame 42) and SERVFAIL for bad.example (frame 44). 1 query got no response in the capture."), "{all}");
        assert!(
            all.contains("client 00:11:22:33:44:55 obtained 10.0.0.2 from server 10.0.0.1."),
            "{all}"
        );
        assert!(
            all.contains("the server refused the request with a DHCPNAK (frame 49)"),
            "{all}"
        );
        assert!(
            all.contains("Ping: 2 echo requests and 1 reply; 1 unanswered."),
            "{all}"
        );

        let es = conclusions(&r, Lang::Es).join("\n");
        assert!(es.contains("2 de 3 conexiones TCP completaron el acuerdo en tres pasos (three-way handshake). El SYN no obtuvo respuesta en el stream 1"), "{es}");
        assert!(
            es.contains(
                "El stream 0 negoció TLS 1.3 con TLS_AES_128_GCM_SHA256 para www.example.com."
            ),
            "{es}"
        );
        assert!(es.contains("Hubo pérdida o retardo de paquetes en el camino: 3 retransmisiones (1 rápida), 1 retransmisión espuria y 3 ACK duplicados en el stream 0."), "{es}");
        assert!(es.contains("Cierre: 1 conexión se cerró normalmente con un FIN de cada extremo (el stream 2) y el stream 0 fue abortado (RST) por el servidor."), "{es}");
        assert!(
            es.contains("1 consulta quedó sin respuesta en la captura."),
            "{es}"
        );
    }

    #[test]
    fn same_outcomes_share_one_sentence() {
        let mut r = testdata::lossy_tls_report();
        let mut hs = r.tls.handshakes[0].clone();
        hs.alerts.clear();
        for stream in [3, 4] {
            r.tls
                .handshakes
                .push(pcaplens_core::report::tls::Handshake {
                    stream,
                    ..hs.clone()
                });
        }
        for stream in [3, 4] {
            r.tcp.connections.push(Connection {
                stream,
                close: "rst".into(),
                rst_from: Some("client".into()),
                ..r.tcp.connections[0].clone()
            });
        }
        let en = conclusions(&r, Lang::En).join("\n");
        assert!(en.contains("Streams 0, 3 and 4 negotiated TLS 1.3 with TLS_AES_128_GCM_SHA256 for www.example.com."), "{en}");
        assert!(en.contains("stream 0 was reset (RST) by the server and streams 3 and 4 were reset (RST) by the client."), "{en}");
        let es = conclusions(&r, Lang::Es).join("\n");
        assert!(es.contains("Los streams 0, 3 y 4 negociaron TLS 1.3 con TLS_AES_128_GCM_SHA256 para www.example.com."), "{es}");
        assert!(
            es.contains("los streams 3 y 4 fueron abortados (RST) por el cliente."),
            "{es}"
        );
    }

    #[test]
    fn sip_outcomes() {
        let mut r = testdata::sip_report();
        r.capinfos.packets = 6;
        r.sip.calls[0].method = Some("INVITE".into());
        r.sip.calls[0].state = "rejected".into();
        let mut second = r.sip.calls[0].clone();
        second.call_id = "b@x".into();
        r.sip.calls.push(second);
        let es = conclusions(&r, Lang::Es).join("\n");
        assert!(
            es.contains("SIP: 6 mensajes en 2 diálogos (Call-ID). Llamadas (INVITE): 2 rechazadas. Respuestas de error: 486 Busy Here."),
            "{es}"
        );
        let en = conclusions(&r, Lang::En).join("\n");
        assert!(en.contains("Calls (INVITE): 2 rejected."), "{en}");
    }

    #[test]
    fn clean_capture_says_no_loss() {
        let mut r = testdata::lossy_tls_report();
        for c in &mut r.tcp.connections {
            c.analysis = Default::default();
        }
        r.tcp.issues.clear();
        let all = conclusions(&r, Lang::En).join("\n");
        assert!(all.contains("no sign of packet loss"), "{all}");
    }

    #[test]
    fn summary_is_terminal_safe() {
        let mut r = testdata::lossy_tls_report();
        r.tls.handshakes[0].sni = Some("evil\u{1b}[2Jname".into());
        let s = summary(&r, Lang::En);
        assert!(!s.contains('\u{1b}'));
        assert!(
            s.contains("Expert Info:\n  Warning      1  Zero window  [tcp.analysis.zero_window]"),
            "{s}"
        );
        assert!(s.contains("Connection reset (RST)"));
        assert!(summary(&Report::default(), Lang::Es).contains("no contiene paquetes"));
    }

    #[test]
    fn broken_file() {
        let r = Report {
            error: Some("not a capture file".into()),
            ..Report::default()
        };
        assert_eq!(
            conclusions(&r, Lang::En),
            ["The file could not be analyzed: not a capture file."]
        );
        assert!(summary(&r, Lang::En).contains("could not be read completely"));
    }
}
