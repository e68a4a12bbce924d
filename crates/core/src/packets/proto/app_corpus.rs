//! Corpus check of the application dissectors before the engine exists: runs the reader, the
//! decoder and the TCP engine, feeds UDP/TCP payloads to [`AppState`] over two passes, and
//! compares the Protocol and Info columns with tshark's (`../shared/filters/columns`). Skipped
//! with a notice when ../shared is absent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::analyze::tcp::TcpAnalyzer;
use crate::analyze::Config;
use crate::capture::Reader;
use crate::decode::{decode_frame, Transport};
use crate::packets::engine::Annotations;
use crate::packets::tree::Wants;

fn shared() -> Option<PathBuf> {
    // The repository's sibling `shared/` (a worktree sits one level deeper).
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|r| Path::new(env!("CARGO_MANIFEST_DIR")).join(r))
        .find(|d| d.join("captures").is_dir())
}

/// What the app dissectors produced for one frame.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub protocol: String,
    pub info: String,
    pub verdict: Option<TcpVerdict>,
    pub udp_claimed: bool,
}

/// Runs one pass over `bytes`.
fn pass(
    bytes: &[u8],
    annotations: &Annotations,
    learn: Option<&mut Annotations>,
) -> HashMap<u64, Row> {
    let mut reader = Reader::new();
    let mut tcp = TcpAnalyzer::new(&Config::default());
    let mut app = AppState::default();
    let mut bases: HashMap<(u64, bool), u32> = HashMap::new();
    let mut rows = HashMap::new();
    let mut learn = learn;
    let mut d = Dissection::new(Wants::All, true);
    let mut on_frame = |frame: &crate::capture::Frame<'_>| {
        let packet = decode_frame(frame);
        let tctx = tcp.on_packet(&packet);
        d.reset(frame.number);
        let mut ctx = FrameCtx {
            number: frame.number,
            ts_ns: frame.ts.secs * 1_000_000_000 + i64::from(frame.ts.nanos),
            annotations,
            learn: learn.as_deref_mut(),
        };
        let Some(ip) = &packet.ip else { return };
        let frame_off = |s: &[u8]| (s.as_ptr() as usize).wrapping_sub(frame.data.as_ptr() as usize);
        match &packet.transport {
            Transport::Udp(u) if ip.fragment.is_none() => {
                let p = UdpPayload {
                    src_addr: ip.src,
                    dst_addr: ip.dst,
                    src_port: u.src_port,
                    dst_port: u.dst_port,
                    payload: u.payload,
                    source: 0,
                    offset: frame_off(u.payload),
                    quoted: false,
                };
                let claimed = app.dissect_udp(&mut ctx, &mut d, &p);
                rows.insert(
                    frame.number,
                    Row {
                        protocol: d.protocol.to_string(),
                        info: d.info.clone(),
                        verdict: None,
                        udp_claimed: claimed,
                    },
                );
            }
            Transport::Tcp(seg) => {
                let Some(t) = tctx else { return };
                let key = (t.stream, t.from_client);
                let base = *bases.entry(key).or_insert_with(|| {
                    if seg.flags.syn() {
                        seg.seq.wrapping_add(1)
                    } else {
                        seg.seq
                    }
                });
                if seg.payload.is_empty() {
                    return;
                }
                let p = TcpPayload {
                    stream: t.stream,
                    from_client: t.from_client,
                    src_port: seg.src_port,
                    dst_port: seg.dst_port,
                    seq: seg.seq.wrapping_sub(base),
                    seglen: seg.seglen,
                    analysis: t.analysis as u16,
                    payload: seg.payload,
                    offset: frame_off(seg.payload),
                };
                let v = app.dissect_tcp(&mut ctx, &mut d, &p);
                rows.insert(
                    frame.number,
                    Row {
                        protocol: d.protocol.to_string(),
                        info: d.info.clone(),
                        verdict: Some(v),
                        udp_claimed: false,
                    },
                );
            }
            _ => {}
        }
    };
    reader.feed(bytes, &mut on_frame);
    reader.finish(&mut on_frame);
    rows
}

/// Both passes, as `tshark -2`.
pub(crate) fn run(bytes: &[u8]) -> HashMap<u64, Row> {
    let mut learned = Annotations::default();
    pass(bytes, &Annotations::default(), Some(&mut learned));
    pass(bytes, &learned, None)
}

fn strip_tcp_prefix(s: &str) -> &str {
    let mut rest = s;
    while rest.starts_with("[TCP ") {
        match rest.find("] ") {
            Some(i) => rest = &rest[i + 2..],
            None => break,
        }
    }
    rest
}

const APP_PROTOCOLS: &[&str] = &[
    "DNS", "MDNS", "LLMNR", "DHCP", "BOOTP", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSL",
    "SIP", "SIP/SDP", "HTTP",
];

#[test]
fn test_corpus_app_columns() {
    let Some(shared) = shared() else {
        eprintln!("test_corpus_app_columns: skipped: ../shared is not present");
        return;
    };
    let only = std::env::var("APP_CAPTURE").ok();
    let mut total = 0usize;
    let mut agree = 0usize;
    let mut per_proto: HashMap<String, (usize, usize)> = HashMap::new();
    let Ok(cols) = std::fs::read_dir(shared.join("filters/columns")) else {
        return;
    };
    let mut files: Vec<PathBuf> = cols.flatten().map(|e| e.path()).collect();
    files.sort();
    for tsv in files {
        let name = tsv
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .replace(".columns.tsv", "");
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let cap = ["public", "generated"]
            .iter()
            .map(|s| shared.join("captures").join(s).join(&name))
            .find(|p| p.exists());
        let Some(cap) = cap else { continue };
        let Ok(bytes) = std::fs::read(&cap) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&tsv) else {
            continue;
        };
        let rows = run(&bytes);
        let mut shown = 0;
        for line in text.lines().skip(1) {
            let mut it = line.splitn(3, '\t');
            let (Some(n), Some(proto), Some(info)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            let row = rows.get(&n);
            let seg_pdu = info.ends_with("[TCP segment of a reassembled PDU]")
                || info.ends_with("(retransmission?)]");
            let app_expected = APP_PROTOCOLS.contains(&proto);
            let mine = row.is_some_and(|r| {
                r.udp_claimed || r.verdict.is_some_and(|v| v != TcpVerdict::NotMine)
            });
            if !(app_expected || seg_pdu || mine) {
                continue;
            }
            total += 1;
            let key = if seg_pdu {
                "TCP-segment".to_string()
            } else {
                proto.to_string()
            };
            let e = per_proto.entry(key).or_default();
            e.0 += 1;
            let ok = match row {
                None => false,
                Some(r) => match r.verdict {
                    Some(TcpVerdict::SegmentOfPdu) => seg_pdu,
                    Some(TcpVerdict::ReassemblyError) => info.ends_with("(retransmission?)]"),
                    Some(TcpVerdict::NotMine) => !app_expected && !seg_pdu,
                    _ => r.protocol == proto && r.info == strip_tcp_prefix(info),
                },
            };
            if ok {
                agree += 1;
                e.1 += 1;
            } else if shown < 8 {
                shown += 1;
                eprintln!(
                    "{name} #{n}: want {proto} | {info}\n{:>w$}   got {:?}",
                    "",
                    row.map(|r| (&r.protocol, &r.info, r.verdict)),
                    w = name.len()
                );
            }
        }
    }
    let mut keys: Vec<_> = per_proto.iter().collect();
    keys.sort();
    for (k, (n, ok)) in keys {
        eprintln!("{k:>14}: {ok}/{n}");
    }
    eprintln!("app columns: {agree}/{total}");
}
