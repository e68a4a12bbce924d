//! DNS section vs the tshark oracle over ../shared/captures: per message the response flag, id,
//! qname, qtype, rcode, transport, answers and the query↔response frames; per file the
//! query / response / unanswered totals.
//!
//! Frames the oracle lists as ICMP errors are left out: tshark's field pass shows `dns.*` for the
//! DNS header quoted inside the error, but that is not a DNS message (tshark's own DNS statistics,
//! `-z dns,tree`, leave it out as well); we report it as `icmp.messages[].quoted`.

mod common;
mod tally;

use std::collections::BTreeMap;

use pcaplens_core::decode::dns::type_name;
use serde_json::Value;
use tally::{Known, Tally};

/// Differences we expect, each with its reason.
const KNOWN: &[Known] = &[];

fn oracle_types(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|t| match t {
            Value::String(s) => s.clone(),
            Value::Number(n) => type_name(n.as_u64().unwrap_or(0) as u16).into_owned(),
            other => other.to_string(),
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

#[test]
fn dns_matches_tshark() {
    let mut t = Tally::new("dns", KNOWN);
    for (path, oracle) in common::corpus("dns_matches_tshark") {
        let report = common::analyze_file(&path);
        if tally::unreadable("dns_matches_tshark", &path, &report, &oracle) {
            continue;
        }
        t.file(&path);
        let quoted = tally::icmp_error_frames(&oracle);
        let ours: BTreeMap<u64, &pcaplens_core::report::dns::Message> = report
            .dns
            .messages
            .iter()
            .rev()
            .map(|m| (m.frame, m))
            .collect();
        let mut oracle_frames = Vec::new();
        let (mut queries, mut responses, mut unanswered) = (0u64, 0u64, 0u64);
        for om in oracle["dns"]["messages"].as_array().into_iter().flatten() {
            let frame = om["frame"].as_u64().unwrap_or(0);
            if quoted.contains(&frame) {
                continue;
            }
            oracle_frames.push(frame);
            let response = om["response"].as_bool().unwrap_or(false);
            if response {
                responses += 1;
            } else {
                queries += 1;
                if om["response_in"].is_null() {
                    unanswered += 1;
                }
            }
            let Some(m) = ours.get(&frame) else {
                t.differ(frame, "message", "missing");
                continue;
            };
            t.check(
                frame,
                "id",
                u64::from(m.id),
                om["id"].as_u64().unwrap_or(u64::MAX),
            );
            t.check(frame, "response", m.response, response);
            t.check(
                frame,
                "transport",
                m.transport.as_str(),
                om["transport"].as_str().unwrap_or(""),
            );
            t.check(
                frame,
                "src",
                m.src.as_str(),
                om["src"].as_str().unwrap_or(""),
            );
            t.check(
                frame,
                "dst",
                m.dst.as_str(),
                om["dst"].as_str().unwrap_or(""),
            );
            let mut qnames: Vec<String> = m.qname.iter().cloned().collect();
            qnames.extend(m.more_questions.iter().map(|q| q.name.clone()));
            t.check(frame, "qname", qnames, strings(&om["qname"]));
            let mut qtypes: Vec<String> = m.qtype.iter().cloned().collect();
            qtypes.extend(m.more_questions.iter().map(|q| q.qtype.clone()));
            t.check(frame, "qtype", qtypes, oracle_types(&om["qtype"]));
            if response {
                t.check(frame, "rcode", m.rcode.as_deref(), om["rcode"].as_str());
                t.check(
                    frame,
                    "response_to",
                    m.response_to,
                    om["response_to"].as_u64(),
                );
                t.check(
                    frame,
                    "answer_count",
                    u64::from(m.counts.answers),
                    om["answer_count"].as_u64().unwrap_or(0),
                );
                // tshark's dns.a / dns.cname / ... fields cover every section.
                let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for a in m.answers.iter().chain(&m.authorities).chain(&m.additionals) {
                    // An empty TXT string prints as no value at all in tshark's field output.
                    let empty_txt = a.rtype == "TXT" && a.data.is_empty();
                    if ["A", "AAAA", "CNAME", "PTR", "MX", "TXT", "SRV"].contains(&a.rtype.as_str())
                        && !empty_txt
                    {
                        by_type
                            .entry(a.rtype.clone())
                            .or_default()
                            .push(a.data.clone());
                    }
                }
                let oracle_answers: BTreeMap<String, Vec<String>> = om["answers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), strings(v)))
                    .collect();
                t.check(frame, "answers", by_type, oracle_answers);
            } else {
                t.check(
                    frame,
                    "response_in",
                    m.response_in,
                    om["response_in"].as_u64(),
                );
            }
        }
        for (&frame, _) in ours.iter().filter(|(f, _)| !oracle_frames.contains(f)) {
            t.differ(frame, "message", "extra (tshark shows no DNS here)");
        }
        t.check(0, "queries", report.dns.queries, queries);
        t.check(0, "responses", report.dns.responses, responses);
        t.check(0, "unanswered", report.dns.unanswered, unanswered);
    }
    t.finish(0.99);
}
