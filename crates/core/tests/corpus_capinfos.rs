//! The capinfos section against the tshark/capinfos 4.0 oracle for every capture in
//! ../shared/captures (skipped with a notice when that directory is absent).
//!
//! For captures capinfos reads, every fact it prints that we report must be equal: packets,
//! data size, file type and encapsulation, time precision, first/last time and duration to the
//! printed digit, strict time order, packet size limits, SHB facts, each interface, and packet
//! comments (from tshark). For captures capinfos rejects, our frame count must equal the frames
//! tshark read before giving up, and the damage must be reported (an error, or `truncated`
//! with a warning).
//!
//! Known, deliberate differences (none occur in the current corpus):
//! - pcap files with a link type Wireshark does not know: Wireshark refuses the file, we count
//!   the frames and warn that they are not decoded.
//! - pcap records whose fraction of a second is out of range: Wireshark keeps a nanosecond
//!   field above 1e9, we carry the excess into the seconds.

mod common;

use serde_json::Value;

/// Wireshark encapsulation short names → our LINKTYPE names.
fn linktype_from_wireshark(name: &str) -> String {
    match name {
        "ether" => "ETHERNET",
        "linux-sll" => "LINUX_SLL",
        "linux-sll2" => "LINUX_SLL2",
        "rawip" => "RAW",
        "rawip4" => "IPV4",
        "rawip6" => "IPV6",
        "null" => "NULL",
        "loop" => "LOOP",
        "per-packet" => "PER_PACKET",
        "ieee-802-11" => "IEEE802_11",
        "ieee-802-11-radiotap" => "IEEE802_11_RADIOTAP",
        other => other,
    }
    .to_string()
}

/// "microseconds (6)" → "us"; "per-packet (-1)" → "per-packet".
fn precision_from_label(label: &str) -> String {
    let word = label.split(' ').next().unwrap_or("");
    match word {
        "seconds" => "s",
        "deciseconds" => "ds",
        "centiseconds" => "cs",
        "milliseconds" => "ms",
        "microseconds" => "us",
        "nanoseconds" => "ns",
        other => other,
    }
    .to_string()
}

/// capinfos prints control characters of comments as spaces, and the oracle's line parser
/// trims each value.
fn as_capinfos_prints(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref().map(as_capinfos_prints)
}

/// Compares one capture; returns the list of differences.
fn compare(oracle: &Value, report: &pcaplens_core::Report) -> Vec<String> {
    let mut diffs = Vec::new();
    let c = &report.capinfos;
    let o = &oracle["capinfos"];
    let raw = &o["raw"];
    let mut check = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            diffs.push(format!("{what}: ours {ours:?}, capinfos {theirs:?}"));
        }
    };
    let tshark_frames = oracle["tshark"]["frames_read"].as_u64().unwrap_or(0);
    check(
        "frames read",
        c.frames.to_string(),
        tshark_frames.to_string(),
    );
    if o["ok"].as_bool() != Some(true) {
        // capinfos gave up: the damage must be visible.
        let damaged = report.error.is_some() || c.truncated;
        check("damage reported", damaged.to_string(), "true".into());
        return diffs;
    }
    check("packets", c.packets.to_string(), o["packets"].to_string());
    // capinfos' "Data size" sums the lengths on the wire (our `data_bytes` sums captured bytes).
    check(
        "data size",
        c.wire_bytes.to_string(),
        o["data_size"].to_string(),
    );
    let file_type = match (&c.file_type, c.compressed) {
        (Some(t), true) => format!("{t} (gzip compressed)"),
        (Some(t), false) => t.clone(),
        (None, _) => "none".into(),
    };
    check(
        "file type",
        file_type,
        str_of(&o["file_type"]).unwrap_or_default(),
    );
    check(
        "file encapsulation",
        c.encapsulation.clone().unwrap_or_else(|| "unknown".into()),
        linktype_from_wireshark(o["file_encapsulation"].as_str().unwrap_or("unknown")),
    );
    check(
        "file time precision",
        c.file_time_precision.clone().unwrap_or_default(),
        precision_from_label(o["timestamp_precision"].as_str().unwrap_or("")),
    );
    let na = |v: &Value| str_of(v).filter(|s| s != "n/a");
    check(
        "first packet time",
        c.first_time_exact.clone().unwrap_or_default(),
        na(&raw["First packet time"]).unwrap_or_default(),
    );
    check(
        "last packet time",
        c.last_time_exact.clone().unwrap_or_default(),
        na(&raw["Last packet time"]).unwrap_or_default(),
    );
    check(
        "duration",
        c.duration_exact
            .as_ref()
            .map(|d| format!("{d} seconds"))
            .unwrap_or_default(),
        na(&raw["Capture duration"]).unwrap_or_default(),
    );
    let order = match c.time_ordered {
        Some(true) => "True",
        Some(false) => "False",
        None => "Unknown",
    };
    check(
        "strict time order",
        order.into(),
        str_of(&o["strict_time_order"]).unwrap_or_default(),
    );
    // Packet size limit: one string or a list of "file hdr: ..." and "inferred: ...".
    let limits: Vec<String> = match &o["packet_size_limit"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(str_of).collect(),
        _ => Vec::new(),
    };
    let mut ours_limits = vec![match c.snaplen {
        Some(s) => format!("file hdr: {s} bytes"),
        None => "file hdr: (not set)".into(),
    }];
    if let Some([lo, hi]) = c.inferred_snaplen {
        ours_limits.push(if lo == hi {
            format!("inferred: {lo} bytes")
        } else {
            format!("inferred: {lo}-{hi} bytes (range)")
        });
    }
    check(
        "packet size limit",
        ours_limits.join(" | "),
        limits.join(" | "),
    );
    check(
        "capture hardware",
        format!("{:?}", trimmed(&c.capture_hardware)),
        format!("{:?}", str_of(&o["capture_hardware"])),
    );
    check(
        "capture os",
        format!("{:?}", trimmed(&c.capture_os)),
        format!("{:?}", str_of(&o["capture_os"])),
    );
    check(
        "capture application",
        format!("{:?}", trimmed(&c.capture_application)),
        format!("{:?}", str_of(&o["capture_application"])),
    );
    let comments: Vec<String> = c.comments.iter().map(|s| as_capinfos_prints(s)).collect();
    let theirs: Vec<String> = o["capture_comments"]
        .as_array()
        .map(|a| a.iter().filter_map(str_of).collect())
        .unwrap_or_default();
    check(
        "capture comments",
        format!("{comments:?}"),
        format!("{theirs:?}"),
    );
    let ifaces = o["interfaces"].as_array().cloned().unwrap_or_default();
    check(
        "interfaces",
        c.interfaces.len().to_string(),
        ifaces.len().to_string(),
    );
    for (i, (ours, theirs)) in c.interfaces.iter().zip(&ifaces).enumerate() {
        let field = |k: &str| str_of(&theirs[k]);
        let encap = field("Encapsulation").unwrap_or_default();
        // "Ethernet (1 - ether)" → "ether"
        let short = encap
            .rsplit(" - ")
            .next()
            .unwrap_or("")
            .trim_end_matches(')')
            .to_string();
        check(
            &format!("interface {i} name"),
            format!("{:?}", ours.name),
            format!("{:?}", field("Name")),
        );
        check(
            &format!("interface {i} description"),
            format!("{:?}", ours.description),
            format!("{:?}", field("Description")),
        );
        check(
            &format!("interface {i} link type"),
            ours.link_type.clone(),
            linktype_from_wireshark(&short),
        );
        check(
            &format!("interface {i} snaplen"),
            ours.snaplen.to_string(),
            field("Capture length").unwrap_or_default(),
        );
        check(
            &format!("interface {i} precision"),
            ours.time_precision.clone(),
            precision_from_label(&field("Time precision").unwrap_or_default()),
        );
        check(
            &format!("interface {i} ticks"),
            ours.ticks_per_second.to_string(),
            field("Time ticks per second").unwrap_or_default(),
        );
        check(
            &format!("interface {i} tsresol"),
            format!("{:?}", ours.tsresol.map(|r| format!("0x{r:02x}"))),
            format!("{:?}", field("Time resolution")),
        );
        check(
            &format!("interface {i} os"),
            format!("{:?}", ours.os),
            format!("{:?}", field("Operating system")),
        );
        check(
            &format!("interface {i} filter"),
            format!("{:?}", ours.filter),
            format!("{:?}", field("Filter string")),
        );
        check(
            &format!("interface {i} packets"),
            ours.packets.to_string(),
            field("Number of packets").unwrap_or_default(),
        );
    }
    let theirs: Vec<(u64, String)> = oracle["summary"]["packet_comments"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["frame"].as_u64().unwrap_or(0),
                        str_of(&p["comment"]).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let ours: Vec<(u64, String)> = c
        .packet_comments
        .iter()
        .map(|p| (p.frame, p.comment.replace('\n', "\\n")))
        .collect();
    check(
        "packet comments",
        format!("{ours:?}"),
        format!("{theirs:?}"),
    );
    diffs
}

#[test]
fn capinfos_equals_the_oracle_for_every_capture() {
    let corpus = common::corpus("capinfos_equals_the_oracle_for_every_capture");
    if corpus.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    let mut equal = 0;
    for (path, oracle) in &corpus {
        let report = common::analyze_file(path);
        let diffs = compare(oracle, &report);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if diffs.is_empty() {
            equal += 1;
        } else {
            failures.push(format!("{name}:\n    {}", diffs.join("\n    ")));
        }
    }
    eprintln!(
        "capinfos: {equal} of {} captures equal to the oracle",
        corpus.len()
    );
    assert!(
        failures.is_empty(),
        "capinfos differs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn corpus_reads_identically_in_any_chunk_size() {
    let corpus = common::corpus("corpus_reads_identically_in_any_chunk_size");
    for (path, _) in corpus.iter().take(60) {
        let bytes = std::fs::read(path).unwrap_or_default();
        if bytes.len() > 400_000 {
            continue;
        }
        let whole = common::analyze_chunked(&bytes, usize::MAX);
        for chunk in [1, 3, 4096] {
            let r = common::analyze_chunked(&bytes, chunk);
            assert_eq!(
                r.capinfos,
                whole.capinfos,
                "{} in {chunk}-byte chunks",
                path.display()
            );
            assert_eq!(r.error, whole.error);
        }
    }
}
