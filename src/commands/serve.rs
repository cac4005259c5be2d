//! `docctl serve`: live preview. The set is built into a temporary folder and served on
//! 127.0.0.1; the YAML files, templates and docctl.yaml are watched (notify), and on every change the
//! set is checked and rendered again in memory and only the files whose bytes changed are
//! written. Served HTML pages carry a small script that polls `/__docctl/status` and reloads
//! the page when the build changed, or shows the errors of the set (file:line:column) over the
//! page. PDFs compile in the background after each build, through the build cache.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::diagnostic::{self, Severity};
use crate::error::Error;
use crate::load;
use crate::render::{self, Formats, templates::Templates};
use crate::validate;
use crate::write::{inside, write_atomic};

/// What `serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// The date periodic reviews are measured against.
    pub today: crate::model::Date,
    /// Whether to compile PDFs in the background.
    pub pdf: bool,
}

/// The state the pages poll.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Status {
    /// Goes up whenever a served file changed.
    version: u64,
    /// The errors of the set, `file:line:column: code: message`.
    errors: Vec<String>,
}

/// How often the files are looked at when they cannot be watched.
const POLL: Duration = Duration::from_millis(150);

/// Run `docctl serve` until the process is stopped.
pub fn run(settings: &ServeSettings) -> Result<(), Error> {
    let temp = tempfile::Builder::new()
        .prefix("docctl-serve-")
        .tempdir()
        .map_err(|e| Error::io(Path::new("temporary folder"), e))?;
    let out = temp.path().to_path_buf();
    let listener = TcpListener::bind(("127.0.0.1", settings.port)).map_err(|e| Error::Serve {
        what: format!("cannot listen on 127.0.0.1:{}", settings.port),
        source: e,
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Serve {
            what: "cannot listen".to_owned(),
            source: e,
        })?
        .port();
    let status = Arc::new(Mutex::new(Status::default()));
    let mut written: HashMap<String, [u8; 32]> = HashMap::new();
    let pdf = Arc::new(Mutex::new(PdfWorker::default()));
    // What the first build reads is noted before it runs, and the watcher is armed before the
    // first page is served: a save made as soon as a page shows is never taken for the old text.
    let mut seen = snapshot(&settings.root);
    rebuild(settings, &out, &mut written, &status, &pdf);
    eprintln!(
        "serving {} at http://127.0.0.1:{port}/ (built into {}; Ctrl-C stops)",
        settings.root.display(),
        out.display()
    );
    // notify wakes the loop when a file under the set changes; the snapshot then says whether
    // a file a build reads changed. Without a watcher (or on a missed event) the loop polls.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.send(());
        }
    })
    .and_then(|mut w| {
        notify::Watcher::watch(&mut w, &settings.root, notify::RecursiveMode::Recursive)?;
        Ok(w)
    });
    let wait = match &watcher {
        Ok(_) => Duration::from_secs(2),
        Err(e) => {
            eprintln!(
                "cannot watch {} ({e}): looking every {} ms",
                settings.root.display(),
                POLL.as_millis()
            );
            POLL
        }
    };
    {
        let out = out.clone();
        let status = Arc::clone(&status);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let out = out.clone();
                let status = Arc::clone(&status);
                std::thread::spawn(move || {
                    let _ = handle(stream, &out, &status);
                });
            }
        });
    }
    loop {
        if rx.recv_timeout(wait).is_ok() {
            // Let the editor finish saving (a save may truncate, then write): wait until no
            // event came for 50 ms (at most 1 s), taking the events of one save together.
            let settle = Instant::now();
            while rx.recv_timeout(Duration::from_millis(50)).is_ok()
                && settle.elapsed() < Duration::from_secs(1)
            {}
        }
        let now = snapshot(&settings.root);
        if now != seen {
            seen = now;
            let started = Instant::now();
            let changed = rebuild(settings, &out, &mut written, &status, &pdf);
            eprintln!(
                "rebuilt: {changed} file(s) changed in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
}

/// The files a build reads, with their modification times and sizes.
fn snapshot(root: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || (e.depth() == 1 && name == "output"))
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".yaml")
                || name.ends_with(".yml")
                || name.ends_with(".tera")
                || name.ends_with(".json")
        })
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.path().to_path_buf(),
                meta.as_ref().and_then(|m| m.modified().ok()),
                meta.map_or(0, |m| m.len()),
            )
        })
        .collect();
    files.sort();
    files
}

/// Check and render the set; write the files whose bytes changed; return how many changed.
fn rebuild(
    settings: &ServeSettings,
    out: &Path,
    written: &mut HashMap<String, [u8; 32]>,
    status: &Mutex<Status>,
    pdf: &Arc<Mutex<PdfWorker>>,
) -> usize {
    let changed = Mutex::new(Vec::new());
    let result = build_once(settings, out, written, &changed);
    let changed = changed.into_inner().unwrap_or_default();
    let (errors, jobs, bundle) = match result {
        Ok(built) => built,
        Err(e) => (vec![e.to_string()], Vec::new(), true),
    };
    let mut status = status.lock().unwrap_or_else(|e| e.into_inner());
    if !changed.is_empty() || status.errors != errors {
        status.version += 1;
    }
    status.errors = errors;
    drop(status);
    if settings.pdf && !jobs.is_empty() {
        PdfWorker::start(pdf, jobs, bundle, out.to_path_buf());
    }
    changed.len()
}

/// The set's errors, its PDF jobs and whether they compile in bundles (`pdf_bundle:`).
type Built = (Vec<String>, Vec<render::PdfJob>, bool);

fn build_once(
    settings: &ServeSettings,
    out: &Path,
    written: &mut HashMap<String, [u8; 32]>,
    changed: &Mutex<Vec<String>>,
) -> Result<Built, Error> {
    let library = load::load(&settings.root)?;
    let (diagnostics, index) = validate::validate_indexed(&library, settings.today);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            format!(
                "{}:{}:{}: {}: {}",
                d.file, d.line, d.column, d.code, d.message
            )
        })
        .collect();
    if !errors.is_empty() {
        eprint!(
            "{}",
            diagnostic::render_human(&diagnostics, &library.sources, false)
        );
    }
    let templates = Templates::load(&settings.root)?;
    let formats = Formats {
        pdf: settings.pdf && errors.is_empty(),
        html: true,
        md: false,
        xlsx: false,
        docx: false,
    };
    let previous = Mutex::new(std::mem::take(written));
    let sink = |path: &str, bytes: &[u8]| {
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        let mut previous = previous.lock().unwrap_or_else(|e| e.into_inner());
        if previous.get(path) == Some(&hash) {
            return Ok(());
        }
        write_atomic(&inside(out, path)?, bytes)?;
        previous.insert(path.to_owned(), hash);
        changed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_owned());
        Ok(())
    };
    let result = render::render(
        &library,
        &index,
        &templates,
        formats,
        &diagnostics,
        None,
        Some(settings.today),
        &sink,
    );
    let signing = result.and_then(|site| {
        // The portal's 待签署 page, as `build` writes it.
        let site_view =
            render::view::ViewBuilder::new(&library, &index, render::markup::Lang::Html).site();
        let page = render::signing::page(&library, &templates, &site_view, settings.today)?;
        sink("signing.html", page.as_bytes())?;
        Ok(site)
    });
    *written = previous.into_inner().unwrap_or_else(|e| e.into_inner());
    let site = signing?;
    Ok((errors, site.pdf_jobs, library.config.pdf_bundle))
}

/// Compiles PDFs on a background thread through `build`'s path (build cache, typst bundles
/// unless `pdf_bundle: false`); a newer build's jobs replace those not yet begun.
#[derive(Default)]
struct PdfWorker {
    queue: Vec<render::PdfJob>,
    bundle: bool,
    running: bool,
    /// typst could not be used (said once).
    unavailable: bool,
}

impl PdfWorker {
    fn start(
        worker: &Arc<Mutex<PdfWorker>>,
        jobs: Vec<render::PdfJob>,
        bundle: bool,
        out: PathBuf,
    ) {
        let mut w = worker.lock().unwrap_or_else(|e| e.into_inner());
        w.queue = jobs;
        w.bundle = bundle;
        if w.running || w.unavailable {
            return;
        }
        w.running = true;
        drop(w);
        let worker = Arc::clone(worker);
        std::thread::spawn(move || {
            let work = out.join(".docctl");
            let typst = match crate::typst::Typst::locate(&work) {
                Ok(t) => Some(t),
                Err(e) => {
                    eprintln!("no PDFs: {e}");
                    worker.lock().unwrap_or_else(|e| e.into_inner()).unavailable = true;
                    None
                }
            };
            loop {
                let (jobs, bundle) = {
                    let mut w = worker.lock().unwrap_or_else(|e| e.into_inner());
                    if w.queue.is_empty() || typst.is_none() {
                        w.queue.clear();
                        w.running = false;
                        return;
                    }
                    (std::mem::take(&mut w.queue), w.bundle)
                };
                if let Some(typst) = &typst {
                    // One typst process at a time: the pages keep being rebuilt meanwhile.
                    let options = crate::pdf::PdfOptions::new(bundle, 1);
                    if let Err(e) = super::build::compile_all(typst, &jobs, &out, options, false) {
                        eprintln!("{e}");
                    }
                }
            }
        });
    }
}

/// The script added to every served HTML page: poll the status, reload when the build
/// changed, show the set's errors over the page (as text, never as HTML).
const LIVE_SCRIPT: &str = r#"<script>
(() => {
  let seen = null;
  const show = (errors) => {
    let box = document.getElementById("docctl-serve-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "docctl-serve-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;z-index:99999;background:#fff0f0;color:#900;border-top:3px solid #c00;padding:8px 12px;font:13px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "docctl: " + errors.length + " error(s)\n" + errors.join("\n");
  };
  const poll = async () => {
    try {
      const r = await fetch("/__docctl/status", { cache: "no-store" });
      const s = await r.json();
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      show(s.errors);
    } catch (e) {}
    setTimeout(poll, 150);
  };
  poll();
})();
</script>
"#;

/// Answer one HTTP request: the status as JSON, or a file of the output folder.
fn handle(stream: TcpStream, out: &Path, status: &Mutex<Status>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    // A request is a line and a few headers: 64 KiB at most are read.
    let mut reader = BufReader::new(std::io::Read::take(stream.try_clone()?, 64 * 1024));
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Read the headers to their end (bounded), then ignore them.
    let mut header = String::new();
    for _ in 0..100 {
        header.clear();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == "/__docctl/status" {
        let status = status.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let json = serde_json::to_vec(&status).unwrap_or_default();
        return respond(&mut stream, "200 OK", "application/json", &json);
    }
    let Some(mut relative) = percent_decode(path.trim_start_matches('/')) else {
        return respond(&mut stream, "400 Bad Request", "text/plain", b"bad path\n");
    };
    if relative.is_empty() || relative.ends_with('/') {
        relative.push_str("index.html");
    }
    let file = match inside(out, &relative) {
        Ok(file) => file,
        Err(_) => return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n"),
    };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = content_type(&relative);
            if kind.starts_with("text/html") {
                let html = String::from_utf8_lossy(&bytes);
                let page = match html.rfind("</body>") {
                    Some(at) => format!("{}{LIVE_SCRIPT}{}", &html[..at], &html[at..]),
                    None => format!("{html}{LIVE_SCRIPT}"),
                };
                respond(&mut stream, "200 OK", kind, page.as_bytes())
            } else {
                respond(&mut stream, "200 OK", kind, &bytes)
            }
        }
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n"),
    }
}

fn respond(stream: &mut TcpStream, code: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {code}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "md" | "dot" | "typ" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Decode `%XX` escapes of a URL path (UTF-8); `None` when they do not make UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Run `docctl serve` from its command line.
pub fn invoke(args: crate::cli::ServeArgs) -> Result<bool, Error> {
    run(&ServeSettings {
        root: args.set.dir().to_path_buf(),
        port: args.port,
        today: crate::settings::today_or(args.review.today),
        pdf: !args.no_pdf,
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths() {
        assert_eq!(
            percent_decode("procedures/%E7%A8%8B.html").as_deref(),
            Some("procedures/程.html")
        );
        assert_eq!(percent_decode("a%2").as_deref(), Some("a%2"));
        assert_eq!(percent_decode("%FF"), None);
    }
}
