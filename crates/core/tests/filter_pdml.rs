//! Display filters against tshark on tshark's own dissections: every frame of a capture is
//! rebuilt as a `Dissection` from `tshark -T pdml` (field types from `tshark -G fields`, value
//! strings from `tshark -G values`), then each filter of `shared/filters/filters.txt` is run
//! over it and the passing frames compared with tshark's (`shared/filters/expected`). This
//! checks the filter engine alone, independent of pcaplens' dissectors.
//!
//! Skipped with a notice when tshark or ../shared is absent.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::Command;

use pcaplens_core::filter::compile_with;
use pcaplens_core::packets::field::{Base, FieldDef, FieldType, Value};
use pcaplens_core::packets::tree::{Dissection, Wants};

/// Captures larger than this are left out (PDML is slow and large).
const MAX_CAPTURE_BYTES: u64 = 120_000;

/// `<repo>/../shared` (or one level up, for a git worktree under `wt/`).
fn shared_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| root.join(up))
        .find(|d| d.join("filters/expected").is_dir())
}

fn tshark(args: &[&str]) -> Option<String> {
    let out = Command::new("tshark").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn ftype(ft: &str) -> Option<FieldType> {
    Some(match ft {
        "FT_PROTOCOL" => FieldType::Protocol,
        "FT_NONE" => FieldType::None,
        "FT_BOOLEAN" => FieldType::Bool,
        "FT_UINT8" | "FT_CHAR" => FieldType::U8,
        "FT_UINT16" => FieldType::U16,
        "FT_UINT24" => FieldType::U24,
        "FT_UINT32" => FieldType::U32,
        "FT_UINT40" | "FT_UINT48" | "FT_UINT56" | "FT_UINT64" => FieldType::U64,
        "FT_INT8" | "FT_INT16" | "FT_INT24" | "FT_INT32" => FieldType::I32,
        "FT_INT40" | "FT_INT48" | "FT_INT56" | "FT_INT64" => FieldType::I64,
        "FT_FLOAT" | "FT_DOUBLE" => FieldType::Float,
        "FT_ABSOLUTE_TIME" => FieldType::AbsTime,
        "FT_RELATIVE_TIME" => FieldType::RelTime,
        "FT_STRING" | "FT_STRINGZ" | "FT_UINT_STRING" | "FT_STRINGZPAD" | "FT_STRINGZTRUNC" => {
            FieldType::Str
        }
        "FT_BYTES" | "FT_UINT_BYTES" => FieldType::Bytes,
        "FT_IPv4" => FieldType::Ipv4,
        "FT_IPv6" => FieldType::Ipv6,
        "FT_ETHER" => FieldType::Ether,
        "FT_FRAMENUM" => FieldType::FrameNum,
        _ => return None,
    })
}

/// Every field tshark knows, as leaked `FieldDef`s (value strings only for the fields the
/// filters name).
fn registry(filters: &str) -> HashMap<&'static str, &'static FieldDef> {
    let fields = tshark(&["-G", "fields"]).unwrap_or_default();
    let values = tshark(&["-G", "values"]).unwrap_or_default();
    let mut strings: HashMap<&str, Vec<(u64, &'static str)>> = HashMap::new();
    for line in values.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let parse = |s: &str| {
            s.strip_prefix("0x")
                .map_or_else(|| s.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
        };
        match f.as_slice() {
            ["V" | "V64", name, v, text] if filters.contains(name) => {
                if let Some(v) = parse(v) {
                    strings.entry(name).or_default().push((v, leak(text)));
                }
            }
            ["T", name, t, f] if filters.contains(name) => {
                let e = strings.entry(name).or_default();
                e.push((1, leak(t)));
                e.push((0, leak(f)));
            }
            _ => {}
        }
    }
    let mut map = HashMap::new();
    for line in fields.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, ft) = match f.as_slice() {
            ["P", _, name, ..] => (*name, FieldType::Protocol),
            ["F", _, name, ft, ..] => match ftype(ft) {
                Some(t) => (*name, t),
                None => continue,
            },
            _ => continue,
        };
        let name = leak(name);
        let mut def = FieldDef::new(name, name, ft, Base::None);
        if let Some(s) = strings.remove(name) {
            def = def.with_strings(Box::leak(s.into_boxed_slice()));
        }
        map.entry(name)
            .or_insert_with(|| &*Box::leak(Box::new(def)));
    }
    map
}

fn attr<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let pat = format!(" {key}=\"");
    let start = line.find(&pat)? + pat.len();
    let end = line[start..].find('"')? + start;
    Some(&line[start..end])
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let ent = &rest[i + 1..i + j];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&rest[i..=i + j]),
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn value(def: &FieldDef, show: &str, raw: Option<&str>) -> Option<Value> {
    let uint = |s: &str| {
        s.strip_prefix("0x")
            .map_or_else(|| s.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
    };
    Some(match def.ftype {
        FieldType::Protocol | FieldType::None => Value::None,
        FieldType::Bool => Value::Bool(uint(show)? != 0),
        t if t.is_unsigned() => Value::UInt(uint(show)?),
        FieldType::I32 | FieldType::I64 => Value::Int(show.parse().ok()?),
        FieldType::Float => Value::Float(show.parse().ok()?),
        FieldType::RelTime => {
            let s = show.split(' ').next()?;
            let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
            let (a, b) = s.split_once('.').unwrap_or((s, "0"));
            let frac = format!("{b:0<9}");
            let n = a.parse::<i64>().ok()? * 1_000_000_000 + frac.get(..9)?.parse::<i64>().ok()?;
            Value::RelTime(if neg { -n } else { n })
        }
        FieldType::AbsTime => return None,
        FieldType::Str => Value::str(unescape(show)),
        FieldType::Bytes => Value::bytes(&hex(raw?)?),
        FieldType::Ipv4 => Value::Ipv4(show.parse::<Ipv4Addr>().ok()?),
        FieldType::Ipv6 => Value::Ipv6(show.parse::<Ipv6Addr>().ok()?),
        FieldType::Ether => {
            let b = hex(raw?)?;
            Value::Ether(b.try_into().ok()?)
        }
        _ => return None,
    })
}

/// One dissection per packet of `tshark -2 -T pdml`.
fn dissections(file: &Path, reg: &HashMap<&'static str, &'static FieldDef>) -> Vec<Dissection> {
    let path = file.to_string_lossy();
    // A damaged capture makes tshark exit non-zero after the packets it could read.
    let pdml = Command::new("tshark")
        .args(["-n", "-2", "-r", &path, "-T", "pdml"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut d = Dissection::new(Wants::All, false);
    for line in pdml.lines() {
        let line = line.trim_start();
        if line.starts_with("<packet>") {
            d = Dissection::new(Wants::All, false);
        } else if line.starts_with("</packet>") {
            out.push(std::mem::take(&mut d));
        } else if line.starts_with("<proto ") || line.starts_with("<field ") {
            let Some(name) = attr(line, "name") else {
                continue;
            };
            let Some(def) = reg.get(name).copied() else {
                continue;
            };
            let pos = attr(line, "pos").and_then(|p| p.parse().ok()).unwrap_or(0);
            let size = attr(line, "size").and_then(|p| p.parse().ok()).unwrap_or(0);
            if def.ftype == FieldType::Protocol {
                d.open_protocol(def, 0, pos, size);
                continue;
            }
            let show = attr(line, "show").unwrap_or("");
            if let Some(v) = value(def, show, attr(line, "value")) {
                if def.name == "frame.number" {
                    if let Value::UInt(n) = v {
                        d.frame = n;
                    }
                }
                d.field(def, v, pos, size);
            }
        }
    }
    out
}

fn frames_of(ranges: &str) -> Vec<u64> {
    if ranges == "-" {
        return Vec::new();
    }
    let mut out = Vec::new();
    for r in ranges.split(',') {
        let (a, b) = r.split_once('-').unwrap_or((r, r));
        if let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) {
            out.extend(a..=b);
        }
    }
    out
}

#[test]
fn test_filters_on_tshark_dissections() {
    let Some(shared) = shared_dir() else {
        eprintln!("test_filters_on_tshark_dissections: skipped: ../shared is absent");
        return;
    };
    if tshark(&["--version"]).is_none() {
        eprintln!("test_filters_on_tshark_dissections: skipped: tshark is absent");
        return;
    }
    let filters_text =
        std::fs::read_to_string(shared.join("filters/filters.txt")).unwrap_or_default();
    let reg = registry(&filters_text);
    let lookup = |name: &str| reg.get(name).copied();
    let mut checked = 0usize;
    let mut with_frames = 0usize;
    let mut mismatches = Vec::new();
    let mut captures: Vec<PathBuf> = ["generated", "public"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(shared.join("captures").join(sub)).ok())
        .flat_map(|rd| rd.flatten().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            !n.ends_with(".json")
                && !n.ends_with(".tsv")
                && !n.ends_with(".gz")
                && p.metadata().is_ok_and(|m| m.len() <= MAX_CAPTURE_BYTES)
        })
        .collect();
    captures.sort();
    let only: HashSet<String> = std::env::var("FILTER_PDML_ONLY")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    for file in captures {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let Ok(expected) =
            std::fs::read_to_string(shared.join(format!("filters/expected/{name}.filters.tsv")))
        else {
            continue;
        };
        let ds = dissections(&file, &reg);
        if ds.is_empty() {
            eprintln!("{name}: no packets from tshark -T pdml");
            continue;
        }
        for line in expected.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [filter, frames, exit] = f.as_slice() else {
                continue;
            };
            let compiled = compile_with(filter, &lookup);
            match (compiled, *exit) {
                (Ok(c), "0") => {
                    let ours: Vec<u64> = ds
                        .iter()
                        .filter(|d| c.matches(d))
                        .map(|d| d.frame)
                        .collect();
                    let want = frames_of(frames);
                    with_frames += usize::from(!want.is_empty());
                    if ours != want {
                        let diff: Vec<u64> = ours
                            .iter()
                            .filter(|n| !want.contains(n))
                            .chain(want.iter().filter(|n| !ours.contains(n)))
                            .copied()
                            .take(8)
                            .collect();
                        mismatches.push(format!("{name}: {filter}: frames differ at {diff:?}"));
                    }
                }
                (Err(e), "0") => {
                    mismatches.push(format!("{name}: {filter}: we refuse: {}", e.message))
                }
                (Ok(_), _) => mismatches.push(format!("{name}: {filter}: tshark refuses it")),
                (Err(_), _) => {}
            }
            checked += 1;
        }
    }
    for m in &mismatches {
        eprintln!("{m}");
    }
    eprintln!(
        "test_filters_on_tshark_dissections: {checked} (capture, filter) pairs ({with_frames} \
         passing some frame), {} differ",
        mismatches.len()
    );
    // Not a vacuous pass: many filters must select frames.
    assert!(with_frames > 500, "only {with_frames} pairs select frames");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} differ",
        mismatches.len()
    );
}

/// Filters beyond filters.txt: the operators, literals and functions of the module
/// documentation on real fields, each compared with a live `tshark -Y`.
const EXTRA_FILTERS: &[&str] = &[
    "ip.addr != 10.0.0.1",
    "ip.addr ~= 10.0.0.1",
    "ip.addr === 10.0.0.1",
    "ip.addr !== 10.0.0.1",
    "!(ip.addr == 10.0.0.1)",
    "all ip.src == 10.0.0.2",
    "any ip.src != 10.0.0.2",
    "all ip.src in {10.0.0.1, 10.0.0.2}",
    "all ip.src in {10.0.0.0..10.0.0.9}",
    "any ip.src not in {10.0.0.2}",
    "all ip.src not in {10.0.0.3}",
    "all eth.addr contains 02:00",
    "all eth.addr matches \"^\\x02\"",
    "ip.src == ip.dst",
    "ip.src != ip.dst",
    "ip.src === ip.dst",
    "ip.src !== ip.dst",
    "ip.src#1 == 10.0.0.2",
    "ip.src#2 == 10.0.0.1",
    "ip#2",
    "ip.ttl#[1-2] < 64",
    "ip.src#[-1] == 10.0.0.1",
    "ip.src#[-2] == 10.0.0.2",
    "ip.src#[2:5] == 10.0.0.1",
    "ip.src#[:1] == 10.0.0.2",
    "ip.dst#[1,2] == 10.0.0.2",
    "ip.src not in {10.0.0.2}",
    "ip.addr in {10.0.0.0..10.0.0.1}",
    "ip.src > 10.0.0.0/31",
    "ip.src[3] == 2",
    "ip.dst[2:2] == 00:02",
    "ipv6.src[0:2] == fe:80",
    "ipv6.addr == fd00::/8",
    "eth.addr[0:3] == 02:00:00",
    "eth.src[-1] == 01",
    "eth.src[4:2] == 001",
    "eth.src[5] == 0x01",
    "eth.dst[0:3] == ffffff",
    "string(eth.src) == \"02:00:00:00:00:01\"",
    "string(ip.src) == \"10.0.0.1\"",
    "string(ipv6.src) contains \"fd00\"",
    "string(tcp.srcport) == \"443\"",
    "eth.dst[1-5] == 00:00:00:00:01",
    "eth.src > eth.dst",
    "eth.type in {ARP, IPv6}",
    "eth.type == ipv6",
    "tcp.flags & 0x12 == 0x12",
    "tcp.flags & 0x04",
    "tcp.flags.syn == True && tcp.flags.ack == False",
    "tcp.flags.fin == set",
    "tcp.srcport + 1 == 444",
    "{tcp.srcport - tcp.dstport} > 50000",
    "-tcp.srcport == -443",
    "tcp.len * 2 > 2000",
    "tcp.window_size_value / 2 > 30000",
    "tcp.seq > -1",
    "tcp.seq == -0",
    "tcp.payload[0:3] == 16:03:01",
    "tcp.payload contains \"HTTP\"",
    "tcp.payload matches \"^get \"",
    "tcp.stream in {0 .. 1, 3}",
    "len(tcp.payload) > 1000",
    "count(ip.addr) > 2",
    "count(tcp.analysis.flags) == 1",
    "max(tcp.srcport, tcp.dstport) == 443",
    "min(tcp.srcport, tcp.dstport) > 1024",
    "abs(tcp.srcport - tcp.dstport) > 100",
    "lower(http.request.method) == \"get\"",
    "upper(dns.qry.name) contains \"EXAMPLE\"",
    "dns.qry.name matches \"(?-i)EXAMPLE\"",
    "dns.qry.name matches \"\\\\.com$\"",
    "dns.qry.name ~ r\"\\.(com|org)$\"",
    "dns.qry.name contains \"\\x65xample\"",
    "dns.qry.name[0:3] == \"www\"",
    "dns.qry.name > \"m\"",
    "dns.flags.response == 0 && dns.id < 0x8000",
    "dns.a == 10.0.0.0/8",
    "dns.resp.ttl >= 0100",
    "dns.qry.type == 'A' - 64",
    "dns.qry.type != 0x1c",
    "frame.time_delta > 0.001 and frame.time_relative < 1.5s",
    "frame.time_epoch > 1700000000",
    "sip.Method == \"INVITE\" || sip.Status-Code >= 200",
    "sip.CSeq.seq > 1",
    "udp.length - 8 == udp.payload_len",
    "icmp.type == 3 and icmp.code == 3",
    "sip.Method in {\"INVITE\", \"BYE\"}",
    "sip.Method in {INVITE, BYE}",
    "sip.Call-ID matches \"^[a-f0-9]+@\"",
    "sip.Method != \"INVITE\" && sip",
    "udp.srcport == udp.dstport",
    "udp.port in {5060..5070} and not sip.Method",
    "frame.protocols contains \"sip\"",
    "dns.qry.name in {\"a\" .. \"m\"}",
    "dns.qry.name != \"example.com\" && dns",
    "dns.qry.type == \"A (Host Address)\"",
    "dns.qry.type in {\"aaaa (ipv6 address)\", 1}",
    "dns.qry.type == A",
    "dns.flags.rcode == \"No such name\"",
    "dns.count.answers + dns.count.auth_rr > 1",
    "ip.proto == UDP",
    "ip.proto == udp",
];

/// The capture whose packets a filter is about.
fn capture_for(filter: &str) -> &'static str {
    let has = |p: &str| filter.contains(p);
    if has("dns") {
        "dns_dnsmasq_nano.pcap"
    } else if has("sip") || has("udp") {
        "sip_calls_loopback.pcap"
    } else if has("ipv6") || has("tcp") || has("http") {
        "ipv6_tcp.pcap"
    } else if has("eth") || has("frame") {
        "tls13_sni.pcap"
    } else {
        "icmp_echo_unreach.pcap"
    }
}

#[test]
fn test_more_filters_against_live_tshark() {
    let Some(shared) = shared_dir() else {
        eprintln!("test_more_filters_against_live_tshark: skipped: ../shared is absent");
        return;
    };
    if tshark(&["--version"]).is_none() {
        eprintln!("test_more_filters_against_live_tshark: skipped: tshark is absent");
        return;
    }
    let all: String = EXTRA_FILTERS.join("\n");
    let reg = registry(&all);
    let lookup = |name: &str| reg.get(name).copied();
    let mut mismatches = Vec::new();
    let mut with_frames = 0;
    // One capture per filter (every tshark run costs a start-up): where its fields occur.
    let mut dissected: HashMap<&str, Vec<Dissection>> = HashMap::new();
    for filter in EXTRA_FILTERS {
        let name = capture_for(filter);
        let file = shared.join("captures/generated").join(name);
        if !file.exists() {
            continue;
        }
        let ds = dissected
            .entry(name)
            .or_insert_with(|| dissections(&file, &reg));
        let path = file.to_string_lossy();
        let out = Command::new("tshark")
            .args([
                "-n",
                "-2",
                "-r",
                &path,
                "-Y",
                filter,
                "-T",
                "fields",
                "-e",
                "frame.number",
            ])
            .output()
            .expect("tshark runs");
        let want: Vec<u64> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        let refused = String::from_utf8_lossy(&out.stderr).contains("tshark: ");
        match (compile_with(filter, &lookup), refused) {
            (Ok(c), false) => {
                let ours: Vec<u64> = ds
                    .iter()
                    .filter(|d| c.matches(d))
                    .map(|d| d.frame)
                    .collect();
                with_frames += usize::from(!want.is_empty());
                if ours != want {
                    mismatches.push(format!("{name}: {filter}: ours {ours:?} tshark {want:?}"));
                }
            }
            (Err(e), false) => {
                mismatches.push(format!("{name}: {filter}: we refuse: {}", e.message))
            }
            (Ok(_), true) => mismatches.push(format!("{name}: {filter}: tshark refuses it")),
            (Err(_), true) => {}
        }
    }
    for m in &mismatches {
        eprintln!("{m}");
    }
    assert!(with_frames > 45, "only {with_frames} filters select frames");
    assert!(mismatches.is_empty(), "{} differ", mismatches.len());
}
