//! A fixture-site builder for integration tests: write a few files into a temporary folder,
//! build, and read the output.

use std::path::{Path, PathBuf};

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Site {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        site.file("site.toml", "title = \"测试站\"\nbase_url = \"https://example.org/\"\n");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, rel: &str, text: &str) -> &Self {
        self.bytes(rel, text.as_bytes())
    }

    pub fn bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// A case with the given extra front matter lines and body; dated 2020-01-01 unless
    /// `front` gives a date (a case needs one).
    pub fn case(&self, name: &str, front: &str, body: &str) -> &Self {
        // the date takes the place of an empty `front`, so every other line stays where it was
        let front = match front {
            f if f.lines().any(|l| l.starts_with("date")) => f.to_string(),
            "" => "date = 2020-01-01".to_string(),
            f => format!("{f}\ndate = 2020-01-01"),
        };
        self.file(
            &format!("content/cases/{name}.md"),
            &format!("+++\ntitle = \"{name}的亮点\"\npublisher = \"某县委组织部\"\n{front}\n+++\n{body}\n"),
        )
    }

    /// The built page a case file `name` (without `.md`) had its address at before cases were
    /// addressed by date and slug: the redirect standing there, followed.
    pub fn read_case(&self, name: &str) -> String {
        follow(&self.out(), &format!("cases/{name}/"))
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn build(&self) -> Result<gongkai::BuildReport, gongkai::BuildError> {
        gongkai::build(&gongkai::BuildOptions::new(self.root()))
    }

    pub fn build_ok(&self) -> gongkai::BuildReport {
        match self.build() {
            Ok(r) => r,
            Err(e) => panic!("build failed: {e:#}"),
        }
    }

    /// The diagnostics of a build that must fail on content.
    pub fn build_err(&self) -> Vec<gongkai::Diagnostic> {
        let err = self.build().expect_err("the build should fail");
        match err {
            gongkai::BuildError::Content(d) => d.0,
            e => panic!("expected content diagnostics, got: {e:#}"),
        }
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }
}

/// The example site: the repository root.
pub fn example_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example site into `out`.
pub fn build_example(out: &Path) {
    let mut opts = gongkai::BuildOptions::new(example_root());
    opts.out = Some(out.to_path_buf());
    gongkai::build(&opts).expect("the example site builds");
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The flags every headless Chromium here runs with: no sandbox (root), no GPU, and nothing
/// that reaches for the network, which this machine does not have.
pub const CHROMIUM_FLAGS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Runs Debian's Chromium with `args` and a fresh profile. Fails loudly when Chromium is
/// missing: the browser checks are part of the suite.
pub fn chromium(args: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().expect("profile dir");
    let output = std::process::Command::new("chromium")
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium is not installed: run `apt-get install chromium fonts-noto-cjk` (as .ci/run does)");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// The DOM of `url` after its scripts ran, in a window `width` pixels wide.
pub fn chromium_dom(url: &str, width: u32) -> String {
    let window = format!("--window-size={width},900");
    let out = chromium(&[
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
        &window,
        "--dump-dom",
        url,
    ]);
    String::from_utf8(out.stdout).expect("chromium prints UTF-8")
}

/// A page that loads `target` in a frame of `width` pixels and writes what the layout looks
/// like into its own DOM, so `chromium_dom` can read measurements from a real browser.
pub fn layout_probe(dir: &Path, target: &str, width: u32, script: &str) -> PathBuf {
    let probe = dir.join(format!("probe-{width}.html"));
    let html = format!(
        r#"<!DOCTYPE html><meta charset="utf-8"><body><pre id="out">pending</pre>
<iframe id="f" src="{target}" style="width:{width}px;height:800px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var doc = this.contentDocument, win = this.contentWindow, r = [];
  try {{ {script} }} catch (e) {{ r.push('error ' + e); }}
  document.getElementById('out').textContent = r.join('\n');
}});
</script>"#
    );
    std::fs::write(&probe, html).unwrap();
    probe
}

/// Prints `url` to PDF with headless Chromium, without the browser's header and footer
/// (which would print the file's address), and returns the PDF's path.
pub fn chromium_pdf(url: &str, dir: &Path) -> PathBuf {
    let pdf = dir.join("print.pdf");
    let target = format!("--print-to-pdf={}", pdf.display());
    chromium(&["--no-pdf-header-footer", "--print-to-pdf-no-header", &target, url]);
    assert!(pdf.exists(), "chromium wrote no PDF");
    pdf
}

/// Runs a poppler tool (`pdftotext`, `pdfinfo`) and returns what it printed.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(tool).args(args).output().unwrap_or_else(|_| {
        panic!("{tool} is not installed: run `apt-get install poppler-utils` (as .ci/run does)")
    });
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Where the browser tests keep their screenshots and print PDFs for a reviewer to look at:
/// `screenshots/` in the target folder, kept after the run.
pub fn keep_dir() -> PathBuf {
    let target =
        option_env!("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| example_root().join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("a folder for screenshots");
    dir
}

/// Copies `file` into [`keep_dir`] as `name`.
pub fn keep(file: &Path, name: &str) {
    std::fs::copy(file, keep_dir().join(name)).unwrap_or_else(|e| panic!("keeping {name}: {e}"));
}

/// What `zbarimg` reads from the codes in an image, one `QR-Code:…` line each.
pub fn zbarimg(png: &Path) -> String {
    let out = std::process::Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(png)
        .output()
        .expect("zbarimg is not installed: run `apt-get install zbar-tools` (as .ci/run does)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The page at `old` (a path below the site root, ending in `/`) in the built site `out`: when it
/// is the redirect left at a page's old address, the page it sends the reader to.
pub fn follow(out: &Path, old: &str) -> String {
    let read = |rel: &str| {
        let path = out.join(rel).join("index.html");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    };
    let html = read(old);
    if !html.contains("<article class=\"moved\">") {
        return html;
    }
    let canonical =
        html.split("<link rel=\"canonical\" href=\"").nth(1).expect("a redirect has a canonical link");
    let url = canonical.split('"').next().unwrap();
    let path = url.split_once("://").map(|(_, r)| r).and_then(|r| r.split_once('/')).map(|(_, p)| p).unwrap();
    read(path)
}
