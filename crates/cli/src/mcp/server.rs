//! The MCP glue: tool and prompt declarations (names, parameters and descriptions as clients
//! see them) over the answer builders in [`super::mcpcap`] and [`super::extra`].

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, Implementation, PromptMessage, ProtocolVersion, Role, ServerCapabilities,
    ServerConfig,
};
use rmcp::schemars::{self, JsonSchema};
use rmcp::{prompt, prompt_handler, prompt_router, tool, tool_handler, tool_router, ServerHandler};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extra;
use super::files::{Capture, Files};
use super::mcpcap::{self, Ctx};
use super::packet_tools;
use super::page::{PageRequest, DEFAULT_LIMIT, MAX_ANSWER_BYTES};

/// Protocol revisions served: the ones current clients speak (an older client gets the newest
/// of these that it knows; rmcp negotiates).
const PROTOCOL_VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2024_11_05,
    ProtocolVersion::V_2025_03_26,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_11_25,
];

const INSTRUCTIONS: &str = "pcaplens analyzes pcap/pcapng captures (gzip too) the way Wireshark \
does: frame numbers, tcp.stream numbers, analysis flags and display filters are Wireshark's, so \
every answer can be checked in Wireshark. pcap_file is a local path (absolute or relative to the \
server's working directory) or a file:// URL; nothing is downloaded. Start with \
analyze_capinfos, then get_expert_info for what went wrong, then the protocol tools. Lists are \
paginated: answers carry a `page` object (total, omitted, next_offset); pass offset/limit for \
more.";

/// `pcap_file` only (mcpcap's five single-argument tools, plus paging).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct FileArgs {
    /// Local path of a pcap/pcapng capture (absolute, or relative to the server's working
    /// directory), optionally gzip-compressed, or a file:// URL. Remote URLs are refused.
    pub pcap_file: String,
    /// First list item to return (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most list items to return. Default: 50, fewer if the answer would pass about 64 KB.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CapinfosArgs {
    /// Local path of a pcap/pcapng capture (absolute, or relative to the server's working
    /// directory), optionally gzip-compressed, or a file:// URL. Remote URLs are refused.
    pub pcap_file: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConnectionsArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Only connections with this address at either end.
    #[serde(default)]
    pub server_ip: Option<String>,
    /// Only connections with this port at either end.
    #[serde(default)]
    pub server_port: Option<u16>,
    /// List every connection (page by page) instead of the first 10.
    #[serde(default)]
    #[schemars(default)]
    pub detailed: bool,
    /// First connection to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most connections to list.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AnomaliesArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Only connections with this address at either end.
    #[serde(default)]
    pub server_ip: Option<String>,
    /// Only connections with this port at either end.
    #[serde(default)]
    pub server_port: Option<u16>,
    /// First flagged frame to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most flagged frames to list.
    pub limit: Option<u64>,
}

fn default_threshold() -> f64 {
    0.02
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RetransmissionsArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Only connections with this address at either end.
    #[serde(default)]
    pub server_ip: Option<String>,
    /// Retransmission rate above which a connection (and the capture) is flagged: 0.02 = 2%.
    #[serde(default = "default_threshold")]
    #[schemars(default = "default_threshold")]
    pub threshold: f64,
    /// First connection to list (0-based), worst first. Default 0.
    pub offset: Option<u64>,
    /// Most connections to list.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FlowArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// The server's address: traffic toward it is client-to-server.
    pub server_ip: String,
    /// Only connections with this server port.
    #[serde(default)]
    pub server_port: Option<u16>,
    /// First connection to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most connections to list.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TlsArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Only handshakes whose SNI (server name) contains this text, case-insensitive.
    #[serde(default)]
    pub sni: Option<String>,
    /// First handshake to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most handshakes to list.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExpertArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Only groups of this severity: error, warning, note, chat or comment.
    #[serde(default)]
    pub severity: Option<String>,
    /// Language of titles and explanations: en or es. Default en.
    #[serde(default)]
    pub lang: Option<String>,
    /// First group to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most groups to list.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StreamArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Wireshark's tcp.stream number (0-based).
    pub stream: u64,
    /// First packet of the stream to list (0-based). Default 0.
    pub offset: Option<u64>,
    /// Most packets to list. Default 100, fewer if the answer would pass about 64 KB.
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReportArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// markdown (the hand-in report), json (the full report, as `pcaplens analyze --json`) or
    /// csv (the connections). Default markdown.
    #[serde(default)]
    pub format: Option<String>,
    /// Language of the Markdown report: en or es. Default en.
    #[serde(default)]
    pub lang: Option<String>,
    /// Byte offset in the document to start from (see next_offset). Default 0.
    pub offset: Option<u64>,
    /// Most bytes to return. Default 60000.
    pub max_bytes: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListPacketsArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// A Wireshark display filter (e.g. `tcp.analysis.retransmission`, `dns && ip.addr ==
    /// 10.0.0.1`); every frame when absent.
    #[serde(default)]
    pub display_filter: Option<String>,
    /// First displayed frame to list (0-based). Default 0.
    #[serde(default)]
    #[schemars(default)]
    pub offset: u64,
    /// Most frames to list. Default 50.
    #[serde(default = "default_packet_limit")]
    #[schemars(default = "default_packet_limit")]
    pub limit: u64,
}

fn default_packet_limit() -> u64 {
    DEFAULT_LIMIT as u64
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetPacketArgs {
    /// Local path of a pcap/pcapng capture, or a file:// URL.
    pub pcap_file: String,
    /// Wireshark's frame number (No. column, from 1).
    pub frame: u64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PromptArgs {
    /// The capture to work on (a local path); the prompt names it in every tool call.
    #[serde(default)]
    pub pcap_file: Option<String>,
}

/// The server: the files it may read and the cache, shared by every call.
#[derive(Clone)]
pub struct PcaplensServer {
    files: Arc<Files>,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

fn failure(given: &str, message: String) -> CallToolResult {
    CallToolResult::structured_error(json!({"error": message, "pcap_file": given}))
}

fn to_usize(v: Option<u64>, default: usize) -> usize {
    v.map_or(default, |v| usize::try_from(v).unwrap_or(usize::MAX))
}

impl PcaplensServer {
    pub fn new(files: Arc<Files>) -> Self {
        PcaplensServer {
            files,
            tool_router: Self::tool_router(),
            prompt_router: Self::prompt_router(),
        }
    }

    /// Resolves `given`, gets its report (cached) and builds the answer, off the async thread.
    async fn answer(
        &self,
        given: String,
        build: impl FnOnce(&Ctx) -> Result<Value, String> + Send + 'static,
    ) -> CallToolResult {
        let files = self.files.clone();
        let shown = given.clone();
        let job = tokio::task::spawn_blocking(move || {
            let capture = files.resolve(&given)?;
            let report = files.report(&capture)?;
            build(&Ctx {
                given: &given,
                capture: &capture,
                report: &report,
            })
        });
        finish(&shown, job.await)
    }

    /// As [`answer`](Self::answer) for tools that read the file themselves (no report).
    async fn answer_file(
        &self,
        given: String,
        build: impl FnOnce(&str, &Capture) -> Result<Value, String> + Send + 'static,
    ) -> CallToolResult {
        let files = self.files.clone();
        let shown = given.clone();
        let job = tokio::task::spawn_blocking(move || {
            let capture = files.resolve(&given)?;
            build(&given, &capture)
        });
        finish(&shown, job.await)
    }
}

fn finish(
    given: &str,
    outcome: Result<Result<Value, String>, tokio::task::JoinError>,
) -> CallToolResult {
    match outcome {
        Ok(Ok(value)) => CallToolResult::structured(value),
        Ok(Err(message)) => failure(given, message),
        Err(e) => failure(given, format!("internal error: {e}")),
    }
}

#[tool_router]
impl PcaplensServer {
    #[tool(
        description = "Return a capture file's metadata, as Wireshark's capinfos prints it: format, \
        encapsulation, packet count, data size (bytes on the wire) and captured bytes, first/last \
        packet time, duration, data rates, average packet size and rate, interfaces, comments, \
        and whether the file is damaged. Frame numbers are Wireshark's. pcap_file is a local \
        path or file:// URL (never downloaded).",
        annotations(
            title = "Capture file info (capinfos)",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_capinfos(&self, Parameters(a): Parameters<CapinfosArgs>) -> CallToolResult {
        self.answer(a.pcap_file, |ctx| Ok(mcpcap::capinfos(ctx)))
            .await
    }

    #[tool(
        description = "Analyze DNS, mDNS and LLMNR messages (UDP and TCP) as Wireshark does: \
        query/response counts, unanswered queries, RCODEs, query types, latency, unique domains, \
        and each message with its Wireshark frame number (packet_number = frame), tcp.stream \
        (DNS over TCP), questions, answers and the frame of its response (dns.response_in). \
        Paginated: see `page`.",
        annotations(
            title = "DNS messages",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_dns_packets(&self, Parameters(a): Parameters<FileArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| Ok(mcpcap::dns(ctx, page)))
            .await
    }

    #[tool(
        description = "Analyze DHCPv4/BOOTP and DHCPv6 messages: message types, clients, servers \
        (rogue servers flagged), transactions by xid with their DORA sequence, leases and \
        options, each message with its Wireshark frame number. Paginated: see `page`.",
        annotations(
            title = "DHCP messages",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_dhcp_packets(&self, Parameters(a): Parameters<FileArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| Ok(mcpcap::dhcp(ctx, page)))
            .await
    }

    #[tool(
        description = "Analyze ICMP and ICMPv6 messages (neighbour discovery included) with \
        Wireshark's type/code names: echo requests and replies paired as icmp.resp_in/resp_to \
        with round-trip times, unreachable and time-exceeded errors with the quoted packet (and \
        its tcp.stream), each with its Wireshark frame number. Paginated: see `page`.",
        annotations(
            title = "ICMP messages",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_icmp_packets(&self, Parameters(a): Parameters<FileArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| Ok(mcpcap::icmp(ctx, page)))
            .await
    }

    #[tool(
        description = "Analyze SIP signalling over UDP and TCP (reassembled): requests by \
        method, responses by status, calls by Call-ID with setup time, duration and final \
        state, SDP media, each message with its Wireshark frame number and tcp.stream. \
        Paginated: see `page`.",
        annotations(
            title = "SIP messages",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_sip_packets(&self, Parameters(a): Parameters<FileArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| Ok(mcpcap::sip(ctx, page)))
            .await
    }

    #[tool(
        description = "Analyze TCP connections, one per Wireshark tcp.stream: handshakes, how \
        each closed (FIN/RST and who sent it), retransmissions and the other tcp.analysis \
        flags, Zeek conn_state/history, with first/last frame numbers (Wireshark's). The first \
        10 connections are listed unless detailed=true (then every one, page by page). \
        server_ip/server_port keep the connections with that address/port at either end.",
        annotations(
            title = "TCP connections",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_tcp_connections(
        &self,
        Parameters(a): Parameters<ConnectionsArgs>,
    ) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            mcpcap::tcp_connections(ctx, a.server_ip.as_deref(), a.server_port, a.detailed, page)
        })
        .await
    }

    #[tool(
        description = "Detect TCP traffic patterns from Wireshark's analysis: handshake \
        success, RST distribution by source and direction, retransmission rate, connection \
        states, and every flagged frame (tcp.analysis.* : retransmission, duplicate ACK, zero \
        window, lost segment, ...) with its Wireshark frame number, tcp.stream and the frame it \
        retransmits. Observational: no diagnosis. Paginated: see `page`.",
        annotations(
            title = "TCP anomalies",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_tcp_anomalies(
        &self,
        Parameters(a): Parameters<AnomaliesArgs>,
    ) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            mcpcap::tcp_anomalies(ctx, a.server_ip.as_deref(), a.server_port, page)
        })
        .await
    }

    #[tool(
        description = "Analyze TCP retransmissions as Wireshark flags them \
        (tcp.analysis.retransmission, fast and spurious included; keep-alives and window probes \
        are not retransmissions): total, rate over TCP packets, whether it exceeds threshold, \
        and connections worst first with the Wireshark frame numbers of their retransmissions. \
        Paginated: see `page`.",
        annotations(
            title = "TCP retransmissions",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_tcp_retransmissions(
        &self,
        Parameters(a): Parameters<RetransmissionsArgs>,
    ) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            mcpcap::tcp_retransmissions(ctx, a.server_ip.as_deref(), a.threshold, page)
        })
        .await
    }

    #[tool(
        description = "Analyze bidirectional TCP traffic to and from server_ip (optionally one \
        port): packets, bytes on the wire, payload, SYN/FIN/RST and retransmissions per \
        direction, asymmetry, who sends the resets, and each connection with its tcp.stream \
        and Wireshark frame numbers. Paginated: see `page`.",
        annotations(
            title = "TCP traffic flow",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_traffic_flow(&self, Parameters(a): Parameters<FlowArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            mcpcap::traffic_flow(ctx, &a.server_ip, a.server_port, page)
        })
        .await
    }

    #[tool(
        description = "List TLS handshakes, one per tcp.stream: SNI, offered and selected \
        version, cipher suite (with its name), ALPN, JA3/JA4 fingerprints, resumption, \
        HelloRetryRequest, alerts with their frames, record counts, and the Wireshark frame \
        numbers of the ClientHello and ServerHello. sni keeps handshakes whose server name \
        contains it. Paginated: see `page`.",
        annotations(
            title = "TLS handshakes",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_tls_handshakes(&self, Parameters(a): Parameters<TlsArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            Ok(extra::tls_handshakes(
                ctx.given,
                ctx.report,
                a.sni.as_deref(),
                page,
            ))
        })
        .await
    }

    #[tool(
        description = "Wireshark's Expert Info for the capture, most severe first: each group \
        (e.g. tcp.analysis.retransmission, DNS no response, ICMP unreachable) with its \
        severity, a plain-language explanation of what it means and usual causes, the count, \
        the Wireshark frame numbers and the display filter that finds them in Wireshark. \
        severity keeps one severity; lang is en or es. Paginated: see `page`.",
        annotations(
            title = "Expert Info",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_expert_info(&self, Parameters(a): Parameters<ExpertArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, DEFAULT_LIMIT);
        self.answer(a.pcap_file, move |ctx| {
            let severity = a
                .severity
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(extra::parse_severity)
                .transpose()?;
            let lang = extra::parse_lang(a.lang.as_deref())?;
            Ok(extra::expert_info(
                ctx.given, ctx.report, severity, lang, page,
            ))
        })
        .await
    }

    #[tool(
        description = "One TCP connection (Wireshark's tcp.stream): its summary and its \
        packets as a flow graph shows them: Wireshark frame number, time, direction, flags, \
        relative seq/ack, length, window, tcp.analysis flags and TLS records. Paginated (the \
        first 5000 packets of a stream): see `page`.",
        annotations(
            title = "TCP stream packets",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_tcp_stream(&self, Parameters(a): Parameters<StreamArgs>) -> CallToolResult {
        let page = PageRequest::new(a.offset, a.limit, 100);
        self.answer(a.pcap_file, move |ctx| {
            extra::tcp_stream(ctx.given, ctx.capture, ctx.report, a.stream, page)
        })
        .await
    }

    #[tool(
        description = "Write the capture's report: markdown (the hand-in report a student \
        submits: summary, connections, handshakes, problems with Wireshark frame numbers and \
        filters, in en or es), json (the complete pcaplens report, as `pcaplens analyze --json` \
        prints it) or csv (one row per TCP connection). Long documents come in slices: follow \
        next_offset.",
        annotations(
            title = "Generate report",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn generate_report(&self, Parameters(a): Parameters<ReportArgs>) -> CallToolResult {
        self.answer(a.pcap_file, move |ctx| {
            let format = extra::parse_format(a.format.as_deref())?;
            let lang = extra::parse_lang(a.lang.as_deref())?;
            Ok(extra::generate_report(
                ctx.given,
                ctx.report,
                format,
                lang,
                to_usize(a.offset, 0),
                to_usize(a.max_bytes, MAX_ANSWER_BYTES - 4 * 1024),
            ))
        })
        .await
    }

    #[tool(
        description = "Wireshark's packet list: No. (Wireshark's frame number), Time, Source, \
        Destination, Protocol, Length and Info columns, plus tcp.stream, for the frames a \
        Wireshark display filter selects (all frames without one), after both passes as \
        `tshark -2`. Paginated: offset/limit (default 50), `page` has the total displayed.",
        annotations(
            title = "Packet list",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_packets(&self, Parameters(a): Parameters<ListPacketsArgs>) -> CallToolResult {
        let page = PageRequest::new(Some(a.offset), Some(a.limit), DEFAULT_LIMIT);
        // An explicit limit is honoured; the default one may shrink to the size budget.
        let page = PageRequest {
            limit: (a.limit != default_packet_limit())
                .then_some(page.limit)
                .flatten(),
            ..page
        };
        self.answer_file(a.pcap_file, move |given, capture| {
            packet_tools::list_packets(given, capture, a.display_filter.as_deref(), page)
        })
        .await
    }

    #[tool(
        description = "One frame's packet details as Wireshark shows them: the dissection tree \
        (every layer with its fields, Wireshark field names and values) as text and as nodes, \
        and the hex dump of its bytes (and of reassembled data). frame is Wireshark's frame \
        number (the No. column).",
        annotations(
            title = "Packet details",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_packet(&self, Parameters(a): Parameters<GetPacketArgs>) -> CallToolResult {
        self.answer_file(a.pcap_file, move |given, capture| {
            packet_tools::get_packet(given, capture, a.frame)
        })
        .await
    }
}

fn file_phrase(a: &PromptArgs) -> String {
    match a.pcap_file.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(f) => format!("the capture `{f}`"),
        None => "the capture the user names (ask for its local path if they have not \
                 given one)"
            .into(),
    }
}

fn prompt_text(text: String) -> Vec<PromptMessage> {
    vec![PromptMessage::new_text(Role::User, text)]
}

#[prompt_router]
impl PcaplensServer {
    /// Troubleshoot TCP connection problems step by step with Wireshark's analysis.
    #[prompt(name = "tcp_connection_troubleshooting")]
    async fn tcp_connection_troubleshooting(
        &self,
        Parameters(a): Parameters<PromptArgs>,
    ) -> Vec<PromptMessage> {
        prompt_text(format!(
            "You are a network engineer troubleshooting TCP connections in {}. Every frame and \
             tcp.stream number you quote must come from the tools (they are Wireshark's), so \
             the user can check it in Wireshark.\n\n\
             1. Call analyze_capinfos: packets, duration, and whether the file is damaged.\n\
             2. Call analyze_tcp_connections with detailed=true: which handshakes failed, which \
             connections were reset and by whom (rst_from), which are mid-stream.\n\
             3. Call analyze_tcp_retransmissions and analyze_tcp_anomalies: retransmission rate \
             against the threshold, duplicate ACKs, zero windows, lost segments, with the \
             flagged frames.\n\
             4. Call get_expert_info (severity warning, then note) for the explanation of each \
             finding and the display filter to show it.\n\
             5. For the worst connection, call get_tcp_stream with its stream number and walk \
             the packets: where does the exchange stop, who waits for whom?\n\
             6. If one server matters, call analyze_traffic_flow with its server_ip.\n\n\
             Conclude with the likely cause (client, server, or network), the evidence (frame \
             numbers, display filters) and the next step to confirm it.",
            file_phrase(&a)
        ))
    }

    /// Troubleshoot TLS handshakes (versions, ciphers, SNI, ALPN, alerts) together with TCP.
    #[prompt(name = "tls_troubleshooting")]
    async fn tls_troubleshooting(
        &self,
        Parameters(a): Parameters<PromptArgs>,
    ) -> Vec<PromptMessage> {
        prompt_text(format!(
            "You are diagnosing TLS connection problems in {}.\n\n\
             1. Call analyze_tls_handshakes (sni=... to focus on one server): for each stream, \
             did a ServerHello follow the ClientHello? Which version and cipher were chosen? Any \
             HelloRetryRequest, alerts (level, description, who sent them), lost bytes?\n\
             2. For a handshake that failed or ended with an alert, call get_tcp_stream with its \
             stream: is the failure at the TCP level (RST, retransmissions, no answer) or at \
             the TLS level (alert after ClientHello: version/cipher mismatch, unrecognized \
             name)?\n\
             3. Call get_expert_info for TLS and TCP findings with their display filters.\n\
             4. Call analyze_dns_packets to check the server name resolved and to which \
             address.\n\n\
             Report per failing connection: stream, frames, what failed and why, and what to \
             change (client or server configuration). Quote only frame numbers from the tools.",
            file_phrase(&a)
        ))
    }

    /// Review a capture for security concerns across DNS, TLS, TCP, ICMP, DHCP and SIP.
    #[prompt(name = "security_review")]
    async fn security_review(&self, Parameters(a): Parameters<PromptArgs>) -> Vec<PromptMessage> {
        prompt_text(format!(
            "You are a security analyst reviewing {}. Report observations with evidence \
             (Wireshark frame numbers and display filters from the tools); do not guess beyond \
             them.\n\n\
             - analyze_capinfos: time span, interfaces, damage.\n\
             - analyze_tcp_anomalies: SYNs without answers (scans), RST patterns, port reuse.\n\
             - analyze_tcp_connections (detailed=true): conn_state S0/REJ/RSTO patterns across \
             many ports or hosts.\n\
             - analyze_dns_packets: unusual or very long names, NXDOMAIN bursts, TXT volume \
             (tunnelling), resolvers in use.\n\
             - analyze_tls_handshakes: old versions (TLS 1.0/1.1), weak ciphers, missing SNI, \
             unusual JA3/JA4 fingerprints, alerts.\n\
             - analyze_icmp_packets: sweeps, unreachable bursts, redirects, router \
             advertisements from unexpected hosts.\n\
             - analyze_dhcp_packets: more than one server answering (rogue DHCP).\n\
             - analyze_sip_packets: REGISTER floods, scanners' user agents.\n\
             - get_expert_info: errors and warnings.\n\n\
             Finish with findings ordered by severity, each with its evidence and a recommended \
             action.",
            file_phrase(&a)
        ))
    }

    /// Help a student write the networking-course report on a capture (explain, don't invent).
    #[prompt(name = "student_report")]
    async fn student_report(&self, Parameters(a): Parameters<PromptArgs>) -> Vec<PromptMessage> {
        prompt_text(format!(
            "You are helping a networking student write the report for their lab on {}. \
             Explain each step in plain words and cite Wireshark frame numbers and display \
             filters from the tools so the student can find every packet in Wireshark.\n\n\
             1. Call generate_report (format markdown; lang es if the student writes in \
             Spanish): it is the report skeleton with every number already checked against \
             Wireshark.\n\
             2. Call analyze_dns_packets: which name was resolved, by which server, in how many \
             milliseconds.\n\
             3. Call analyze_tcp_connections and get_tcp_stream for the main connection: the \
             three-way handshake (frames, flags, relative seq/ack), the data, and the close \
             (FIN or RST).\n\
             4. Call analyze_tls_handshakes: ClientHello and ServerHello frames, TLS version, \
             cipher suite, SNI, ALPN.\n\
             5. Call get_expert_info and explain each finding (duplicate ACKs, retransmissions, \
             ...) with its explanation.\n\n\
             Do not invent numbers: if a tool does not show something, say so.",
            file_phrase(&a)
        ))
    }
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for PcaplensServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .build(),
        )
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
        .with_server_info(
            Implementation::new("pcaplens", env!("CARGO_PKG_VERSION"))
                .with_title("pcaplens: Wireshark-correct capture analysis"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(PROTOCOL_VERSIONS)
    }
}
