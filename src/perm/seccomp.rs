//! The seccomp program every confined child gets, compiled here in the parent
//! (seccompiler, pure Rust: no libseccomp to link) so the child only hands it to
//! the kernel. It is a deny list of what Landlock does not cover: loading kernel
//! code (modules, kexec, BPF), mounts, keyrings, `ptrace` and cross-process memory
//! access, `perf_event_open`, `userfaultfd`, `open_by_handle_at` (the classic way
//! around path checks); and, when the policy grants no network, IP and packet
//! sockets (Landlock only filters TCP ports, so UDP and raw sockets would pass).
//! Denied calls fail with EPERM; anything else runs unchanged.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
};

/// How much network the policy leaves a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    /// Everything: no socket rule.
    Open,
    /// Some TCP ports (Landlock filters them): raw and packet sockets refused.
    Ports,
    /// None: IPv4, IPv6 and packet sockets refused.
    Closed,
}

fn denied_always() -> Vec<i64> {
    let mut v = vec![
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_open_by_handle_at,
        libc::SYS_reboot,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_userfaultfd,
    ];
    #[cfg(target_arch = "x86_64")]
    v.extend([libc::SYS_iopl, libc::SYS_ioperm]);
    v
}

fn cond(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, String> {
    SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).map_err(|e| e.to_string())
}

fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule, String> {
    SeccompRule::new(conds).map_err(|e| e.to_string())
}

/// The socket rules: `socket(domain, type, …)` by family, and for `Ports` raw
/// sockets by type (the type argument carries SOCK_CLOEXEC/NONBLOCK bits: masked).
fn socket_rules(net: Net) -> Result<Vec<SeccompRule>, String> {
    let mut rules = vec![rule(vec![cond(0, SeccompCmpOp::Eq, libc::AF_PACKET as u64)?])?];
    for family in [libc::AF_INET, libc::AF_INET6] {
        match net {
            Net::Closed => rules.push(rule(vec![cond(0, SeccompCmpOp::Eq, family as u64)?])?),
            _ => rules.push(rule(vec![
                cond(0, SeccompCmpOp::Eq, family as u64)?,
                cond(1, SeccompCmpOp::MaskedEq(0xf), libc::SOCK_RAW as u64)?,
            ])?),
        }
    }
    Ok(rules)
}

/// The program for this architecture.
pub fn program(net: Net) -> Result<BpfProgram, String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| e.to_string())?;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = denied_always().into_iter().map(|n| (n, Vec::new())).collect();
    if net != Net::Open {
        rules.insert(libc::SYS_socket, socket_rules(net)?);
    }
    let filter = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)
        .map_err(|e| e.to_string())?;
    filter.try_into().map_err(|e: seccompiler::BackendError| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_for_this_arch() {
        let open = program(Net::Open).unwrap();
        let closed = program(Net::Closed).unwrap();
        assert!(closed.len() > open.len());
        assert!(open.len() < 200, "a short program: {} instructions", open.len());
    }
}
