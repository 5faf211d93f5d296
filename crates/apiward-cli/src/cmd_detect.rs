//! `apiward detect [FILE|-]...`: the detector on files, logs and captured traffic.
//!
//! NDJSON is streamed in batches of whole lines (memory bounded by the batch size and the longest
//! line, not the input); JSON, HAR and text are read whole. With `-j N` batches, HAR entries and
//! whole files are scanned on N threads and their output is written in input order, so the bytes
//! printed do not depend on N.

use crate::cli::DetectArgs;
use apiward_core::sanitize_terminal;
use apiward_detect::{Detector, Har, InputFormat, LocatedMatch, Sensitivity};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// Largest input read per file (the rest of a bigger file is ignored).
const MAX_INPUT: u64 = 1 << 30;
/// NDJSON bytes per batch: large enough to amortize hand-offs, small enough to keep memory flat.
const BATCH: usize = 1 << 20;
/// HAR entries per job.
const HAR_ENTRIES_PER_JOB: usize = 16;

/// How matches are printed.
struct Render<'a> {
    detector: &'a Detector,
    json: bool,
    show_evidence: bool,
    fail_on: Option<Sensitivity>,
}

/// Printed output of one unit of work, with what the summary and the gate need.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    count: usize,
    gate: bool,
    /// The job panicked (a detector bug): stop rather than print a gap.
    failed: bool,
    /// Newlines in the NDJSON batch (counted while scanning it).
    lines: usize,
}

/// One JSON output line; fields in the order `serde_json::Value` (a sorted map) printed them.
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    class: &'static str,
    confidence: &'static str,
    detail: &'a Option<String>,
    example: bool,
    file: &'a str,
    hash: &'a str,
    key_path: &'a Option<String>,
    line: usize,
    sensitivity: &'static str,
    source: &'a Option<String>,
    #[serde(rename = "type")]
    type_: &'a str,
    value: &'a str,
}

impl Render<'_> {
    /// Append one match; `bytes` is the buffer its span points into.
    fn push(&self, chunk: &mut Chunk, name: &str, bytes: &[u8], lm: &LocatedMatch) {
        let m = &lm.m;
        chunk.count += 1;
        if self
            .fail_on
            .is_some_and(|min| m.data_type.sensitivity() >= min && !m.example)
        {
            chunk.gate = true;
        }
        let value = if self.show_evidence {
            String::from_utf8_lossy(bytes.get(m.span.clone()).unwrap_or_default())
        } else {
            std::borrow::Cow::Borrowed(m.masked.as_str())
        };
        let type_name = self.detector.type_name(&m.data_type);
        if self.json {
            let row = JsonRow {
                class: m.data_type.class().id(),
                confidence: m.confidence.id(),
                detail: &m.detail,
                example: m.example,
                file: name,
                hash: &m.hash,
                key_path: &m.key_path,
                line: lm.line,
                sensitivity: m.data_type.sensitivity().id(),
                source: &lm.source,
                type_: &type_name,
                value: &value,
            };
            // writing into a Vec cannot fail, and every field serializes
            if serde_json::to_writer(&mut chunk.bytes, &row).is_ok() {
                chunk.bytes.push(b'\n');
            }
        } else {
            let mut line = format!(
                "{}:{}: {} [{}] {}",
                name,
                lm.line,
                type_name,
                m.data_type.sensitivity().id(),
                value
            );
            if let Some(k) = &m.key_path {
                line.push_str(&format!("  at {k}"));
            }
            if let Some(s) = &lm.source {
                line.push_str(&format!("  ({s})"));
            }
            if m.example {
                line.push_str("  (example value)");
            }
            if let Some(d) = &m.detail {
                line.push_str(&format!("  {d}"));
            }
            chunk
                .bytes
                .extend_from_slice(sanitize_terminal(&line).as_bytes());
            chunk.bytes.push(b'\n');
        }
    }

    /// A batch of NDJSON lines (whole lines; `first_line` is the 1-based number of its first).
    fn ndjson_batch(&self, name: &str, batch: &[u8], first_line: usize) -> Chunk {
        let mut chunk = Chunk::default();
        let mut ms = Vec::new();
        let mut located = Vec::new();
        let mut start = 0;
        let mut line_no = first_line;
        // memchr instead of `split`: the lines are long and a byte-by-byte split showed in profiles
        while start <= batch.len() {
            let end = memchr::memchr(b'\n', &batch[start..]).map_or(batch.len(), |i| start + i);
            let line = &batch[start..end];
            if !line.trim_ascii().is_empty() {
                ms.clear();
                self.detector.scan_into(line, &mut ms);
                located.clear();
                located.extend(ms.drain(..).map(|m| LocatedMatch {
                    m,
                    line: line_no,
                    source: None,
                }));
                for lm in &located {
                    self.push(&mut chunk, name, line, lm);
                }
            }
            start = end + 1;
            line_no += 1;
        }
        // the loop also visits the (empty) piece after the last newline
        chunk.lines = line_no - first_line - 1;
        chunk
    }

    /// A whole JSON or text document.
    fn document(&self, name: &str, bytes: &[u8], format: InputFormat) -> Chunk {
        let mut chunk = Chunk::default();
        // JSON and text scans cannot fail; only HAR parsing can, and HAR does not come here
        if let Ok(ms) = apiward_detect::scan_document(self.detector, bytes, format) {
            for lm in &ms {
                self.push(&mut chunk, name, bytes, lm);
            }
        }
        chunk
    }

    /// HAR entries `range`; spans are looked up in the HAR file's bytes, as they always were.
    fn har_entries(
        &self,
        name: &str,
        har: &Har,
        file: &[u8],
        range: std::ops::Range<usize>,
    ) -> Chunk {
        let mut chunk = Chunk::default();
        let mut ms = Vec::new();
        for i in range {
            ms.clear();
            har.scan_entry(self.detector, i, &mut ms);
            for lm in &ms {
                self.push(&mut chunk, name, file, lm);
            }
        }
        chunk
    }
}

type Job<'s> = Box<dyn FnOnce() -> Chunk + Send + 's>;

/// Runs jobs inline (one worker) or on worker threads, and writes their output in submission
/// order. At most `cap` jobs are in flight, which bounds memory.
struct Ordered<'s, W: Write> {
    out: W,
    jobs: Option<mpsc::SyncSender<(u64, Job<'s>)>>,
    results: mpsc::Receiver<(u64, Chunk)>,
    parallel: bool,
    cap: usize,
    submitted: u64,
    written: u64,
    waiting: BTreeMap<u64, Chunk>,
    total: usize,
    gate: bool,
    /// Newlines of the last chunk written (inline runs report them after the job).
    last_lines: usize,
}

impl<'s, W: Write> Ordered<'s, W> {
    fn new(scope: &'s std::thread::Scope<'s, '_>, workers: usize, out: W) -> Self {
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Job<'s>)>(workers.max(1));
        let (res_tx, res_rx) = mpsc::channel();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let parallel = workers > 1;
        if parallel {
            for _ in 0..workers {
                let job_rx = Arc::clone(&job_rx);
                let res_tx = res_tx.clone();
                scope.spawn(move || {
                    loop {
                        // a poisoned lock means another worker panicked: stop taking work
                        let next = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, job)) = next else { return };
                        // a panicking job must still answer, or the writer would wait forever
                        let chunk = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                            .unwrap_or_else(|_| Chunk {
                                failed: true,
                                ..Chunk::default()
                            });
                        if res_tx.send((seq, chunk)).is_err() {
                            return;
                        }
                    }
                });
            }
        }
        Ordered {
            out,
            jobs: Some(job_tx),
            results: res_rx,
            parallel,
            cap: workers * 3,
            submitted: 0,
            written: 0,
            waiting: BTreeMap::new(),
            total: 0,
            gate: false,
            last_lines: 0,
        }
    }

    fn write(&mut self, chunk: Chunk) -> std::io::Result<()> {
        if chunk.failed {
            return Err(std::io::Error::other("a detector thread stopped"));
        }
        self.total += chunk.count;
        self.gate |= chunk.gate;
        self.last_lines = chunk.lines;
        self.written += 1;
        self.out.write_all(&chunk.bytes)
    }

    /// Wait for one result and write everything that is now in order.
    fn collect_one(&mut self) -> std::io::Result<()> {
        let Ok((seq, chunk)) = self.results.recv() else {
            return Err(std::io::Error::other("a detector thread stopped"));
        };
        self.waiting.insert(seq, chunk);
        while let Some(chunk) = self.waiting.remove(&self.written) {
            self.write(chunk)?;
        }
        Ok(())
    }

    fn submit(&mut self, job: Job<'s>) -> std::io::Result<()> {
        if !self.parallel {
            self.submitted += 1;
            let chunk = job();
            return self.write(chunk);
        }
        while self.submitted - self.written >= self.cap as u64 {
            self.collect_one()?;
        }
        let seq = self.submitted;
        self.submitted += 1;
        match &self.jobs {
            Some(tx) if tx.send((seq, job)).is_ok() => Ok(()),
            _ => Err(std::io::Error::other("a detector thread stopped")),
        }
    }

    /// Write everything submitted so far.
    fn drain(&mut self) -> std::io::Result<()> {
        while self.written < self.submitted {
            self.collect_one()?;
        }
        self.out.flush()
    }

    /// Stop the workers (they exit when the job channel closes).
    fn close(&mut self) {
        self.jobs = None;
    }
}

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    Ok(match s {
        "auto" => InputFormat::Auto,
        "json" => InputFormat::Json,
        "ndjson" | "jsonl" => InputFormat::Ndjson,
        "har" => InputFormat::Har,
        "text" | "log" => InputFormat::Text,
        other => {
            return Err(format!(
                "unknown input format `{other}` (auto, json, ndjson, har, text)"
            ));
        }
    })
}

fn parse_fail_on(s: Option<&str>) -> Result<Option<Sensitivity>, String> {
    Ok(match s {
        None => None,
        Some("low") => Some(Sensitivity::Low),
        Some("medium") => Some(Sensitivity::Medium),
        Some("high") => Some(Sensitivity::High),
        Some("critical") => Some(Sensitivity::Critical),
        Some(other) => {
            return Err(format!(
                "unknown sensitivity `{other}` (low, medium, high, critical)"
            ));
        }
    })
}

pub fn run(args: DetectArgs) -> u8 {
    let format = match parse_input_format(&args.input) {
        Ok(f) => f,
        Err(e) => return crate::fail(e),
    };
    let fail_on = match parse_fail_on(args.fail_on.as_deref()) {
        Ok(f) => f,
        Err(e) => return crate::fail(e),
    };
    let json = match args.format.as_str() {
        "json" => true,
        "terminal" | "text" => false,
        other => return crate::fail(format!("unknown format `{other}` (terminal, json)")),
    };
    let files: Vec<String> = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let custom = match crate::config::load(args.config.as_deref()) {
        Ok(Some((cfg, _))) => crate::config::custom_types(&cfg),
        Ok(None) => Vec::new(),
        Err(e) => return crate::fail(e),
    };
    let detector = match Detector::with_custom(custom) {
        Ok(d) => d,
        Err(e) => return crate::fail(format!("custom data types: {e}")),
    };
    let workers = match args.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let render = Render {
        detector: &detector,
        json,
        show_evidence: args.show_evidence,
        fail_on,
    };
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let outcome = std::thread::scope(|scope| {
        let mut ord = Ordered::new(scope, workers, out);
        let mut result = Ok(());
        for file in &files {
            result = scan_file(&mut ord, &render, file, format);
            if result.is_err() {
                break;
            }
        }
        // what earlier files found is printed even when a later one fails, as before
        let flushed = ord.drain();
        ord.close();
        let result = match (result, flushed) {
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(format!("stdout: {e}")),
            (Ok(()), Ok(())) => Ok(()),
        };
        (result, ord.total, ord.gate)
    });
    let (result, total, gate) = outcome;
    if let Err(e) = result {
        return crate::fail(e);
    }
    if !json {
        eprintln!("{total} match(es)");
    }
    if gate {
        crate::exit::GATE_FAILED
    } else {
        crate::exit::OK
    }
}

fn display_name(file: &str) -> String {
    if file == "-" {
        "<stdin>".to_string()
    } else {
        file.to_string()
    }
}

/// Read until `buf` holds at least `want` bytes or the input ends; returns whether it ended.
fn fill(r: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let missing = want.saturating_sub(buf.len());
    if missing == 0 {
        return Ok(false);
    }
    // `read_to_end` on a `Take` reads until the limit or the end, without zeroing the buffer first
    let n = r.by_ref().take(missing as u64).read_to_end(buf)?;
    Ok(n < missing)
}

fn scan_file<'s, W: Write>(
    ord: &mut Ordered<'s, W>,
    render: &'s Render<'s>,
    file: &str,
    format: InputFormat,
) -> Result<(), String> {
    let reader: Box<dyn Read> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).map_err(|e| format!("{file}: {e}"))?)
    };
    let mut reader = reader.take(MAX_INPUT);
    let io_err = |e: std::io::Error| format!("{file}: {e}");
    let name: Arc<str> = display_name(file).into();
    // Read just enough to know the format (doubling, so a single huge line costs linear time).
    let mut buf = Vec::new();
    let mut want = 64 * 1024;
    let (format, mut eof) = loop {
        let eof = fill(&mut reader, &mut buf, want).map_err(io_err)?;
        let resolved = match format {
            InputFormat::Auto => apiward_detect::sniff_format(&buf, eof),
            f => Some(f),
        };
        if let Some(f) = resolved {
            break (f, eof);
        }
        want = buf.len() * 2;
    };
    if format != InputFormat::Ndjson {
        if !eof {
            reader.read_to_end(&mut buf).map_err(io_err)?;
        }
        let out = |e: std::io::Error| format!("stdout: {e}");
        if format == InputFormat::Har {
            let har = Arc::new(Har::parse(&buf).map_err(|e| format!("{file}: {e}"))?);
            let bytes = Arc::new(buf);
            for start in (0..har.len()).step_by(HAR_ENTRIES_PER_JOB) {
                let end = (start + HAR_ENTRIES_PER_JOB).min(har.len());
                let (har, bytes, name) = (Arc::clone(&har), Arc::clone(&bytes), Arc::clone(&name));
                ord.submit(Box::new(move || {
                    render.har_entries(&name, &har, &bytes, start..end)
                }))
                .map_err(out)?;
            }
        } else {
            ord.submit(Box::new(move || render.document(&name, &buf, format)))
                .map_err(out)?;
        }
        return Ok(());
    }
    // NDJSON: hand out batches of whole lines.
    let mut first_line = 1usize;
    loop {
        if !eof && buf.len() < BATCH {
            eof = fill(&mut reader, &mut buf, BATCH).map_err(io_err)?;
        }
        let cut = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => {
                    // one line longer than a batch: keep reading until it ends
                    let want = buf.len() * 2;
                    eof = fill(&mut reader, &mut buf, want).map_err(io_err)?;
                    continue;
                }
            }
        };
        if cut == 0 {
            break;
        }
        // the next batch's buffer is sized once: growing it by doubling copied every batch again
        let mut rest = Vec::with_capacity(BATCH.max(buf.len() - cut) + 64 * 1024);
        rest.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let batch = std::mem::replace(&mut buf, rest);
        // Jobs run on other threads need their first line number before the batch is scanned;
        // inline, the scan counts the lines itself (a second pass over the batch cost 1.7%).
        let counted = ord
            .parallel
            .then(|| memchr::memchr_iter(b'\n', &batch).count());
        let start = first_line;
        let name = Arc::clone(&name);
        ord.submit(Box::new(move || render.ndjson_batch(&name, &batch, start)))
            .map_err(|e| format!("stdout: {e}"))?;
        first_line += counted.unwrap_or(ord.last_lines);
        if eof && buf.is_empty() {
            break;
        }
    }
    Ok(())
}
