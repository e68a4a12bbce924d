//! Display filters: differential tests against a local tshark 4.0 on the shared captures, with the real
//! registry and the packet engine: error messages (and the range tshark underlines) for
//! broken filters, and the frames passing each filter that needs only the `frame` layer.
//! Skipped with a notice when tshark or ../shared is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

use pcaplens_core::filter::{compile, FilterError};
use pcaplens_core::packets::engine::{Engine, EngineOptions};
use pcaplens_core::packets::tree::Wants;

/// `<repo>/../shared` (or one level up, for a git worktree under `wt/`).
fn shared_captures() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| root.join(up).join("captures/generated"))
        .find(|d| d.is_dir())
}

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs tshark with `-Y filter`: the matching frame numbers, or its error message with the
/// underlined range (`None` when it shows none).
/// tshark's refusal: its message and the range it underlines (start, length), if any.
type Refusal = (String, Option<(usize, usize)>);

fn tshark(file: &Path, filter: &str) -> Result<Vec<u64>, Refusal> {
    let out = Command::new("tshark")
        .args(["-n", "-2", "-r"])
        .arg(file)
        .args(["-Y", filter, "-T", "fields", "-e", "frame.number"])
        .output()
        .expect("tshark runs");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("Running as"))
        .collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with("tshark: ")) {
        let message = lines[i].trim_start_matches("tshark: ").to_string();
        let caret = lines.get(i + 2).and_then(|l| {
            let l = l.strip_prefix("    ")?;
            let start = l.find('^')?;
            let len = l[start..]
                .chars()
                .take_while(|c| *c == '^' || *c == '~')
                .count();
            Some((start, len))
        });
        return Err((message, caret));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect())
}

fn ours(file: &Path, filter: &str) -> Vec<u64> {
    let f = compile(filter).unwrap_or_else(|e| panic!("{filter}: {e:?}"));
    let bytes = std::fs::read(file).expect("capture reads");
    let mut engine = Engine::new(EngineOptions {
        wants: Wants::Only(f.fields()),
        keep_bytes: f.needs_bytes(),
        ..EngineOptions::default()
    });
    let mut out = Vec::new();
    engine.feed(&bytes, |d| {
        if f.matches(d) {
            out.push(d.frame);
        }
    });
    engine.finish(|d| {
        if f.matches(d) {
            out.push(d.frame);
        }
    });
    out
}

/// Filters that read only the `frame` layer (the engine's other layers are not all there yet).
const FRAME_FILTERS: &[&str] = &[
    "frame",
    "!frame",
    "frame.number <= 10",
    "frame.number >= 5 and frame.number < 9",
    "frame.number == 3 || frame.number == 0x5 || frame.number == 07",
    "not frame.number < 4 or frame.number == 1",
    "frame.number != 3 && frame.number ~= 4 && frame.number < 7",
    "frame.number in {1, 3..5, 0x10}",
    "frame.number not in {1..150}",
    "frame.len > 1000",
    "frame.len == 66",
    "frame.len in {60, 74..90}",
    "frame.cap_len < frame.len",
    "frame.cap_len == frame.len && frame.number < 5",
    "frame.len & 1",
    "frame.len % 7 == 0",
    "frame.len - 66",
    "{frame.len + 14} * 2 > 200",
    "-frame.len == -66",
    "frame.time_relative > 0.0295",
    "frame.time_relative >= 1",
    "frame.time_relative < 1.5s",
    "frame.time_delta > 0.0001",
    "frame.time_delta == 0.000006",
    "frame.time_relative == frame.time_delta",
    "frame.time_epoch > 1600000000.5",
    "frame.time > \"2020-01-01 00:00:00\"",
    "frame.time > 2020-01-01",
    "frame.encap_type == 1",
    "frame.comment",
    "frame[0:6] == ff:ff:ff:ff:ff:ff",
    "frame[12:2] == 08:00",
    "frame[12:2] == 08-06",
    "frame[-1] == 00",
    "frame[:2] == 02:00",
    "frame[60:] == 00",
    "frame[6:2,11] > 02:00:01",
    "frame contains 16:03:01",
    "frame contains \"bumpy\"",
    "frame matches \"BUMPY-rice\"",
    "frame matches \"(?-i)BUMPY\"",
    "len(frame) > 100",
    "len(frame#1) == 74",
    "max(frame.len, 100) == 100",
    "abs(-frame.len) == 74",
    "count(frame) == 1",
    "max(frame.len, frame.cap_len) == 74",
    ".frame.number == 2",
    "frame[0:2][1] == 00",
    "frame#1[0:2][-1] == 00",
    "frame.time_relative + 1 > 1.001",
];

#[test]
fn test_frame_filters_match_tshark() {
    let (Some(dir), true) = (shared_captures(), tshark_available()) else {
        eprintln!("test_frame_filters_match_tshark: skipped: tshark or ../shared is absent");
        return;
    };
    let mut checked = 0;
    // Microsecond and nanosecond timestamps.
    for capture in ["tls13_sni.pcap", "dns_dnsmasq_nano.pcap"] {
        let file = dir.join(capture);
        if !file.exists() {
            continue;
        }
        for filter in FRAME_FILTERS {
            let want = tshark(&file, filter).unwrap_or_else(|e| panic!("{filter}: {e:?}"));
            assert_eq!(ours(&file, filter), want, "{capture}: {filter}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no capture found");
}

/// Broken filters: same message, same underlined range.
const BROKEN: &[&str] = &[
    "tcpp",
    "tcpp == 3",
    "tcpp eq 3",
    "tcpp contains 1",
    "tcpp ~ \"a\"",
    "tcpp in {1}",
    "3 == frame.number",
    "\"abc\"",
    "frame.number == 08",
    "frame.number == 3.0",
    "frame.number == 1e0",
    "frame.number == 4294967296",
    "frame.number == 18446744073709551616",
    "frame.number == \"3\"",
    "frame.len == tcpp",
    "frame.len == https",
    "frame.number frame.number",
    "frame.number in {1 2 3}",
    "frame.number in {}",
    "frame.number in {1,}",
    "frame.len in {1..}",
    "frame.len in 1",
    "frame.len ? 1",
    "frame.number ^^ 1",
    "frame.len == 1 xor frame.len == 2",
    "frame.number==3)",
    "== 3",
    "frame.len == 1 &&",
    "frame.len ==",
    "not",
    "((frame.len == 1)",
    "frame.len == 1 && (",
    "frame.len contains 1",
    "frame.len matches \"1\"",
    "frame.len[0] == 1",
    "frame[0:0] == 02",
    "frame[1-0] == 02",
    "frame[2-2] == 02",
    "frame[x] == 00",
    "frame[1:2",
    "frame.len#-1 == 1",
    "frame.len#",
    "frame.len-1 == 41",
    "1 + frame.len == 43",
    "(frame.len + 1) == 43",
    "frame.len bitand 2",
    "frame.len == $frame.len",
    "frame.len == .5",
    "frame.len == 42.",
    "frame.len == 'ab'",
    "frame.len == ''",
    "frame.len == 'a",
    "frame.len == \"ab",
    "frame.len == \"\\400\"",
    "frame.len == \"ab\\x\"",
    "frame.len == \"a\\qb\"",
    "frame.len == \"\\u002d\"",
    "frame.time_relative < 1e-4",
    "frame.time_relative < 0x10",
    "frame.time_relative < \"0.0001\"",
    "frame.time_relative == 1.0000000001",
    "frame.time_relative > frame.len",
    "frame.time == frame.time_epoch",
    "frame.time > 1600000000",
    "frame.comment == 1:2",
    "foo(frame.len)",
    "len(frame.len)",
    "len() == 1",
    "len(frame, frame) == 1",
    "upper(frame.len) == \"a\"",
    "frame == frame.len",
    "frame.time > 'a'",
    "frame.time_relative > 'a'",
    "frame.time == \"Jan 1, 2020\"",
    "frame.time_relative * 2 > 1",
    "-frame.time == 1",
    "frame.len + frame.time == 1",
    "frame.len#1#2 == 1",
    "frame[0]#1 == 1",
    "3#1 == 1",
    "frame.len[0][0] == 1",
    "frame.len == 'A' - 23",
    "len(frame[10:]) == 56",
    "count(frame[0:1]) == 1",
    "len(\"abc\") == 3",
    "len(len(frame)) == 1",
    "max(frame.len, frame.time_relative) == 42",
    "abs(frame.time) == 1",
    "frame.interface_id == -",
];

#[test]
fn test_errors_match_tshark() {
    let (Some(dir), true) = (shared_captures(), tshark_available()) else {
        eprintln!("test_errors_match_tshark: skipped: tshark or ../shared is absent");
        return;
    };
    let file = dir.join("tls13_sni.pcap");
    for filter in BROKEN {
        let (message, caret) = match tshark(&file, filter) {
            Err(e) => e,
            Ok(_) => panic!("tshark accepts {filter}"),
        };
        let e = compile(filter).map(|_| ()).unwrap_err_or_panic(filter);
        assert_eq!(e.message, message, "{filter}");
        match caret {
            // tshark underlines at least one character, even at the end of the text.
            Some((start, len)) => {
                assert_eq!((e.start, e.len.max(1)), (start, len), "{filter}: {message}")
            }
            // Where tshark shows no range we underline the argument: only the end is fixed.
            None if message == "Unexpected end of filter expression." => {
                assert_eq!((e.start, e.len), (filter.len(), 0), "{filter}")
            }
            None => {}
        }
    }
}

trait UnwrapErr {
    fn unwrap_err_or_panic(self, filter: &str) -> FilterError;
}

impl UnwrapErr for Result<(), FilterError> {
    fn unwrap_err_or_panic(self, filter: &str) -> FilterError {
        match self {
            Ok(()) => panic!("{filter} compiled but tshark refuses it"),
            Err(e) => e,
        }
    }
}
