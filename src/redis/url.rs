//! Where a client connects and how it introduces itself: node-redis's `url`
//! (`redis://[[user]:password@]host[:port][/db]`, `unix:///path.sock`), overridden by
//! the `password`, `username`, `database` and `name` options.

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Tcp(String, u16),
    Unix(PathBuf),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub target: Target,
    pub username: Option<String>,
    pub password: Option<String>,
    pub database: i64,
    pub name: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target: Target::Tcp("localhost".into(), 6379),
            username: None,
            password: None,
            database: 0,
            name: None,
        }
    }
}

/// `%XX` decoded, invalid sequences kept: the HTTP client's rule for userinfo.
fn unescape(s: &str) -> String {
    crate::net::http::client::percent_decode(s)
}

/// Parses a connection URL; `Err` names what is wrong, as node-redis's TypeError does.
pub fn parse(url: &str) -> Result<Options, String> {
    let mut o = Options::default();
    if let Some(path) = url.strip_prefix("unix://") {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        o.target = Target::Unix(PathBuf::from(unescape(path)));
        for kv in query.split('&') {
            if let Some(db) = kv.strip_prefix("db=") {
                o.database = db.parse().map_err(|_| format!("Invalid database in URL: {url}"))?;
            }
        }
        return Ok(o);
    }
    let rest = url
        .strip_prefix("redis://")
        .ok_or_else(|| format!("Invalid protocol in URL: {url} (expected redis:// or unix://)"))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (auth, hostport) = match authority.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, authority),
    };
    if let Some(a) = auth {
        let (user, pass) = a.split_once(':').unwrap_or(("", a));
        if !user.is_empty() {
            o.username = Some(unescape(user));
        }
        if !pass.is_empty() {
            o.password = Some(unescape(pass));
        }
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || p.chars().all(|c| c.is_ascii_digit()) => {
            (h, p.parse::<u16>().map_err(|_| format!("Invalid port in URL: {url}"))?)
        }
        _ => (hostport, 6379),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    o.target = Target::Tcp(if host.is_empty() { "localhost".into() } else { host.into() }, port);
    let db = path.split('?').next().unwrap_or("");
    if !db.is_empty() {
        o.database = db.parse().map_err(|_| format!("Invalid database in URL: {url}"))?;
    }
    Ok(o)
}
