//! Helpers shared by the end-to-end test files: a mock OFP in its own runtime, with a target
//! file written for it.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use ofp_conformance::mock::{MockOptions, MockPki, MockServer};

pub fn pki() -> Arc<MockPki> {
    static PKI: OnceLock<Arc<MockPki>> = OnceLock::new();
    PKI.get_or_init(|| Arc::new(MockPki::generate().expect("test PKI")))
        .clone()
}

pub fn runtime() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A mock in its own runtime, with a target file written for it.
pub struct Mock {
    pub rt: tokio::runtime::Runtime,
    pub server: Option<MockServer>,
    pub dir: tempfile::TempDir,
}

impl Mock {
    pub fn start(opts: MockOptions) -> Mock {
        let rt = runtime();
        let server = rt
            .block_on(MockServer::start_with_pki(pki(), opts))
            .expect("mock starts");
        let dir = tempfile::tempdir().expect("temp dir");
        ofp_conformance::app::write_mock_target(server.materials(), dir.path())
            .expect("target file");
        Mock {
            rt,
            server: Some(server),
            dir,
        }
    }

    pub fn server(&self) -> &MockServer {
        self.server.as_ref().expect("running")
    }

    pub fn target(&self) -> PathBuf {
        self.dir.path().join("target.toml")
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.rt.block_on(server.shutdown());
        }
    }
}
