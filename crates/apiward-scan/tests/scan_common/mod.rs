//! What every whole-scan test against a loopback server starts from.

use apiward_scan::{ScanConfig, SpecInput};
use std::time::Duration;

/// A scan of `base` with the spec `text` (JSON or YAML) handed in, a short timeout, no rate cap,
/// read-only; callers set the rest.
pub fn config(base: &str, name: &str, text: &str) -> ScanConfig {
    let mut cfg = ScanConfig::new(base).expect("config");
    let spec = apiward_spec::load_bytes(
        name,
        text.as_bytes(),
        None,
        &apiward_spec::LoadOptions::default(),
    )
    .expect("spec loads");
    cfg.spec = SpecInput::Loaded(Box::new(spec), name.into());
    cfg.engine.timeout = Duration::from_secs(2);
    cfg.engine.rate = None;
    cfg
}
