//! One permission's rule: what `--allow-X[=…]` granted and what `--deny-X=…` took
//! away, and how a resource is matched against it. Paths match by whole
//! components (`/a` covers `/a/b`, not `/ab`); program entries are absolute paths
//! already resolved by the caller; env names match exactly or by a `PREFIX*`
//! entry; net entries are `host`, `host:port` or `:port` (any host).

/// What kind of resources a rule holds: it decides how an entry covers a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Path,
    Net,
    Name,
}

/// The granted part of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// `--allow-X` without a list (or `-A`, or no flag at all).
    All,
    /// `--allow-X=a,b`; empty when the flag was not given under a policy.
    Some(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: Kind,
    pub allow: Grant,
    /// `--deny-X=…` entries.
    pub deny: Vec<String>,
    /// `--deny-X` without a list: nothing of this kind, whatever was allowed.
    pub deny_all: bool,
}

/// How a check ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Not granted: the `--allow-X=<entry>` that would grant it.
    NotGranted,
    /// Taken away by this `--deny-X` entry (`None`: the flag without a list).
    Denied(Option<String>),
}

/// Whether `entry` covers `res` for a rule of `kind`.
pub fn covers(kind: Kind, entry: &str, res: &str) -> bool {
    match kind {
        Kind::Path => {
            let e = entry.trim_end_matches('/');
            e.is_empty() || res == e || (res.starts_with(e) && res.as_bytes().get(e.len()) == Some(&b'/'))
        }
        Kind::Name => match entry.strip_suffix('*') {
            Some(prefix) => res.starts_with(prefix),
            None => res == entry,
        },
        Kind::Net => {
            let (eh, ep) = split_host_port(entry);
            let (rh, rp) = split_host_port(res);
            let host_ok = eh.is_empty() || eh.eq_ignore_ascii_case(rh);
            let port_ok = ep.is_none() || ep == rp;
            host_ok && port_ok
        }
    }
}

/// `host:port` → (`host`, `Some(port)`); `[::1]:80` and `::1` are understood.
pub fn split_host_port(s: &str) -> (&str, Option<u16>) {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, tail) = rest.split_once(']').unwrap_or((rest, ""));
        return (h, tail.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => match p.parse() {
            Ok(port) => (h, Some(port)),
            Err(_) => (s, None),
        },
        _ => (s, None),
    }
}

impl Rule {
    pub fn all(kind: Kind) -> Rule {
        Rule { kind, allow: Grant::All, deny: Vec::new(), deny_all: false }
    }

    pub fn none(kind: Kind) -> Rule {
        Rule { kind, allow: Grant::Some(Vec::new()), deny: Vec::new(), deny_all: false }
    }

    /// Everything allowed, nothing denied: the rule imposes nothing.
    pub fn is_open(&self) -> bool {
        self.allow == Grant::All && self.deny.is_empty() && !self.deny_all
    }

    /// Nothing can pass.
    pub fn is_closed(&self) -> bool {
        self.deny_all || self.allow == Grant::Some(Vec::new())
    }

    pub fn check(&self, res: &str) -> Verdict {
        if self.deny_all {
            return Verdict::Denied(None);
        }
        if let Some(d) = self.deny.iter().find(|d| covers(self.kind, d, res)) {
            return Verdict::Denied(Some(d.clone()));
        }
        match &self.allow {
            Grant::All => Verdict::Allowed,
            Grant::Some(list) if list.iter().any(|e| covers(self.kind, e, res)) => Verdict::Allowed,
            Grant::Some(_) => Verdict::NotGranted,
        }
    }

    /// Both rules at once (two policies given to one process): what both allow,
    /// what either denies.
    pub fn intersect(&self, other: &Rule) -> Rule {
        let allow = match (&self.allow, &other.allow) {
            (Grant::All, g) | (g, Grant::All) => g.clone(),
            (Grant::Some(a), Grant::Some(b)) => {
                let mut out: Vec<String> = a.iter().filter(|e| other.allow_covers(e)).cloned().collect();
                let more: Vec<String> =
                    b.iter().filter(|e| self.allow_covers(e) && !out.contains(e)).cloned().collect();
                out.extend(more);
                Grant::Some(out)
            }
        };
        let mut deny = self.deny.clone();
        deny.extend(other.deny.iter().filter(|d| !self.deny.contains(d)).cloned());
        Rule { kind: self.kind, allow, deny, deny_all: self.deny_all || other.deny_all }
    }

    /// Whether the granted part covers the entry `e` as a whole (`/a` covers the
    /// entry `/a/b`; for net, `host` covers `host:80`).
    fn allow_covers(&self, e: &str) -> bool {
        match &self.allow {
            Grant::All => true,
            Grant::Some(list) => list.iter().any(|x| covers(self.kind, x, e)),
        }
    }

    /// `requested` as a narrowing of `self`: every entry it grants must be granted
    /// here and not denied. `Err` names the first entry that would widen the rule
    /// (`None`: all of this kind was asked for).
    pub fn narrow(&self, requested: &Rule) -> Result<Rule, Option<String>> {
        // "All" under a restricted parent means "all the parent has".
        if let Grant::Some(list) = &requested.allow
            && let Some(e) = list.iter().find(|e| self.deny_all || !self.allow_covers(e) || self.denies_part(e))
        {
            return Err(Some(e.clone()));
        }
        Ok(self.intersect(requested))
    }

    fn denies_part(&self, e: &str) -> bool {
        self.deny.iter().any(|d| covers(self.kind, d, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_by_component() {
        assert!(covers(Kind::Path, "/a", "/a/b"));
        assert!(covers(Kind::Path, "/a/", "/a"));
        assert!(!covers(Kind::Path, "/a", "/ab"));
        assert!(covers(Kind::Path, "/", "/etc"));
    }

    #[test]
    fn net_and_names() {
        assert!(covers(Kind::Net, "localhost", "localhost:80"));
        assert!(covers(Kind::Net, ":8080", "10.0.0.1:8080"));
        assert!(!covers(Kind::Net, "localhost:81", "localhost:80"));
        assert!(covers(Kind::Net, "[::1]:80", "[::1]:80"));
        assert_eq!(split_host_port("::1"), ("::1", None));
        assert!(covers(Kind::Name, "AWS_*", "AWS_KEY"));
        assert!(!covers(Kind::Name, "HOME", "HOMER"));
    }

    #[test]
    fn deny_wins_and_intersection_narrows() {
        let mut r = Rule::none(Kind::Path);
        r.allow = Grant::Some(vec!["/a".into()]);
        r.deny = vec!["/a/secret".into()];
        assert_eq!(r.check("/a/x"), Verdict::Allowed);
        assert_eq!(r.check("/a/secret/k"), Verdict::Denied(Some("/a/secret".into())));
        assert_eq!(r.check("/b"), Verdict::NotGranted);
        let mut narrow = Rule::none(Kind::Path);
        narrow.allow = Grant::Some(vec!["/a/x".into(), "/b".into()]);
        let both = r.intersect(&narrow);
        assert_eq!(both.allow, Grant::Some(vec!["/a/x".into()]));
        assert_eq!(r.narrow(&narrow), Err(Some("/b".into())));
        narrow.allow = Grant::Some(vec!["/a/x".into()]);
        assert_eq!(r.narrow(&narrow).unwrap().check("/a/x/y"), Verdict::Allowed);
        assert_eq!(r.narrow(&Rule::all(Kind::Path)).unwrap(), r);
    }
}
