//! End to end: `pcaplens mcp` driven by an rmcp client over stdio, as an MCP host would.
//!
//! The always-on part uses captures written by pcaplens-synth (the demo capture) and checks
//! every tool against the core's own report. The corpus part checks the answers' numbers
//! against the tshark oracle of every capture in ../shared/captures (skipped with a notice when
//! that directory is absent).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, ClientConfig, GetPromptRequestParams, ProtocolVersion, Tool,
};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

/// An MCP client that asks for one protocol revision.
#[derive(Debug, Clone)]
struct Client {
    version: ProtocolVersion,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        let mut info = ClientConfig::default();
        info.protocol_version = self.version.clone();
        info
    }
}

/// A running `pcaplens mcp` and the client connected to it.
struct Server {
    client: RunningService<RoleClient, Client>,
    stderr: tokio::task::JoinHandle<String>,
}

impl Server {
    async fn start(args: &[&str], cwd: &Path, version: ProtocolVersion) -> Server {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_pcaplens")).configure(|c| {
            c.arg("mcp").args(&args).current_dir(cwd);
        });
        let (transport, stderr) = TokioChildProcess::builder(cmd)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start pcaplens mcp");
        let mut stderr = stderr.expect("stderr is piped");
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        let client = Client { version }
            .serve(transport)
            .await
            .expect("handshake");
        Server { client, stderr }
    }

    /// Calls a tool; returns (is_error, structured content). Checks that the text content is
    /// the same JSON.
    async fn call(&self, name: &str, args: Value) -> (bool, Value) {
        let Value::Object(args) = args else {
            panic!("arguments must be an object")
        };
        let result = self
            .client
            .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let structured = result
            .structured_content
            .clone()
            .unwrap_or_else(|| panic!("{name}: no structuredContent"));
        let text = result
            .content
            .first()
            .and_then(|c| c.as_text())
            .map(|t| t.text.clone())
            .unwrap_or_default();
        let parsed: Value = serde_json::from_str(&text).expect("text content is JSON");
        assert_eq!(
            parsed, structured,
            "{name}: text and structuredContent differ"
        );
        (result.is_error == Some(true), structured)
    }

    async fn ok(&self, name: &str, args: Value) -> Value {
        let (err, v) = self.call(name, args.clone()).await;
        assert!(!err, "{name} {args}: {v}");
        v
    }

    async fn error(&self, name: &str, args: Value) -> String {
        let (err, v) = self.call(name, args.clone()).await;
        assert!(err, "{name} {args} should fail: {v}");
        v["error"].as_str().unwrap_or_default().to_string()
    }

    /// Closes the connection; returns what the server wrote on stderr.
    async fn stop(self) -> String {
        let _ = self.client.cancel().await;
        tokio::time::timeout(Duration::from_secs(10), self.stderr)
            .await
            .expect("server exits when stdin closes")
            .unwrap_or_default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcaplens-mcp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A tool parameter: name, JSON type, default (as JSON text) when it has one.
type Param = (&'static str, &'static str, Option<&'static str>);

/// mcpcap 0.10.0's tools: name, parameters, required ones.
const MCPCAP_TOOLS: &[(&str, &[Param], &[&str])] = &[
    (
        "analyze_capinfos",
        &[("pcap_file", "string", None)],
        &["pcap_file"],
    ),
    (
        "analyze_dns_packets",
        &[("pcap_file", "string", None)],
        &["pcap_file"],
    ),
    (
        "analyze_dhcp_packets",
        &[("pcap_file", "string", None)],
        &["pcap_file"],
    ),
    (
        "analyze_icmp_packets",
        &[("pcap_file", "string", None)],
        &["pcap_file"],
    ),
    (
        "analyze_sip_packets",
        &[("pcap_file", "string", None)],
        &["pcap_file"],
    ),
    (
        "analyze_tcp_connections",
        &[
            ("pcap_file", "string", None),
            ("server_ip", "string", Some("null")),
            ("server_port", "integer", Some("null")),
            ("detailed", "boolean", Some("false")),
        ],
        &["pcap_file"],
    ),
    (
        "analyze_tcp_anomalies",
        &[
            ("pcap_file", "string", None),
            ("server_ip", "string", Some("null")),
            ("server_port", "integer", Some("null")),
        ],
        &["pcap_file"],
    ),
    (
        "analyze_tcp_retransmissions",
        &[
            ("pcap_file", "string", None),
            ("server_ip", "string", Some("null")),
            ("threshold", "number", Some("0.02")),
        ],
        &["pcap_file"],
    ),
    (
        "analyze_traffic_flow",
        &[
            ("pcap_file", "string", None),
            ("server_ip", "string", None),
            ("server_port", "integer", Some("null")),
        ],
        &["pcap_file", "server_ip"],
    ),
];

const NEW_TOOLS: &[&str] = &[
    "analyze_tls_handshakes",
    "get_expert_info",
    "get_tcp_stream",
    "generate_report",
    "list_packets",
    "get_packet",
];

fn check_tool_list(tools: &[Tool]) {
    let names: Vec<&str> = tools.iter().map(|t| &*t.name).collect();
    assert_eq!(
        tools.len(),
        MCPCAP_TOOLS.len() + NEW_TOOLS.len(),
        "{names:?}"
    );
    for t in tools {
        let a = t.annotations.as_ref().expect("annotated");
        assert_eq!(a.read_only_hint, Some(true), "{}", t.name);
        assert_eq!(a.idempotent_hint, Some(true), "{}", t.name);
        assert_eq!(a.open_world_hint, Some(false), "{}", t.name);
        assert_eq!(a.destructive_hint, Some(false), "{}", t.name);
        let d = t.description.as_deref().unwrap_or_default();
        assert!(d.contains("Wireshark"), "{}: {d}", t.name);
    }
    for (name, params, required) in MCPCAP_TOOLS {
        let tool = tools
            .iter()
            .find(|t| t.name == *name)
            .unwrap_or_else(|| panic!("{name} missing"));
        let schema = Value::Object((*tool.input_schema).clone());
        let mut req: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        req.sort_unstable();
        let mut want = required.to_vec();
        want.sort_unstable();
        assert_eq!(req, want, "{name}: required");
        for (p, ty, default) in *params {
            let prop = &schema["properties"][p];
            let types: Vec<&str> = match &prop["type"] {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            assert!(types.contains(ty), "{name}.{p}: type {prop}");
            if let Some(d) = default {
                assert_eq!(
                    prop["default"],
                    serde_json::from_str::<Value>(d).unwrap(),
                    "{name}.{p}: default"
                );
            }
        }
    }
    for n in NEW_TOOLS {
        assert!(names.contains(n), "{n} missing");
    }
}

/// The always-on part: synthetic captures, every tool, the errors, the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_server_on_synthetic_captures() {
    let dir = temp_dir("synth");
    let inside = dir.join("inside");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let demo = pcaplens_synth::demo::demo_capture();
    std::fs::write(inside.join("demo.pcap"), &demo).unwrap();
    std::fs::write(inside.join("demo.pcap.gz"), gzip(&demo)).unwrap();
    std::fs::write(inside.join("notes.pcap"), "not a capture\n").unwrap();
    std::fs::write(outside.join("other.pcap"), &demo).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("other.pcap"), inside.join("escape.pcap")).unwrap();
    let report = pcaplens_core::analyze_bytes(
        &demo,
        &pcaplens_core::Config {
            file_name: Some("demo.pcap".into()),
            ..Default::default()
        },
    );
    let file = s(&inside.join("demo.pcap"));

    // Both protocol revisions current clients speak are negotiated as asked.
    for version in [ProtocolVersion::V_2025_06_18, ProtocolVersion::V_2025_11_25] {
        let server = Server::start(&[], &inside, version.clone()).await;
        let info = server.client.peer_info().expect("server info");
        assert_eq!(info.protocol_version, version);
        server.stop().await;
    }

    let root = s(&inside);
    let server = Server::start(&["--root", &root], &inside, ProtocolVersion::V_2025_11_25).await;
    check_tool_list(&server.client.list_all_tools().await.unwrap());

    // The nine mcpcap tools: mcpcap's keys, the core's numbers.
    let a = server
        .ok("analyze_capinfos", json!({"pcap_file": file}))
        .await;
    for key in [
        "file_size_bytes",
        "filename",
        "file_encapsulation",
        "packet_count",
        "data_size_bytes",
        "capture_duration_seconds",
        "first_packet_time",
        "last_packet_time",
        "data_rate_bytes",
        "data_rate_bits",
        "average_packet_size_bytes",
        "average_packet_rate",
    ] {
        assert!(a.get(key).is_some(), "capinfos: {key}");
    }
    assert_eq!(a["packet_count"], 60);
    assert_eq!(a["file_size_bytes"], demo.len());
    assert_eq!(a["data_size_bytes"], report.capinfos.wire_bytes);

    let a = server
        .ok("analyze_dns_packets", json!({"pcap_file": file}))
        .await;
    assert_eq!(a["statistics"]["queries"], report.dns.queries);
    assert_eq!(a["statistics"]["responses"], report.dns.responses);
    let frames: Vec<u64> = report.dns.messages.iter().map(|m| m.frame).collect();
    let listed: Vec<u64> = a["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, frames);
    assert_eq!(a["packets"][0]["packet_number"], frames[0]);

    for (tool, key) in [
        ("analyze_dhcp_packets", "dhcp_packets_found"),
        ("analyze_icmp_packets", "icmp_packets_found"),
        ("analyze_sip_packets", "sip_packets_found"),
    ] {
        let a = server.ok(tool, json!({"pcap_file": file})).await;
        assert_eq!(a[key], 0, "{tool}");
        assert!(a["message"].is_string(), "{tool}");
    }

    let a = server
        .ok("analyze_tcp_connections", json!({"pcap_file": file}))
        .await;
    let t = &report.tcp;
    assert_eq!(
        a["summary"]["total_connections"],
        t.summary.total_connections
    );
    assert_eq!(
        a["summary"]["reset_connections"],
        t.summary.reset_connections
    );
    assert!(a["issues"].is_array());
    let conns = a["connections"].as_array().unwrap();
    assert_eq!(conns.len(), t.connections.len());
    for (c, want) in conns.iter().zip(&t.connections) {
        assert_eq!(c["stream"], want.stream);
        assert_eq!(c["packet_count"], want.packets);
        assert_eq!(c["first_frame"], want.first_frame);
        assert_eq!(c["retransmissions"], want.analysis.retransmission);
    }
    // Pagination: one connection per page, walking next_offset, gives them all.
    let mut offset = 0;
    let mut streams = Vec::new();
    loop {
        let a = server
            .ok(
                "analyze_tcp_connections",
                json!({"pcap_file": file, "detailed": true, "offset": offset, "limit": 1}),
            )
            .await;
        assert_eq!(a["page"]["total"], t.connections.len());
        assert_eq!(
            a["page"]["omitted"],
            t.connections.len() as u64 - a["page"]["returned"].as_u64().unwrap()
        );
        streams.extend(
            a["connections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["stream"].as_u64().unwrap()),
        );
        match a["page"]["next_offset"].as_u64() {
            Some(n) => offset = n,
            None => break,
        }
    }
    assert_eq!(
        streams,
        t.connections.iter().map(|c| c.stream).collect::<Vec<_>>()
    );

    let server_ep: std::net::SocketAddr = t.connections[0].server.parse().unwrap();
    let a = server
        .ok(
            "analyze_tcp_connections",
            json!({"pcap_file": file, "server_ip": "10.255.255.1"}),
        )
        .await;
    assert_eq!(a["summary"]["total_connections"], 0);
    let a = server
        .ok(
            "analyze_tcp_anomalies",
            json!({"pcap_file": file, "server_ip": server_ep.ip().to_string()}),
        )
        .await;
    assert_eq!(
        a["statistics"]["total_connections"],
        t.connections
            .iter()
            .filter(|c| c.server.starts_with(&server_ep.ip().to_string())
                || c.client.starts_with(&server_ep.ip().to_string()))
            .count()
    );
    assert_eq!(a["page"]["total"], t.issues.len());
    assert!(a["patterns"].is_array() && a["summary"]["total_patterns"].is_u64());

    let a = server
        .ok("analyze_tcp_retransmissions", json!({"pcap_file": file}))
        .await;
    assert_eq!(
        a["total_retransmissions"],
        t.retransmissions.total_retransmissions
    );
    assert_eq!(a["retransmission_rate"], t.retransmissions.rate);
    assert_eq!(a["threshold"], 0.02);
    assert_eq!(a["exceeds_threshold"], t.retransmissions.exceeds_threshold);
    let a = server
        .ok(
            "analyze_tcp_retransmissions",
            json!({"pcap_file": file, "threshold": 0.0}),
        )
        .await;
    assert_eq!(
        a["exceeds_threshold"],
        t.retransmissions.total_retransmissions > 0
    );

    let a = server
        .ok(
            "analyze_traffic_flow",
            json!({"pcap_file": file, "server_ip": server_ep.ip().to_string(), "server_port": server_ep.port()}),
        )
        .await;
    let (c2s, s2c): (u64, u64) = t
        .connections
        .iter()
        .filter(|c| c.server == t.connections[0].server)
        .map(|c| (c.client_to_server.packets, c.server_to_client.packets))
        .fold((0, 0), |x, y| (x.0 + y.0, x.1 + y.1));
    assert_eq!(a["client_to_server"]["packet_count"], c2s);
    assert_eq!(a["server_to_client"]["packet_count"], s2c);
    assert!(a["analysis"]["primary_rst_source"].is_string());
    let e = server
        .error(
            "analyze_traffic_flow",
            json!({"pcap_file": file, "server_ip": "nope"}),
        )
        .await;
    assert!(e.contains("not an IP address"), "{e}");

    // The nine calls above (and the repeats) cost one analysis of the file.
    // The new tools.
    let a = server
        .ok("analyze_tls_handshakes", json!({"pcap_file": file}))
        .await;
    assert_eq!(a["tls_streams"], report.tls.handshakes.len());
    assert_eq!(a["handshakes"][0]["client_hello_frame"], 6);
    assert_eq!(a["handshakes"][0]["selected_version_name"], "TLS 1.3");
    let a = server
        .ok(
            "analyze_tls_handshakes",
            json!({"pcap_file": file, "sni": "no-such-name.example"}),
        )
        .await;
    assert_eq!(a["matching_streams"], 0);

    let groups = pcaplens_render::expert::groups(&report, pcaplens_render::i18n::Lang::En);
    let a = server
        .ok("get_expert_info", json!({"pcap_file": file}))
        .await;
    assert_eq!(a["groups_total"], groups.len());
    assert!(!groups.is_empty());
    assert_eq!(a["groups"][0]["id"], groups[0].id);
    assert!(a["groups"][0]["explanation"].as_str().unwrap().len() > 20);
    let a = server
        .ok(
            "get_expert_info",
            json!({"pcap_file": file, "severity": "note", "lang": "es"}),
        )
        .await;
    assert!(a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["severity"] == "Note"));
    let e = server
        .error(
            "get_expert_info",
            json!({"pcap_file": file, "severity": "dire"}),
        )
        .await;
    assert!(e.contains("severity"), "{e}");

    let a = server
        .ok("get_tcp_stream", json!({"pcap_file": file, "stream": 0}))
        .await;
    let frames: Vec<u64> = a["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(frames, (3..=20).collect::<Vec<u64>>());
    assert_eq!(a["packets"][0]["flags"], "SYN");
    assert_eq!(a["packets"][1]["flags"], "SYN, ACK");
    assert_eq!(a["page"]["total"], 18);
    let a = server
        .ok(
            "get_tcp_stream",
            json!({"pcap_file": file, "stream": 0, "offset": 10, "limit": 5}),
        )
        .await;
    assert_eq!(a["packets"][0]["frame"], 13);
    assert_eq!(a["page"]["returned"], 5);
    assert_eq!(a["page"]["omitted"], 13);
    let e = server
        .error("get_tcp_stream", json!({"pcap_file": file, "stream": 99}))
        .await;
    assert!(e.contains("does not exist"), "{e}");

    let a = server
        .ok(
            "generate_report",
            json!({"pcap_file": file, "format": "json", "max_bytes": 100000000}),
        )
        .await;
    assert_eq!(a["content"].as_str().unwrap(), report.to_json());
    let a = server
        .ok("generate_report", json!({"pcap_file": file, "lang": "es"}))
        .await;
    assert_eq!(
        a["content"].as_str().unwrap(),
        pcaplens_render::report_md::markdown(&report, pcaplens_render::i18n::Lang::Es)
    );
    let a = server
        .ok(
            "generate_report",
            json!({"pcap_file": file, "format": "csv"}),
        )
        .await;
    assert_eq!(
        a["content"].as_str().unwrap(),
        pcaplens_render::csv::connections(&report)
    );

    let a = server
        .ok("list_packets", json!({"pcap_file": file, "limit": 5}))
        .await;
    assert_eq!(a["frames_displayed"], 60);
    assert_eq!(a["page"]["returned"], 5);
    assert_eq!(a["page"]["omitted"], 55);
    assert_eq!(a["packets"][4]["frame"], 5);
    assert_eq!(a["packets"][2]["tcp_stream"], 0);
    let a = server
        .ok("list_packets", json!({"pcap_file": file, "offset": 58}))
        .await;
    assert_eq!(a["page"]["returned"], 2);
    let a = server
        .ok(
            "list_packets",
            json!({"pcap_file": file, "display_filter": "tcp.stream == 0"}),
        )
        .await;
    assert_eq!(frames_of(&a["packets"]), (3..=20).collect::<Vec<u64>>());
    assert_eq!(a["frames_displayed"], 18);
    let e = server
        .error(
            "list_packets",
            json!({"pcap_file": file, "display_filter": "tcp.port =="}),
        )
        .await;
    assert!(e.contains("invalid display filter"), "{e}");
    let a = server
        .ok("get_packet", json!({"pcap_file": file, "frame": 3}))
        .await;
    assert!(a["details"].as_str().unwrap().starts_with("Frame 3:"));
    assert!(a["bytes"][0]["hex"].as_str().unwrap().starts_with("0000  "));
    let e = server
        .error("get_packet", json!({"pcap_file": file, "frame": 61}))
        .await;
    assert!(e.contains("no frame 61"), "{e}");

    // Other ways to name the file: gzip, file:// URL, relative to the server's directory.
    for given in [
        s(&inside.join("demo.pcap.gz")),
        format!("file://{}", s(&inside.join("demo.pcap"))),
        "demo.pcap".to_string(),
    ] {
        let a = server
            .ok("analyze_capinfos", json!({"pcap_file": given}))
            .await;
        assert_eq!(a["packet_count"], 60, "{given}");
    }

    // Bad inputs are answered with errors (and the server keeps going).
    let cases = [
        (s(&inside.join("missing.pcap")), "not found"),
        (s(&inside.join("notes.pcap")), "not a capture file"),
        (
            "https://example.com/capture.pcap".into(),
            "nothing leaves this machine",
        ),
        (
            "http://example.com/capture.pcap".into(),
            "nothing leaves this machine",
        ),
        (s(&outside.join("other.pcap")), "outside the folders"),
        (
            s(&inside.join("../outside/other.pcap")),
            "outside the folders",
        ),
        #[cfg(unix)]
        (s(&inside.join("escape.pcap")), "outside the folders"),
        (s(&inside), "not a regular file"),
    ];
    for (given, want) in &cases {
        for tool in [
            "analyze_capinfos",
            "analyze_tcp_connections",
            "list_packets",
        ] {
            let e = server.error(tool, json!({"pcap_file": given})).await;
            assert!(e.contains(want), "{tool} {given}: {e}");
        }
    }
    // Arguments that do not fit the schema are answered with an error, not a crash.
    for (tool, args) in [
        ("analyze_capinfos", json!({})),
        (
            "get_tcp_stream",
            json!({"pcap_file": file, "stream": "zero"}),
        ),
        ("analyze_traffic_flow", json!({"pcap_file": file})),
    ] {
        let Value::Object(args) = args else {
            unreachable!()
        };
        let r = server
            .client
            .call_tool(CallToolRequestParams::new(tool).with_arguments(args))
            .await;
        assert!(
            r.as_ref().map_or(true, |r| r.is_error == Some(true)),
            "{tool}: {r:?}"
        );
    }
    let a = server
        .ok("analyze_capinfos", json!({"pcap_file": file}))
        .await;
    assert_eq!(a["packet_count"], 60);

    // Prompts name the tools.
    let prompts = server.client.list_all_prompts().await.unwrap();
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    for want in [
        "tcp_connection_troubleshooting",
        "tls_troubleshooting",
        "security_review",
        "student_report",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let mut args = serde_json::Map::new();
    args.insert("pcap_file".into(), json!(file));
    let mut params = GetPromptRequestParams::new("tls_troubleshooting");
    params.arguments = Some(args);
    let p = server.client.get_prompt(params).await.unwrap();
    let text = serde_json::to_string(&p.messages).unwrap();
    assert!(text.contains("analyze_tls_handshakes") && text.contains("demo.pcap"));

    let log = server.stop().await;
    let demo_analyses = log
        .lines()
        .filter(|l| l.contains("analysed") && l.contains("demo.pcap ("))
        .count();
    assert_eq!(
        demo_analyses, 1,
        "one analysis for every call on demo.pcap:\n{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shared test data (`../shared/captures` beside the repository, or beside a folder
/// holding it, as for a git worktree), if present.
fn shared_captures() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(2)
        .map(|d| d.join("shared/captures"))
        .find(|d| d.is_dir())
}

/// Every capture of the corpus with its tshark oracle.
fn corpus() -> Vec<(PathBuf, Value)> {
    let Some(dir) = shared_captures() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sub in ["public", "generated"] {
        for entry in std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            let name = s(&path);
            if name.ends_with(".oracle.json") || name.ends_with(".tsv") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(format!("{name}.oracle.json")) else {
                continue;
            };
            if let Ok(oracle) = serde_json::from_str(&text) {
                out.push((path, oracle));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn frames_of(list: &Value) -> Vec<u64> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["frame"].as_u64())
        .collect()
}

/// Frames of ICMP errors: a DNS header quoted inside one is not a DNS message (tshark's DNS
/// statistics leave it out, and so does the core; its field pass still lists it).
fn icmp_error_frames(oracle: &Value) -> Vec<u64> {
    oracle["icmp"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            let t = m["type"].as_u64().unwrap_or(0);
            match m["version"].as_u64() {
                Some(4) => matches!(t, 3 | 4 | 5 | 11 | 12),
                Some(6) => (1..=4).contains(&t),
                _ => false,
            }
        })
        .filter_map(|m| m["frame"].as_u64())
        .collect()
}

/// The address part of an oracle endpoint ("10.0.0.1:443", "[2001:db8::1]:443").
fn ip_of(endpoint: &str) -> String {
    endpoint
        .rsplit_once(':')
        .map_or(endpoint, |(ip, _)| ip)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string()
}

/// Display filters checked through `list_packets` on every capture (the packet engine's own
/// tests check all of them; these cover the protocols and TCP analysis).
const FILTERS: &[&str] = &[
    "tcp",
    "udp",
    "dns",
    "icmp",
    "icmpv6",
    "tls",
    "sip",
    "dhcp",
    "tcp.analysis.retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.flags.syn == 1",
    "frame.number <= 10",
];

/// tshark's frames for [`FILTERS`] on one capture (`../shared/filters/expected`), when it
/// read the capture without error.
fn expected_filters(capture: &str) -> Vec<(&'static str, Vec<u64>)> {
    let Some(dir) = shared_captures().and_then(|c| c.parent().map(|p| p.join("filters/expected")))
    else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(dir.join(format!("{capture}.filters.tsv"))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(filter), Some(frames), Some("0")) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let Some(known) = FILTERS.iter().find(|f| **f == filter) else {
            continue;
        };
        let mut list = Vec::new();
        for part in frames.split(',').filter(|p| *p != "-" && !p.is_empty()) {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            if let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) {
                list.extend(a..=b);
            }
        }
        out.push((*known, list));
    }
    out
}

/// Every tool on every capture of the corpus, with the numbers tshark's oracle has: packets,
/// connections, retransmissions and analysis flags, DNS, ICMP, SIP, DHCP messages, TLS
/// handshakes, stream rows, the packet list. Also times the nine mcpcap tools per capture
/// (the first call includes the analysis): together they must answer within 1 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_corpus_matches_tshark_oracle() {
    let corpus = corpus();
    if corpus.is_empty() {
        eprintln!("mcp_corpus_matches_tshark_oracle: skipped: ../shared/captures is not present");
        return;
    }
    let cwd = std::env::temp_dir();
    let server = Server::start(&[], &cwd, ProtocolVersion::V_2025_06_18).await;
    let mut differences: Vec<String> = Vec::new();
    let mut checks = 0usize;
    let mut slowest = (Duration::ZERO, String::new());
    for (path, oracle) in &corpus {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let f = s(path);
        let mut check = |what: &str, ours: Value, theirs: Value| {
            checks += 1;
            if ours != theirs {
                differences.push(format!("{name}: {what}: ours {ours}, tshark {theirs}"));
            }
        };
        let started = Instant::now();
        let (err, capinfos) = server
            .call("analyze_capinfos", json!({"pcap_file": f}))
            .await;
        if err {
            // Only a file tshark could not read either may be refused.
            check(
                "readable",
                json!(false),
                json!(oracle["tshark"]["frames_read"].as_u64().unwrap_or(0) > 0),
            );
            continue;
        }
        let c = &oracle["capinfos"];
        if c["packets"].is_u64() {
            check(
                "capinfos packets",
                capinfos["packet_count"].clone(),
                c["packets"].clone(),
            );
            check(
                "capinfos data size",
                capinfos["data_size_bytes"].clone(),
                c["data_size"].clone(),
            );
            check(
                "capinfos file size",
                capinfos["file_size_bytes"].clone(),
                c["file_size"].clone(),
            );
        }
        check(
            "frames",
            capinfos["frames"].clone(),
            oracle["tshark"]["frames_read"].clone(),
        );

        let conns = server
            .ok(
                "analyze_tcp_connections",
                json!({"pcap_file": f, "detailed": true, "limit": 1_000_000}),
            )
            .await;
        let ot = &oracle["tcp"];
        check(
            "tcp streams",
            conns["summary"]["total_connections"].clone(),
            ot["stream_count"].clone(),
        );
        let listed = conns["connections"].as_array().cloned().unwrap_or_default();
        for st in ot["streams"].as_array().into_iter().flatten() {
            let n = st["stream"].as_u64().unwrap_or(u64::MAX);
            let Some(ours) = listed.iter().find(|c| c["stream"] == n) else {
                check(&format!("stream {n}"), json!("missing"), json!("present"));
                continue;
            };
            check(
                &format!("stream {n} packets"),
                ours["packet_count"].clone(),
                st["frames"].clone(),
            );
            check(
                &format!("stream {n} retransmissions"),
                ours["retransmissions"].clone(),
                st["analysis"]["retransmission"].clone(),
            );
            check(
                &format!("stream {n} handshake"),
                ours["handshake_completed"].clone(),
                st["handshake_completed"].clone(),
            );
            check(
                &format!("stream {n} first frame"),
                ours["first_frame"].clone(),
                st["first_frame"].clone(),
            );
        }

        let retrans = server
            .ok("analyze_tcp_retransmissions", json!({"pcap_file": f}))
            .await;
        check(
            "retransmissions",
            retrans["total_retransmissions"].clone(),
            ot["analysis_totals"]["retransmission"].clone(),
        );
        let anomalies = server
            .ok("analyze_tcp_anomalies", json!({"pcap_file": f}))
            .await;
        if let Some(ours) = anomalies["statistics"]["analysis"].as_object() {
            for (flag, theirs) in ot["analysis_totals"].as_object().into_iter().flatten() {
                if let Some(v) = ours.get(flag) {
                    check(&format!("tcp.analysis.{flag}"), v.clone(), theirs.clone());
                }
            }
        }

        // Traffic flow to the first stream's server: every frame of its streams, both ways.
        let first_server = ot["streams"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|st| st["server"].as_str().map(ip_of));
        if let Some(ip) = first_server {
            let flow = server
                .ok(
                    "analyze_traffic_flow",
                    json!({"pcap_file": f, "server_ip": ip}),
                )
                .await;
            let want: u64 = ot["streams"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|st| {
                    [&st["a"], &st["b"]]
                        .iter()
                        .any(|e| e.as_str().map(ip_of).as_deref() == Some(ip.as_str()))
                })
                .map(|st| st["frames"].as_u64().unwrap_or(0))
                .sum();
            let ours = flow["client_to_server"]["packet_count"]
                .as_u64()
                .unwrap_or(0)
                + flow["server_to_client"]["packet_count"]
                    .as_u64()
                    .unwrap_or(0);
            check("traffic flow packets", json!(ours), json!(want));
        }

        let quoted = icmp_error_frames(oracle);
        let dns = server
            .ok(
                "analyze_dns_packets",
                json!({"pcap_file": f, "limit": 1_000_000}),
            )
            .await;
        let odns: Vec<&Value> = oracle["dns"]["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| !quoted.contains(&m["frame"].as_u64().unwrap_or(0)))
            .collect();
        let responses = odns.iter().filter(|m| m["response"] == true).count();
        check(
            "dns queries",
            dns["statistics"]["queries"].clone(),
            json!(odns.len() - responses),
        );
        check(
            "dns responses",
            dns["statistics"]["responses"].clone(),
            json!(responses),
        );
        check(
            "dns frames",
            json!(frames_of(&dns["packets"])),
            json!(odns
                .iter()
                .filter_map(|m| m["frame"].as_u64())
                .collect::<Vec<_>>()),
        );
        let answered: Vec<(u64, u64)> = odns
            .iter()
            .filter_map(|m| Some((m["frame"].as_u64()?, m["response_in"].as_u64()?)))
            .collect();
        let ours_answered: Vec<(u64, u64)> = dns["packets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m["frame"].as_u64()?, m["response_in"].as_u64()?)))
            .collect();
        check("dns response_in", json!(ours_answered), json!(answered));

        let icmp = server
            .ok(
                "analyze_icmp_packets",
                json!({"pcap_file": f, "limit": 1_000_000}),
            )
            .await;
        let oi = &oracle["icmp"];
        check(
            "icmp frames",
            json!(frames_of(&icmp["packets"])),
            json!(frames_of(&oi["messages"])),
        );
        check(
            "icmp echo requests",
            icmp["statistics"]["echo_requests"].clone(),
            oi["echo_requests"].clone(),
        );
        check(
            "icmp echo replies",
            icmp["statistics"]["echo_replies"].clone(),
            oi["echo_replies"].clone(),
        );
        check(
            "icmp unanswered",
            icmp["statistics"]["unanswered_echo_requests"].clone(),
            oi["echo_requests_unanswered"].clone(),
        );
        check(
            "icmp destination unreachable",
            icmp["statistics"]["destination_unreachable"].clone(),
            oi["destination_unreachable"].clone(),
        );

        let sip = server
            .ok(
                "analyze_sip_packets",
                json!({"pcap_file": f, "limit": 1_000_000}),
            )
            .await;
        check(
            "sip frames",
            json!(frames_of(&sip["packets"])),
            json!(frames_of(&oracle["sip"]["messages"])),
        );
        let dhcp = server
            .ok(
                "analyze_dhcp_packets",
                json!({"pcap_file": f, "limit": 1_000_000}),
            )
            .await;
        check(
            "dhcp frames",
            json!(frames_of(&dhcp["packets"])),
            json!(frames_of(&oracle["dhcp"]["messages"])),
        );
        let elapsed = started.elapsed();
        if elapsed > slowest.0 {
            slowest = (elapsed, name.clone());
        }

        let tls = server
            .ok(
                "analyze_tls_handshakes",
                json!({"pcap_file": f, "limit": 1_000_000}),
            )
            .await;
        let otls = &oracle["tls"];
        check(
            "tls streams",
            tls["tls_streams"].clone(),
            json!(otls["streams"].as_array().map_or(0, Vec::len)),
        );
        check(
            "tls client hellos",
            tls["client_hellos"].clone(),
            otls["client_hello_count"].clone(),
        );
        for st in otls["streams"].as_array().into_iter().flatten() {
            let n = st["stream"].as_u64().unwrap_or(u64::MAX);
            let ours = tls["handshakes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|h| h["stream"] == n);
            check(
                &format!("tls stream {n} client hello frame"),
                ours.map_or(Value::Null, |h| h["client_hello_frame"].clone()),
                st["client_hellos"][0]["frame"].clone(),
            );
        }

        if let Some(st) = ot["streams"].as_array().and_then(|a| a.first()) {
            let rows = server
                .ok(
                    "get_tcp_stream",
                    json!({"pcap_file": f, "stream": st["stream"], "limit": 5000}),
                )
                .await;
            check(
                "stream rows",
                rows["page"]["total"].clone(),
                st["frames"].clone(),
            );
            check(
                "stream first row",
                rows["packets"][0]["frame"].clone(),
                st["first_frame"].clone(),
            );
        }
        let expert = server.ok("get_expert_info", json!({"pcap_file": f})).await;
        check(
            "expert info answers",
            json!(expert["groups"].is_array()),
            json!(true),
        );
        let list = server
            .ok("list_packets", json!({"pcap_file": f, "limit": 1}))
            .await;
        check(
            "packet list frames",
            list["frames_displayed"].clone(),
            oracle["tshark"]["frames_read"].clone(),
        );
        // Display filters through list_packets: the frames `tshark -2 -Y` shows.
        for (filter, frames) in expected_filters(&name) {
            let list = server
                .ok(
                    "list_packets",
                    json!({"pcap_file": f, "display_filter": filter, "limit": 1_000_000}),
                )
                .await;
            check(
                &format!("filter {filter}"),
                json!(frames_of(&list["packets"])),
                json!(frames),
            );
        }
    }
    server.stop().await;
    eprintln!(
        "mcp corpus: {} captures, {checks} checks, {} differences; slowest nine mcpcap tools: {:?} ({})",
        corpus.len(),
        differences.len(),
        slowest.0,
        slowest.1
    );
    assert!(
        differences.is_empty(),
        "differences from tshark:\n{}",
        differences.join("\n")
    );
    assert!(checks > 500, "too few checks: {checks}");
    assert!(
        slowest.0 < Duration::from_secs(1),
        "the nine mcpcap tools took {:?} on {}",
        slowest.0,
        slowest.1
    );
}
