//! The report a student hands in: one Markdown document (GitHub-flavoured tables) in English or
//! Spanish, built only from the Report.
//!
//! Sections: summary, method, traffic flows, key packets, detailed analysis (TCP handshake and
//! options, TLS, TCP behavior, connection close, DNS, DHCP, ICMP, SIP), Expert Info,
//! conclusions, and the display filters to check everything in Wireshark. Sections without
//! data are left out. Every capture-derived string goes through [`crate::escape::md`], every display
//! filter through [`crate::escape::md_code`].

use std::collections::{BTreeMap, HashMap};

use pcaplens_core::report::flows::Conversation;
use pcaplens_core::report::tcp::{Connection, SynOptions};
use pcaplens_core::report::tls::Handshake;
use pcaplens_core::Report;

use crate::escape::{md, md_code, md_code_cell, md_plain};
use crate::expert::{self, CountUnit, TCP_FLAGS};
use crate::i18n::{t, Key, Lang};
use crate::keypackets::{self, first_frame_is_syn, offered_versions};
use crate::names;
use crate::text;
use crate::units::{self, count, frames_text};

/// Rows of the TCP connections table.
pub const MAX_CONNECTION_ROWS: usize = 50;
/// Rows of the IP / UDP conversation tables.
pub const MAX_CONVERSATION_ROWS: usize = 20;
/// Rows of the top-talkers table.
pub const MAX_TALKERS: usize = 10;
/// Streams described one by one in the detailed analysis.
pub const MAX_DETAILED_STREAMS: usize = 20;
/// Rows of the DNS / DHCP / ICMP / SIP message tables.
pub const MAX_MESSAGE_ROWS: usize = 40;
/// Frame numbers listed per item before "… (+n)".
pub const MAX_FRAMES_LISTED: usize = 15;
/// Frames listed per Expert Info group.
pub const MAX_EXPERT_FRAMES: usize = 10;

/// The whole report.
pub fn markdown(report: &Report, lang: Lang) -> String {
    let mut doc = Doc::new(lang);
    let title = match &report.file_name {
        Some(name) => format!("{}: {}", t(lang, Key::ReportTitle), md(name)),
        None => t(lang, Key::ReportTitle).to_string(),
    };
    doc.line(&format!("# {title}"));
    doc.blank();
    doc.line(&format!(
        "_{} {} · {}_",
        t(lang, Key::GeneratedBy),
        md(&report.generator),
        md(t(lang, Key::FrameNumbersNote))
    ));

    doc.section(t(lang, Key::SecSummary));
    doc.para(&md(&text::overview(report, lang)));
    if report.error.is_some() {
        return doc.finish();
    }

    method(&mut doc, report);
    if report.capinfos.packets == 0 {
        return doc.finish();
    }
    flows(&mut doc, report);
    key_packets(&mut doc, report);

    doc.section(t(lang, Key::SecAnalysis));
    handshakes(&mut doc, report);
    tls(&mut doc, report);
    tcp_behavior(&mut doc, report);
    close(&mut doc, report);
    dns(&mut doc, report);
    dhcp(&mut doc, report);
    icmp(&mut doc, report);
    sip(&mut doc, report);

    expert_info(&mut doc, report);

    doc.section(t(lang, Key::SecConclusions));
    for c in text::conclusions(report, lang) {
        doc.bullet(&md(&c));
    }

    filters(&mut doc, report);
    doc.finish()
}

/// A Markdown document with numbered sections ("## 3. …", "### 3.2 …").
struct Doc {
    lang: Lang,
    out: String,
    section: usize,
    subsection: usize,
}

impl Doc {
    fn new(lang: Lang) -> Self {
        Doc {
            lang,
            out: String::new(),
            section: 0,
            subsection: 0,
        }
    }
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }
    fn blank(&mut self) {
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
    fn section(&mut self, title: &str) {
        self.section += 1;
        self.subsection = 0;
        self.blank();
        let n = self.section;
        self.line(&format!("## {n}. {}", md(title)));
        self.blank();
    }
    fn subsection(&mut self, title: &str) {
        self.subsection += 1;
        self.blank();
        let (n, m) = (self.section, self.subsection);
        self.line(&format!("### {n}.{m} {}", md(title)));
        self.blank();
    }
    /// A paragraph of already-escaped Markdown.
    fn para(&mut self, s: &str) {
        self.blank();
        self.line(s);
        self.blank();
    }
    /// A list item of already-escaped Markdown.
    fn bullet(&mut self, s: &str) {
        self.line(&format!("- {s}"));
    }
    fn sub_bullet(&mut self, s: &str) {
        self.line(&format!("  - {s}"));
    }
    fn sub_sub_bullet(&mut self, s: &str) {
        self.line(&format!("    - {s}"));
    }
    /// A table; cells must already be escaped.
    fn table(&mut self, headers: &[&str], rows: &[Vec<String>]) {
        self.blank();
        let head: Vec<String> = headers.iter().map(|h| md(h)).collect();
        self.line(&format!("| {} |", head.join(" | ")));
        self.line(&format!("|{}", "---|".repeat(headers.len())));
        for row in rows {
            self.line(&format!("| {} |", row.join(" | ")));
        }
        self.blank();
    }
    /// "Showing the first n of m." after a capped table.
    fn capped(&mut self, shown: usize, total: usize) {
        if total > shown {
            let s = self.lang.pick(
                format!("_Showing {shown} of {total}; the JSON export has them all._"),
                format!(
                    "_Se muestran {shown} de {total}; la exportación JSON los contiene todos._"
                ),
            );
            self.para(&s);
        }
    }
    fn finish(mut self) -> String {
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }
}

fn yes_no(lang: Lang, b: bool) -> String {
    t(lang, if b { Key::Yes } else { Key::No }).to_string()
}

fn opt_md(lang: Lang, v: Option<&str>) -> String {
    v.map(md)
        .unwrap_or_else(|| t(lang, Key::NotRecorded).into())
}

// ---------------------------------------------------------------------------------------------

fn method(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let cap = &report.capinfos;
    doc.section(t(lang, Key::SecMethod));
    let label = |k: Key| format!("**{}:**", md(t(lang, k)));

    if let Some(name) = &report.file_name {
        doc.bullet(&format!("{} {}", label(Key::ColFileName), md(name)));
    }
    let mut format = opt_md(lang, cap.format.as_deref());
    if cap.compressed {
        format.push_str(lang.pick(" (gzip-compressed)", " (comprimido con gzip)"));
    }
    doc.bullet(&format!("{} {format}", label(Key::ColFormat)));
    if let Some(first) = cap.first_time {
        doc.bullet(&format!(
            "{} {}",
            label(Key::ColFirstPacket),
            units::utc(first)
        ));
    }
    if let Some(last) = cap.last_time {
        doc.bullet(&format!(
            "{} {}",
            label(Key::ColLastPacket),
            units::utc(last)
        ));
    }
    if let Some(d) = cap.duration_s {
        doc.bullet(&format!(
            "{} {}",
            label(Key::ColDuration),
            md_plain(&units::duration(lang, d))
        ));
    }
    doc.bullet(&format!(
        "{} {} ({} {})",
        label(Key::ColPackets),
        cap.packets,
        units::bytes(lang, cap.data_bytes),
        lang.pick("captured", "capturados")
    ));
    if !cap.link_types.is_empty() {
        let lt: Vec<String> = cap.link_types.iter().map(|l| md(l)).collect();
        doc.bullet(&format!("{} {}", label(Key::ColLinkTypes), lt.join(", ")));
    }
    if let Some(p) = &cap.time_precision {
        let p = match p.as_str() {
            "us" => lang.pick("microseconds", "microsegundos").to_string(),
            "ns" => lang.pick("nanoseconds", "nanosegundos").to_string(),
            other => md(other),
        };
        doc.bullet(&format!("{} {p}", label(Key::ColTimePrecision)));
    }
    for (i, iface) in cap.interfaces.iter().enumerate() {
        let mut parts = Vec::new();
        match (&iface.name, &iface.description) {
            (Some(n), Some(d)) => parts.push(format!("{} ({})", md(n), md(d))),
            (Some(n), None) => parts.push(md(n)),
            (None, Some(d)) => parts.push(md(d)),
            (None, None) => {}
        }
        parts.push(md(&iface.link_type));
        parts.push(format!("snaplen {}", iface.snaplen));
        if let Some(os) = &iface.os {
            parts.push(format!("{} {}", lang.pick("OS", "SO"), md(os)));
        }
        if let Some(f) = &iface.filter {
            parts.push(format!(
                "{} {}",
                lang.pick("capture filter", "filtro de captura"),
                md(f)
            ));
        }
        let s = format!(
            "**{} #{i}:** {}",
            lang.pick("Interface", "Interfaz"),
            parts.join(", ")
        );
        doc.bullet(&s);
    }
    for c in &cap.comments {
        // A comment may span lines: one sub-item per line, each escaped on its own.
        let lines: Vec<&str> = c
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        match lines.as_slice() {
            [one] => doc.bullet(&format!("{} {}", label(Key::ColComments), md(one))),
            _ => {
                doc.bullet(&label(Key::ColComments));
                for line in lines {
                    doc.sub_bullet(&md(line));
                }
            }
        }
    }
    for (value, en, es) in [
        (
            &cap.capture_application,
            "Capture application",
            "Aplicación de captura",
        ),
        (
            &cap.capture_os,
            "Capture operating system",
            "Sistema operativo de captura",
        ),
        (
            &cap.capture_hardware,
            "Capture hardware",
            "Hardware de captura",
        ),
    ] {
        if let Some(v) = value {
            doc.bullet(&format!("**{}:** {}", lang.pick(en, es), md(v)));
        }
    }
    if cap.cut_packets > 0 {
        doc.bullet(&md(&lang.pick(
            format!("{} packets were cut short by the snapshot length (only their first bytes were saved).", cap.cut_packets),
            format!("{} paquetes se recortaron por la longitud de captura (solo se guardaron sus primeros bytes).", cap.cut_packets),
        )));
    }
    if cap.time_ordered == Some(false) {
        doc.bullet(&md(lang.pick(
            "The packets are not in strict time order (capinfos: strict time order False).",
            "Los paquetes no están en orden temporal estricto (capinfos: orden temporal estricto False).",
        )));
    }
    let f = &report.filter;
    if f.server_ip.is_some() || f.server_port.is_some() {
        let mut parts = Vec::new();
        if let Some(ip) = &f.server_ip {
            parts.push(format!("server_ip = {}", md(ip)));
        }
        if let Some(p) = f.server_port {
            parts.push(format!("server_port = {p}"));
        }
        doc.bullet(&format!(
            "**{}:** {}",
            md(t(lang, Key::FilterApplied)),
            parts.join(", ")
        ));
    }
    doc.bullet(&lang.pick(
        format!(
            "**Tool:** {} (analysis in the browser or on the command line; TCP analysis follows Wireshark's rules, and frame numbers, streams and counts are meant to equal tshark 4.0's).",
            md(&report.generator)
        ),
        format!(
            "**Herramienta:** {} (análisis en el navegador o en la línea de órdenes; el análisis TCP sigue las reglas de Wireshark, y los números de trama, streams y recuentos pretenden coincidir con los de tshark 4.0).",
            md(&report.generator)
        ),
    ));
    if cap.truncated || !cap.warnings.is_empty() {
        doc.bullet(&label(Key::ColWarnings));
        if cap.truncated {
            doc.sub_bullet(&md(t(lang, Key::ErrTruncated)));
        }
        for w in &cap.warnings {
            doc.sub_bullet(&md(w));
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn connection_duration(c: &Connection) -> f64 {
    c.last_time - c.first_time
}

fn flows(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let conns = &report.tcp.connections;
    let ip = &report.flows.ip_conversations;
    let udp = &report.flows.udp_conversations;
    if conns.is_empty()
        && ip.is_empty()
        && udp.is_empty()
        && report.flows.protocol_frames.is_empty()
    {
        return;
    }
    doc.section(t(lang, Key::SecFlows));

    if !conns.is_empty() {
        doc.subsection(t(lang, Key::SecTcpConnections));
        let rows: Vec<Vec<String>> = conns
            .iter()
            .take(MAX_CONNECTION_ROWS)
            .map(|c| {
                vec![
                    c.stream.to_string(),
                    md(&c.client),
                    md(&c.server),
                    c.packets.to_string(),
                    c.bytes.to_string(),
                    md_plain(&units::duration(lang, connection_duration(c))),
                    yes_no(lang, c.handshake_completed),
                    md(names::close_label(lang, &c.close)),
                    format!(
                        "{} ({})",
                        md(&c.conn_state),
                        md(names::conn_state(lang, &c.conn_state))
                    ),
                ]
            })
            .collect();
        doc.table(
            &[
                t(lang, Key::ColStream),
                t(lang, Key::ColClient),
                t(lang, Key::ColServer),
                t(lang, Key::ColPackets),
                t(lang, Key::ColBytes),
                t(lang, Key::ColDuration),
                t(lang, Key::ColHandshake),
                t(lang, Key::ColClose),
                t(lang, Key::ColConnState),
            ],
            &rows,
        );
        doc.capped(rows.len(), conns.len());
    }

    if !ip.is_empty() {
        doc.subsection(t(lang, Key::SecIpConversations));
        // In the core's order, which is tshark's `-z conv` order (most frames first).
        let listed: Vec<&Conversation> = ip.iter().collect();
        conversation_table(doc, &listed, ip.len());

        doc.subsection(t(lang, Key::SecTopTalkers));
        let talkers = talkers(report);
        let rows: Vec<Vec<String>> = talkers
            .iter()
            .take(MAX_TALKERS)
            .map(|(addr, packets, bytes)| {
                vec![
                    md(addr),
                    packets.to_string(),
                    bytes.to_string(),
                    md_plain(&units::bytes(lang, *bytes)),
                ]
            })
            .collect();
        doc.table(
            &[
                t(lang, Key::ColAddress),
                t(lang, Key::ColPackets),
                t(lang, Key::ColBytes),
                lang.pick("Size", "Tamaño"),
            ],
            &rows,
        );
        doc.capped(rows.len(), talkers.len());
    }

    let protocols = &report.flows.protocol_frames;
    if !protocols.is_empty() {
        doc.subsection(lang.pick("Frames per protocol", "Tramas por protocolo"));
        let mut list: Vec<(&String, &u64)> = protocols.iter().collect();
        list.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|(name, n)| vec![md(name), n.to_string()])
            .collect();
        doc.table(&[t(lang, Key::ColProtocol), t(lang, Key::ColFrames)], &rows);
    }

    if !udp.is_empty() {
        doc.subsection(t(lang, Key::SecUdpConversations));
        let listed: Vec<&Conversation> = udp.iter().collect();
        conversation_table(doc, &listed, udp.len());
    }
}

fn conversation_table(doc: &mut Doc, convs: &[&Conversation], total: usize) {
    let lang = doc.lang;
    let rows: Vec<Vec<String>> = convs
        .iter()
        .take(MAX_CONVERSATION_ROWS)
        .map(|c| {
            vec![
                md(&c.a),
                md(&c.b),
                c.packets_a_to_b.to_string(),
                c.bytes_a_to_b.to_string(),
                c.packets_b_to_a.to_string(),
                c.bytes_b_to_a.to_string(),
                md_plain(&units::duration(lang, c.last_time - c.first_time)),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColAddressA),
            t(lang, Key::ColAddressB),
            t(lang, Key::ColPacketsAtoB),
            t(lang, Key::ColBytesAtoB),
            t(lang, Key::ColPacketsBtoA),
            t(lang, Key::ColBytesBtoA),
            t(lang, Key::ColDuration),
        ],
        &rows,
    );
    doc.capped(rows.len(), total);
}

/// The top talkers: the core's list when it has one, else computed from the conversations.
fn talkers(report: &Report) -> Vec<(String, u64, u64)> {
    let core = &report.flows.top_talkers_by_bytes;
    if core.is_empty() {
        top_talkers(&report.flows.ip_conversations)
    } else {
        core.iter()
            .map(|t| (t.address.clone(), t.packets, t.bytes))
            .collect()
    }
}

/// Every address of the IP conversations with the packets and bytes it sent plus received
/// (Wireshark's Endpoints totals), most bytes first.
pub fn top_talkers(convs: &[Conversation]) -> Vec<(String, u64, u64)> {
    let mut totals: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for c in convs {
        let packets = c.packets_a_to_b + c.packets_b_to_a;
        let bytes = c.bytes_a_to_b + c.bytes_b_to_a;
        for addr in [c.a.as_str(), c.b.as_str()] {
            let e = totals.entry(addr).or_default();
            e.0 += packets;
            e.1 += bytes;
        }
    }
    let mut out: Vec<(String, u64, u64)> = totals
        .into_iter()
        .map(|(a, (p, b))| (a.to_string(), p, b))
        .collect();
    out.sort_by(|x, y| {
        y.2.cmp(&x.2)
            .then_with(|| y.1.cmp(&x.1))
            .then_with(|| x.0.cmp(&y.0))
    });
    out
}

// ---------------------------------------------------------------------------------------------

fn key_packets(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let rows = keypackets::key_packets(report, lang);
    if rows.is_empty() {
        return;
    }
    doc.section(t(lang, Key::SecKeyPackets));
    let dash = || "—".to_string();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.frame.to_string(),
                r.source.as_deref().map(md).unwrap_or_else(dash),
                r.destination.as_deref().map(md).unwrap_or_else(dash),
                r.protocol.to_string(),
                md(&r.description),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColFrame),
            t(lang, Key::ColSource),
            t(lang, Key::ColDestination),
            t(lang, Key::ColProtocol),
            t(lang, Key::ColDescription),
        ],
        &table,
    );
    doc.para(&md(lang.pick(
        "To jump to a frame in Wireshark: Go → Go to Packet (Ctrl+G) and type its number, or use the filter frame.number == N.",
        "Para ir a una trama en Wireshark: Ir → Ir al paquete (Ctrl+G) y escribe su número, o usa el filtro frame.number == N.",
    )));
}

// ---------------------------------------------------------------------------------------------

fn detailed_streams(report: &Report) -> impl Iterator<Item = &Connection> {
    report.tcp.connections.iter().take(MAX_DETAILED_STREAMS)
}

fn stream_heading(c: &Connection) -> String {
    format!(
        "**Stream {}** ({} → {})",
        c.stream,
        md(&c.client),
        md(&c.server)
    )
}

fn options_text(lang: Lang, o: &SynOptions) -> String {
    let mut parts = Vec::new();
    match o.mss {
        Some(mss) => parts.push(format!("MSS {mss} bytes")),
        None => parts.push(lang.pick("no MSS option", "sin opción MSS").into()),
    }
    match o.wscale {
        Some(ws) => parts.push(lang.pick(
            format!("window scale {ws} (×{})", 1u32 << ws.min(14)),
            format!("escala de ventana {ws} (×{})", 1u32 << ws.min(14)),
        )),
        None => parts.push(lang.pick("no window scale", "sin escala de ventana").into()),
    }
    parts.push(if o.sack_perm {
        lang.pick("SACK permitted", "SACK permitido").into()
    } else {
        lang.pick("no SACK", "sin SACK").into()
    });
    if o.timestamps {
        parts.push(
            lang.pick("timestamps", "marcas de tiempo (timestamps)")
                .into(),
        );
    }
    parts.join(", ")
}

/// What the negotiated options mean for this connection.
fn options_meaning(lang: Lang, client: &SynOptions, server: Option<&SynOptions>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(server) = server else {
        out.push(
            lang.pick(
                "Without the server's SYN-ACK the options were never agreed.",
                "Sin el SYN-ACK del servidor, las opciones nunca llegaron a acordarse.",
            )
            .into(),
        );
        return out;
    };
    match (client.mss, server.mss) {
        (Some(c), Some(s)) => out.push(lang.pick(
            format!("MSS: each side announces the largest segment it can receive, so the client sends at most {s} bytes of data per segment and the server at most {c}."),
            format!("MSS: cada extremo anuncia el segmento más grande que puede recibir, así que el cliente envía como mucho {s} bytes de datos por segmento y el servidor como mucho {c}."),
        )),
        _ => out.push(lang.pick(
            "MSS: a side that announces no MSS gets the default (536 bytes over IPv4, 1220 over IPv6).".to_string(),
            "MSS: si un extremo no anuncia MSS se aplica el valor por defecto (536 bytes en IPv4, 1220 en IPv6).".to_string(),
        )),
    }
    match (client.wscale, server.wscale) {
        (Some(0), Some(0)) => out.push(lang.pick(
            "Window scaling was negotiated with a shift of 0 on both sides (×1): the windows stay within 65 535 bytes.".to_string(),
            "Se negoció el escalado de ventana con un desplazamiento de 0 en ambos extremos (×1): las ventanas siguen limitadas a 65 535 bytes.".to_string(),
        )),
        (Some(c), Some(s)) => out.push(lang.pick(
            format!("Window scaling is in use (both sides sent it): the client's window values are multiplied by {} and the server's by {}, so windows larger than 64 KiB are possible.", 1u32 << c.min(14), 1u32 << s.min(14)),
            format!("El escalado de ventana está activo (lo enviaron los dos extremos): los valores de ventana del cliente se multiplican por {} y los del servidor por {}, así que son posibles ventanas de más de 64 KiB.", 1u32 << c.min(14), 1u32 << s.min(14)),
        )),
        (None, None) => out.push(lang.pick(
            "No window scaling: the receive windows are limited to 65 535 bytes.".to_string(),
            "Sin escalado de ventana: las ventanas de recepción están limitadas a 65 535 bytes.".to_string(),
        )),
        _ => out.push(lang.pick(
            "Window scaling is NOT in use, because only one side offered it (both must): the receive windows are limited to 65 535 bytes.".to_string(),
            "El escalado de ventana NO está activo, porque solo lo ofreció un extremo (deben hacerlo los dos): las ventanas de recepción están limitadas a 65 535 bytes.".to_string(),
        )),
    }
    if client.timestamps && server.timestamps {
        out.push(lang.pick(
            "Timestamps are in use: every segment carries a time stamp, used to measure the RTT and to reject old duplicate segments when sequence numbers wrap (PAWS).".to_string(),
            "Las marcas de tiempo (timestamps) están activas: cada segmento lleva una marca de tiempo que sirve para medir el RTT y para descartar segmentos duplicados antiguos cuando los números de secuencia dan la vuelta (PAWS).".to_string(),
        ));
    }
    if client.sack_perm && server.sack_perm {
        out.push(lang.pick(
            "SACK is in use: a receiver can acknowledge blocks that arrived after a gap, so after a loss only the missing data has to be resent.".to_string(),
            "SACK está activo: el receptor puede confirmar los bloques que llegaron después de un hueco, así que tras una pérdida solo hay que reenviar lo que falta.".to_string(),
        ));
    } else {
        out.push(lang.pick(
            "SACK is not in use (both sides must permit it): after a loss the sender may resend more data than necessary.".to_string(),
            "SACK no está activo (deben permitirlo los dos extremos): tras una pérdida el emisor puede reenviar más datos de los necesarios.".to_string(),
        ));
    }
    out
}

fn handshakes(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecHandshake));
    doc.para(&md(lang.pick(
        "A TCP connection opens with a three-way handshake: the client sends SYN, the server answers SYN-ACK, and the client confirms with ACK. In the SYN and SYN-ACK each side announces its options: MSS (largest segment it accepts), window scale (multiplier for its window field) and SACK permitted (selective acknowledgements).",
        "Una conexión TCP se abre con el acuerdo en tres pasos (three-way handshake): el cliente envía SYN, el servidor responde SYN-ACK y el cliente lo confirma con ACK. En el SYN y el SYN-ACK cada extremo anuncia sus opciones: MSS (el segmento más grande que acepta), escala de ventana (multiplicador de su campo de ventana) y SACK permitido (confirmaciones selectivas).",
    )));
    // Option sets already explained, with the first stream that had them.
    let mut explained: Vec<((SynOptions, Option<SynOptions>), u64)> = Vec::new();
    for c in detailed_streams(report) {
        doc.bullet(&stream_heading(c));
        let mut state = if c.handshake_completed {
            lang.pick(
                "Handshake completed (SYN, SYN-ACK and ACK seen in order)".to_string(),
                "Handshake completo (SYN, SYN-ACK y ACK vistos en orden)".to_string(),
            )
        } else if !c.syn_seen {
            lang.pick(
                "Handshake not captured: no SYN from the client was seen, the connection had already started when the capture began, so the roles below follow its first packet".to_string(),
                "Handshake no capturado: no se vio el SYN del cliente, la conexión ya había empezado cuando arrancó la captura, así que los papeles de abajo siguen a su primer paquete".to_string(),
            )
        } else {
            lang.pick(
                format!(
                    "Handshake not completed: {}",
                    names::conn_state(lang, &c.conn_state)
                ),
                format!(
                    "Handshake no completado: {}",
                    names::conn_state(lang, &c.conn_state)
                ),
            )
        };
        if first_frame_is_syn(c) {
            state.push_str(&lang.pick(
                format!("; the SYN is frame {}", c.first_frame),
                format!("; el SYN es la trama {}", c.first_frame),
            ));
        }
        state.push('.');
        // Wireshark also measures an "initial RTT" to a RST/ACK; it is a handshake RTT only
        // when the handshake completed.
        if let Some(irtt) = c.irtt_s.filter(|_| c.handshake_completed) {
            state.push_str(&lang.pick(
                format!(
                    " Initial RTT (from the SYN to the handshake's ACK, at the capture point): {}.",
                    units::duration(lang, irtt)
                ),
                format!(
                    " RTT inicial (del SYN al ACK del handshake, en el punto de captura): {}.",
                    units::duration(lang, irtt)
                ),
            ));
        }
        doc.sub_bullet(&md(&state));
        // Without a SYN the "client" options may come from a SYN-ACK it sent.
        let client_segment = if c.client_to_server.syn == 0 && c.client_to_server.syn_ack > 0 {
            "SYN-ACK"
        } else {
            "SYN"
        };
        match &c.client_options {
            Some(o) => doc.sub_bullet(&md(&format!(
                "{} ({client_segment}): {}.",
                lang.pick("Client options", "Opciones del cliente"),
                options_text(lang, o)
            ))),
            None => doc.sub_bullet(&md(lang.pick(
                "Client options: no SYN captured.",
                "Opciones del cliente: no se capturó el SYN.",
            ))),
        }
        match &c.server_options {
            Some(o) => doc.sub_bullet(&md(&format!(
                "{}: {}.",
                lang.pick(
                    "Server options (SYN-ACK)",
                    "Opciones del servidor (SYN-ACK)"
                ),
                options_text(lang, o)
            ))),
            None => {
                let missing = if client_segment == "SYN-ACK" {
                    "SYN"
                } else {
                    "SYN-ACK"
                };
                doc.sub_bullet(&md(&lang.pick(
                    format!("Server options: no {missing} captured."),
                    format!("Opciones del servidor: no se capturó el {missing}."),
                )))
            }
        }
        if !c.syn_seen {
            doc.sub_bullet(&md(lang.pick(
                "Without both the SYN and the SYN-ACK the options actually in use cannot be told: each depends on what both sides offered.",
                "Sin el SYN y el SYN-ACK no se puede saber qué opciones se usan de verdad: cada una depende de lo que ofrecieron los dos extremos.",
            )));
        } else if let Some(client) = &c.client_options {
            let key = (client.clone(), c.server_options.clone());
            match explained.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => doc.sub_bullet(&md(&lang.pick(
                    format!("Same options as stream {first}, with the same meaning."),
                    format!("Mismas opciones que el stream {first}, con el mismo significado."),
                ))),
                None => {
                    for m in options_meaning(lang, client, c.server_options.as_ref()) {
                        doc.sub_bullet(&md(&m));
                    }
                    explained.push((key, c.stream));
                }
            }
        }
        doc.sub_bullet(&format!(
            "{} {}",
            md(lang.pick("Filter:", "Filtro:")),
            md_code(&format!("tcp.stream eq {} && tcp.flags.syn == 1", c.stream))
        ));
    }
    doc.capped(conns.len().min(MAX_DETAILED_STREAMS), conns.len());
}

fn tls(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let hss = &report.tls.handshakes;
    if hss.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecTls));
    doc.para(&md(lang.pick(
        "TLS starts with a ClientHello (the versions, cipher suites and extensions the client supports, including the SNI, the name of the server it wants) and a ServerHello (the version and cipher suite the server chose). From TLS 1.3 on, the ServerHello's version field says TLS 1.2 for compatibility and the real version is in the supported_versions extension.",
        "TLS empieza con un ClientHello (las versiones, suites de cifrado y extensiones que admite el cliente, incluido el SNI, el nombre del servidor al que quiere conectarse) y un ServerHello (la versión y la suite de cifrado que elige el servidor). A partir de TLS 1.3, el campo de versión del ServerHello dice TLS 1.2 por compatibilidad y la versión real va en la extensión supported_versions.",
    )));
    for hs in hss.iter().take(MAX_DETAILED_STREAMS) {
        let conn = report
            .tcp
            .connections
            .iter()
            .find(|c| c.stream == hs.stream);
        match conn {
            Some(c) => doc.bullet(&stream_heading(c)),
            None => doc.bullet(&format!("**Stream {}**", hs.stream)),
        }
        tls_handshake(doc, hs);
    }
    doc.capped(hss.len().min(MAX_DETAILED_STREAMS), hss.len());
    if hss.iter().any(is_tls13) {
        doc.para(&md(lang.pick(
            "TLS 1.3: everything after the ServerHello (EncryptedExtensions, the certificate, Finished) is encrypted, so the certificate cannot be read from the capture; a ChangeCipherSpec record, if present, is only there for middlebox compatibility.",
            "TLS 1.3: todo lo que va después del ServerHello (EncryptedExtensions, el certificado, Finished) viaja cifrado, así que el certificado no se puede leer en la captura; un registro ChangeCipherSpec, si aparece, solo está por compatibilidad con equipos intermedios.",
        )));
    }
    if hss
        .iter()
        .any(|h| !is_tls13(h) && (h.selected_version.is_some() || h.server_hello_frame.is_some()))
    {
        doc.para(&md(lang.pick(
            "Before TLS 1.3 the server's certificate travels unencrypted after the ServerHello: look at it with the filter tls.handshake.type == 11.",
            "Antes de TLS 1.3 el certificado del servidor viaja sin cifrar después del ServerHello: puedes verlo con el filtro tls.handshake.type == 11.",
        )));
    }
}

fn tls_handshake(doc: &mut Doc, hs: &Handshake) {
    let lang = doc.lang;
    if let Some(frame) = hs.client_hello_frame {
        let mut parts = vec![format!(
            "SNI: {}",
            hs.sni.as_deref().map(md).unwrap_or_else(|| lang
                .pick(
                    "none (no server name sent)",
                    "ninguno (no se envió nombre de servidor)"
                )
                .into())
        )];
        let versions = offered_versions(hs);
        if !versions.is_empty() {
            parts.push(format!(
                "{} {}",
                lang.pick("versions offered:", "versiones ofrecidas:"),
                md(&versions.join(", "))
            ));
        }
        if let Some(lv) = &hs.legacy_version {
            parts.push(format!("{} {}", md("legacy_version"), md(lv)));
        }
        if !hs.alpn.is_empty() {
            parts.push(format!(
                "{} {}",
                lang.pick("ALPN offered:", "ALPN ofrecido:"),
                md(&hs.alpn.join(", "))
            ));
        }
        let real: Vec<&String> = hs
            .cipher_suites
            .iter()
            .filter(|c| !names::parse_code(c).is_some_and(names::is_grease))
            .collect();
        if !real.is_empty() {
            let shown: Vec<String> = real
                .iter()
                .take(5)
                .map(|c| md(&names::cipher_suite_label(c)))
                .collect();
            let more = if real.len() > 5 {
                format!(" … (+{})", real.len() - 5)
            } else {
                String::new()
            };
            parts.push(format!(
                "{} {}{more}",
                md(&count(
                    lang,
                    real.len() as u64,
                    ("cipher suite offered:", "cipher suites offered:"),
                    ("suite de cifrado ofrecida:", "suites de cifrado ofrecidas:")
                )),
                shown.join(", ")
            ));
        }
        doc.sub_bullet(&format!(
            "**ClientHello** ({} {frame}): {}.",
            md(t(lang, Key::ColFrame)).to_lowercase(),
            parts.join("; ")
        ));
        client_hello_full(doc, hs);
    }
    match hs.server_hello_frame {
        Some(frame) => {
            let mut parts = Vec::new();
            if let Some(v) = &hs.selected_version {
                parts.push(format!(
                    "{} {} ({})",
                    lang.pick("version", "versión"),
                    md(&names::tls_version(v)),
                    md(v)
                ));
            } else if let Some(v) = &hs.legacy_version {
                parts.push(format!(
                    "{} {}",
                    lang.pick("version", "versión"),
                    md(&names::tls_version(v))
                ));
            }
            if let Some(c) = &hs.cipher {
                parts.push(format!(
                    "{} {}",
                    lang.pick("cipher suite", "suite de cifrado"),
                    md(&names::cipher_suite_label(c))
                ));
            }
            match &hs.server_alpn {
                Some(a) => parts.push(format!("ALPN {}", md(a))),
                None if is_tls13(hs) && !hs.alpn.is_empty() => parts.push(md(lang.pick(
                    "ALPN not visible (TLS 1.3 sends it encrypted, in EncryptedExtensions)",
                    "ALPN no visible (TLS 1.3 lo envía cifrado, en EncryptedExtensions)",
                ))),
                None => {}
            }
            doc.sub_bullet(&format!(
                "**ServerHello** ({} {frame}): {}.",
                md(t(lang, Key::ColFrame)).to_lowercase(),
                parts.join("; ")
            ));
        }
        None => doc.sub_bullet(&md(lang.pick(
            "No ServerHello captured: the handshake did not complete in this capture.",
            "No se capturó ningún ServerHello: el handshake no se completó en esta captura.",
        ))),
    }
    if let Some(ja3) = &hs.ja3 {
        doc.sub_bullet(&format!("JA3: {}", md_code(ja3)));
    }
    if let Some(ja4) = &hs.ja4 {
        doc.sub_bullet(&format!("JA4: {}", md_code(ja4)));
    }
    if let Some(ja3s) = &hs.ja3s {
        doc.sub_bullet(&format!("JA3S: {}", md_code(ja3s)));
    }
    if let Some(ja4s) = &hs.ja4s {
        doc.sub_bullet(&format!("JA4S: {}", md_code(ja4s)));
    }
    if let Some(hrr) = &hs.hello_retry_request {
        let group = hrr
            .selected_group
            .as_deref()
            .map(|g| format!(" ({} {})", lang.pick("group", "grupo"), md(g)))
            .unwrap_or_default();
        doc.sub_bullet(&format!(
            "{}{group}.",
            md(&lang.pick(
                format!("HelloRetryRequest in frame {}: the server asked the client to send its key share again for another group", hrr.frame),
                format!("HelloRetryRequest en la trama {}: el servidor pidió al cliente que repitiera su key share con otro grupo", hrr.frame),
            ))
        ));
    }
    if let Some(how) = &hs.resumed {
        doc.sub_bullet(&md(&lang.pick(
            format!("Session resumed ({how}): the two sides reused keys from an earlier session instead of a full handshake, so no certificate is sent."),
            format!("Sesión reanudada ({how}): los dos extremos reutilizaron claves de una sesión anterior en vez de hacer un handshake completo, así que no se envía certificado."),
        )));
    }
    if hs.ech {
        doc.sub_bullet(&md(lang.pick(
            "The ClientHello carries Encrypted Client Hello (ECH): the real server name may be hidden, and the visible SNI may belong to a front server (it can also be GREASE ECH, a decoy).",
            "El ClientHello lleva Encrypted Client Hello (ECH): el nombre real del servidor puede ir oculto y el SNI visible puede ser de un servidor frontal (también puede ser GREASE ECH, un señuelo).",
        )));
    }
    if hs.lost_bytes > 0 {
        doc.sub_bullet(&md(&lang.pick(
            format!("{} bytes of this stream are missing from the capture, so some TLS records could not be read.", hs.lost_bytes),
            format!("Faltan {} bytes de este stream en la captura, así que algunos registros TLS no se han podido leer.", hs.lost_bytes),
        )));
    }
    let r = &hs.records;
    doc.sub_bullet(&md(&lang.pick(
        format!(
            "Records: {} handshake, {} ChangeCipherSpec, {} application data, {} alert.",
            r.handshake, r.change_cipher_spec, r.application_data, r.alert
        ),
        format!(
            "Registros: {} de handshake, {} ChangeCipherSpec, {} de datos de aplicación, {} de alerta.",
            r.handshake, r.change_cipher_spec, r.application_data, r.alert
        ),
    )));
    for a in &hs.alerts {
        let mut s = format!(
            "{} {}: {}",
            lang.pick("Frame", "Trama"),
            a.frame,
            keypackets::alert_text(lang, a.level, a.description)
        );
        if a.from == "client" || a.from == "server" {
            s.push_str(&lang.pick(
                format!(", sent by {}", names::side(lang, &a.from)),
                format!(", enviada por {}", names::side(lang, &a.from)),
            ));
        }
        if let Some(d) = a.description {
            s.push_str(&format!(". {}", names::tls_alert_meaning(lang, d)));
        }
        doc.sub_bullet(&md(&s));
    }
    doc.sub_bullet(&format!(
        "{} {}",
        md(lang.pick("Filter:", "Filtro:")),
        md_code(&format!("tcp.stream eq {} && tls.handshake", hs.stream))
    ));
}

/// Every list of the ClientHello, by name and number, as a nested list (the HTML report folds
/// it into a `<details>` element).
fn client_hello_full(doc: &mut Doc, hs: &Handshake) {
    let lang = doc.lang;
    doc.sub_bullet(&format!("**{}**", md(t(lang, Key::ChFull))));
    let list = |items: Vec<String>| -> String {
        if items.is_empty() {
            md(t(lang, Key::ChNone))
        } else {
            items.join(", ")
        }
    };
    let suites: Vec<String> = hs
        .cipher_suites
        .iter()
        .map(|c| md(&names::named_code(names::cipher_suite(c), c)))
        .collect();
    let extensions: Vec<String> = hs
        .extensions
        .iter()
        .map(|&e| md(&format!("{} ({e})", names::tls_extension(e).unwrap_or("?"))))
        .collect();
    let groups: Vec<String> = hs
        .supported_groups
        .iter()
        .map(|g| md(&names::named_code(names::tls_group(g), g)))
        .collect();
    let sigalgs: Vec<String> = hs
        .signature_algorithms
        .iter()
        .map(|a| md(&names::named_code(names::tls_signature_scheme(a), a)))
        .collect();
    let shares: Vec<String> = hs
        .key_share_groups
        .iter()
        .map(|g| md(&names::named_code(names::tls_group(g), g)))
        .collect();
    let versions: Vec<String> = hs
        .supported_versions
        .iter()
        .map(|v| md(&format!("{} ({v})", names::tls_version(v))))
        .collect();
    let points: Vec<String> = hs.ec_point_formats.iter().map(u8::to_string).collect();
    for (key, items) in [
        (Key::ChCipherSuites, suites),
        (Key::ChExtensions, extensions),
        (Key::ChSupportedVersions, versions),
        (Key::ChSupportedGroups, groups),
        (Key::ChSignatureAlgorithms, sigalgs),
        (Key::ChKeyShares, shares),
        (Key::ChEcPointFormats, points),
    ] {
        let n = items.len();
        doc.sub_sub_bullet(&format!("{} ({n}): {}", md(t(lang, key)), list(items)));
    }
}

fn is_tls13(hs: &Handshake) -> bool {
    hs.selected_version.as_deref().and_then(names::parse_code) == Some(0x0304)
}

fn tcp_behavior(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecTcpBehavior));
    let mut any = false;
    let mut kinds_seen: Vec<&str> = Vec::new();
    for c in detailed_streams(report) {
        let mut parts = Vec::new();
        for flag in TCP_FLAGS {
            let n = flag.count_in(&c.analysis);
            if n == 0 {
                continue;
            }
            if !kinds_seen.contains(&flag.kind) {
                kinds_seen.push(flag.kind);
            }
            let mut frames: Vec<u64> = report
                .tcp
                .issues
                .iter()
                .filter(|i| {
                    i.stream == c.stream
                        && (i.kind == flag.kind
                            || (flag.kind == "retransmission"
                                && expert::RETRANSMISSION_KINDS.contains(&i.kind.as_str())))
                })
                .map(|i| i.frame)
                .collect();
            frames.sort_unstable();
            frames.dedup();
            let mut p = format!("{} × {}", n, flag.title(lang));
            if !frames.is_empty() {
                p.push_str(&format!(
                    " ({})",
                    frames_text(lang, &frames, MAX_FRAMES_LISTED)
                ));
            }
            parts.push(p);
        }
        if parts.is_empty() {
            continue;
        }
        any = true;
        let mut line = format!("{}: {}.", stream_heading(c), md(&parts.join("; ")));
        if !c.handshake_completed && c.analysis.retransmission > 0 && c.payload_bytes == 0 {
            line.push(' ');
            line.push_str(&md(lang.pick(
                "The retransmitted segments are the SYN itself: the client tried again because no SYN-ACK came back.",
                "Los segmentos retransmitidos son el propio SYN: el cliente lo volvió a intentar porque no llegó ningún SYN-ACK.",
            )));
        }
        doc.bullet(&line);
    }
    if !any {
        doc.para(&md(lang.pick(
            "Wireshark's sequence analysis flags nothing in these connections: no retransmissions, duplicate ACKs, zero windows or lost segments.",
            "El análisis de secuencia de Wireshark no marca nada en estas conexiones: ni retransmisiones, ni ACK duplicados, ni ventanas cero, ni segmentos perdidos.",
        )));
        return;
    }
    doc.para(&md(lang.pick("What these mean:", "Qué significan:")));
    for flag in TCP_FLAGS.iter().filter(|f| kinds_seen.contains(&f.kind)) {
        doc.bullet(&format!(
            "**{}** ({}): {}",
            md(flag.title(lang)),
            md_code(&flag.filter()),
            md(flag.explanation(lang))
        ));
    }
}

fn close(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let conns = &report.tcp.connections;
    if conns.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecClose));
    doc.para(&md(lang.pick(
        "A normal close is a FIN from each side, each one acknowledged (four segments, or three when a FIN and an ACK travel together). A RST aborts the connection at once, without waiting for the other side.",
        "Un cierre normal consiste en un FIN de cada extremo, cada uno confirmado con su ACK (cuatro segmentos, o tres si un FIN y un ACK viajan juntos). Un RST aborta la conexión de inmediato, sin esperar al otro extremo.",
    )));
    for c in detailed_streams(report) {
        let how = match c.close.as_ref() {
            "fin" => lang
                .pick(
                    "closed normally: both sides sent FIN",
                    "cerrada normalmente: los dos extremos enviaron FIN",
                )
                .to_string(),
            "half_fin" => {
                let who = c
                    .fin_from
                    .as_deref()
                    .map(|w| names::side(lang, w))
                    .unwrap_or_else(|| lang.pick("one side", "un extremo").into());
                lang.pick(
                    format!("half closed: only {who} sent FIN; the other side had not closed by the end of the capture"),
                    format!("medio cerrada: solo {who} envió FIN; el otro extremo no había cerrado al acabar la captura"),
                )
            }
            "rst" => {
                let who = c
                    .rst_from
                    .as_deref()
                    .map(|w| names::side(lang, w))
                    .unwrap_or_else(|| {
                        lang.pick("an unknown side", "un extremo desconocido")
                            .into()
                    });
                let mut s = lang.pick(
                    format!("aborted with RST by {who}"),
                    format!("abortada con RST por {who}"),
                );
                if let Some(f) = &c.fin_from {
                    s.push_str(&lang.pick(
                        format!(" (after a FIN from {})", names::side(lang, f)),
                        format!(" (después de un FIN de {})", names::side(lang, f)),
                    ));
                }
                s
            }
            "open" if c.conn_state == "S0" || c.conn_state == "REJ" => lang
                .pick("never established", "nunca llegó a establecerse")
                .to_string(),
            "open" => lang
                .pick(
                    "still open when the capture ended (no FIN or RST seen)",
                    "seguía abierta al acabar la captura (no se vio FIN ni RST)",
                )
                .to_string(),
            other => other.to_string(),
        };
        doc.bullet(&format!(
            "{}: {}. {} {} ({}); {} {}.",
            stream_heading(c),
            md(&how),
            md(t(lang, Key::ColConnState)),
            md(&c.conn_state),
            md(names::conn_state(lang, &c.conn_state)),
            md(lang.pick("last frame", "última trama")),
            c.last_frame
        ));
    }
    doc.para(&format!(
        "{} {}",
        md(lang.pick("Filter:", "Filtro:")),
        md_code("tcp.flags.fin == 1 || tcp.flags.reset == 1")
    ));
}

fn dns(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let dns = &report.dns;
    if dns.messages.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecDns));
    let mut summary = format!(
        "{}, {}, {}.",
        count(
            lang,
            dns.queries,
            ("query", "queries"),
            ("consulta", "consultas")
        ),
        count(
            lang,
            dns.responses,
            ("response", "responses"),
            ("respuesta", "respuestas")
        ),
        count(
            lang,
            dns.unanswered,
            ("query without response", "queries without response"),
            ("consulta sin respuesta", "consultas sin respuesta")
        ),
    );
    if let Some(l) = &dns.latency {
        summary.push(' ');
        summary.push_str(&lang.pick(
            format!(
                "Response time: min {}, mean {}, max {}.",
                units::duration(lang, l.min_ms / 1000.0),
                units::duration(lang, l.mean_ms / 1000.0),
                units::duration(lang, l.max_ms / 1000.0)
            ),
            format!(
                "Tiempo de respuesta: mínimo {}, medio {}, máximo {}.",
                units::duration(lang, l.min_ms / 1000.0),
                units::duration(lang, l.mean_ms / 1000.0),
                units::duration(lang, l.max_ms / 1000.0)
            ),
        ));
    }
    doc.para(&md(&summary));
    let dash = || "—".to_string();
    let rows: Vec<Vec<String>> = dns
        .messages
        .iter()
        .take(MAX_MESSAGE_ROWS)
        .map(|m| {
            let answers: Vec<String> = m
                .answers
                .iter()
                .take(5)
                .map(|a| format!("{} {}", a.rtype, a.data))
                .collect();
            let mut answers = answers.join(", ");
            if m.answers.len() > 5 {
                answers.push_str(&format!(" … (+{})", m.answers.len() - 5));
            }
            let pair = match (m.response, m.response_in, m.response_to) {
                (false, Some(r), _) => {
                    lang.pick(format!("response in {r}"), format!("respuesta en {r}"))
                }
                (false, None, _) => lang.pick("no response", "sin respuesta").to_string(),
                (true, _, Some(q)) => match m.latency_ms {
                    Some(ms) => lang.pick(
                        format!("answers {q} ({})", units::duration(lang, ms / 1000.0)),
                        format!("responde a {q} ({})", units::duration(lang, ms / 1000.0)),
                    ),
                    None => lang.pick(format!("answers {q}"), format!("responde a {q}")),
                },
                (true, _, None) => String::new(),
            };
            vec![
                m.frame.to_string(),
                keypackets::endpoint(&m.src, Some(m.src_port))
                    .map(|e| md(&e))
                    .unwrap_or_else(dash),
                keypackets::endpoint(&m.dst, Some(m.dst_port))
                    .map(|e| md(&e))
                    .unwrap_or_else(dash),
                format!(
                    "{} 0x{:04x}",
                    md(if m.response {
                        lang.pick("response", "respuesta")
                    } else {
                        lang.pick("query", "consulta")
                    }),
                    m.id
                ),
                m.qname.as_deref().map(md).unwrap_or_else(dash),
                m.qtype.as_deref().map(md).unwrap_or_else(dash),
                m.rcode
                    .as_deref()
                    .filter(|_| m.response)
                    .map(md)
                    .unwrap_or_else(dash),
                md(&answers),
                md(&pair),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColFrame),
            t(lang, Key::ColSource),
            t(lang, Key::ColDestination),
            t(lang, Key::ColMessage),
            t(lang, Key::ColQuery),
            t(lang, Key::ColType),
            t(lang, Key::ColRcode),
            t(lang, Key::ColAnswers),
            lang.pick("Query / response", "Consulta / respuesta"),
        ],
        &rows,
    );
    doc.capped(rows.len(), dns.messages.len());
    let mut explained: Vec<String> = Vec::new();
    for m in dns.messages.iter().filter(|m| m.response) {
        if let Some(rcode) = m.rcode.as_deref() {
            let upper = rcode.to_ascii_uppercase();
            if names::dns_rcode_number(rcode) != Some(0) && !explained.contains(&upper) {
                doc.bullet(&format!(
                    "**{}**: {}",
                    md(&upper),
                    md(names::dns_rcode_meaning(lang, rcode))
                ));
                explained.push(upper);
            }
        }
    }
}

fn dhcp(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let dhcp = &report.dhcp;
    if dhcp.messages.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecDhcp));
    doc.para(&md(lang.pick(
        "A client gets an address with four messages, DORA: Discover (the client looks for servers, by broadcast), Offer (a server offers an address), Request (the client asks for the offered address) and Ack (the server confirms it and the lease starts).",
        "Un cliente obtiene una dirección con cuatro mensajes, DORA: Discover (el cliente busca servidores por difusión), Offer (un servidor ofrece una dirección), Request (el cliente pide la dirección ofrecida) y Ack (el servidor la confirma y empieza la concesión).",
    )));
    let rows: Vec<Vec<String>> = dhcp
        .messages
        .iter()
        .take(MAX_MESSAGE_ROWS)
        .map(|m| {
            vec![
                m.frame.to_string(),
                m.message_type
                    .as_deref()
                    .map(md)
                    .unwrap_or_else(|| "—".into()),
                md(&m.xid),
                m.client_mac
                    .as_deref()
                    .map(md)
                    .unwrap_or_else(|| "—".into()),
                m.yiaddr
                    .as_deref()
                    .filter(|a| *a != "0.0.0.0")
                    .map(md)
                    .unwrap_or_else(|| "—".into()),
                m.server_id.as_deref().map(md).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColFrame),
            t(lang, Key::ColMessage),
            t(lang, Key::ColXid),
            t(lang, Key::ColClientMac),
            t(lang, Key::ColAssignedIp),
            t(lang, Key::ColDhcpServer),
        ],
        &rows,
    );
    doc.capped(rows.len(), dhcp.messages.len());
    let mut acks: HashMap<&str, &pcaplens_core::report::dhcp::Message> = HashMap::new();
    for m in dhcp.messages.iter().filter(|m| {
        m.message_type
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("ACK"))
    }) {
        acks.entry(m.xid.as_str()).or_insert(m);
    }
    for tr in dhcp.transactions.iter().take(MAX_MESSAGE_ROWS) {
        let mut line = format!(
            "xid {}: {} — {} {}",
            md(&tr.xid),
            md(&frames_text(lang, &tr.frames, MAX_FRAMES_LISTED)),
            md(t(lang, Key::ColDoraComplete)),
            yes_no(lang, tr.dora_complete)
        );
        if !tr.sequence.is_empty() {
            line.push_str(&format!(" ({})", md(&tr.sequence.join(" → "))));
        }
        if let Some(ip) = &tr.assigned_ip {
            line.push_str(&format!(
                "; {} {}",
                md(lang.pick("assigned", "asignada")),
                md(ip)
            ));
        }
        if !tr.servers.is_empty() {
            line.push_str(&format!(
                "; {} {}",
                md(lang.pick("server", "servidor")),
                md(&tr.servers.join(", "))
            ));
        }
        doc.bullet(&line);
        // What the ACK configured: the facts a student checks in a DHCP exercise.
        let ack = acks.get(tr.xid.as_str());
        if let Some(o) = ack.map(|m| &m.options) {
            let mut parts = Vec::new();
            if let Some(mask) = &o.subnet_mask {
                parts.push(format!("{} {mask}", lang.pick("mask", "máscara")));
            }
            if !o.routers.is_empty() {
                parts.push(format!(
                    "{} {}",
                    lang.pick("gateway", "puerta de enlace"),
                    o.routers.join(", ")
                ));
            }
            if !o.dns_servers.is_empty() {
                parts.push(format!("DNS {}", o.dns_servers.join(", ")));
            }
            if let Some(domain) = &o.domain_name {
                parts.push(format!("{} {domain}", lang.pick("domain", "dominio")));
            }
            if let Some(lease) = o.lease_time {
                parts.push(format!(
                    "{} {}",
                    lang.pick("lease", "concesión"),
                    units::duration(lang, f64::from(lease))
                ));
            }
            if !parts.is_empty() {
                doc.sub_bullet(&md(&format!("ACK: {}", parts.join(", "))));
            }
        }
    }
}

fn icmp(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let icmp = &report.icmp;
    if icmp.messages.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecIcmp));
    if icmp.echo_requests + icmp.echo_replies > 0 {
        doc.para(&md(&format!(
            "{}, {}, {}.",
            count(
                lang,
                icmp.echo_requests,
                ("echo request", "echo requests"),
                ("solicitud de eco", "solicitudes de eco")
            ),
            count(
                lang,
                icmp.echo_replies,
                ("echo reply", "echo replies"),
                ("respuesta de eco", "respuestas de eco")
            ),
            count(
                lang,
                icmp.unanswered,
                ("request without reply", "requests without reply"),
                ("solicitud sin respuesta", "solicitudes sin respuesta")
            ),
        )));
    }
    let rows: Vec<Vec<String>> = icmp
        .messages
        .iter()
        .take(MAX_MESSAGE_ROWS)
        .map(|m| {
            vec![
                m.frame.to_string(),
                keypackets::endpoint(&m.src, None)
                    .map(|e| md(&e))
                    .unwrap_or_else(|| "—".into()),
                keypackets::endpoint(&m.dst, None)
                    .map(|e| md(&e))
                    .unwrap_or_else(|| "—".into()),
                if m.version == 6 {
                    "ICMPv6".into()
                } else {
                    "ICMP".into()
                },
                md(&keypackets::icmp_info(lang, m)),
                format!("{}/{}", m.icmp_type, m.code),
                m.rtt_ms
                    .map(|ms| md_plain(&units::duration(lang, ms / 1000.0)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColFrame),
            t(lang, Key::ColSource),
            t(lang, Key::ColDestination),
            t(lang, Key::ColProtocol),
            t(lang, Key::ColDescription),
            lang.pick("Type/code", "Tipo/código"),
            "RTT",
        ],
        &rows,
    );
    doc.capped(rows.len(), icmp.messages.len());
}

fn sip(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let sip = &report.sip;
    if sip.messages.is_empty() {
        return;
    }
    doc.subsection(t(lang, Key::SecSip));
    let rows: Vec<Vec<String>> = sip
        .messages
        .iter()
        .take(MAX_MESSAGE_ROWS)
        .map(|m| {
            let what = match (&m.method, m.status) {
                (Some(method), _) => md(method),
                (None, Some(s)) => md(&match names::sip_reason(s) {
                    Some(r) => format!("{s} {r}"),
                    None => s.to_string(),
                }),
                (None, None) => "—".into(),
            };
            vec![
                m.frame.to_string(),
                what,
                m.cseq.as_deref().map(md).unwrap_or_else(|| "—".into()),
                m.call_id.as_deref().map(md).unwrap_or_else(|| "—".into()),
                md(&m.transport),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColFrame),
            lang.pick("Request / response", "Petición / respuesta"),
            t(lang, Key::ColCseq),
            t(lang, Key::ColCallId),
            t(lang, Key::ColTransport),
        ],
        &rows,
    );
    doc.capped(rows.len(), sip.messages.len());

    if sip.calls.is_empty() {
        return;
    }
    let dash = || "—".to_string();
    let rows: Vec<Vec<String>> = sip
        .calls
        .iter()
        .take(MAX_MESSAGE_ROWS)
        .map(|c| {
            let final_status = c.final_status.map(|st| {
                let reason = c
                    .final_reason
                    .clone()
                    .or_else(|| names::sip_reason(st).map(str::to_string));
                match reason {
                    Some(r) => format!("{st} {r}"),
                    None => st.to_string(),
                }
            });
            let codecs: Vec<String> = c
                .offer
                .iter()
                .chain(c.answer.iter())
                .flat_map(|sdp| sdp.media.iter())
                .flat_map(|m| m.codecs.iter().cloned())
                .fold(Vec::new(), |mut acc, codec| {
                    if !acc.contains(&codec) {
                        acc.push(codec);
                    }
                    acc
                });
            vec![
                md(&c.call_id),
                c.method.as_deref().map(md).unwrap_or_else(dash),
                c.from.as_deref().map(md).unwrap_or_else(dash),
                c.to.as_deref().map(md).unwrap_or_else(dash),
                md(names::sip_call_state(lang, &c.state, c.method.as_deref())),
                final_status.as_deref().map(md).unwrap_or_else(dash),
                c.setup_s
                    .map(|d| md_plain(&units::duration(lang, d)))
                    .unwrap_or_else(dash),
                c.duration_s
                    .map(|d| md_plain(&units::duration(lang, d)))
                    .unwrap_or_else(dash),
                if codecs.is_empty() {
                    dash()
                } else {
                    md(&codecs.join(", "))
                },
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColCallId),
            t(lang, Key::ColMethod),
            lang.pick("From", "De"),
            lang.pick("To", "Para"),
            t(lang, Key::ColState),
            lang.pick("Final response", "Respuesta final"),
            lang.pick("Setup time", "Tiempo de establecimiento"),
            t(lang, Key::ColDuration),
            lang.pick("Codecs", "Códecs"),
        ],
        &rows,
    );
    doc.capped(rows.len(), sip.calls.len());
}

// ---------------------------------------------------------------------------------------------

fn expert_info(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let groups = expert::groups(report, lang);
    doc.section(t(lang, Key::SecExpert));
    if groups.is_empty() {
        doc.para(&md(t(lang, Key::NoIssues)));
        return;
    }
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let unit = match (g.unit, g.count) {
                (CountUnit::Connections, 1) => lang.pick(" (connection)", " (conexión)"),
                (CountUnit::Connections, _) => lang.pick(" (connections)", " (conexiones)"),
                _ => "",
            };
            let frames: Vec<u64> = g.items.iter().filter_map(|i| i.frame).collect();
            vec![
                md(g.severity.label(lang)),
                md(g.protocol),
                md(&g.title),
                format!("{}{unit}", g.count),
                if frames.is_empty() {
                    "—".into()
                } else {
                    md(&units::frame_list(&frames, MAX_EXPERT_FRAMES))
                },
                g.filter
                    .as_deref()
                    .map(md_code_cell)
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    doc.table(
        &[
            t(lang, Key::ColSeverity),
            t(lang, Key::ColProtocol),
            t(lang, Key::ColGroup),
            t(lang, Key::ColCount),
            t(lang, Key::ColFrames),
            t(lang, Key::ColFilter),
        ],
        &rows,
    );
    for g in &groups {
        let source = match g.severity_source {
            expert::SeveritySource::Wireshark => String::new(),
            expert::SeveritySource::Pcaplens => {
                format!(" _({})_", md(g.severity_source.label(lang)))
            }
        };
        doc.bullet(&format!(
            "**{}**{source}: {}",
            md(&g.title),
            md(&g.explanation)
        ));
        for s in g.streams.iter().take(MAX_DETAILED_STREAMS) {
            doc.sub_bullet(&format!(
                "Stream {}: {} — {}",
                s.stream,
                s.count,
                md_code(&s.filter)
            ));
        }
        if g.streams.is_empty() {
            for item in g
                .items
                .iter()
                .filter(|i| i.detail.is_some())
                .take(MAX_EXPERT_FRAMES)
            {
                let mut s = String::new();
                if let Some(f) = item.frame {
                    s.push_str(&format!("{} {f}: ", md(t(lang, Key::ColFrame))));
                } else if let Some(st) = item.stream {
                    s.push_str(&format!("Stream {st}: "));
                }
                s.push_str(&md(item.detail.as_deref().unwrap_or_default()));
                doc.sub_bullet(&s);
            }
        }
    }
}

fn filters(doc: &mut Doc, report: &Report) {
    let lang = doc.lang;
    let mut list: Vec<(String, String)> = Vec::new();
    let conns = &report.tcp.connections;
    if !conns.is_empty() {
        list.push((
            "tcp.flags.syn == 1 && tcp.flags.ack == 0".into(),
            lang.pick(
                "every connection attempt (SYN)",
                "todos los intentos de conexión (SYN)",
            )
            .into(),
        ));
        for c in conns.iter().take(5) {
            list.push((
                format!("tcp.stream eq {}", c.stream),
                lang.pick(
                    format!(
                        "the whole of stream {} (or right-click → Follow → TCP Stream)",
                        c.stream
                    ),
                    format!(
                        "todo el stream {} (o clic derecho → Seguir → Flujo TCP)",
                        c.stream
                    ),
                ),
            ));
        }
        list.push((
            "tcp.analysis.flags && !tcp.analysis.window_update".into(),
            lang.pick(
                "every TCP problem Wireshark flags",
                "todos los problemas TCP que marca Wireshark",
            )
            .into(),
        ));
    }
    if !report.tls.handshakes.is_empty() {
        list.push((
            "tls.handshake.type == 1".into(),
            lang.pick("ClientHello messages", "mensajes ClientHello")
                .into(),
        ));
        list.push((
            "tls.handshake.type == 2".into(),
            lang.pick("ServerHello messages", "mensajes ServerHello")
                .into(),
        ));
        list.push((
            "tls.handshake.extensions_server_name".into(),
            lang.pick("ClientHellos carrying an SNI", "ClientHello que llevan SNI")
                .into(),
        ));
    }
    if !report.dns.messages.is_empty() {
        list.push((
            "dns.flags.rcode != 0".into(),
            lang.pick("DNS responses with an error", "respuestas DNS con error")
                .into(),
        ));
    }
    if !report.dhcp.messages.is_empty() {
        list.push((
            "dhcp".into(),
            lang.pick("all DHCP messages", "todos los mensajes DHCP")
                .into(),
        ));
    }
    if !report.icmp.messages.is_empty() {
        list.push((
            "icmp || icmpv6".into(),
            lang.pick("all ICMP messages", "todos los mensajes ICMP")
                .into(),
        ));
    }
    if !report.sip.messages.is_empty() {
        list.push((
            "sip".into(),
            lang.pick("all SIP messages", "todos los mensajes SIP")
                .into(),
        ));
    }
    if list.is_empty() {
        return;
    }
    doc.section(t(lang, Key::SecFilters));
    for (filter, what) in list {
        doc.bullet(&format!("{} — {}", md_code(&filter), md(&what)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    /// The rows of the first table after `heading`, split into cells (unescaped pipes only).
    fn table_after(doc: &str, heading: &str) -> Vec<Vec<String>> {
        let start = doc.find(heading).unwrap_or_else(|| panic!("no {heading}"));
        doc[start..]
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(split_row)
            .collect()
    }

    fn split_row(line: &str) -> Vec<String> {
        let mut cells = vec![String::new()];
        let mut chars = line.trim().trim_start_matches('|').chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    cells.last_mut().unwrap().push(c);
                    if let Some(n) = chars.next() {
                        cells.last_mut().unwrap().push(n);
                    }
                }
                '|' => cells.push(String::new()),
                c => cells.last_mut().unwrap().push(c),
            }
        }
        cells.pop(); // after the closing pipe
        cells.into_iter().map(|c| c.trim().to_string()).collect()
    }

    #[test]
    fn english_report_has_every_section_and_key_lines() {
        let doc = markdown(&testdata::lossy_tls_report(), Lang::En);
        for heading in [
            "# Capture analysis: lab3 \\| grupo \\`A\\`.pcapng",
            "## 1. Summary",
            "## 2. Method",
            "## 3. Traffic flows",
            "### 3.1 TCP connections",
            "### 3.2 IP conversations",
            "### 3.3 Top talkers",
            "### 3.4 UDP conversations",
            "## 4. Key packets",
            "## 5. Detailed analysis",
            "### 5.1 TCP three-way handshake and options",
            "### 5.2 TLS",
            "### 5.3 TCP behavior",
            "### 5.4 Connection close",
            "### 5.5 DNS",
            "### 5.6 DHCP",
            "### 5.7 ICMP",
            "## 6. Expert Info",
            "## 7. Conclusions",
            "## 8. Display filters to check this in Wireshark",
        ] {
            assert!(
                doc.lines().any(|l| l == heading),
                "missing {heading:?} in\n{doc}"
            );
        }
        for line in [
            "- **First packet:** 2023-11-14 22:13:20.000000 UTC",
            "- **Comments:**",
            "  - Práctica 3",
            "  - \\| injected \\| row \\|",
            "- **Packets:** 60 (30.0 kB captured)",
            "| 1 | 10.0.0.2:51000 | 93.184.216.34:443 | TCP | SYN: the client opens the connection (stream 0), MSS=1460 WS=128 SACK\\_PERM |",
            "| 4 | 10.0.0.2:51000 | 93.184.216.34:443 | TLS | ClientHello: SNI www.example.com; offers TLS 1.3, TLS 1.2; ALPN h2, http/1.1 |",
            "| 14 | 10.0.0.2:51000 | 93.184.216.34:443 | TCP | Duplicate ACK: first of 3 (stream 0) |",
            "  - Client options (SYN): MSS 1460 bytes, window scale 7 (×128), SACK permitted.",
            "  - Server options (SYN-ACK): MSS 1400 bytes, window scale 9 (×512), SACK permitted.",
            "  - MSS: each side announces the largest segment it can receive, so the client sends at most 1400 bytes of data per segment and the server at most 1460.",
            "  - Window scaling is NOT in use, because only one side offered it (both must): the receive windows are limited to 65 535 bytes.",
            "TLS 1.3: everything after the ServerHello (EncryptedExtensions, the certificate, Finished) is encrypted, so the certificate cannot be read from the capture; a ChangeCipherSpec record, if present, is only there for middlebox compatibility.",
            "  - **ServerHello** (frame 6): version TLS 1.3 (0x0304); cipher suite 0x1301 (TLS\\_AES\\_128\\_GCM\\_SHA256); ALPN not visible (TLS 1.3 sends it encrypted, in EncryptedExtensions).",
            "  - JA3: `cd08e31494f9531f560d64c695473da9`",
            "- **Stream 0** (10.0.0.2:51000 → 93.184.216.34:443): 1 × Zero window (frame 22); 3 × Retransmission (frames 17, 19, 20); 1 × Fast retransmission (frame 19); 1 × Spurious retransmission (frame 20); 3 × Duplicate ACK (frames 14, 15, 16); 1 × Window update (frame 24).",
            "- **Stream 0** (10.0.0.2:51000 → 93.184.216.34:443): aborted with RST by the server. Zeek state RSTR (established, server aborted (RST)); last frame 28.",
            "| Warning | TCP | Zero window | 1 | 22 | `tcp.analysis.zero_window` |",
            "| Note | TCP | Duplicate ACK | 3 | 14, 15, 16 | `tcp.analysis.duplicate_ack` |",
            "  - Stream 0: 3 — `tcp.stream eq 0 && tcp.analysis.duplicate_ack`",
            "Filter: `tcp.flags.fin == 1 || tcp.flags.reset == 1`",
            "4 queries, 3 responses, 1 query without response.",
            "- **NXDOMAIN**: Non-existent domain: the name does not exist. Usually a typo, a search-domain suffix being tried, or a blocked/retired name.",
        ] {
            assert!(doc.lines().any(|l| l == line), "missing line {line:?} in\n{doc}");
        }
    }

    #[test]
    fn spanish_report_key_lines() {
        let doc = markdown(&testdata::lossy_tls_report(), Lang::Es);
        for line in [
            "# Análisis de la captura: lab3 \\| grupo \\`A\\`.pcapng",
            "## 1. Resumen",
            "## 2. Metodología",
            "### 5.1 Acuerdo en tres pasos (three-way handshake) de TCP y opciones",
            "## 7. Conclusiones",
            "- **Primer paquete:** 2023-11-14 22:13:20.000000 UTC",
            "| 14 | 10.0.0.2:51000 | 93.184.216.34:443 | TCP | ACK duplicado: el primero de 3 (stream 0) |",
            "  - Opciones del cliente (SYN): MSS 1460 bytes, escala de ventana 7 (×128), SACK permitido.",
            "  - SACK está activo: el receptor puede confirmar los bloques que llegaron después de un hueco, así que tras una pérdida solo hay que reenviar lo que falta.",
            "| Advertencia | TCP | Ventana cero | 1 | 22 | `tcp.analysis.zero_window` |",
            "- **Stream 0** (10.0.0.2:51000 → 93.184.216.34:443): abortada con RST por el servidor. Estado (Zeek) RSTR (establecida; el servidor la abortó (RST)); última trama 28.",
        ] {
            assert!(doc.lines().any(|l| l == line), "missing line {line:?} in\n{doc}");
        }
        assert!(
            !doc.contains("Handshake completed"),
            "English leaked into Spanish"
        );
    }

    #[test]
    fn hostile_strings_do_not_break_tables_or_lines() {
        let mut r = testdata::lossy_tls_report();
        let hostile = "a|b`c\nd\r\n| x | y |<script>*_[l](u)\u{202E}";
        r.tls.handshakes[0].sni = Some(hostile.into());
        r.dns.messages[0].qname = Some(hostile.into());
        r.tcp.connections[0].client = hostile.into();
        r.flows.ip_conversations[0].a = hostile.into();
        r.dhcp.messages[0].client_mac = Some(hostile.into());
        r.capinfos.comments = vec![hostile.into()];
        r.file_name = Some(hostile.into());
        for lang in Lang::ALL {
            let doc = markdown(&r, lang);
            assert!(!doc.contains('\r') && !doc.contains('\u{202E}'));
            assert!(!doc.contains("<script>"), "raw HTML leaked");
            assert!(!doc.contains("[l](u)"), "a link leaked");
            // Every table keeps a constant column count.
            let mut in_table: Option<usize> = None;
            for line in doc.lines() {
                if line.starts_with('|') {
                    let n = split_row(line).len();
                    match in_table {
                        None => in_table = Some(n),
                        Some(m) => assert_eq!(n, m, "row breaks its table: {line}"),
                    }
                } else {
                    in_table = None;
                }
            }
            // The injected "row" stays inside its cell.
            assert!(!doc
                .lines()
                .any(|l| l.starts_with("| x") || l.starts_with("d")));
            let keyrows = table_after(&doc, t(lang, Key::SecKeyPackets));
            assert!(keyrows.iter().all(|r| r.len() == 5));
        }
    }

    #[test]
    fn empty_and_broken_reports_render() {
        let empty = markdown(&Report::default(), Lang::En);
        assert!(empty.contains("The capture contains no packets."));
        assert!(!empty.contains("## 3."));
        let broken = markdown(
            &Report {
                error: Some("not a capture | file".into()),
                ..Report::default()
            },
            Lang::Es,
        );
        assert!(
            broken
                .contains("El archivo no se ha podido leer como captura: not a capture \\| file."),
            "{broken}"
        );
        assert!(!broken.contains("## 2."));
    }

    #[test]
    #[ignore = "writes the sample reports to $PCAPLENS_DUMP for reading"]
    fn dump_for_review() {
        let dir = std::env::var("PCAPLENS_DUMP").unwrap_or_else(|_| "/tmp".into());
        for lang in Lang::ALL {
            let doc = markdown(&testdata::lossy_tls_report(), lang);
            std::fs::write(format!("{dir}/sample_{}.md", lang.code()), doc).unwrap();
        }
    }

    #[test]
    fn repeated_options_are_explained_once() {
        let mut r = testdata::lossy_tls_report();
        r.tcp.connections.push(Connection {
            stream: 3,
            ..r.tcp.connections[0].clone()
        });
        let doc = markdown(&r, Lang::En);
        assert_eq!(doc.matches("- SACK is in use").count(), 1, "{doc}");
        assert!(doc
            .lines()
            .any(|l| l == "  - Same options as stream 0, with the same meaning."));
        let es = markdown(&r, Lang::Es);
        assert!(es
            .lines()
            .any(|l| l == "  - Mismas opciones que el stream 0, con el mismo significado."));
    }

    #[test]
    fn top_talkers_sum_both_directions() {
        let r = testdata::lossy_tls_report();
        let talkers = top_talkers(&r.flows.ip_conversations);
        assert_eq!(talkers[0], ("10.0.0.2".to_string(), 37, 22_148));
        assert_eq!(talkers[1], ("93.184.216.34".to_string(), 26, 21_000));
    }

    #[test]
    fn sip_report_renders_its_section() {
        let mut r = testdata::sip_report();
        r.capinfos.packets = 6;
        let doc = markdown(&r, Lang::En);
        assert!(
            doc.contains(
                "| 6 | 486 Busy Here | 2 INVITE | a84b4c76e66710@pc33.example.com | udp |"
            ),
            "{doc}"
        );
        assert!(
            doc.contains("| Warning | SIP | SIP error response | 1 | 6 |"),
            "{doc}"
        );
    }
}
