//! Expert Info: every finding in a Report, grouped the way Wireshark's Expert Info dialog
//! groups them, with a severity, the frames (and TCP streams) involved, a plain-language
//! explanation for students, and the display filter that finds it in Wireshark.
//!
//! Severities of `tcp.analysis.*` items are Wireshark's own (packet-tcp.c `ei_register_info`;
//! e.g. window_full is a Warning there, not a Note). Findings Wireshark does not flag (DNS error
//! codes, TLS alerts, ICMP errors, DHCP NAK, connections without a reply) get a severity chosen
//! here, and say so in [`ExpertGroup::severity_source`].

use std::collections::BTreeMap;

use pcaplens_core::report::tcp::{AnalysisCounts, Connection, DirectionStats, Issue};
use pcaplens_core::Report;

use crate::i18n::{t, Key, Lang};
use crate::names;
use crate::units;

/// Wireshark's Expert Info severities, most severe first (so sorting puts errors on top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
    Chat,
    /// Packet comments (pcapng), which Wireshark lists in Expert Info too.
    Comment,
}

impl Severity {
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Severity::Error => Key::SeverityError,
                Severity::Warning => Key::SeverityWarning,
                Severity::Note => Key::SeverityNote,
                Severity::Chat => Key::SeverityChat,
                Severity::Comment => Key::SeverityComment,
            },
        )
    }

    /// The name Wireshark uses ("Error", "Warning", "Note", "Chat"), stable for CSS classes.
    pub fn wireshark_name(self) -> &'static str {
        match self {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
            Severity::Note => "Note",
            Severity::Chat => "Chat",
            Severity::Comment => "Comment",
        }
    }
}

/// Who decided the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeveritySource {
    /// Wireshark flags this with exactly this severity.
    Wireshark,
    /// Wireshark does not flag this; the severity is pcaplens's judgement.
    Pcaplens,
}

impl SeveritySource {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SeveritySource::Wireshark => t(lang, Key::SeverityFromWireshark),
            SeveritySource::Pcaplens => t(lang, Key::SeverityFromPcaplens),
        }
    }
}

/// What [`ExpertGroup::count`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountUnit {
    /// Frames, as Wireshark's Expert Info counts them.
    Frames,
    /// TCP connections (streams).
    Connections,
    /// File-level problems (no frame).
    Problems,
}

/// One Expert Info group (one row of Wireshark's dialog).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertGroup {
    /// Stable key: the Wireshark expert/field name when there is one
    /// ("tcp.analysis.duplicate_ack"), else a `pcaplens.*` name.
    pub id: String,
    pub severity: Severity,
    pub severity_source: SeveritySource,
    /// "TCP", "TLS", "DNS", "ICMP", "DHCP", "SIP", "Capture".
    pub protocol: &'static str,
    /// Short localized title ("Duplicate ACK" / "ACK duplicado").
    pub title: String,
    /// Wireshark's own summary text for this item, in English as the tool shows it.
    pub wireshark_message: Option<&'static str>,
    /// What it means and what usually causes it, for students.
    pub explanation: String,
    /// How many (see `unit`). Can exceed `items.len()` when the Report lists fewer frames than
    /// it counted.
    pub count: u64,
    pub unit: CountUnit,
    /// Display filter matching every frame of the group, when one exists.
    pub filter: Option<String>,
    /// Per-TCP-stream breakdown, with a filter each (empty for non-TCP groups).
    pub streams: Vec<StreamCount>,
    /// The frames (or connections / problems), in frame order.
    pub items: Vec<ExpertItem>,
}

/// How many of a group's findings are in one TCP stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCount {
    pub stream: u64,
    pub count: u64,
    /// e.g. `tcp.stream eq 3 && tcp.analysis.duplicate_ack`.
    pub filter: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertItem {
    pub frame: Option<u64>,
    pub stream: Option<u64>,
    /// Localized detail (may contain capture-derived text: escape it when rendering).
    pub detail: Option<String>,
    /// Filter that shows this finding (`frame.number == 12`, or the stream).
    pub filter: Option<String>,
}

impl ExpertItem {
    fn frame(frame: u64, stream: Option<u64>, detail: Option<String>) -> Self {
        ExpertItem {
            frame: Some(frame),
            stream,
            detail,
            filter: Some(format!("frame.number == {frame}")),
        }
    }
}

/// Every Expert Info group for `report`, most severe first; within a severity, TCP first, then
/// the other protocols, then the capture file. Groups with nothing to show are left out.
pub fn groups(report: &Report, lang: Lang) -> Vec<ExpertGroup> {
    let mut out = Vec::new();
    capture_groups(report, lang, &mut out);
    capture_detail_groups(report, lang, &mut out);
    tcp_analysis_groups(report, lang, &mut out);
    tcp_connection_groups(report, lang, &mut out);
    tls_groups(report, lang, &mut out);
    dns_groups(report, lang, &mut out);
    dns_retransmission_groups(report, lang, &mut out);
    icmp_groups(report, lang, &mut out);
    dhcp_groups(report, lang, &mut out);
    dhcp_server_groups(report, lang, &mut out);
    sip_groups(report, lang, &mut out);
    // Stable: keeps the catalog order inside one severity.
    out.sort_by_key(|g| g.severity);
    out
}

/// Streams named one by one in a `tcp.stream in {...}` filter; beyond this a filter on the
/// shared completeness value is used, or none.
pub const MAX_FILTER_STREAMS: usize = 50;

/// Findings per severity, most severe first, for a badge or a summary line (severities with
/// nothing are left out).
pub fn severity_counts(groups: &[ExpertGroup]) -> Vec<(Severity, u64)> {
    let mut out: Vec<(Severity, u64)> = Vec::new();
    for g in groups {
        match out.iter_mut().find(|(s, _)| *s == g.severity) {
            Some((_, n)) => *n += g.count,
            None => out.push((g.severity, g.count)),
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

/// A display filter for a set of TCP streams (None beyond [`MAX_FILTER_STREAMS`]).
pub fn streams_filter(streams: &[u64]) -> Option<String> {
    if streams.len() > MAX_FILTER_STREAMS {
        return None;
    }
    match streams {
        [] => None,
        [one] => Some(format!("tcp.stream eq {one}")),
        many => Some(format!(
            "tcp.stream in {{{}}}",
            many.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// TCP sequence analysis (tcp.analysis.*)

/// A `tcp.analysis.*` flag: Wireshark's severity and message, and our texts.
pub struct TcpFlag {
    /// The tcp.analysis.* name, as used in `Issue::kind` and `AnalysisCounts`.
    pub kind: &'static str,
    pub severity: Severity,
    pub wireshark_message: &'static str,
    pub title: (&'static str, &'static str),
    pub explanation: (&'static str, &'static str),
    count: fn(&AnalysisCounts) -> u64,
}

impl TcpFlag {
    pub fn title(&self, lang: Lang) -> &'static str {
        lang.pick(self.title.0, self.title.1)
    }
    pub fn explanation(&self, lang: Lang) -> &'static str {
        lang.pick(self.explanation.0, self.explanation.1)
    }
    /// `tcp.analysis.<kind>`.
    pub fn filter(&self) -> String {
        format!("tcp.analysis.{}", self.kind)
    }
    /// This flag's count in one connection's counters.
    pub fn count_in(&self, counts: &AnalysisCounts) -> u64 {
        (self.count)(counts)
    }
}

/// Every tcp.analysis flag the Report counts, in the order Expert Info shows them.
pub const TCP_FLAGS: &[TcpFlag] = &[
    TcpFlag {
        kind: "lost_segment",
        severity: Severity::Warning,
        wireshark_message: "Previous segment(s) not captured (common at capture start)",
        title: ("Previous segment not captured", "Segmento anterior no capturado"),
        explanation: (
            "There is a gap in the sequence numbers: data sent before this segment never appeared in the capture. Either it was lost on the network (then duplicate ACKs and a retransmission follow) or the capture missed it: the capture started with the connection already open, the capturing machine dropped packets, or that traffic took another route.",
            "Hay un hueco en los números de secuencia: datos enviados antes de este segmento no aparecen en la captura. O se perdieron en la red (y después verás ACK duplicados y una retransmisión) o la captura no los registró: empezó con la conexión ya abierta, el equipo que capturaba descartó paquetes o ese tráfico fue por otra ruta.",
        ),
        count: |c| c.lost_segment,
    },
    TcpFlag {
        kind: "ack_lost_segment",
        severity: Severity::Warning,
        wireshark_message: "ACKed segment that wasn't captured (common at capture start)",
        title: ("ACKed segment that wasn't captured", "ACK de un segmento no capturado"),
        explanation: (
            "This ACK acknowledges data that never appeared in the capture. The receiver did get that data, so the capture is what missed it: it started late, dropped packets, or one direction of the traffic went through another path.",
            "Este ACK confirma datos que nunca aparecieron en la captura. El receptor sí los recibió, así que fue la captura la que no los registró: empezó tarde, descartó paquetes o un sentido del tráfico iba por otro camino.",
        ),
        count: |c| c.ack_lost_segment,
    },
    TcpFlag {
        kind: "out_of_order",
        severity: Severity::Warning,
        wireshark_message: "This frame is a (suspected) out-of-order segment",
        title: ("Out-of-order segment", "Segmento fuera de orden"),
        explanation: (
            "A segment arrived with a lower sequence number than data already seen, and so soon after it that it looks reordered rather than retransmitted. Causes: packets taking different paths (load balancing, multiple links) or, right after a gap, the missing segment arriving late. Wireshark can confuse it with a retransmission.",
            "Ha llegado un segmento con un número de secuencia menor que datos ya vistos, y tan poco tiempo después que parece desordenado y no retransmitido. Causas: paquetes que siguen caminos distintos (balanceo de carga, varios enlaces) o, justo después de un hueco, el segmento que faltaba llegando tarde. Wireshark puede confundirlo con una retransmisión.",
        ),
        count: |c| c.out_of_order,
    },
    TcpFlag {
        kind: "zero_window",
        severity: Severity::Warning,
        wireshark_message: "TCP Zero Window segment",
        title: ("Zero window", "Ventana cero"),
        explanation: (
            "The receiver advertised a window of 0 bytes: its receive buffer is full and the sender has to stop. The application on that host is not reading data fast enough (busy, blocked or slow). Expect zero window probes from the sender and, later, a window update that reopens the window.",
            "El receptor anuncia una ventana de 0 bytes: su búfer de recepción está lleno y el emisor tiene que detenerse. La aplicación de ese equipo no lee los datos lo bastante rápido (ocupada, bloqueada o lenta). Después suelen verse sondas de ventana cero del emisor y, más tarde, una actualización de ventana que la vuelve a abrir.",
        ),
        count: |c| c.zero_window,
    },
    TcpFlag {
        kind: "window_full",
        severity: Severity::Warning,
        wireshark_message: "TCP window specified by the receiver is now completely full",
        title: ("Window full", "Ventana llena"),
        explanation: (
            "The sender has filled the whole window the receiver advertised and must wait for an ACK before sending more. Now and then it is normal; if it happens often, the receive window (or missing window scaling) is limiting the throughput.",
            "El emisor ha llenado toda la ventana anunciada por el receptor y debe esperar un ACK para seguir enviando. De vez en cuando es normal; si ocurre a menudo, la ventana de recepción (o la falta de escalado de ventana) está limitando el rendimiento.",
        ),
        count: |c| c.window_full,
    },
    TcpFlag {
        kind: "retransmission",
        severity: Severity::Note,
        wireshark_message: "This frame is a (suspected) retransmission",
        title: ("Retransmission", "Retransmisión"),
        explanation: (
            "The sender sent again data it had already sent, because no ACK arrived in time (the retransmission timer expired) or it learned the segment was lost. Usual causes: packet loss on the path (congestion, Wi-Fi, a saturated link) or a sudden increase in delay. A few are normal on the Internet; many in one stream point to loss on that path. This group, like Wireshark's filter, also includes the fast retransmissions (spurious ones are counted apart).",
            "El emisor vuelve a enviar datos que ya había enviado, porque el ACK no llegó a tiempo (venció el temporizador de retransmisión) o supo que el segmento se había perdido. Causas habituales: pérdida de paquetes en el camino (congestión, wifi, un enlace saturado) o un aumento brusco del retardo. Unas pocas son normales en Internet; muchas en un mismo stream indican pérdidas en ese camino. Este grupo, igual que el filtro de Wireshark, incluye también las retransmisiones rápidas (las espurias se cuentan aparte).",
        ),
        count: |c| c.retransmission,
    },
    TcpFlag {
        kind: "fast_retransmission",
        severity: Severity::Note,
        wireshark_message: "This frame is a (suspected) fast retransmission",
        title: ("Fast retransmission", "Retransmisión rápida"),
        explanation: (
            "A retransmission sent right after the receiver pointed at a gap with duplicate ACKs (usually three), without waiting for the retransmission timer. It is TCP recovering quickly from a lost segment: there was loss, but the connection handled it well.",
            "Retransmisión enviada justo después de que el receptor señalara un hueco con ACK duplicados (normalmente tres), sin esperar a que venza el temporizador. Es TCP recuperándose rápido de un segmento perdido: hubo pérdida, pero la conexión la resolvió bien.",
        ),
        count: |c| c.fast_retransmission,
    },
    TcpFlag {
        kind: "spurious_retransmission",
        severity: Severity::Note,
        wireshark_message: "This frame is a (suspected) spurious retransmission",
        title: ("Spurious retransmission", "Retransmisión espuria"),
        explanation: (
            "Data sent again although the receiver had already acknowledged it, so the retransmission was unnecessary. Usually the sender's timer fired too early (a delay spike, not a loss) or the ACK was lost or delayed on its way back. Seen at the receiver's side it often means the first copy did arrive.",
            "Datos enviados de nuevo aunque el receptor ya los había confirmado, así que la retransmisión no hacía falta. Normalmente el temporizador del emisor venció demasiado pronto (un pico de retardo, no una pérdida) o el ACK se perdió o se retrasó en el camino de vuelta. Si se captura en el lado del receptor, suele indicar que la primera copia sí llegó.",
        ),
        count: |c| c.spurious_retransmission,
    },
    TcpFlag {
        kind: "duplicate_ack",
        severity: Severity::Note,
        wireshark_message: "Duplicate ACK",
        title: ("Duplicate ACK", "ACK duplicado"),
        explanation: (
            "The receiver acknowledged the same sequence number again: a segment arrived, but not the one it expected next, so it keeps asking for the missing data. Caused by a lost or reordered segment. After three duplicate ACKs the sender does a fast retransmission.",
            "El receptor vuelve a confirmar el mismo número de secuencia: ha llegado un segmento, pero no el que esperaba, así que sigue pidiendo los datos que faltan. Lo provoca un segmento perdido o desordenado. Tras tres ACK duplicados el emisor hace una retransmisión rápida.",
        ),
        count: |c| c.duplicate_ack,
    },
    TcpFlag {
        kind: "zero_window_probe",
        severity: Severity::Note,
        wireshark_message: "TCP Zero Window Probe",
        title: ("Zero window probe", "Sonda de ventana cero"),
        explanation: (
            "While the peer's window is 0, the sender periodically sends one byte to ask whether the window has reopened. It follows a zero window.",
            "Mientras la ventana del otro extremo es 0, el emisor envía periódicamente un byte para preguntar si ya se ha vuelto a abrir. Aparece después de una ventana cero.",
        ),
        count: |c| c.zero_window_probe,
    },
    TcpFlag {
        kind: "zero_window_probe_ack",
        severity: Severity::Note,
        wireshark_message: "ACK to a TCP Zero Window Probe",
        title: ("Zero window probe ACK", "ACK de sonda de ventana cero"),
        explanation: (
            "The receiver's answer to a zero window probe. While it still advertises a window of 0, the transfer stays stalled.",
            "La respuesta del receptor a una sonda de ventana cero. Mientras siga anunciando una ventana de 0, la transferencia sigue detenida.",
        ),
        count: |c| c.zero_window_probe_ack,
    },
    TcpFlag {
        kind: "keep_alive",
        severity: Severity::Note,
        wireshark_message: "TCP keep-alive segment",
        title: ("Keep-alive", "Keep-alive"),
        explanation: (
            "A segment with no new data (or one old byte) sent to check that an idle connection is still alive. Normal on long-lived connections that stay idle.",
            "Segmento sin datos nuevos (o con un byte antiguo) que se envía para comprobar que una conexión inactiva sigue viva (keep-alive, mantenimiento de la conexión). Normal en conexiones largas que pasan tiempo sin tráfico.",
        ),
        count: |c| c.keep_alive,
    },
    TcpFlag {
        kind: "keep_alive_ack",
        severity: Severity::Note,
        wireshark_message: "ACK to a TCP keep-alive segment",
        title: ("Keep-alive ACK", "ACK de keep-alive"),
        explanation: (
            "The peer's answer to a keep-alive: the connection is still alive at the other end.",
            "La respuesta del otro extremo a un keep-alive: la conexión sigue viva en el otro lado.",
        ),
        count: |c| c.keep_alive_ack,
    },
    TcpFlag {
        kind: "reused_ports",
        severity: Severity::Note,
        wireshark_message: "A new tcp session is started with the same ports as an earlier session in this trace",
        title: ("Reused ports", "Puertos reutilizados"),
        explanation: (
            "A new connection (SYN) uses the same addresses and ports as an earlier one in this capture. Normal when a client reconnects quickly or recycles its ephemeral ports; Wireshark gives it a new tcp.stream number.",
            "Una conexión nueva (SYN) usa las mismas direcciones y puertos que otra anterior de esta captura. Es normal cuando un cliente se reconecta enseguida o reutiliza sus puertos efímeros; Wireshark le asigna un número de tcp.stream nuevo.",
        ),
        count: |c| c.reused_ports,
    },
    TcpFlag {
        kind: "window_update",
        severity: Severity::Chat,
        wireshark_message: "TCP window update",
        title: ("Window update", "Actualización de ventana"),
        explanation: (
            "A segment that only announces a new receive window: the receiver freed buffer space. Normal; after a zero window it is what lets the transfer continue.",
            "Segmento que solo anuncia una nueva ventana de recepción: el receptor ha liberado espacio en el búfer. Es normal; después de una ventana cero es lo que permite que la transferencia continúe.",
        ),
        count: |c| c.window_update,
    },
];

/// The flag description for a `tcp.analysis.*` name.
pub fn tcp_flag(kind: &str) -> Option<&'static TcpFlag> {
    TCP_FLAGS.iter().find(|f| f.kind == kind)
}

/// What Wireshark shows beside a flagged frame: "Dup ACK #2 of frame 57", "retransmits frame
/// 12 (200.0 ms later)".
pub fn tcp_issue_detail(lang: Lang, issue: &Issue) -> Option<String> {
    if let (Some(of), Some(n)) = (issue.dup_ack_of, issue.dup_ack_num) {
        return Some(lang.pick(
            format!("Dup ACK #{n} of frame {of}"),
            format!("ACK duplicado n.º {n} de la trama {of}"),
        ));
    }
    let orig = issue.original_frame?;
    Some(match issue.rto_s {
        Some(rto) => lang.pick(
            format!(
                "retransmits frame {orig} ({} later)",
                units::duration(lang, rto)
            ),
            format!(
                "retransmite la trama {orig} ({} después)",
                units::duration(lang, rto)
            ),
        ),
        None => lang.pick(
            format!("retransmits frame {orig}"),
            format!("retransmite la trama {orig}"),
        ),
    })
}

/// Issue kinds whose frames the `tcp.analysis.retransmission` filter selects: tshark 4.0
/// matches fast and spurious retransmissions with it too, and the group's count (the
/// connections' `retransmission` counters) includes both, so its frame list must as well.
pub const RETRANSMISSION_KINDS: [&str; 3] = [
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
];

fn tcp_analysis_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let tcp = &report.tcp;
    for flag in TCP_FLAGS {
        let matches_kind = |kind: &str| {
            kind == flag.kind
                || (flag.kind == "retransmission" && RETRANSMISSION_KINDS.contains(&kind))
        };
        let mut items: Vec<ExpertItem> = tcp
            .issues
            .iter()
            .filter(|issue| matches_kind(&issue.kind))
            .map(|issue| ExpertItem {
                frame: Some(issue.frame),
                stream: Some(issue.stream),
                detail: tcp_issue_detail(lang, issue),
                filter: Some(format!("frame.number == {}", issue.frame)),
            })
            .collect();
        items.sort_by_key(|i| i.frame);
        items.dedup_by_key(|i| i.frame);

        let mut streams: Vec<StreamCount> = tcp
            .connections
            .iter()
            .filter_map(|c| {
                let n = flag.count_in(&c.analysis);
                (n > 0).then(|| StreamCount {
                    stream: c.stream,
                    count: n,
                    filter: format!("tcp.stream eq {} && {}", c.stream, flag.filter()),
                })
            })
            .collect();
        if streams.is_empty() && !items.is_empty() {
            // Counters missing but frames listed: derive the breakdown from the frames.
            let mut per_stream: BTreeMap<u64, u64> = BTreeMap::new();
            for item in &items {
                if let Some(s) = item.stream {
                    *per_stream.entry(s).or_default() += 1;
                }
            }
            streams = per_stream
                .into_iter()
                .map(|(stream, count)| StreamCount {
                    stream,
                    count,
                    filter: format!("tcp.stream eq {stream} && {}", flag.filter()),
                })
                .collect();
        }
        let counted: u64 = streams.iter().map(|s| s.count).sum();
        let count = counted.max(items.len() as u64);
        if count == 0 {
            continue;
        }
        out.push(ExpertGroup {
            id: flag.filter(),
            severity: flag.severity,
            severity_source: SeveritySource::Wireshark,
            protocol: "TCP",
            title: flag.title(lang).to_string(),
            wireshark_message: Some(flag.wireshark_message),
            explanation: flag.explanation(lang).to_string(),
            count,
            unit: CountUnit::Frames,
            filter: Some(flag.filter()),
            streams,
            items,
        });
    }

    // Kinds a newer core reports that this catalog does not know yet: still shown.
    let mut unknown: BTreeMap<&str, Vec<ExpertItem>> = BTreeMap::new();
    for issue in &tcp.issues {
        if tcp_flag(&issue.kind).is_none() {
            unknown
                .entry(issue.kind.as_str())
                .or_default()
                .push(ExpertItem::frame(
                    issue.frame,
                    Some(issue.stream),
                    (!issue.message.is_empty()).then(|| issue.message.clone()),
                ));
        }
    }
    for (kind, items) in unknown {
        let filter = format!("tcp.analysis.{kind}");
        out.push(ExpertGroup {
            id: filter.clone(),
            severity: Severity::Note,
            severity_source: SeveritySource::Pcaplens,
            protocol: "TCP",
            title: kind.replace('_', " "),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "Flagged by Wireshark's TCP sequence analysis.",
                    "Marcado por el análisis de secuencia TCP de Wireshark.",
                )
                .to_string(),
            count: items.len() as u64,
            unit: CountUnit::Frames,
            filter: Some(filter),
            streams: Vec::new(),
            items,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// TCP connection outcomes

fn tcp_connection_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let conns = &report.tcp.connections;

    flag_frame_groups(report, lang, out);

    let no_reply: Vec<&Connection> = conns.iter().filter(|c| c.conn_state == "S0").collect();
    if !no_reply.is_empty() {
        out.push(connection_group(
            conns,
            "pcaplens.tcp.syn_no_reply",
            Severity::Warning,
            lang.pick("SYN without reply", "SYN sin respuesta"),
            lang.pick(
                "The client sent a SYN (maybe retransmitted several times) and got nothing back. The server is down or unreachable, a firewall silently drops the packets, or the capture only sees one direction.",
                "El cliente envió un SYN (quizá retransmitido varias veces) y no recibió nada. El servidor está caído o es inalcanzable, un cortafuegos descarta los paquetes sin avisar, o la captura solo ve un sentido.",
            ),
            &no_reply,
            // S0: only the originator's SYN(s) were seen, so the first frame is the SYN.
            true,
        ));
    }

    let rejected: Vec<&Connection> = conns.iter().filter(|c| c.conn_state == "REJ").collect();
    if !rejected.is_empty() {
        out.push(connection_group(
            conns,
            "pcaplens.tcp.rejected",
            Severity::Warning,
            lang.pick("Connection refused", "Conexión rechazada"),
            lang.pick(
                "The SYN was answered with a RST: nothing listens on that port on the server (or a firewall rejects the connection actively).",
                "Al SYN se respondió con un RST: en ese puerto del servidor no escucha nada (o un cortafuegos rechaza la conexión activamente).",
            ),
            &rejected,
            true,
        ));
    }

    let midstream: Vec<&Connection> = conns.iter().filter(|c| c.conn_state == "OTH").collect();
    if !midstream.is_empty() {
        out.push(connection_group(
            conns,
            "pcaplens.tcp.no_handshake_seen",
            Severity::Note,
            lang.pick("Handshake not captured", "Handshake no capturado"),
            lang.pick(
                "No SYN was seen for these connections: they were already open when the capture started. Their options (MSS, window scale, SACK) are unknown and Wireshark may flag lost or unseen segments at their start.",
                "No se vio ningún SYN en estas conexiones: ya estaban abiertas cuando empezó la captura. Sus opciones (MSS, escala de ventana, SACK) se desconocen y Wireshark puede marcar segmentos perdidos o no capturados al principio.",
            ),
            &midstream,
            false,
        ));
    }
}

/// A TCP header flag Wireshark reports per frame in Expert Info, counted from the per-direction
/// statistics of each connection.
struct FlagItem {
    id: &'static str,
    severity: Severity,
    wireshark_message: &'static str,
    title: (&'static str, &'static str),
    explanation: (&'static str, &'static str),
    filter: &'static str,
    count: fn(&DirectionStats) -> u64,
}

const FLAG_ITEMS: &[FlagItem] = &[
    FlagItem {
        id: "tcp.connection.rst",
        severity: Severity::Warning,
        wireshark_message: "Connection reset (RST)",
        title: ("Connection reset (RST)", "Conexión abortada (RST)"),
        explanation: (
            "A RST ends a connection at once, without the orderly FIN exchange. It happens when a port is closed (the SYN is answered with RST), when an application aborts or crashes, when a firewall or load balancer kills the connection, or when some applications close this way on purpose.",
            "Un RST termina la conexión de inmediato, sin el intercambio ordenado de FIN. Ocurre cuando un puerto está cerrado (se responde al SYN con RST), cuando una aplicación aborta o falla, cuando un cortafuegos o balanceador corta la conexión, o cuando algunas aplicaciones cierran así a propósito.",
        ),
        // ICMP errors quote TCP headers: the filter would count those too.
        filter: "tcp.flags.reset == 1 && !icmp && !icmpv6",
        count: |d| d.rst,
    },
    FlagItem {
        id: "tcp.connection.syn",
        severity: Severity::Chat,
        wireshark_message: "Connection establish request (SYN)",
        title: ("Connection request (SYN)", "Petición de conexión (SYN)"),
        explanation: (
            "A client asks to open a connection: the first step of the three-way handshake. More SYNs than connections means some SYNs were retransmitted.",
            "Un cliente pide abrir una conexión: el primer paso del acuerdo en tres pasos (three-way handshake). Si hay más SYN que conexiones, algunos SYN se retransmitieron.",
        ),
        // ICMP errors quote TCP headers: the filter would count those too.
        filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0 && !icmp && !icmpv6",
        count: |d| d.syn,
    },
    FlagItem {
        id: "tcp.connection.sack",
        severity: Severity::Chat,
        wireshark_message: "Connection establish acknowledge (SYN+ACK)",
        title: ("Connection accepted (SYN-ACK)", "Conexión aceptada (SYN-ACK)"),
        explanation: (
            "The server accepts a connection request: the second step of the three-way handshake.",
            "El servidor acepta una petición de conexión: el segundo paso del acuerdo en tres pasos (three-way handshake).",
        ),
        // ICMP errors quote TCP headers: the filter would count those too.
        filter: "tcp.flags.syn == 1 && tcp.flags.ack == 1 && !icmp && !icmpv6",
        count: |d| d.syn_ack,
    },
    FlagItem {
        id: "tcp.connection.fin",
        severity: Severity::Chat,
        wireshark_message: "Connection finish (FIN)",
        title: ("Connection finish (FIN)", "Fin de conexión (FIN)"),
        explanation: (
            "One side has no more data to send and starts (or answers) the orderly close. A normal close has a FIN from each side.",
            "Un extremo no tiene más datos que enviar y empieza (o responde a) el cierre ordenado. Un cierre normal tiene un FIN de cada extremo.",
        ),
        // ICMP errors quote TCP headers: the filter would count those too.
        filter: "tcp.flags.fin == 1 && !icmp && !icmpv6",
        count: |d| d.fin,
    },
];

fn flag_frame_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    for item in FLAG_ITEMS {
        let streams: Vec<StreamCount> = report
            .tcp
            .connections
            .iter()
            .filter_map(|c| {
                let n = (item.count)(&c.client_to_server) + (item.count)(&c.server_to_client);
                (n > 0).then(|| StreamCount {
                    stream: c.stream,
                    count: n,
                    filter: format!("tcp.stream eq {} && {}", c.stream, item.filter),
                })
            })
            .collect();
        let count: u64 = streams.iter().map(|s| s.count).sum();
        if count == 0 {
            continue;
        }
        let items = if item.id == "tcp.connection.rst" {
            rst_items(report, lang)
        } else {
            Vec::new()
        };
        out.push(ExpertGroup {
            id: item.id.into(),
            severity: item.severity,
            severity_source: SeveritySource::Wireshark,
            protocol: "TCP",
            title: lang.pick(item.title.0, item.title.1).into(),
            wireshark_message: Some(item.wireshark_message),
            explanation: lang.pick(item.explanation.0, item.explanation.1).into(),
            count,
            unit: CountUnit::Frames,
            filter: Some(item.filter.into()),
            streams,
            items,
        });
    }
}

/// One item per reset connection: who sent the RSTs (their frame numbers are not in the
/// Report).
fn rst_items(report: &Report, lang: Lang) -> Vec<ExpertItem> {
    report
        .tcp
        .connections
        .iter()
        .filter(|c| c.client_to_server.rst + c.server_to_client.rst > 0)
        .map(|c| {
            let mut who = Vec::new();
            if c.client_to_server.rst > 0 {
                who.push(format!(
                    "{} {}",
                    c.client_to_server.rst,
                    lang.pick("from the client", "del cliente")
                ));
            }
            if c.server_to_client.rst > 0 {
                who.push(format!(
                    "{} {}",
                    c.server_to_client.rst,
                    lang.pick("from the server", "del servidor")
                ));
            }
            ExpertItem {
                frame: None,
                stream: Some(c.stream),
                detail: Some(format!(
                    "{} → {}: RST {}",
                    c.client,
                    c.server,
                    units::and_list(lang, &who)
                )),
                filter: Some(format!(
                    "tcp.stream eq {} && tcp.flags.reset == 1",
                    c.stream
                )),
            }
        })
        .collect()
}

fn connection_group(
    all: &[Connection],
    id: &str,
    severity: Severity,
    title: &str,
    explanation: &str,
    conns: &[&Connection],
    first_frame_is_syn: bool,
) -> ExpertGroup {
    let streams: Vec<u64> = conns.iter().map(|c| c.stream).collect();
    // Many streams: filter on their common tcp.completeness value when it singles them out.
    let filter = streams_filter(&streams).or_else(|| {
        let value = conns.first()?.completeness;
        let same = conns.iter().all(|c| c.completeness == value);
        let unique = all.iter().filter(|c| c.completeness == value).count() == conns.len();
        (same && unique).then(|| format!("tcp.completeness == {value}"))
    });
    ExpertGroup {
        id: id.into(),
        severity,
        severity_source: SeveritySource::Pcaplens,
        protocol: "TCP",
        title: title.into(),
        wireshark_message: None,
        explanation: explanation.into(),
        count: conns.len() as u64,
        unit: CountUnit::Connections,
        filter,
        streams: Vec::new(),
        items: conns
            .iter()
            .map(|c| ExpertItem {
                frame: first_frame_is_syn.then_some(c.first_frame),
                stream: Some(c.stream),
                detail: Some(format!("{} → {}", c.client, c.server)),
                filter: Some(format!("tcp.stream eq {}", c.stream)),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// TLS alerts

fn tls_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    // Keyed by (level, description); None = encrypted alert (TLS 1.3 after the handshake).
    let mut by_alert: BTreeMap<(Option<u8>, Option<u8>), Vec<ExpertItem>> = BTreeMap::new();
    for hs in &report.tls.handshakes {
        for alert in &hs.alerts {
            by_alert
                .entry((alert.level, alert.description))
                .or_default()
                .push(ExpertItem::frame(
                    alert.frame,
                    Some(hs.stream),
                    Some(alert_detail(lang, &alert.from, hs.sni.as_deref())),
                ));
        }
    }
    for ((level, description), mut items) in by_alert {
        items.sort_by_key(|i| i.frame);
        let level_name = match level {
            Some(1) => lang.pick("warning", "advertencia"),
            Some(2) => lang.pick("fatal", "fatal"),
            _ => lang.pick("level unknown", "nivel desconocido"),
        };
        let (title, explanation, severity, filter, id) = match description {
            Some(desc) => {
                let name = names::tls_alert(desc)
                    .map(str::to_string)
                    .unwrap_or_else(|| desc.to_string());
                let severity = match (desc, level) {
                    (0, _) => Severity::Chat,
                    (_, Some(2)) => Severity::Warning,
                    _ => Severity::Note,
                };
                (
                    format!("{} {name} ({desc}), {level_name}", lang.pick("Alert", "Alerta")),
                    names::tls_alert_meaning(lang, desc).to_string(),
                    severity,
                    format!("tls.alert_message.desc == {desc}"),
                    format!("tls.alert_message.desc.{desc}"),
                )
            }
            None => (
                lang.pick("Encrypted alert", "Alerta cifrada").to_string(),
                lang.pick(
                    "An alert record sent after encryption started, so its content cannot be read without the keys. At the end of a session it is almost always close_notify (an orderly goodbye).",
                    "Un registro de alerta enviado cuando ya se cifraba, así que su contenido no se puede leer sin las claves. Al final de una sesión casi siempre es close_notify (una despedida ordenada).",
                )
                .to_string(),
                Severity::Note,
                "tls.record.content_type == 21 && !tls.alert_message.desc".to_string(),
                "tls.alert.encrypted".to_string(),
            ),
        };
        let mut per_stream: BTreeMap<u64, u64> = BTreeMap::new();
        for item in &items {
            if let Some(s) = item.stream {
                *per_stream.entry(s).or_default() += 1;
            }
        }
        out.push(ExpertGroup {
            id,
            severity,
            severity_source: SeveritySource::Pcaplens,
            protocol: "TLS",
            title,
            wireshark_message: None,
            explanation,
            count: items.len() as u64,
            unit: CountUnit::Frames,
            streams: per_stream
                .into_iter()
                .map(|(stream, count)| StreamCount {
                    stream,
                    count,
                    filter: format!("tcp.stream eq {stream} && {filter}"),
                })
                .collect(),
            filter: Some(filter),
            items,
        });
    }
}

/// "sent by the server (SNI example.com)".
fn alert_detail(lang: Lang, from: &str, sni: Option<&str>) -> String {
    let mut s = match from {
        "client" | "server" => lang.pick(
            format!("sent by {}", names::side(lang, from)),
            format!("enviada por {}", names::side(lang, from)),
        ),
        _ => String::new(),
    };
    if let Some(sni) = sni {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("(SNI {sni})"));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// DNS

fn dns_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let dns = &report.dns;
    let mut by_rcode: BTreeMap<String, Vec<ExpertItem>> = BTreeMap::new();
    for m in dns.messages.iter().filter(|m| m.response) {
        let Some(rcode) = m.rcode.as_deref() else {
            continue;
        };
        if names::dns_rcode_number(rcode) == Some(0) {
            continue;
        }
        by_rcode
            .entry(rcode.to_ascii_uppercase())
            .or_default()
            .push(ExpertItem::frame(m.frame, None, dns_detail(m)));
    }
    for (rcode, mut items) in by_rcode {
        items.sort_by_key(|i| i.frame);
        let number = names::dns_rcode_number(&rcode);
        let severity = match number {
            Some(2 | 5) => Severity::Warning,
            _ => Severity::Note,
        };
        out.push(ExpertGroup {
            id: format!("dns.flags.rcode.{}", rcode.to_ascii_lowercase()),
            severity,
            severity_source: SeveritySource::Pcaplens,
            protocol: "DNS",
            title: format!("{} {rcode}", lang.pick("DNS error", "Error DNS")),
            wireshark_message: None,
            explanation: names::dns_rcode_meaning(lang, &rcode).to_string(),
            count: items.len() as u64,
            unit: CountUnit::Frames,
            filter: number.map(|n| format!("dns.flags.rcode == {n}")),
            streams: Vec::new(),
            items,
        });
    }

    if dns.unanswered > 0 {
        out.push(ExpertGroup {
            id: "pcaplens.dns.unanswered".into(),
            severity: Severity::Warning,
            severity_source: SeveritySource::Pcaplens,
            protocol: "DNS",
            title: lang
                .pick("DNS query without response", "Consulta DNS sin respuesta")
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "No response to these queries appears in the capture. The server is unreachable or slow, a firewall blocks DNS, the response went to another interface, or the capture stopped before it arrived. Clients usually retry and then try another server.",
                    "En la captura no aparece respuesta a estas consultas. El servidor es inalcanzable o lento, un cortafuegos bloquea el DNS, la respuesta llegó por otra interfaz o la captura terminó antes de que llegara. Los clientes suelen reintentar y después probar otro servidor.",
                )
                .into(),
            count: dns.unanswered,
            unit: CountUnit::Frames,
                        filter: Some("dns.flags.response == 0 && !dns.response_in".into()),
            streams: Vec::new(),
            items: dns
                .messages
                .iter()
                .filter(|m| !m.response && m.response_in.is_none())
                .map(|m| ExpertItem::frame(m.frame, None, dns_detail(m)))
                .collect(),
        });
    }
}

fn dns_retransmission_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    for response in [false, true] {
        let items: Vec<ExpertItem> = report
            .dns
            .messages
            .iter()
            .filter(|m| m.retransmission && m.response == response)
            .map(|m| {
                let mut detail = dns_detail(m).unwrap_or_default();
                if let Some(q) = m.response_to {
                    detail.push_str(&lang.pick(
                        format!(" (answers frame {q})"),
                        format!(" (responde a la trama {q})"),
                    ));
                }
                ExpertItem::frame(m.frame, None, Some(detail.trim().to_string()))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let (id, message, title, explanation) = if response {
            (
                "dns.retransmit_response",
                "DNS response retransmission",
                lang.pick("DNS response retransmission", "Respuesta DNS retransmitida"),
                lang.pick(
                    "The same response was sent again for a query that had already been answered: usually the client repeated the query, or (in mDNS) a host repeats its announcements on purpose.",
                    "Se volvió a enviar la misma respuesta a una consulta ya respondida: normalmente el cliente repitió la consulta o (en mDNS) un equipo repite sus anuncios a propósito.",
                ),
            )
        } else {
            (
                "dns.retransmit_request",
                "DNS query retransmission",
                lang.pick("DNS query retransmission", "Consulta DNS retransmitida"),
                lang.pick(
                    "The client sent the same query again (same id) before getting an answer: the first one or its response was lost or slow. In mDNS repeated queries are normal.",
                    "El cliente volvió a enviar la misma consulta (mismo id) antes de recibir respuesta: la primera o su respuesta se perdió o tardó. En mDNS repetir consultas es normal.",
                ),
            )
        };
        out.push(ExpertGroup {
            id: id.into(),
            severity: Severity::Warning,
            severity_source: SeveritySource::Wireshark,
            protocol: "DNS",
            title: title.into(),
            // tshark appends ". Original request in frame N" (or response) to this text.
            wireshark_message: Some(message),
            explanation: explanation.into(),
            count: items.len() as u64,
            unit: CountUnit::Frames,
            filter: Some(format!(
                "dns.retransmission && dns.flags.response == {}",
                u8::from(response)
            )),
            streams: Vec::new(),
            items,
        });
    }
}

fn dns_detail(m: &pcaplens_core::report::dns::Message) -> Option<String> {
    match (&m.qname, &m.qtype) {
        (Some(name), Some(qtype)) => Some(format!("{name} {qtype}")),
        (Some(name), None) => Some(name.clone()),
        (None, Some(qtype)) => Some(qtype.clone()),
        (None, None) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// ICMP

fn icmp_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let icmp = &report.icmp;
    let unanswered: Vec<ExpertItem> = icmp
        .messages
        .iter()
        .filter(|m| is_echo_request(m.version, m.icmp_type) && m.reply_frame.is_none())
        .map(|m| {
            let mut detail = format!("{} → {}", m.src, m.dst);
            if let Some(seq) = m.seq {
                detail.push_str(&format!(" seq={seq}"));
            }
            ExpertItem::frame(m.frame, None, Some(detail))
        })
        .collect();
    if !unanswered.is_empty() {
        let v6 = icmp
            .messages
            .iter()
            .any(|m| m.version == 6 && m.icmp_type == 128 && m.reply_frame.is_none());
        let v4 = icmp
            .messages
            .iter()
            .any(|m| m.version != 6 && m.icmp_type == 8 && m.reply_frame.is_none());
        let filter = match (v4, v6) {
            (true, true) => "icmp.resp_not_found || icmpv6.resp_not_found",
            (false, true) => "icmpv6.resp_not_found",
            _ => "icmp.resp_not_found",
        };
        out.push(ExpertGroup {
            // `icmp.resp_not_found` is a field in tshark 4.0, not an Expert Info item (the
            // oracle's `-z expert` output has none for unanswered pings).
            id: "icmp.resp_not_found".into(),
            severity: Severity::Warning,
            severity_source: SeveritySource::Pcaplens,
            protocol: "ICMP",
            title: lang
                .pick("Echo request without reply", "Solicitud de eco sin respuesta")
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "A ping got no answer in the capture: the host is down or unreachable, a firewall blocks ICMP, or the reply took another path. A missing ping reply alone does not prove the host is down: many hosts ignore ping.",
                    "Un ping no obtuvo respuesta en la captura: el equipo está apagado o es inalcanzable, un cortafuegos bloquea ICMP o la respuesta fue por otro camino. Que falte la respuesta no demuestra por sí solo que el equipo esté caído: muchos equipos ignoran el ping.",
                )
                .into(),
            count: unanswered.len() as u64,
            unit: CountUnit::Frames,
            filter: Some(filter.into()),
            streams: Vec::new(),
            items: unanswered,
        });
    }

    // Error messages, grouped by (version, type).
    let mut errors: BTreeMap<(u8, u8), Vec<ExpertItem>> = BTreeMap::new();
    for m in icmp
        .messages
        .iter()
        .filter(|m| names::icmp_is_error(m.version, m.icmp_type))
    {
        errors
            .entry((m.version, m.icmp_type))
            .or_default()
            .push(ExpertItem::frame(
                m.frame,
                None,
                Some(icmp_error_detail(lang, m)),
            ));
    }
    for ((version, icmp_type), items) in errors {
        let v6 = version == 6;
        let (severity, explanation) = icmp_error_text(lang, v6, icmp_type);
        let proto_field = if v6 { "icmpv6" } else { "icmp" };
        let title = format!(
            "{} {}",
            if v6 { "ICMPv6" } else { "ICMP" },
            names::icmp_type_name(lang, version, icmp_type)
        );
        out.push(ExpertGroup {
            id: format!("{proto_field}.type.{icmp_type}"),
            severity,
            severity_source: SeveritySource::Pcaplens,
            protocol: if v6 { "ICMPv6" } else { "ICMP" },
            title,
            wireshark_message: None,
            explanation: explanation.into(),
            count: items.len() as u64,
            unit: CountUnit::Frames,
            filter: Some(format!("{proto_field}.type == {icmp_type}")),
            streams: Vec::new(),
            items,
        });
    }
}

/// "Destination unreachable (port unreachable), from 10.0.0.2, about udp 10.0.0.1:5353 →
/// 10.0.0.2:53".
fn icmp_error_detail(lang: Lang, m: &pcaplens_core::report::icmp::Message) -> String {
    let mut s = names::icmp_name(lang, m.version, m.icmp_type, m.code);
    if !m.src.is_empty() {
        s.push_str(&lang.pick(format!(", from {}", m.src), format!(", de {}", m.src)));
    }
    if let Some(q) = &m.quoted {
        let end = |addr: &str, port: Option<u16>| {
            crate::keypackets::endpoint(addr, port).unwrap_or_default()
        };
        s.push_str(&lang.pick(
            format!(
                ", about {} {} → {}",
                q.protocol,
                end(&q.src, q.src_port),
                end(&q.dst, q.dst_port)
            ),
            format!(
                ", sobre {} {} → {}",
                q.protocol,
                end(&q.src, q.src_port),
                end(&q.dst, q.dst_port)
            ),
        ));
    }
    if let Some(mtu) = m.mtu {
        s.push_str(&format!(", MTU {mtu}"));
    }
    s
}

fn is_echo_request(version: u8, icmp_type: u8) -> bool {
    if version == 6 {
        icmp_type == 128
    } else {
        icmp_type == 8
    }
}

fn icmp_error_text(lang: Lang, v6: bool, icmp_type: u8) -> (Severity, &'static str) {
    match (v6, icmp_type) {
        (false, 3) | (true, 1) => (
            Severity::Warning,
            lang.pick(
                "A router or the destination host reports that a packet could not be delivered. The code says why: port unreachable (no application listening on that UDP port), host or network unreachable (no route), fragmentation needed (MTU problem), or administratively prohibited (a firewall).",
                "Un router o el equipo de destino informa de que no se ha podido entregar un paquete. El código indica el motivo: puerto inalcanzable (ninguna aplicación escucha en ese puerto UDP), host o red inalcanzable (no hay ruta), se necesita fragmentar (problema de MTU) o prohibido administrativamente (un cortafuegos).",
            ),
        ),
        (false, 11) | (true, 3) => (
            Severity::Note,
            lang.pick(
                "A router dropped a packet whose TTL (hop limit) reached zero. Expected during a traceroute; otherwise it points to a routing loop.",
                "Un router descartó un paquete cuyo TTL (límite de saltos) llegó a cero. Es lo esperado durante un traceroute; si no, indica un bucle de encaminamiento.",
            ),
        ),
        (true, 2) => (
            Severity::Warning,
            lang.pick(
                "A router could not forward a packet because it is larger than the next link's MTU. The sender must send smaller packets (Path MTU Discovery); if these messages are blocked, connections hang.",
                "Un router no pudo reenviar un paquete porque es mayor que la MTU del siguiente enlace. El emisor debe enviar paquetes más pequeños (descubrimiento de la MTU del camino); si estos mensajes se bloquean, las conexiones se quedan colgadas.",
            ),
        ),
        (false, 5) => (
            Severity::Note,
            lang.pick(
                "A router tells the sender to use a better gateway for this destination.",
                "Un router indica al emisor que use otra puerta de enlace mejor para este destino.",
            ),
        ),
        _ => (
            Severity::Note,
            lang.pick(
                "An ICMP error message about a packet that could not be processed.",
                "Un mensaje de error ICMP sobre un paquete que no se ha podido procesar.",
            ),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// DHCP

fn dhcp_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    for (message_type, option_value, title, explanation) in [
        (
            "NAK",
            6,
            lang.pick("DHCP NAK", "DHCP NAK"),
            lang.pick(
                "The server refused the address the client asked for (DHCPNAK), usually because the client moved to another network or its lease is no longer valid. The client must start again with DHCPDISCOVER.",
                "El servidor rechaza la dirección que pidió el cliente (DHCPNAK), normalmente porque el cliente ha cambiado de red o su concesión ya no es válida. El cliente debe empezar de nuevo con DHCPDISCOVER.",
            ),
        ),
        (
            "DECLINE",
            4,
            lang.pick("DHCP DECLINE", "DHCP DECLINE"),
            lang.pick(
                "The client rejected the address it was offered because another host already uses it (an address conflict).",
                "El cliente rechaza la dirección ofrecida porque otro equipo ya la está usando (un conflicto de direcciones).",
            ),
        ),
    ] {
        let items: Vec<ExpertItem> = report
            .dhcp
            .messages
            .iter()
            .filter(|m| {
                m.message_type.as_deref().is_some_and(|t| {
                    t.eq_ignore_ascii_case(message_type)
                        || t.eq_ignore_ascii_case(&format!("DHCP{message_type}"))
                })
            })
            .map(|m| {
                let mut detail = match &m.client_mac {
                    Some(mac) => format!("xid {}, {mac}", m.xid),
                    None => format!("xid {}", m.xid),
                };
                if let Some(reason) = &m.options.message {
                    detail.push_str(&format!(": \"{reason}\""));
                }
                ExpertItem::frame(m.frame, None, Some(detail))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push(ExpertGroup {
            id: format!("dhcp.option.dhcp.{option_value}"),
            severity: Severity::Warning,
            severity_source: SeveritySource::Pcaplens,
            protocol: "DHCP",
            title: title.into(),
            wireshark_message: None,
            explanation: explanation.into(),
            count: items.len() as u64,
            unit: CountUnit::Frames,
            filter: Some(format!("dhcp.option.dhcp == {option_value}")),
            streams: Vec::new(),
            items,
        });
    }
}

fn dhcp_server_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let items: Vec<ExpertItem> = report
        .dhcp
        .transactions
        .iter()
        .filter(|t| t.multiple_servers)
        .filter_map(|t| {
            let frame = *t.frames.first()?;
            Some(ExpertItem::frame(
                frame,
                None,
                Some(format!("xid {}: {}", t.xid, t.servers.join(", "))),
            ))
        })
        .collect();
    if items.is_empty() {
        return;
    }
    out.push(ExpertGroup {
        id: "pcaplens.dhcp.multiple_servers".into(),
        severity: Severity::Warning,
        severity_source: SeveritySource::Pcaplens,
        protocol: "DHCP",
        title: lang
            .pick("Several DHCP servers answered", "Respondieron varios servidores DHCP")
            .into(),
        wireshark_message: None,
        explanation: lang
            .pick(
                "More than one server answered the same client request. Sometimes that is planned redundancy, but a server nobody configured (a rogue DHCP server, e.g. a home router plugged into the network) hands out wrong addresses, gateways or DNS servers.",
                "Más de un servidor respondió a la misma petición del cliente. A veces es redundancia prevista, pero un servidor que nadie ha configurado (un servidor DHCP no autorizado, p. ej. un router doméstico conectado a la red) reparte direcciones, puertas de enlace o servidores DNS incorrectos.",
            )
            .into(),
        count: items.len() as u64,
        unit: CountUnit::Frames,
        filter: Some("dhcp".into()),
        streams: Vec::new(),
        items,
    });
}

// ---------------------------------------------------------------------------------------------
// SIP

fn sip_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let (mut challenges, mut errors) = (Vec::new(), Vec::new());
    for m in &report.sip.messages {
        let Some(status) = m.status else { continue };
        let item = ExpertItem::frame(
            m.frame,
            None,
            Some(match &m.cseq {
                Some(cseq) => format!("{status} ({cseq})"),
                None => status.to_string(),
            }),
        );
        match status {
            401 | 407 => challenges.push(item),
            400..=699 => errors.push(item),
            _ => {}
        }
    }
    if !errors.is_empty() {
        out.push(ExpertGroup {
            id: "pcaplens.sip.error_response".into(),
            severity: Severity::Warning,
            severity_source: SeveritySource::Pcaplens,
            protocol: "SIP",
            title: lang.pick("SIP error response", "Respuesta de error SIP").into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "A 4xx (client error: e.g. 404 not found, 486 busy here, 487 request terminated), 5xx (server error) or 6xx (global failure) response: the request failed.",
                    "Una respuesta 4xx (error del cliente: p. ej. 404 no encontrado, 486 ocupado, 487 petición cancelada), 5xx (error del servidor) o 6xx (fallo global): la petición ha fallado.",
                )
                .into(),
            count: errors.len() as u64,
            unit: CountUnit::Frames,
            filter: Some("sip.Status-Code >= 400 && !(sip.Status-Code in {401, 407})".into()),
            streams: Vec::new(),
            items: errors,
        });
    }
    if !challenges.is_empty() {
        out.push(ExpertGroup {
            id: "pcaplens.sip.auth_challenge".into(),
            severity: Severity::Chat,
            severity_source: SeveritySource::Pcaplens,
            protocol: "SIP",
            title: lang
                .pick("SIP authentication challenge", "Desafío de autenticación SIP")
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "401/407: the server asks the client to authenticate; the client normally repeats the request with credentials. Normal in a registration or call setup.",
                    "401/407: el servidor pide al cliente que se autentique; normalmente el cliente repite la petición con credenciales. Es normal en un registro o al establecer una llamada.",
                )
                .into(),
            count: challenges.len() as u64,
            unit: CountUnit::Frames,
            filter: Some("sip.Status-Code in {401, 407}".into()),
            streams: Vec::new(),
            items: challenges,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The capture file itself

fn capture_detail_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    let cap = &report.capinfos;
    let problems = &cap.decode_problems;
    if problems.total() > 0 {
        let mut items = Vec::new();
        for (n, en, es) in [
            (
                problems.unknown_link_type,
                "link type not decoded",
                "tipo de enlace no decodificado",
            ),
            (
                problems.link_truncated,
                "link-layer header cut short",
                "cabecera de enlace cortada",
            ),
            (
                problems.bad_ip,
                "IP header cut short or invalid",
                "cabecera IP cortada o no válida",
            ),
            (
                problems.bad_transport,
                "TCP/UDP header cut short or invalid",
                "cabecera TCP/UDP cortada o no válida",
            ),
        ] {
            if n > 0 {
                items.push(ExpertItem {
                    frame: None,
                    stream: None,
                    detail: Some(format!("{n} × {}", lang.pick(en, es))),
                    filter: None,
                });
            }
        }
        out.push(ExpertGroup {
            id: "pcaplens.capture.decode_problems".into(),
            severity: Severity::Warning,
            severity_source: SeveritySource::Pcaplens,
            protocol: "Capture",
            title: lang
                .pick("Frames not fully decoded", "Tramas no decodificadas por completo")
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "Some frames could not be taken apart completely, so they are counted but not analyzed. Wireshark marks such frames as malformed ([Malformed Packet]) or shows only raw data.",
                    "Algunas tramas no se han podido desmontar por completo, así que se cuentan pero no se analizan. Wireshark las marca como mal formadas ([Malformed Packet]) o solo muestra los datos en bruto.",
                )
                .into(),
            count: problems.total(),
            unit: CountUnit::Frames,
            filter: Some("_ws.malformed".into()),
            streams: Vec::new(),
            items,
        });
    }
    if cap.cut_packets > 0 {
        let limit = cap
            .inferred_snaplen
            .map(|[lo, hi]| {
                if lo == hi {
                    format!(" ({lo} bytes)")
                } else {
                    format!(" ({lo}–{hi} bytes)")
                }
            })
            .unwrap_or_default();
        out.push(ExpertGroup {
            id: "pcaplens.capture.cut_packets".into(),
            severity: Severity::Note,
            severity_source: SeveritySource::Pcaplens,
            protocol: "Capture",
            title: lang
                .pick(
                    "Packets cut short by the snapshot length",
                    "Paquetes recortados por la longitud de captura",
                )
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    format!("The capture kept only the start of these packets{limit} (snaplen). Headers are complete, but payloads are not, so anything that needs the full payload (TLS messages split over packets, DNS answers) may be missing."),
                    format!("La captura solo guardó el principio de estos paquetes{limit} (snaplen). Las cabeceras están completas, pero los datos no, así que puede faltar lo que necesite el contenido entero (mensajes TLS repartidos en varios paquetes, respuestas DNS)."),
                ),
            count: cap.cut_packets,
            unit: CountUnit::Frames,
            filter: Some("frame.len > frame.cap_len".into()),
            streams: Vec::new(),
            items: Vec::new(),
        });
    }
    if cap.time_ordered == Some(false) {
        out.push(ExpertGroup {
            id: "pcaplens.capture.time_order".into(),
            severity: Severity::Note,
            severity_source: SeveritySource::Pcaplens,
            protocol: "Capture",
            title: lang
                .pick("Packets out of time order", "Paquetes desordenados en el tiempo")
                .into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "Some packets carry an earlier time than the packet before them (capinfos: strict time order False). Usual after merging captures from several interfaces or machines; time-based analysis (RTT, retransmission timing) may be off around them.",
                    "Algunos paquetes tienen una hora anterior a la del paquete previo (capinfos: orden temporal estricto False). Es habitual al combinar capturas de varias interfaces o equipos; el análisis basado en tiempos (RTT, retransmisiones) puede fallar cerca de ellos.",
                )
                .into(),
            count: 1,
            unit: CountUnit::Problems,
            filter: Some("frame.time_delta < 0".into()),
            streams: Vec::new(),
            items: Vec::new(),
        });
    }
    if !cap.packet_comments.is_empty() || cap.packet_comments_dropped > 0 {
        out.push(ExpertGroup {
            id: "frame.comment".into(),
            severity: Severity::Comment,
            severity_source: SeveritySource::Wireshark,
            protocol: "Frame",
            title: lang.pick("Packet comments", "Comentarios de paquete").into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "Notes someone attached to packets when saving the capture (pcapng). Wireshark lists them in Expert Info as comments.",
                    "Notas que alguien añadió a los paquetes al guardar la captura (pcapng). Wireshark las muestra en la información experta como comentarios.",
                )
                .into(),
            count: cap.packet_comments.len() as u64 + cap.packet_comments_dropped,
            unit: CountUnit::Frames,
            filter: Some("frame.comment".into()),
            streams: Vec::new(),
            items: cap
                .packet_comments
                .iter()
                .map(|c| ExpertItem::frame(c.frame, None, Some(c.comment.clone())))
                .collect(),
        });
    }
}

fn capture_groups(report: &Report, lang: Lang, out: &mut Vec<ExpertGroup>) {
    if let Some(error) = &report.error {
        out.push(ExpertGroup {
            id: "pcaplens.capture.error".into(),
            severity: Severity::Error,
            severity_source: SeveritySource::Pcaplens,
            protocol: "Capture",
            title: t(lang, Key::ErrRead).into(),
            wireshark_message: None,
            explanation: lang
                .pick(
                    "The file could not be read as a capture, so the analysis is empty.",
                    "El archivo no se ha podido leer como captura, así que el análisis está vacío.",
                )
                .into(),
            count: 1,
            unit: CountUnit::Problems,
            filter: None,
            streams: Vec::new(),
            items: vec![ExpertItem {
                frame: None,
                stream: None,
                detail: Some(error.clone()),
                filter: None,
            }],
        });
    }
    let cap = &report.capinfos;
    if cap.truncated || !cap.warnings.is_empty() {
        let items: Vec<ExpertItem> = cap
            .warnings
            .iter()
            .map(|w| ExpertItem {
                frame: None,
                stream: None,
                detail: Some(w.clone()),
                filter: None,
            })
            .collect();
        let (severity, title, explanation) = if cap.truncated {
            (
                Severity::Error,
                lang.pick("Capture file cut short", "Archivo de captura cortado"),
                t(lang, Key::ErrTruncated),
            )
        } else {
            (
                Severity::Warning,
                lang.pick("Capture file warnings", "Avisos del archivo de captura"),
                lang.pick(
                    "Parts of the file were skipped while reading it; the results cover the rest.",
                    "Al leer el archivo se han omitido algunas partes; los resultados cubren el resto.",
                ),
            )
        };
        out.push(ExpertGroup {
            id: if cap.truncated {
                "pcaplens.capture.truncated".into()
            } else {
                "pcaplens.capture.warnings".into()
            },
            severity,
            severity_source: SeveritySource::Pcaplens,
            protocol: "Capture",
            title: title.into(),
            wireshark_message: None,
            explanation: explanation.into(),
            count: items.len().max(1) as u64,
            unit: CountUnit::Problems,
            filter: None,
            streams: Vec::new(),
            items,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn tcp_severities_are_wiresharks() {
        let sev = |k| tcp_flag(k).map(|f| f.severity);
        assert_eq!(sev("retransmission"), Some(Severity::Note));
        assert_eq!(sev("duplicate_ack"), Some(Severity::Note));
        assert_eq!(sev("zero_window"), Some(Severity::Warning));
        assert_eq!(sev("lost_segment"), Some(Severity::Warning));
        assert_eq!(sev("out_of_order"), Some(Severity::Warning));
        assert_eq!(sev("spurious_retransmission"), Some(Severity::Note));
        assert_eq!(sev("keep_alive"), Some(Severity::Note));
        assert_eq!(sev("window_update"), Some(Severity::Chat));
        assert_eq!(sev("window_full"), Some(Severity::Warning));
        assert_eq!(sev("reused_ports"), Some(Severity::Note));
        assert_eq!(sev("ack_lost_segment"), Some(Severity::Warning));
        // Every counter of the contract has a catalog entry.
        let all = AnalysisCounts {
            retransmission: 1,
            fast_retransmission: 2,
            spurious_retransmission: 3,
            duplicate_ack: 4,
            zero_window: 5,
            zero_window_probe: 6,
            zero_window_probe_ack: 7,
            out_of_order: 8,
            lost_segment: 9,
            ack_lost_segment: 10,
            keep_alive: 11,
            keep_alive_ack: 12,
            window_update: 13,
            window_full: 14,
            reused_ports: 15,
        };
        let mut seen: Vec<u64> = TCP_FLAGS.iter().map(|f| f.count_in(&all)).collect();
        seen.sort();
        assert_eq!(seen, (1..=15).collect::<Vec<_>>());
    }

    #[test]
    fn groups_from_a_lossy_tls_capture() {
        let report = testdata::lossy_tls_report();
        let groups = groups(&report, Lang::En);
        let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
        // Severity order first, catalog order inside a severity.
        assert_eq!(
            ids,
            [
                "tcp.analysis.zero_window",
                "tcp.connection.rst",
                "pcaplens.tcp.syn_no_reply",
                "tls.alert_message.desc.40",
                "dns.flags.rcode.servfail",
                "pcaplens.dns.unanswered",
                "icmp.resp_not_found",
                "icmp.type.3",
                "dhcp.option.dhcp.6",
                "tcp.analysis.retransmission",
                "tcp.analysis.fast_retransmission",
                "tcp.analysis.spurious_retransmission",
                "tcp.analysis.duplicate_ack",
                "dns.flags.rcode.nxdomain",
                "tcp.analysis.window_update",
                "tcp.connection.syn",
                "tcp.connection.sack",
                "tcp.connection.fin",
                "frame.comment",
            ]
        );

        let dup = groups
            .iter()
            .find(|g| g.id == "tcp.analysis.duplicate_ack")
            .unwrap();
        assert_eq!(dup.severity, Severity::Note);
        assert_eq!(dup.count, 3);
        assert_eq!(dup.filter.as_deref(), Some("tcp.analysis.duplicate_ack"));
        assert_eq!(
            dup.items.iter().map(|i| i.frame).collect::<Vec<_>>(),
            [Some(14), Some(15), Some(16)]
        );
        assert_eq!(
            dup.streams,
            [StreamCount {
                stream: 0,
                count: 3,
                filter: "tcp.stream eq 0 && tcp.analysis.duplicate_ack".into()
            }]
        );
        assert!(dup.explanation.contains("fast retransmission"));

        // The retransmission group also holds the fast and the spurious one, as the
        // `tcp.analysis.retransmission` filter selects them.
        let retrans = groups
            .iter()
            .find(|g| g.id == "tcp.analysis.retransmission")
            .unwrap();
        assert_eq!(retrans.count, 3);
        assert_eq!(
            retrans.items.iter().map(|i| i.frame).collect::<Vec<_>>(),
            [Some(17), Some(19), Some(20)]
        );

        let nx = groups
            .iter()
            .find(|g| g.id == "dns.flags.rcode.nxdomain")
            .unwrap();
        assert_eq!(nx.filter.as_deref(), Some("dns.flags.rcode == 3"));
        assert_eq!(nx.items[0].detail.as_deref(), Some("nope|`x`.example A"));

        let unanswered = groups
            .iter()
            .find(|g| g.id == "pcaplens.dns.unanswered")
            .unwrap();
        assert_eq!(unanswered.count, 1);
        assert_eq!(unanswered.items[0].frame, Some(40));

        let syn = groups
            .iter()
            .find(|g| g.id == "pcaplens.tcp.syn_no_reply")
            .unwrap();
        assert_eq!(syn.items[0].frame, Some(30));
        assert_eq!(syn.filter.as_deref(), Some("tcp.stream eq 1"));
    }

    #[test]
    fn details_from_the_new_report_fields() {
        let mut report = testdata::lossy_tls_report();
        report.tcp.issues[0].dup_ack_of = Some(13);
        report.tcp.issues[0].dup_ack_num = Some(1);
        report.tcp.issues[3].original_frame = Some(12);
        report.tcp.issues[3].rto_s = Some(0.2);
        report
            .dns
            .messages
            .push(pcaplens_core::report::dns::Message {
                frame: 45,
                id: 7,
                qname: Some("lost.example".into()),
                qtype: Some("AAAA".into()),
                retransmission: true,
                ..Default::default()
            });
        report.capinfos.decode_problems.bad_ip = 2;
        let detail = |groups: &[ExpertGroup], id: &str, frame: u64| {
            groups
                .iter()
                .find(|g| g.id == id)
                .and_then(|g| g.items.iter().find(|i| i.frame == Some(frame)))
                .and_then(|i| i.detail.clone())
                .unwrap_or_else(|| panic!("no {id} item for frame {frame}"))
        };
        let en = groups(&report, Lang::En);
        assert_eq!(
            detail(&en, "tcp.analysis.duplicate_ack", 14),
            "Dup ACK #1 of frame 13"
        );
        assert_eq!(
            detail(&en, "tcp.analysis.retransmission", 17),
            "retransmits frame 12 (200.0 ms later)"
        );
        assert_eq!(
            detail(&en, "icmp.type.3", 36),
            "Destination unreachable (port unreachable), from 10.0.0.9, about udp 10.0.0.2:40000 → 10.0.0.9:161"
        );
        assert_eq!(
            detail(&en, "dhcp.option.dhcp.6", 49),
            "xid 0x00000def, 66:77:88:99:aa:bb: \"wrong network\""
        );
        assert_eq!(detail(&en, "frame.comment", 14), "loss | starts `here`");
        assert_eq!(
            detail(&en, "tls.alert_message.desc.40", 26),
            "sent by the server (SNI www.example.com)"
        );
        assert_eq!(
            detail(&en, "dns.retransmit_request", 45),
            "lost.example AAAA"
        );
        assert_eq!(
            detail(&en, "icmp.resp_not_found", 35),
            "10.0.0.2 → 10.0.0.1 seq=2"
        );
        let comment = en.iter().find(|g| g.id == "frame.comment").unwrap();
        assert_eq!(comment.severity, Severity::Comment);
        let decode = en
            .iter()
            .find(|g| g.id == "pcaplens.capture.decode_problems")
            .unwrap();
        assert_eq!(decode.count, 2);
        let rst = en.iter().find(|g| g.id == "tcp.connection.rst").unwrap();
        assert_eq!((rst.count, rst.unit), (1, CountUnit::Frames));
        let syn = en.iter().find(|g| g.id == "tcp.connection.syn").unwrap();
        assert_eq!(syn.count, 4, "1 + 2 (a retransmitted SYN) + 1");
        assert_eq!(syn.severity, Severity::Chat);

        let es = groups(&report, Lang::Es);
        assert_eq!(
            detail(&es, "tcp.analysis.duplicate_ack", 14),
            "ACK duplicado n.º 1 de la trama 13"
        );
        assert_eq!(
            detail(&es, "tcp.analysis.retransmission", 17),
            "retransmite la trama 12 (200,0 ms después)"
        );
        assert_eq!(
            detail(&es, "tls.alert_message.desc.40", 26),
            "enviada por el servidor (SNI www.example.com)"
        );
    }

    #[test]
    fn spanish_groups() {
        let report = testdata::lossy_tls_report();
        let groups = groups(&report, Lang::Es);
        let zero = groups
            .iter()
            .find(|g| g.id == "tcp.analysis.zero_window")
            .unwrap();
        assert_eq!(zero.title, "Ventana cero");
        assert_eq!(zero.severity.label(Lang::Es), "Advertencia");
        assert!(zero.explanation.contains("búfer de recepción"));
        let rst = groups
            .iter()
            .find(|g| g.id == "tcp.connection.rst")
            .unwrap();
        assert_eq!(
            rst.items[0].detail.as_deref(),
            Some("10.0.0.2:51000 → 93.184.216.34:443: RST 1 del servidor")
        );
    }

    #[test]
    fn empty_report_has_no_groups_and_broken_file_has_an_error() {
        assert!(groups(&Report::default(), Lang::En).is_empty());
        let broken = Report {
            error: Some("not a capture file".into()),
            ..Report::default()
        };
        let g = groups(&broken, Lang::En);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].severity, Severity::Error);
    }

    #[test]
    fn counts_per_severity() {
        let g = groups(&testdata::lossy_tls_report(), Lang::En);
        let counts = severity_counts(&g);
        assert_eq!(counts.first().map(|c| c.0), Some(Severity::Warning));
        let notes = counts.iter().find(|c| c.0 == Severity::Note).unwrap().1;
        // retransmission 3 + fast 1 + spurious 1 + dup ACK 3 + NXDOMAIN 1
        assert_eq!(notes, 9);
    }

    #[test]
    fn stream_filters() {
        assert_eq!(streams_filter(&[]), None);
        assert_eq!(streams_filter(&[3]).as_deref(), Some("tcp.stream eq 3"));
        assert_eq!(
            streams_filter(&[1, 4]).as_deref(),
            Some("tcp.stream in {1, 4}")
        );
        assert_eq!(streams_filter(&(0..51).collect::<Vec<_>>()), None);
    }
}
