//! `cargo xtask run` and `cargo xtask test`: the README's two commands.
//!
//! Both first install whatever is missing (quickly skipped when present), because a fresh
//! clone, a developer's machine and CI all start from nothing but Rust, Node and npm:
//! - the `wasm32-unknown-unknown` target (rustup),
//! - Trunk 0.21.14 and the wasm-bindgen CLI whose version equals the `wasm-bindgen` in
//!   Cargo.lock (Trunk downloads any other version, and downloads fail here),
//! - the npm packages of `tests/e2e` (binaryen's `wasm-opt` for Trunk, playwright-core),
//! - Debian's chromium and chromium-driver (only `test`; apt-get, when running as root).
//!
//! `run` then serves the app with `trunk serve` on <http://127.0.0.1:8080>; `test` runs every
//! check in order and stops at the first failure with a message naming the step.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Trunk 0.22 needs a newer rustc than this project's; 0.21.14 is known to work.
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's wasm-opt: Debian's (108) builds a wasm that crashes at load. Trunk.toml pins it too.
const WASM_OPT_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where `trunk serve` listens.
const SERVE_ADDRESS: &str = "127.0.0.1";
const SERVE_PORT: &str = "8080";

/// `cargo xtask run`: install what is missing, then build and serve the app (rebuilds on change).
pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: cargo xtask run   (serves the app on http://{SERVE_ADDRESS}:{SERVE_PORT})"
        );
        return Ok(());
    }
    let env = Env::new()?;
    env.install(false)?;
    println!("==> serving on http://{SERVE_ADDRESS}:{SERVE_PORT}/ (Ctrl-C stops)");
    let mut cmd = env.command("trunk");
    cmd.args(["serve", "--address", SERVE_ADDRESS, "--port", SERVE_PORT]);
    cmd.args(args);
    env.run("trunk serve", &mut cmd)
}

/// The steps of `cargo xtask test`, in the order they run.
const STEPS: &[(&str, &str)] = &[
    ("fmt", "cargo fmt --check"),
    (
        "clippy",
        "cargo clippy, native workspace and the web crate for wasm32, -D warnings",
    ),
    ("native", "cargo test --workspace (native)"),
    (
        "mcp",
        "pcaplens mcp with the official Python `mcp` client (own virtualenv; skipped without PyPI)",
    ),
    (
        "wasm",
        "wasm-bindgen-test in headless Chromium (web crate, core on wasm32)",
    ),
    ("build", "trunk build --release into dist/"),
    (
        "e2e",
        "playwright-core end-to-end tests against dist/ (needs build)",
    ),
];

/// `cargo xtask test [STEP...]`: install what is missing, then run the chosen steps (all by default).
pub fn test(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: cargo xtask test [STEP...]   (default: every step)\nsteps:");
        for (name, what) in STEPS {
            println!("  {name:<7} {what}");
        }
        return Ok(());
    }
    for a in args {
        if !STEPS.iter().any(|(name, _)| name == a) {
            return Err(format!(
                "unknown step `{a}` (see `cargo xtask test --help`)"
            ));
        }
    }
    let wanted = |step: &str| args.is_empty() || args.iter().any(|a| a == step);
    let started = Instant::now();
    let env = Env::new()?;
    let needs_web = ["wasm", "build", "e2e"].iter().any(|s| wanted(s));
    if needs_web || wanted("clippy") {
        env.install(wanted("wasm") || wanted("e2e"))?;
    }

    if wanted("fmt") {
        env.step(
            "fmt",
            env.command("cargo").args(["fmt", "--all", "--check"]),
        )?;
    }
    if wanted("clippy") {
        let mut native = env.command("cargo");
        native.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]);
        env.step("clippy (native)", &mut native)?;
        let mut wasm = env.command("cargo");
        wasm.args([
            "clippy",
            "--target",
            WASM_TARGET,
            "-p",
            "pcaplens-web",
            "--all-targets",
            "--no-deps",
        ]);
        wasm.args(["--", "-D", "warnings"]);
        env.step("clippy (wasm32, web crate)", &mut wasm)?;
    }
    if wanted("native") {
        env.step(
            "native tests",
            env.command("cargo").args(["test", "--workspace"]),
        )?;
    }
    if wanted("mcp") {
        env.step(
            "build the CLI for the MCP client test",
            env.command("cargo").args(["build", "-p", "pcaplens-cli"]),
        )?;
        let demo = env.root.join("target/mcp/demo.pcap");
        std::fs::create_dir_all(env.root.join("target/mcp"))
            .and_then(|()| std::fs::write(&demo, pcaplens_synth::demo::demo_capture()))
            .map_err(|e| format!("cannot write {}: {e}", demo.display()))?;
        // Debian's python3 lacks venv/ensurepip until python3-venv is installed.
        if env
            .output("python3", &["-c", "import ensurepip, venv"])
            .is_none()
            && env.output("id", &["-u"]).as_deref() == Some("0")
        {
            env.step("apt-get update", env.command("apt-get").arg("update"))?;
            let mut cmd = env.command("apt-get");
            cmd.args(["install", "-y", "python3-venv"])
                .env("DEBIAN_FRONTEND", "noninteractive");
            env.step("apt-get install python3-venv", &mut cmd)?;
        }
        let mut cmd = env.command("python3");
        cmd.arg("tests/mcp/run.py")
            .arg("--cli")
            .arg(env.root.join("target/debug/pcaplens"))
            .arg("--demo")
            .arg(&demo)
            .arg("--captures")
            .arg(env.root.join("../shared/captures"));
        env.step("MCP client test (tests/mcp, Python `mcp`)", &mut cmd)?;
    }
    if wanted("wasm") {
        // The runner (see .cargo/config.toml) drives headless Chromium through chromedriver.
        let mut cmd = env.command("cargo");
        cmd.args([
            "test",
            "--no-fail-fast",
            "--target",
            WASM_TARGET,
            "-p",
            "pcaplens-web",
        ]);
        cmd.env("CHROMEDRIVER", CHROMEDRIVER);
        env.step("wasm tests (headless Chromium)", &mut cmd)?;
    }
    if wanted("build") {
        env.step("trunk build --release", &mut env.trunk_build())?;
    }
    if wanted("e2e") {
        if !env.root.join("dist/index.html").is_file() {
            return Err("e2e needs dist/: run `cargo xtask test build e2e`".into());
        }
        let mut cli = env.command("cargo");
        cli.args(["build", "-p", "pcaplens-cli"]);
        env.step("build the CLI for e2e", &mut cli)?;
        // The sample button's capture, under the name the page gives it, for the CLI to compare.
        let demo = env.root.join("target/e2e/pcaplens-demo.pcap");
        std::fs::create_dir_all(env.root.join("target/e2e"))
            .and_then(|()| std::fs::write(&demo, pcaplens_synth::demo::demo_capture()))
            .map_err(|e| format!("cannot write {}: {e}", demo.display()))?;
        let mut cmd = env.command("npm");
        cmd.args(["test", "--silent"])
            .current_dir(env.root.join("tests/e2e"));
        cmd.env("PCAPLENS_DEMO", &demo);
        cmd.env("PCAPLENS_DIST", env.root.join("dist"));
        cmd.env("PCAPLENS_CLI", env.root.join("target/debug/pcaplens"));
        cmd.env("PCAPLENS_CAPTURES", env.root.join("../shared/captures"));
        cmd.env("CHROMIUM", CHROMIUM);
        env.step("e2e tests (playwright-core)", &mut cmd)?;
    }
    println!("==> all done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The browser benchmark (`cargo xtask bench --browser`): builds dist/ and runs
/// tests/e2e/bench.mjs on `files`, each with the packet count the page must show.
pub fn browser_bench(files: &[(PathBuf, u64)]) -> Result<(), String> {
    let env = Env::new()?;
    env.install(true)?;
    env.step("trunk build --release", &mut env.trunk_build())?;
    let mut cmd = env.command("node");
    cmd.arg(env.root.join("tests/e2e/bench.mjs"));
    for (file, packets) in files {
        let mut arg = std::ffi::OsString::from(file.canonicalize().map_err(|e| e.to_string())?);
        arg.push(format!("={packets}"));
        cmd.arg(arg);
    }
    cmd.env("PCAPLENS_DIST", env.root.join("dist"));
    cmd.env("CHROMIUM", CHROMIUM);
    env.step("browser benchmark (tests/e2e/bench.mjs)", &mut cmd)
}

/// The repository root and the PATH every child process gets.
struct Env {
    root: PathBuf,
    /// PATH with npm's binaryen `wasm-opt` and cargo's bin dir in front.
    path: std::ffi::OsString,
    cargo_bin: PathBuf,
}

impl Env {
    fn new() -> Result<Env, String> {
        // crates/xtask → the workspace root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .ok_or("cannot locate the repository root")?
            .to_path_buf();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .ok_or("neither CARGO_HOME nor HOME is set")?;
        let cargo_bin = cargo_home.join("bin");
        let mut dirs = vec![root.join("tests/e2e/node_modules/.bin"), cargo_bin.clone()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path = std::env::join_paths(dirs).map_err(|e| format!("bad PATH: {e}"))?;
        Ok(Env {
            root,
            path,
            cargo_bin,
        })
    }

    /// A command run at the repository root with our PATH.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root)
            .env("PATH", &self.path)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        cmd
    }

    fn trunk_build(&self) -> Command {
        let mut cmd = self.command("trunk");
        cmd.args(["build", "--release"]);
        cmd
    }

    /// Runs a command, failing with its name when it cannot start or exits non-zero.
    fn run(&self, what: &str, cmd: &mut Command) -> Result<(), String> {
        let status = cmd.status().map_err(|e| {
            format!(
                "{what}: cannot start `{}`: {e}",
                cmd.get_program().to_string_lossy()
            )
        })?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{what} FAILED ({status})"))
        }
    }

    /// `run` with a banner and the time taken.
    fn step(&self, what: &str, cmd: &mut Command) -> Result<(), String> {
        println!("==> {what}");
        let t = Instant::now();
        self.run(what, cmd)?;
        println!("==> {what}: ok ({:.1} s)", t.elapsed().as_secs_f64());
        Ok(())
    }

    /// Output of `program args`, trimmed, if it runs and succeeds.
    fn output(&self, program: &str, args: &[&str]) -> Option<String> {
        let out = self.command(program).args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Installs every missing tool; `browser` adds Chromium and chromedriver.
    fn install(&self, browser: bool) -> Result<(), String> {
        let t = Instant::now();
        self.install_wasm_target()?;
        self.install_trunk()?;
        self.install_wasm_bindgen()?;
        if browser {
            self.install_chromium()?;
        }
        self.install_npm_packages()?;
        println!("==> tools ready ({:.1} s)", t.elapsed().as_secs_f64());
        Ok(())
    }

    fn install_wasm_target(&self) -> Result<(), String> {
        let installed = self
            .output("rustup", &["target", "list", "--installed"])
            .ok_or("`rustup` is needed to add the wasm32 target (install Rust with rustup)")?;
        if installed.lines().any(|l| l.trim() == WASM_TARGET) {
            return Ok(());
        }
        self.step(
            "rustup target add wasm32-unknown-unknown",
            self.command("rustup").args(["target", "add", WASM_TARGET]),
        )
    }

    fn install_trunk(&self) -> Result<(), String> {
        let want = format!("trunk {TRUNK_VERSION}");
        if self.output("trunk", &["--version"]).as_deref() == Some(want.as_str()) {
            return Ok(());
        }
        // A debug build installs in ~2 min instead of ~11 and is as fast in use.
        let mut cmd = self.command("cargo");
        cmd.args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--debug",
        ]);
        self.step(&format!("install {want}"), &mut cmd)?;
        self.expect_in_cargo_bin("trunk")
    }

    fn install_wasm_bindgen(&self) -> Result<(), String> {
        let version = self.locked_version("wasm-bindgen")?;
        let bindgen = format!("wasm-bindgen {version}");
        let runner = format!("wasm-bindgen-test-runner {version}");
        if self.output("wasm-bindgen", &["--version"]).as_deref() == Some(bindgen.as_str())
            && self
                .output("wasm-bindgen-test-runner", &["--version"])
                .as_deref()
                == Some(runner.as_str())
        {
            return Ok(());
        }
        let exact = format!("={version}");
        let what = format!("install wasm-bindgen-cli {version}");
        let mut locked = self.command("cargo");
        locked.args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &exact,
            "--debug",
            "--locked",
        ]);
        if self.step(&what, &mut locked).is_err() {
            // Its lock file can name a crate version the registry mirror lacks.
            println!("==> retrying without --locked");
            let mut unlocked = self.command("cargo");
            unlocked.args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &exact,
                "--debug",
            ]);
            self.step(&what, &mut unlocked)?;
        }
        self.expect_in_cargo_bin("wasm-bindgen")
    }

    /// Fails when `cargo install` put the tool somewhere our PATH does not reach.
    fn expect_in_cargo_bin(&self, tool: &str) -> Result<(), String> {
        if self.cargo_bin.join(tool).is_file() {
            Ok(())
        } else {
            Err(format!(
                "{tool} was installed but is not in {}: is CARGO_INSTALL_ROOT set?",
                self.cargo_bin.display()
            ))
        }
    }

    /// The version of `package` in Cargo.lock.
    fn locked_version(&self, package: &str) -> Result<String, String> {
        let lock = std::fs::read_to_string(self.root.join("Cargo.lock"))
            .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
        let name_line = format!("name = \"{package}\"");
        let mut lines = lock.lines();
        while let Some(line) = lines.next() {
            if line.trim() == name_line {
                if let Some(v) = lines
                    .next()
                    .and_then(|l| l.trim().strip_prefix("version = "))
                {
                    return Ok(v.trim_matches('"').to_string());
                }
            }
        }
        Err(format!("{package} is not in Cargo.lock"))
    }

    fn install_chromium(&self) -> Result<(), String> {
        if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
            return Ok(());
        }
        let root_user = self.output("id", &["-u"]).as_deref() == Some("0");
        if !root_user {
            return Err(format!(
                "{CHROMIUM} and {CHROMEDRIVER} are needed for the browser tests: \
                 install Debian's `chromium` and `chromium-driver` packages (as root)"
            ));
        }
        self.step("apt-get update", self.command("apt-get").arg("update"))?;
        let mut cmd = self.command("apt-get");
        cmd.args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive");
        self.step("apt-get install chromium chromium-driver", &mut cmd)
    }

    /// `npm ci` in tests/e2e unless node_modules already matches package-lock.json.
    fn install_npm_packages(&self) -> Result<(), String> {
        let dir = self.root.join("tests/e2e");
        let lock = std::fs::read(dir.join("package-lock.json"))
            .map_err(|e| format!("cannot read tests/e2e/package-lock.json: {e}"))?;
        // A copy of the lock file that `npm ci` installed from; equal means nothing to do.
        let stamp = dir.join("node_modules/.pcaplens-installed-lock.json");
        let wasm_opt = dir.join("node_modules/.bin/wasm-opt");
        if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) && wasm_opt.exists() {
            return Ok(());
        }
        if self.output("npm", &["--version"]).is_none() {
            return Err(
                "Node.js and npm are needed (tests/e2e packages, wasm-opt): install them".into(),
            );
        }
        let mut cmd = self.command("npm");
        cmd.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir);
        self.step("npm ci (tests/e2e)", &mut cmd)?;
        let version = self.output("wasm-opt", &["--version"]).unwrap_or_default();
        if !version.contains(&format!("version {WASM_OPT_VERSION}")) {
            return Err(format!(
                "wasm-opt on PATH is `{version}`, expected version {WASM_OPT_VERSION}"
            ));
        }
        std::fs::write(&stamp, &lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
    }
}
