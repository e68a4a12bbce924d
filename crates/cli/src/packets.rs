//! `pcaplens packets FILE [-Y FILTER] [-c COUNT] [-T text|fields|json] [-e FIELD]...
//! [--frame N]`: the packet list, display filters and packet details, with tshark's flags.

use std::io::{self, Read, Write};

use pcaplens_core::packets::query::{self, FrameTree, Matcher, PacketRow, Plan};
use pcaplens_core::packets::{registry, Dissection, FieldDef};

use crate::{CHUNK, EXIT_DAMAGED, EXIT_FAILED, EXIT_OK};

pub const USAGE: &str = "\
Usage:
  pcaplens packets FILE [-Y FILTER] [-c COUNT] [-T text|fields|json] [-e FIELD]...
  pcaplens packets FILE --frame N [-T text|json]

Lists the frames of a capture as Wireshark's packet list does (No., Time, Source, Destination,
Protocol, Length, Info), after both passes (`tshark -2`). Flags follow tshark's:
  -Y FILTER      show only frames matching a Wireshark display filter
  -c COUNT       stop after COUNT displayed frames
  -T text        one summary line per frame (default)
  -T fields      tab-separated values of the -e fields (several occurrences joined by ,)
  -T json        a JSON array, one object per frame with its columns and dissection tree
  -e FIELD       a field to print with -T fields (e.g. frame.number, tcp.stream,
                 _ws.col.Protocol, _ws.col.Info); repeatable
  --frame N      print frame N's dissection tree and hex dump
  --fields       list every field name pcaplens knows

Exit status: 0 read completely; 1 the capture is damaged (output covers the frames before the
damage); 2 usage error, bad filter, unreadable file or not a capture.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Fields,
    Json,
}

#[derive(Debug)]
struct Args {
    file: String,
    filter: Option<String>,
    count: Option<u64>,
    format: Format,
    fields: Vec<String>,
    frame: Option<u64>,
    list_fields: bool,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut it = args.iter();
    let mut a = Args {
        file: String::new(),
        filter: None,
        count: None,
        format: Format::Text,
        fields: Vec::new(),
        frame: None,
        list_fields: false,
    };
    let mut file = None;
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<String, String> {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "-Y" => a.filter = Some(value("-Y")?),
            "-c" => {
                let v = value("-c")?;
                a.count = Some(v.parse().map_err(|_| format!("-c: '{v}' is not a count"))?);
            }
            "-T" => {
                let v = value("-T")?;
                a.format = match v.as_str() {
                    "text" => Format::Text,
                    "fields" => Format::Fields,
                    "json" => Format::Json,
                    _ => return Err(format!("-T: '{v}' is not text, fields or json")),
                };
            }
            "-e" => a.fields.push(value("-e")?),
            "--frame" => {
                let v = value("--frame")?;
                let n: u64 = v
                    .parse()
                    .map_err(|_| format!("--frame: '{v}' is not a frame number"))?;
                if n == 0 {
                    return Err("--frame: frames are numbered from 1".into());
                }
                a.frame = Some(n);
            }
            "--fields" => a.list_fields = true,
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown option '{f}'")),
            _ if file.is_some() => {
                return Err(format!("unexpected argument '{arg}' (one FILE only)"))
            }
            _ => file = Some(arg.clone()),
        }
    }
    if a.list_fields {
        return Ok(Some(a));
    }
    a.file = file.ok_or("packets needs a FILE")?;
    if a.format == Format::Fields && a.fields.is_empty() {
        return Err("-T fields needs at least one -e FIELD".into());
    }
    if a.format != Format::Fields && !a.fields.is_empty() {
        return Err("-e needs -T fields".into());
    }
    if a.frame.is_some() && (a.filter.is_some() || a.format == Format::Fields) {
        return Err("--frame takes no -Y or -T fields".into());
    }
    Ok(Some(a))
}

/// Compiles a display filter.
fn compile(text: &str) -> Result<Box<dyn Matcher>, String> {
    pcaplens_core::filter::compile(text)
        .map(|f| Box::new(f) as Box<dyn Matcher>)
        .map_err(|e| {
            // Point at the error as Wireshark's filter bar does.
            let mut caret = String::new();
            caret.push_str(&" ".repeat(e.start.min(text.len())));
            caret.push_str(&"^".repeat(e.len.max(1)));
            format!(
                "invalid display filter: {}
  {text}
  {caret}",
                e.message
            )
        })
}

/// The capture's bytes, read by `read_chunks` as many times as the passes need.
struct Input {
    path: String,
    /// Standard input, read once and kept (it cannot be read twice).
    stdin: Option<Vec<u8>>,
}

impl Input {
    fn open(path: &str) -> Result<Input, String> {
        if path == "-" {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| format!("standard input: {e}"))?;
            return Ok(Input {
                path: path.into(),
                stdin: Some(buf),
            });
        }
        let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
        if meta.is_dir() {
            return Err(format!("{path}: is a directory"));
        }
        Ok(Input {
            path: path.into(),
            stdin: None,
        })
    }

    /// Calls `feed` with successive chunks until it returns false or the input ends.
    fn read_chunks(&self, mut feed: impl FnMut(&[u8]) -> bool) -> Result<(), String> {
        if let Some(b) = &self.stdin {
            for c in b.chunks(CHUNK) {
                if !feed(c) {
                    break;
                }
            }
            return Ok(());
        }
        let mut file =
            std::fs::File::open(&self.path).map_err(|e| format!("{}: {e}", self.path))?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    if !feed(&buf[..n]) {
                        return Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("{}: {e}", self.path)),
            }
        }
    }
}

/// Runs `pcaplens packets`; returns the exit code.
pub fn run(args: &[String]) -> u8 {
    let a = match parse(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return EXIT_OK;
        }
        Err(msg) => {
            eprintln!("pcaplens: {msg}\n\n{USAGE}");
            return EXIT_FAILED;
        }
    };
    if a.list_fields {
        let mut out = io::BufWriter::new(io::stdout().lock());
        for d in registry::all() {
            let _ = writeln!(out, "{}\t{}\t{}", d.name, d.label, d.ftype.wireshark_name());
        }
        return EXIT_OK;
    }
    match run_packets(&a) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("pcaplens: {msg}");
            EXIT_FAILED
        }
    }
}

fn run_packets(a: &Args) -> Result<u8, String> {
    let matcher = match &a.filter {
        Some(text) => Some(compile(text)?),
        None => None,
    };
    let mut names: Vec<&str> = a.fields.iter().map(String::as_str).collect();
    let columns = a.format != Format::Fields;
    if columns {
        names.extend(PacketRow::fields());
    }
    let trees = a.format == Format::Json || a.frame.is_some();
    let plan = Plan::new(matcher, &names, columns, trees).map_err(|e| e.to_string())?;
    let input = Input::open(&a.file)?;

    let learned = if plan.needs_first_pass() {
        let mut first = plan.first_pass();
        input.read_chunks(|c| {
            first.feed(c, |_| {});
            !first.is_stopped()
        })?;
        first.finish(|_| {});
        first.take_learned()
    } else {
        None
    };
    let printed: Vec<&'static FieldDef> = plan.fields.clone();
    let mut scan = plan.scan_focused(learned, a.frame);
    let mut em = Emitter {
        out: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        args: a,
        printed,
        shown: 0,
        done: false,
        first_json: true,
        error: None,
    };
    if a.format == Format::Json && a.frame.is_none() {
        let _ = em.out.write_all(b"[\n");
    }
    input.read_chunks(|c| {
        scan.feed(c, |d| em.emit(d));
        !em.done && !scan.engine().is_stopped()
    })?;
    if !em.done {
        scan.finish(|d| em.emit(d));
    }
    if a.format == Format::Json && a.frame.is_none() {
        let _ = em.out.write_all(b"\n]\n");
    }
    match em.error.take() {
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(EXIT_OK),
        Some(e) => return Err(format!("writing the output: {e}")),
        None => {}
    }
    let _ = em.out.flush();
    drop(em);
    let reader = scan.engine().reader();
    if let Some(e) = reader.error() {
        eprintln!("pcaplens: {}: {e}", a.file);
        return Ok(EXIT_FAILED);
    }
    if let Some(n) = a.frame {
        if scan.counts().0 < n {
            eprintln!(
                "pcaplens: {}: there is no frame {n} (the capture has {} frames)",
                a.file,
                scan.counts().0
            );
            return Ok(EXIT_FAILED);
        }
    }
    if reader.info().truncated {
        eprintln!(
            "pcaplens: {}: the capture is damaged; the output covers the frames before the damage",
            a.file
        );
        return Ok(EXIT_DAMAGED);
    }
    Ok(EXIT_OK)
}

/// Prints each displayed frame in the chosen format.
struct Emitter<'a, W: Write> {
    out: W,
    args: &'a Args,
    printed: Vec<&'static FieldDef>,
    shown: u64,
    /// Nothing more to print (count reached, frame printed, or output closed).
    done: bool,
    first_json: bool,
    error: Option<io::Error>,
}

impl<W: Write> Emitter<'_, W> {
    fn emit(&mut self, d: &Dissection) {
        if self.done {
            return;
        }
        if let Some(n) = self.args.frame {
            if d.frame != n {
                return;
            }
            self.done = true;
        }
        let out = &mut self.out;
        let r = match (self.args.frame, self.args.format) {
            (Some(_), Format::Json) => write_json_frame(out, d, &mut true),
            (Some(_), _) => write_details(out, d),
            (None, Format::Text) => write_row(out, d),
            (None, Format::Fields) => write_fields(out, d, &self.printed),
            (None, Format::Json) => write_json_frame(out, d, &mut self.first_json),
        };
        if let Err(e) = r {
            self.error.get_or_insert(e);
            self.done = true;
        }
        self.shown += 1;
        if self.args.count.is_some_and(|c| self.shown >= c) {
            self.done = true;
        }
    }
}

fn write_row(out: &mut impl Write, d: &Dissection) -> io::Result<()> {
    let r = PacketRow::from_dissection(d);
    writeln!(
        out,
        "{:>5} {:>12.6} {:>15} → {:<15} {} {} {}",
        r.number, r.time, r.source, r.destination, r.protocol, r.length, r.info
    )
}

fn write_fields(
    out: &mut impl Write,
    d: &Dissection,
    fields: &[&'static FieldDef],
) -> io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        out.write_all(query::field_text(d, f).as_bytes())?;
    }
    out.write_all(b"\n")
}

fn write_details(out: &mut impl Write, d: &Dissection) -> io::Result<()> {
    let tree = FrameTree::from_dissection(d);
    out.write_all(tree.to_text().as_bytes())?;
    for s in &tree.sources {
        if s.bytes.is_empty() {
            continue;
        }
        writeln!(out, "\n{}:", s.name)?;
        out.write_all(query::hex_dump(&s.bytes).as_bytes())?;
    }
    Ok(())
}

fn write_json_frame(out: &mut impl Write, d: &Dissection, first: &mut bool) -> io::Result<()> {
    let tree = FrameTree::from_dissection(d);
    if !*first {
        out.write_all(b",\n")?;
    }
    *first = false;
    serde_json::to_writer(&mut *out, &tree).map_err(io::Error::other)
}
