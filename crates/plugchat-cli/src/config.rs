//! Profiles: named sets of settings in a TOML file, chosen with `--profile NAME` (or
//! `PLUGCHAT_PROFILE`). The file is `PLUGCHAT_CONFIG` when set, else `plugchat/config.toml` in
//! the platform's config directory (`dirs::config_dir`: `~/.config` on Linux,
//! `~/Library/Application Support` on macOS, `%APPDATA%` on Windows). It is read only when a
//! profile is asked for.
//!
//! ```toml
//! [profiles.staging]
//! base_url = "https://staging.example.com/api"
//! token_file = "staging.token"          # relative to this file's directory; `~/` is home
//!
//! [profiles.compose]
//! base_url = "http://prism:4010/api"
//! token_file = "~/.plugchat/compose.token"
//! allow_insecure_http = true
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One profile's settings; each is used only when no flag gives it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub base_url: Option<String>,
    pub token_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_insecure_http: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// Where the config file is: `PLUGCHAT_CONFIG`, else the platform's config directory.
pub fn path() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PLUGCHAT_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir()
        .map(|dir| dir.join("plugchat").join("config.toml"))
        .ok_or_else(|| "no config directory is known on this system: set PLUGCHAT_CONFIG to the config file".to_owned())
}

/// Profile `name` of the config file, its token file resolved to a path.
pub fn profile(name: &str) -> Result<Profile, String> {
    let path = path()?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "profile `{name}`: cannot read the config file {}: {e} (PLUGCHAT_CONFIG names another file)",
            path.display()
        )
    })?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
    let Some(profile) = file.profiles.get(name) else {
        let names: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        let known = if names.is_empty() { "it has none".to_owned() } else { format!("it has {}", names.join(", ")) };
        return Err(format!("no profile `{name}` in {} ([profiles.{name}]): {known}", path.display()));
    };
    let mut profile = profile.clone();
    profile.token_file = profile.token_file.map(|file| resolve(&path, &file));
    Ok(profile)
}

/// `file` as written in the config file at `config`: `~/` is the home directory, a relative
/// path is relative to the config file's directory.
fn resolve(config: &Path, file: &Path) -> PathBuf {
    if let Ok(rest) = file.strip_prefix("~")
        && let Some(home) = dirs::home_dir()
    {
        return home.join(rest);
    }
    match config.parent() {
        Some(dir) if file.is_relative() => dir.join(file),
        _ => file.to_owned(),
    }
}
