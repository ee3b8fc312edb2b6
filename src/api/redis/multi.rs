//! `client.multi()`: commands chained on a builder, sent as MULTI … EXEC in one
//! write by `exec()`, which resolves with every reply (shaped as the method's own)
//! or rejects: with the server's error if EXEC failed (EXECABORT), or with
//! node-redis's `MultiErrorReply` (`replies`, `errorIndexes`) if some command failed.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Array, Dynamic};

use super::client::Client;
use super::reply::{self, Shape};
use crate::redis::resp::Reply;
use crate::value::error;

/// A queued command: its arguments and how its reply is shaped.
pub type Queued = (Vec<Vec<u8>>, Shape);

#[derive(Clone)]
pub struct Multi {
    pub client: Client,
    pub cmds: Rc<RefCell<Vec<Queued>>>,
}

impl Multi {
    pub fn new(client: Client) -> Multi {
        Multi { client, cmds: Rc::new(RefCell::new(Vec::new())) }
    }

    pub fn add(&self, args: Vec<Vec<u8>>, shape: Shape) -> Multi {
        self.cmds.borrow_mut().push((args, shape));
        self.clone()
    }

    pub fn exec(&self) -> crate::runtime::promise::Promise {
        let cmds = std::mem::take(&mut *self.cmds.borrow_mut());
        self.client.exec(cmds)
    }
}

/// The EXEC reply as the script sees it.
pub fn exec_result(r: Reply, shapes: &[Shape]) -> Result<Dynamic, Dynamic> {
    let items = match r {
        Reply::Error(e) => return Err(reply::error_value(&e)),
        Reply::Array(a) => a,
        Reply::Nil => return Ok(Dynamic::UNIT),
        other => return Ok(reply::raw(other)),
    };
    let mut replies = Array::new();
    let mut failed = Array::new();
    for (k, item) in items.into_iter().enumerate() {
        match reply::shape(item, shapes.get(k).copied().unwrap_or(Shape::Raw)) {
            Ok(v) => replies.push(v),
            Err(e) => {
                failed.push((k as i64).into());
                replies.push(e);
            }
        }
    }
    if failed.is_empty() {
        return Ok(replies.into());
    }
    let msg = format!("{} commands failed, see .replies and .errorIndexes for more information", failed.len());
    let mut e = error::error("Error", &msg, None);
    e.insert("replies".into(), replies.into());
    e.insert("errorIndexes".into(), failed.into());
    Err(e.into())
}
