//! Tab completion: globals, variables in scope and script functions; after a dot,
//! the members of what is before it (`process.`, `console.`, `process.stdout.`,
//! a `require`d module, a map's keys).
//!
//! The editor thread completes, but values live on the loop thread, and Rhai values
//! cannot cross threads. So the loop thread turns what it knows into plain words
//! ([`Table`]) after every input, and the editor thread only matches prefixes. Which
//! names a value has comes from the engine's registered functions, grouped by the
//! type of their first parameter ([`Catalog`]): Rhai's method call is sugar for that.

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use rhai::{Dynamic, Engine, Map, Scope};
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;

use super::printer::Park;

/// The globals of `api::register`'s global module (Rhai offers no way to list them).
const GLOBALS: &[&str] = &["process", "console", "Promise", "JSON", "Date"];

/// Rhai's keywords and built-in functions, which are not registered functions.
const KEYWORDS: &str = "let const fn private if else switch while loop do until for in break continue return \
    throw try catch import export as global true false this print debug type_of eval Fn call curry is_shared \
    is_def_fn is_def_var";

/// What the editor thread completes from.
#[derive(Default)]
pub struct Table {
    /// Names that stand alone: globals, functions, keywords, variables.
    words: BTreeSet<String>,
    /// Member names for a receiver path (`process`, `process.stdout`, `m`).
    members: HashMap<String, BTreeSet<String>>,
}

impl Table {
    /// The start of the word at `pos` and the candidates for it.
    // Slices by byte index are safe here: `pos` is moved back to a boundary; `after_last` returns boundaries.
    #[allow(clippy::string_slice)]
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let mut pos = pos.min(line.len());
        while !line.is_char_boundary(pos) {
            pos -= 1;
        }
        let before = &line[..pos];
        let start = after_last(before, |c| !is_ident(c));
        let prefix = &before[start..];
        let pool = match before[..start].strip_suffix('.') {
            Some(head) => {
                let head = head.strip_suffix('?').unwrap_or(head);
                let from = after_last(head, |c| !is_ident(c) && c != '.');
                self.members.get(&head[from..])
            }
            None => Some(&self.words),
        };
        let found = pool.map(|p| p.iter().filter(|w| w.starts_with(prefix)).cloned().collect()).unwrap_or_default();
        (start, found)
    }
}

/// The byte index just after the last character matching `pred` (0 if none): the
/// matched character's own width, not 1, so the index is always a char boundary.
fn after_last(s: &str, pred: impl Fn(char) -> bool) -> usize {
    s.char_indices().rev().find(|&(_, c)| pred(c)).map(|(i, c)| i + c.len_utf8()).unwrap_or(0)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The engine's functions by receiver type; built once.
pub struct Catalog {
    by_type: HashMap<TypeId, BTreeSet<String>>,
    free: BTreeSet<String>,
    /// `process`, `process.stdout`…: paths and values of the globals and their
    /// properties, looked up once (global getters are plain reads).
    globals: Vec<(String, Dynamic)>,
}

impl Catalog {
    pub fn new(engine: &Engine) -> Catalog {
        let mut by_type: HashMap<TypeId, BTreeSet<String>> = HashMap::new();
        let info = |f: rhai::FuncInfo| Some((f.metadata.name.to_string(), f.metadata.param_types.first().copied()));
        // The standard library adds methods (strings, arrays, maps) but its free
        // functions would drown the globals, so only its methods are kept.
        let ours: BTreeSet<String> =
            engine.collect_fn_metadata(None, info, false).into_iter().map(|(n, _)| n).collect();
        let all = engine.collect_fn_metadata(None, info, true);
        let mut globals: Vec<(String, Dynamic)> = Vec::new();
        for g in GLOBALS {
            if let Ok(v) = engine.eval::<Dynamic>(g) {
                globals.push((g.to_string(), v));
            }
        }
        let host: BTreeSet<TypeId> = globals.iter().map(|(_, v)| v.type_id()).collect();
        let mut free = BTreeSet::new();
        for (name, first) in all {
            let std = !ours.contains(&name);
            let member = name.strip_prefix("get$").unwrap_or(&name);
            if !member.chars().all(is_ident) || name.starts_with("anon$") {
                continue; // operators, setters, indexers
            }
            if let Some(t) = first {
                by_type.entry(t).or_default().insert(member.to_string());
            }
            let method_of_host = first.is_some_and(|t| host.contains(&t));
            if !std && !name.starts_with("get$") && !method_of_host {
                free.insert(name.clone());
            }
        }
        let mut catalog = Catalog { by_type, free, globals: Vec::new() };
        // One level of properties: `process.stdout.`, `process.env.`.
        for (path, v) in &globals {
            for m in catalog.members_of(v).unwrap_or_default() {
                if let Ok(prop) = engine.eval::<Dynamic>(&format!("{path}.{m}"))
                    && !prop.is_unit()
                    && prop.type_id() != v.type_id()
                    && !prop.is::<rhai::FnPtr>()
                {
                    catalog.globals.push((format!("{path}.{m}"), prop));
                }
            }
        }
        catalog.globals.extend(globals);
        catalog
    }

    fn members_of(&self, v: &Dynamic) -> Option<BTreeSet<String>> {
        let mut names = self.by_type.get(&v.type_id()).cloned();
        if let Some(m) = v.read_lock::<Map>() {
            names.get_or_insert_with(BTreeSet::new).extend(m.keys().map(|k| k.to_string()));
        }
        names
    }

    /// Rebuilds the table from the globals, the scope and the script's functions.
    pub fn fill(&self, table: &Mutex<Table>, scope: &Scope, script_fns: impl Iterator<Item = String>) {
        let mut words: BTreeSet<String> = self.free.iter().cloned().collect();
        words.extend(KEYWORDS.split_whitespace().map(String::from));
        words.extend(script_fns);
        let mut members = HashMap::new();
        for (path, v) in &self.globals {
            if !path.contains('.') {
                words.insert(path.clone());
            }
            if let Some(m) = self.members_of(v) {
                members.insert(path.clone(), m);
            }
        }
        for (name, _, v) in scope.iter() {
            words.insert(name.to_string());
            if let Some(m) = self.members_of(&v) {
                members.insert(name.to_string(), m);
            }
        }
        // Poisoned only by a panic (which aborts a release build): replace it anyway.
        *table.lock().unwrap_or_else(PoisonError::into_inner) = Table { words, members };
    }
}

/// rustyline's helper: completion, and the parking spot used when leaving.
pub struct Helper {
    pub table: Arc<Mutex<Table>>,
    pub park: Arc<Park>,
}

impl Completer for Helper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.table.lock().unwrap_or_else(PoisonError::into_inner).complete(line, pos))
    }
}

impl Highlighter for Helper {
    /// No colours; the editor calls this before drawing the prompt, which is where it
    /// must stop when the process is leaving (see `printer`).
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _default: bool) -> Cow<'b, str> {
        self.park.check();
        Cow::Borrowed(prompt)
    }
}

impl Hinter for Helper {
    type Hint = String;
}

impl Validator for Helper {}

impl rustyline::Helper for Helper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::default();
        t.words.extend(["process", "print", "let", "total"].map(String::from));
        t.members.insert("process".into(), ["cwd", "exit", "env", "stdout"].map(String::from).into());
        t.members.insert("process.stdout".into(), ["write", "isTTY"].map(String::from).into());
        t
    }

    #[test]
    fn words_and_members() {
        let t = table();
        assert_eq!(t.complete("pr", 2), (0, vec!["print".into(), "process".into()]));
        assert_eq!(t.complete("let x = to", 10), (8, vec!["total".into()]));
        assert_eq!(t.complete("process.e", 9), (8, vec!["env".into(), "exit".into()]));
        assert_eq!(t.complete("f(process.stdout.w", 18), (17, vec!["write".into()]));
        assert_eq!(t.complete("nothing.x", 9), (8, vec![]));
    }

    #[test]
    fn multibyte_characters_are_whole() {
        let t = table();
        for line in ["\"€", "x.€", "€.pro", "€", "\"€pr", "日本.p", "a€€", "😀process.e"] {
            for pos in 0..=line.len() {
                let (start, _) = t.complete(line, pos);
                assert!(line.is_char_boundary(start) && start <= pos, "{line:?} at {pos}: start {start}");
            }
        }
        assert_eq!(t.complete("\"€pr", 6), (4, vec!["print".into(), "process".into()]));
        assert_eq!(t.complete("€process.e", 12), (11, vec!["env".into(), "exit".into()]));
        assert_eq!(t.complete("x.€", 5).0, 5);
        assert_eq!(t.complete("€.pro", 7), (4, vec![]));
    }

    #[test]
    fn catalog_knows_registered_methods_and_getters() {
        #[derive(Clone)]
        struct Thing;
        let mut e = Engine::new();
        e.register_type_with_name::<Thing>("Thing");
        e.register_fn("make_thing", || Thing);
        e.register_fn("poke", |_: &mut Thing| 1_i64);
        e.register_get("size", |_: &mut Thing| 2_i64);
        let c = Catalog::new(&e);
        let v = e.eval::<Dynamic>("make_thing()").unwrap();
        let m = c.members_of(&v).unwrap();
        assert!(m.contains("poke") && m.contains("size"), "{m:?}");
        assert!(c.free.contains("make_thing"));
        let mut scope = Scope::new();
        scope.push("t", v);
        scope.push("m", e.eval::<Dynamic>("#{alpha: 1}").unwrap());
        let table = Mutex::new(Table::default());
        c.fill(&table, &scope, ["myfn".to_string()].into_iter());
        let t = table.lock().unwrap();
        assert_eq!(t.complete("t.p", 3).1, vec!["poke".to_string()]);
        assert!(t.complete("m.al", 4).1.contains(&"alpha".to_string()));
        assert!(t.complete("my", 2).1.contains(&"myfn".to_string()));
    }
}
