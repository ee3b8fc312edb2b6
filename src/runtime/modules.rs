//! `import "…" as m;`: the embedded stdlib by name, or a `.rhai` file relative to the
//! importing script. Every loaded source is recorded so error reports can quote it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};

use super::State;

/// The stdlib, compiled into the binary.
pub const STDLIB: &[(&str, &str)] =
    &[("events", include_str!("../../stdlib/events.rhai")), ("daemon", include_str!("../../stdlib/daemon.rhai"))];

pub struct Resolver {
    st: Rc<State>,
    cache: RefCell<HashMap<String, Shared<Module>>>,
}

impl Resolver {
    pub fn new(st: Rc<State>) -> Resolver {
        Resolver { st, cache: RefCell::new(HashMap::new()) }
    }

    fn load(&self, source: Option<&str>, path: &str, pos: Position) -> Result<(String, String), Box<EvalAltResult>> {
        let name = path.strip_prefix("std/").unwrap_or(path);
        if let Some((_, text)) = STDLIB.iter().find(|(n, _)| *n == name) {
            return Ok((format!("<stdlib>/{name}.rhai"), text.to_string()));
        }
        let base = source.and_then(|s| Path::new(s).parent()).map(PathBuf::from).unwrap_or_default();
        let mut file = base.join(path);
        if file.extension().is_none() {
            file.set_extension("rhai");
        }
        let text = std::fs::read_to_string(&file).map_err(|_| EvalAltResult::ErrorModuleNotFound(path.into(), pos))?;
        Ok((file.display().to_string(), text))
    }
}

impl ModuleResolver for Resolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let (key, text) = self.load(source, path, pos)?;
        if let Some(m) = self.cache.borrow().get(&key) {
            return Ok(m.clone());
        }
        self.st.sources.borrow_mut().insert(key.clone(), text.as_str().into());
        let mut ast = engine.compile(&text).map_err(|e| EvalAltResult::ErrorInModule(path.into(), e.into(), pos))?;
        ast.set_source(key.clone());
        let m: Shared<Module> = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| EvalAltResult::ErrorInModule(path.into(), e, pos))?
            .into();
        self.cache.borrow_mut().insert(key, m.clone());
        Ok(m)
    }
}
