//! What one REPL session remembers, and the evaluation of one complete input.
//!
//! Variables live in the runtime's one `Scope`. Functions (named ones and the
//! closures' anonymous ones) accumulate in a functions-only AST merged into every
//! input, so a callback registered three inputs ago still finds its body, and a
//! redefinition replaces the old one. Rhai forgets `import`s after each evaluation,
//! so the import statements that succeeded are replayed before every input (the
//! module resolver caches modules, so their code runs once).

use rhai::{AST, Dynamic, EvalAltResult, Module, Scope, Stmt};

use super::interrupt;
use super::report::{self, Defined};
use crate::runtime::Runtime;

#[derive(Default)]
pub struct Session {
    fns: AST,
    imports: Vec<Stmt>,
    /// Inputs evaluated so far, named `REPL1`, `REPL2`… in error reports.
    count: usize,
    /// The inputs that parsed, for `.save`.
    pub inputs: Vec<String>,
    /// Where each function was defined, for error reports (shared with the
    /// runtime's uncaught hook).
    pub defined: Defined,
}

impl Session {
    /// `.clear`: a fresh scope, no functions, no imports.
    pub fn clear(&mut self, rt: &Runtime) {
        self.defined.borrow_mut().clear();
        *self = Session { count: self.count, defined: self.defined.clone(), ..Session::default() };
        *rt.scope.borrow_mut() = Scope::new();
    }

    /// The names of the script's functions, for completion.
    pub fn functions(&self) -> impl Iterator<Item = String> + '_ {
        self.fns.iter_functions().map(|f| f.name.to_string())
    }

    /// Evaluates `text` (named `name`, or `REPLn`), echoes its value or shows its
    /// error, then runs the nextTicks and microtasks it queued. Ctrl-C interrupts
    /// all of that. `process.exit()` ends the process here.
    pub fn eval(&mut self, rt: &Runtime, text: &str, name: Option<&str>) {
        self.count += 1;
        let name = name.map(String::from).unwrap_or_else(|| format!("REPL{}", self.count));
        rt.st.sources.borrow_mut().insert(name.clone(), text.into());
        let compiled = rt.engine.compile_with_scope(&rt.scope.borrow(), text);
        let mut ast = match compiled {
            Ok(ast) => ast,
            Err(e) => return report::syntax(&rt.st, &name, &e),
        };
        ast.set_source(name.as_str());
        self.inputs.push(text.to_string());
        self.defined.borrow_mut().extend(ast.iter_functions().map(|f| (f.name.to_string(), name.clone())));
        let imports: Vec<Stmt> = ast.statements().iter().filter(|s| matches!(s, Stmt::Import(..))).cloned().collect();
        let prelude = AST::new(self.imports.clone(), Module::new());
        let mut run = self.fns.merge(&prelude).merge(&ast);
        run.set_source(name.as_str());
        self.fns = self.fns.merge(&ast);
        self.fns.clear_statements();

        let _armed = interrupt::arm();
        let r = rt.engine.eval_ast_with_scope::<Dynamic>(&mut rt.scope.borrow_mut(), &run);
        match r {
            Ok(v) => {
                self.imports.extend(imports);
                echo(rt, &v);
            }
            Err(e) => self.fail(rt, &e, &name),
        }
        rt.drain();
    }

    /// `process.exit()` ends the process; any other error is shown.
    fn fail(&self, rt: &Runtime, e: &EvalAltResult, name: &str) {
        if let Some(code) = rt.st.exit_request.take() {
            rt.exit(code);
        }
        report::show(rt, &Dynamic::UNIT, Some((e, Some(name))), &self.defined);
    }
}

/// Node's echo: the value inspected, nothing for `()`.
fn echo(rt: &Runtime, v: &Dynamic) {
    if !v.is_unit() {
        rt.st.print(&format!("{}\n", report::shown(rt, v)));
    }
}
