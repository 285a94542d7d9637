//! The service's configuration with the desktop's defaults: a free loopback port, data under the
//! user's data directory (XDG) and a tests folder there, unless `TESTBAY_*` variables say
//! otherwise.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use testbay_service::config::ServeConfig;

pub fn desktop_config() -> anyhow::Result<ServeConfig> {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .context("neither XDG_DATA_HOME nor HOME is set")?;
    let data_dir = data_home.join("testbay");
    let default_tests_root = data_dir.join("tests");
    let mut config = ServeConfig::from_env(default_tests_root.clone(), data_dir).context("a TESTBAY_* variable")?;
    if config.tests_root == default_tests_root {
        std::fs::create_dir_all(&default_tests_root).context("cannot create the tests folder")?;
    }
    if std::env::var_os("TESTBAY_LISTEN").is_none() {
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    }
    Ok(config)
}
