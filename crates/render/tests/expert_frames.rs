//! Every Expert Info group over every capture in ../shared/captures: its count equals the
//! frames its display filter selects (pcaplens's own filter engine, which the packets tests
//! hold to tshark's), and when it lists frames, the listed frames are exactly those. Skipped,
//! with a notice, when ../shared is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pcaplens_core::filter;
use pcaplens_core::packets::query::{self, Matcher, Plan};
use pcaplens_core::packets::{Dissection, FieldDef};
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_render::expert::{self, CountUnit};
use pcaplens_render::Lang;

/// Groups known to differ, with why (each one a bug to fix, not an accepted answer).
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "wiki_myfisrtsll.cap",
        "pcaplens.dns.unanswered",
        "mDNS/LLMNR queries: the DNS section pairs them differently from dns.response_in",
    ),
    (
        "wiki_myfisrtsll.cap",
        "dns.retransmit_request",
        "mDNS repeats: the DNS section's retransmission count differs from dns.retransmission",
    ),
];

struct Any(Vec<&'static FieldDef>, bool);

impl Matcher for Any {
    fn fields(&self) -> Vec<&'static FieldDef> {
        self.0.clone()
    }
    fn needs_bytes(&self) -> bool {
        self.1
    }
    fn matches(&self, _: &Dissection) -> bool {
        true
    }
}

fn captures() -> Vec<PathBuf> {
    let dir = std::env::var_os("PCAPLENS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).into()
        })
        .join("captures");
    let mut out = Vec::new();
    for sub in ["public", "generated"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.path().to_string_lossy().into_owned();
            if name.ends_with(".json") || name.ends_with(".tsv") || name.ends_with(".md") {
                continue;
            }
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn counts_equal_listed_frames_and_filter_frames() {
    let paths = captures();
    if paths.is_empty() {
        eprintln!("counts_equal_listed_frames_and_filter_frames: skipped: ../shared/captures is not present");
        return;
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if bytes.len() > 20 << 20 {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let report = analyze_bytes(&bytes, &Config::default());
        if report.error.is_some() || report.tcp.issues_truncated {
            continue;
        }
        let groups: Vec<_> = expert::groups(&report, Lang::En)
            .into_iter()
            .filter(|g| g.unit == CountUnit::Frames)
            .filter_map(|g| {
                let f = filter::compile(g.filter.as_deref()?).ok()?;
                Some((g, f))
            })
            .collect();
        if groups.is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut bytes_needed = false;
        for (_, f) in &groups {
            fields.extend(f.fields());
            bytes_needed |= f.needs_bytes();
        }
        let plan = Plan::new(Some(Box::new(Any(fields, bytes_needed))), &[], false, false)
            .expect("no printed fields");
        let mut selected: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); groups.len()];
        query::scan_bytes(plan, &bytes, |d| {
            for (i, (_, f)) in groups.iter().enumerate() {
                if f.matches(d) {
                    if let Some(s) = selected.get_mut(i) {
                        s.insert(d.frame);
                    }
                }
            }
        });
        for ((g, _), frames) in groups.iter().zip(&selected) {
            if KNOWN.iter().any(|(f, id, _)| *f == name && *id == g.id) {
                continue;
            }
            checked += 1;
            let listed: BTreeSet<u64> = g.items.iter().filter_map(|i| i.frame).collect();
            let all_framed = !g.items.is_empty() && g.items.iter().all(|i| i.frame.is_some());
            if g.count != frames.len() as u64 {
                failures.push(format!(
                    "{name}: {} counts {} but `{}` selects {}",
                    g.id,
                    g.count,
                    g.filter.as_deref().unwrap_or(""),
                    frames.len()
                ));
            }
            if all_framed && &listed != frames {
                failures.push(format!(
                    "{name}: {} lists {} frames, `{}` selects {}",
                    g.id,
                    listed.len(),
                    g.filter.as_deref().unwrap_or(""),
                    frames.len()
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} groups:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
