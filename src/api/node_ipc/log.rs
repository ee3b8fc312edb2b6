//! `ipc.log(…)` and the errors nobody listens for.
//!
//! node-ipc's `log` joins its arguments with spaces, objects inspected and
//! `undefined` as nothing (`Array.join`), and writes through `config.logger`
//! (default `console.log`); `config.silent` turns it off. node-ipc publishes an
//! `error` nobody listens to into the void, after logging it: so does procbox (an
//! unheard `error` does not throw here, unlike a Node EventEmitter's).

use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::config_api::IpcConfig;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, State};
use crate::value::inspect;

#[derive(Clone)]
pub struct Log {
    pub st: Rc<State>,
    pub config: IpcConfig,
}

impl Log {
    pub fn line(args: &[Dynamic]) -> String {
        let parts: Vec<String> = args
            .iter()
            .map(|v| if v.is_unit() { String::new() } else { inspect::log_arg(v, &crate::api::describe) })
            .collect();
        parts.join(" ")
    }

    pub fn write(&self, engine: &Engine, args: &[Dynamic]) -> RhaiResult {
        if self.config.cfg.borrow().silent {
            return Ok(Dynamic::UNIT);
        }
        let line = Log::line(args);
        let logger = self.config.logger.borrow().clone();
        match logger {
            Some(cb) => cb.call(engine, vec![line.into()]),
            None => {
                self.st.print(&line);
                self.st.print("\n");
                Ok(Dynamic::UNIT)
            }
        }
    }

    /// `error` to its listeners (with `extra` after the error), or to the log.
    pub fn error(&self, engine: &Engine, emitter: &Emitter, err: Map, extra: &[Dynamic]) -> RhaiResult {
        let err = Dynamic::from_map(err);
        if emitter.has("error") {
            let mut args = vec![err];
            args.extend_from_slice(extra);
            return emitter.emit(engine, "error", &args).map(|_| Dynamic::UNIT);
        }
        self.write(engine, &["error:".into(), err])
    }
}
