//! `import "…" as m;`: the embedded stdlib by name, or a `.rhai` file relative to the
//! importing script. Every loaded source is recorded so error reports can quote it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rhai::{Engine, EvalAltResult, FnNamespace, Module, ModuleResolver, Position, Scope, Shared};

use super::State;

/// The stdlib, compiled into the binary.
pub const STDLIB: &[(&str, &str)] = &[
    ("events", include_str!("../../stdlib/events.rhai")),
    ("daemon", include_str!("../../stdlib/daemon.rhai")),
    ("redis_worker", include_str!("../../stdlib/redis_worker.rhai")),
];

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
        // `--allow-read` covers imported files as it covers fs reads.
        crate::perm::check_path(crate::perm::Perm::Read, &file.display().to_string())
            .map_err(|d| crate::value::error::throw(crate::value::error::access_denied(d)))?;
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
        let mut m = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| EvalAltResult::ErrorInModule(path.into(), e, pos))?;
        export_closures(&mut m);
        let m: Shared<Module> = m.into();
        self.cache.borrow_mut().insert(key, m.clone());
        Ok(m)
    }
}

/// Makes the closures a module's functions create callable from the importing script,
/// as a function a Node module returns is (`const doWork = creatProcessPool(…);
/// doWork(…)`). A closure is a script function named `anon$<hash>`; Rhai looks an
/// unqualified name up only in the global namespace of imported modules, where a
/// module's functions are not. The hash in the name makes it unique, so putting the
/// closures there cannot shadow anything; named `fn`s stay behind `m::`.
fn export_closures(m: &mut Module) {
    let closures: Vec<_> = m.iter_script_fn_info().filter(|f| f.2.starts_with("anon$")).map(|f| f.4.clone()).collect();
    for def in closures {
        // The hash of a script function depends on its name and arity only: a scratch
        // module computes it (Rhai does not export the hash function).
        let hash = Module::new().set_script_fn(def);
        // Deprecated for native functions (FuncRegistration); script functions have no
        // other way to change namespace.
        #[allow(deprecated)]
        m.update_fn_namespace(hash, FnNamespace::Global);
    }
    m.build_index();
}
