//! `list_packets` and `get_packet`: Wireshark's packet list (with display filters) and one
//! frame's packet details, from the packet engine (`pcaplens_core::packets`). Both run the
//! engine's two passes over the file (`tshark -2`), so columns that need forward references
//! (responses, reassembly) are right.

use pcaplens_core::packets::query::{self, FrameTree, Matcher, PacketRow, Plan};
use pcaplens_core::packets::{registry, Dissection, FieldDef};
use serde_json::{json, Value};

use super::files::{feed_file, Capture};
use super::page::{page_info, PageRequest, MAX_ANSWER_BYTES};

/// Bytes of each data source shown in `get_packet`'s hex dump.
const MAX_HEX_BYTES: usize = 4096;

/// Runs the plan's passes over the file; `on_match` sees every displayed frame and returns
/// false when it needs no more. Returns (frames read, reader error, damaged).
fn run(
    capture: &Capture,
    plan: Plan,
    focus: Option<u64>,
    mut on_match: impl FnMut(&Dissection) -> bool,
) -> Result<(u64, Option<String>, bool), String> {
    let learned = if plan.needs_first_pass() {
        let mut first = plan.first_pass();
        feed_file(&capture.path, |c| {
            first.feed(c, |_| {});
            !first.is_stopped()
        })?;
        first.finish(|_| {});
        first.take_learned()
    } else {
        None
    };
    let mut scan = plan.scan_focused(learned, focus);
    let mut more = true;
    feed_file(&capture.path, |c| {
        scan.feed(c, |d| {
            if more {
                more = on_match(d);
            }
        });
        more && !scan.engine().is_stopped()
    })?;
    if more {
        scan.finish(|d| {
            if more {
                more = on_match(d);
            }
        });
    }
    let reader = scan.engine().reader();
    Ok((
        scan.counts().0,
        reader.error().map(|e| e.to_string()),
        reader.info().truncated,
    ))
}

fn compile(display_filter: Option<&str>) -> Result<Option<Box<dyn Matcher>>, String> {
    match display_filter.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(text) => pcaplens_core::filter::compile(text)
            .map(|f| Some(Box::new(f) as Box<dyn Matcher>))
            .map_err(|e| {
                // Quote the filter with the bad part marked, as Wireshark's filter bar does.
                let marked = format!(
                    "{}[{}]{}",
                    text.get(..e.start).unwrap_or(text),
                    text.get(e.start..e.start + e.len).unwrap_or_default(),
                    text.get(e.start + e.len..).unwrap_or_default()
                );
                format!(
                    "display_filter: invalid display filter: {} (at {marked})",
                    e.message
                )
            }),
    }
}

/// `list_packets`: the packet list's columns (No., Time, Source, Destination, Protocol,
/// Length, Info) plus tcp.stream, for the frames a display filter selects.
pub fn list_packets(
    given: &str,
    capture: &Capture,
    display_filter: Option<&str>,
    page: PageRequest,
) -> Result<Value, String> {
    let matcher = compile(display_filter)?;
    let mut names: Vec<&str> = PacketRow::fields().to_vec();
    let stream_field: Option<&'static FieldDef> = registry::lookup("tcp.stream");
    if stream_field.is_some() {
        names.push("tcp.stream");
    }
    let plan = Plan::new(matcher, &names, true, false).map_err(|e| e.to_string())?;
    let limit = page.limit.unwrap_or(page.default_limit);
    let end = page.offset.saturating_add(limit);
    let mut rows: Vec<Value> = Vec::new();
    let mut displayed = 0usize;
    let (frames, error, damaged) = run(capture, plan, None, |d| {
        if (page.offset..end).contains(&displayed) {
            let r = PacketRow::from_dissection(d);
            let stream = stream_field
                .map(|f| query::field_text(d, f))
                .and_then(|s| s.split(',').next().and_then(|s| s.parse::<u64>().ok()));
            rows.push(json!({
                "frame": r.number,
                "time": r.time,
                "source": r.source,
                "destination": r.destination,
                "protocol": r.protocol,
                "length": r.length,
                "info": r.info,
                "tcp_stream": stream,
            }));
        }
        displayed += 1;
        true
    })?;
    let head = json!({
        "file": given,
        "display_filter": display_filter,
        "frames_read": frames,
        "frames_displayed": displayed,
        "columns": ["frame (No.)", "time (seconds since the first frame)", "source", "destination", "protocol", "length", "info"],
        "reader_error": error,
        "damaged": damaged,
    });
    let start = page.offset.min(displayed);
    let mut n = rows.len();
    loop {
        let mut answer = head.clone();
        answer["packets"] = json!(rows.get(..n).unwrap_or_default());
        answer["page"] = page_info(start, n, displayed);
        let size = answer.to_string().len();
        if page.limit.is_some() || n == 0 || size <= MAX_ANSWER_BYTES {
            return Ok(answer);
        }
        n = (n * MAX_ANSWER_BYTES / size).min(n - 1);
    }
}

/// `get_packet`: one frame's dissection tree (Wireshark's packet details) and hex dump.
pub fn get_packet(given: &str, capture: &Capture, frame: u64) -> Result<Value, String> {
    if frame == 0 {
        return Err("frame: frames are numbered from 1, as in Wireshark".into());
    }
    let plan = Plan::new(None, &PacketRow::fields(), true, true).map_err(|e| e.to_string())?;
    let mut found: Option<(FrameTree, PacketRow)> = None;
    let (frames, error, _) = run(capture, plan, Some(frame), |d| {
        if d.frame == frame {
            found = Some((FrameTree::from_dissection(d), PacketRow::from_dissection(d)));
            return false;
        }
        true
    })?;
    let Some((tree, row)) = found else {
        return Err(match error {
            Some(e) => format!("there is no frame {frame}: reading stopped at frame {frames}: {e}"),
            None => format!("there is no frame {frame} (the capture has {frames} frames)"),
        });
    };
    let sources: Vec<Value> = tree
        .sources
        .iter()
        .map(|s| {
            let shown = s.bytes.get(..MAX_HEX_BYTES).unwrap_or(&s.bytes);
            json!({
                "name": s.name,
                "length": s.bytes.len(),
                "hex": query::hex_dump(shown),
                "bytes_omitted": s.bytes.len() - shown.len(),
            })
        })
        .collect();
    let mut answer = json!({
        "file": given,
        "frame": frame,
        "summary": {
            "time": row.time,
            "source": row.source,
            "destination": row.destination,
            "protocol": row.protocol,
            "length": row.length,
            "info": row.info,
        },
        "details": tree.to_text(),
        "tree": tree.layers,
        "bytes": sources,
        "display_filter": format!("frame.number == {frame}"),
    });
    // A frame carrying a large reassembled PDU has a large tree: the nodes go first (the text
    // says the same), then the text is cut at a line end.
    if answer.to_string().len() > MAX_ANSWER_BYTES {
        answer["tree"] = json!([]);
        answer["tree_omitted"] = json!(true);
    }
    let size = answer.to_string().len();
    if size > MAX_ANSWER_BYTES {
        let details = answer["details"].as_str().unwrap_or_default().to_string();
        let keep = details.len().saturating_sub(size - MAX_ANSWER_BYTES);
        let mut cut = keep;
        while cut > 0 && !details.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = details.get(..cut).unwrap_or_default();
        let head = head
            .rfind('\n')
            .map_or(head, |i| head.get(..=i).unwrap_or(head));
        answer["details"] = json!(head);
        answer["details_omitted_bytes"] = json!(details.len() - head.len());
    }
    Ok(answer)
}
