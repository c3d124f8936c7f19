//! `ofpc mock`: the built-in mock OFP for a person, with a ready target file.

use std::path::{Path, PathBuf};

use super::mock_target::mock_target_file;
use crate::cli::args::MockArgs;
use crate::errors::InputError;
use crate::exit_codes;
use crate::mock::{Fault, MockMaterials, MockOptions, MockServer};

pub async fn mock_command(args: MockArgs) -> Result<u8, InputError> {
    if args.list_faults {
        for f in Fault::ALL {
            println!("{:<32} {}", f.name(), f.description());
        }
        return Ok(exit_codes::OK);
    }
    let faults = super::parse_faults(&args.fault)?;
    let server = MockServer::start(MockOptions {
        port: args.port,
        faults,
        latency_ms: args.latency,
        require_client_cert: args.require_client_cert,
        ..MockOptions::default()
    })
    .await
    .map_err(|e| {
        InputError::new(format!("cannot start the mock: {e}"))
            .hint("pick another --port, or leave it out for a free one")
    })?;
    // The temporary folder holds test keys: it is removed when the mock stops (`temp` drops).
    let (dir, temp) = match args.dir {
        Some(d) => (d, None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("ofpc-mock-")
                .tempdir()
                .map_err(|e| InputError::new(format!("cannot create a temporary folder: {e}")))?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let file = write_mock_target(server.materials(), &dir)?;
    // Listen for Ctrl-C before saying so: the first poll installs the handler, so a SIGINT sent
    // as soon as "Ctrl-C to stop." is read cannot kill the process before the folder is removed.
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    let early = std::future::poll_fn(|cx| std::task::Poll::Ready(stop.as_mut().poll(cx))).await;
    println!("mock OFP listening on {}", server.materials().issuer);
    println!(
        "target file: {}  (test credentials generated for this run only)",
        file.display()
    );
    println!("try: ofpc run --target {}\n", file.display());
    print!("{}", std::fs::read_to_string(&file).unwrap_or_default());
    println!("Ctrl-C to stop.");
    // Flushed now: a pipe reader (a test, `| tee`) sees the target file before the mock stops.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if early.is_pending() {
        let _ = stop.await;
    }
    server.shutdown().await;
    match temp {
        Some(t) => {
            drop(t);
            eprintln!("ofpc mock: stopped (Ctrl-C); removed {}", dir.display());
        }
        None => eprintln!("ofpc mock: stopped (Ctrl-C); kept {}", dir.display()),
    }
    Ok(exit_codes::OK)
}

/// Writes the mock's test credentials and a target file pointing at them; returns its path.
pub fn write_mock_target(m: &MockMaterials, dir: &Path) -> Result<PathBuf, InputError> {
    let write = |name: &str, text: &str| -> Result<(), InputError> {
        let path = dir.join(name);
        let written = if name.ends_with(".key") {
            crate::report::write::write_secret_atomic(&path, text.as_bytes())
        } else {
            crate::report::write::write_atomic(&path, text.as_bytes())
        };
        written.map_err(|e| InputError::new(format!("cannot write {}: {e}", path.display())))
    };
    let (file, credentials) = mock_target_file(m);
    for (name, text) in &credentials {
        write(name, text)?;
    }
    let body = toml::to_string(&file)
        .map_err(|e| InputError::new(format!("cannot write the mock target file: {e}")))?;
    let toml = format!(
        "# Target file for the ofpc built-in mock OFP (test credentials, generated at start).\n{body}"
    );
    let path = dir.join("target.toml");
    write("target.toml", &toml)?;
    Ok(path)
}
