//! The seccomp program every confined child gets, assembled here in the parent so
//! the child only hands it to the kernel. It is a deny list of what Landlock does not cover: loading kernel
//! code (modules, kexec, BPF), mounts, keyrings, `ptrace` and cross-process memory
//! access, `perf_event_open`, `userfaultfd`, `open_by_handle_at` (the classic way
//! around path checks); and, when the policy grants no network, IP and packet
//! sockets (Landlock only filters TCP ports, so UDP and raw sockets would pass).
//! Denied calls fail with EPERM; anything else runs unchanged.
//!
//! libc is used here for data only: system-call numbers, BPF opcodes, address
//! families and return values; no libc function is called. The instructions are
//! `sys::spawn::confine::Filter`s, which the child installs there.

use crate::sys::spawn::confine::Filter;

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

const BPF_LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const BPF_JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const BPF_JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const BPF_AND_K: u16 = (libc::BPF_ALU | libc::BPF_AND | libc::BPF_K) as u16;
const BPF_RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;

/// Offsets in `struct seccomp_data`: the number, the architecture, and the low
/// 32 bits of the first two arguments (little-endian).
const NR: u32 = 0;
const ARCH: u32 = 4;
const ARG0: u32 = 16;
const ARG1: u32 = 24;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;

fn stmt(code: u16, k: u32) -> Filter {
    Filter { code, jt: 0, jf: 0, k }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Filter {
    Filter { code, jt, jf, k }
}

/// The program: a wrong architecture kills, x32 system calls (x86_64) and the
/// deny list fail with EPERM, `socket` is judged by family (and type), the rest runs.
///
/// Hand-assembled rather than compiled by `seccompiler`: its output spends five
/// instructions per denied call (120 for this list, against 32 here), and the
/// kernel's cost of installing a filter (conversion, JIT, and the per-syscall
/// action cache it computes by running the filter over every system-call number)
/// grows with the length: measured, seccompiler's program added 60-80 µs CPU to
/// every spawn, which alone broke the 15% budget for spawn + wait.
pub fn program(net: Net) -> Vec<Filter> {
    let deny = denied_always();
    let ret_allow = stmt(BPF_RET_K, libc::SECCOMP_RET_ALLOW);
    let ret_errno = stmt(BPF_RET_K, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
    let mut p = vec![
        stmt(BPF_LD_W_ABS, ARCH),
        jump(BPF_JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(BPF_RET_K, libc::SECCOMP_RET_KILL_PROCESS),
        stmt(BPF_LD_W_ABS, NR),
    ];
    // Each test jumps to the shared EPERM return at the end of the list; the
    // offsets count the instructions still ahead of it.
    let socket = net != Net::Open;
    let tests = deny.len() + usize::from(cfg!(target_arch = "x86_64")) + usize::from(socket);
    let mut left = tests;
    let mut test = |p: &mut Vec<Filter>, code: u16, k: u32| {
        left -= 1;
        // ahead: the remaining tests, then ALLOW; EPERM follows ALLOW.
        p.push(jump(code, k, (left + 1) as u8, 0));
    };
    #[cfg(target_arch = "x86_64")]
    test(&mut p, BPF_JGE_K, 0x4000_0000);
    for nr in &deny {
        test(&mut p, BPF_JEQ_K, *nr as u32);
    }
    if socket {
        // `socket` goes past ALLOW and EPERM to its own block.
        left -= 1;
        p.push(jump(BPF_JEQ_K, libc::SYS_socket as u32, (left + 2) as u8, 0));
    }
    p.push(ret_allow);
    p.push(ret_errno);
    if socket {
        p.push(stmt(BPF_LD_W_ABS, ARG0));
        match net {
            Net::Closed => {
                p.push(jump(BPF_JEQ_K, libc::AF_INET as u32, 3, 0));
                p.push(jump(BPF_JEQ_K, libc::AF_INET6 as u32, 2, 0));
                p.push(jump(BPF_JEQ_K, libc::AF_PACKET as u32, 1, 0));
                p.push(ret_allow);
                p.push(ret_errno);
            }
            _ => {
                p.push(jump(BPF_JEQ_K, libc::AF_PACKET as u32, 6, 0));
                p.push(jump(BPF_JEQ_K, libc::AF_INET as u32, 1, 0));
                p.push(jump(BPF_JEQ_K, libc::AF_INET6 as u32, 0, 3));
                p.push(stmt(BPF_LD_W_ABS, ARG1));
                p.push(stmt(BPF_AND_K, 0xf));
                p.push(jump(BPF_JEQ_K, libc::SOCK_RAW as u32, 1, 0));
                p.push(ret_allow);
                p.push(ret_errno);
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_for_this_arch() {
        let open = program(Net::Open);
        let closed = program(Net::Closed);
        assert!(closed.len() > open.len());
        assert!(open.len() < 40, "a short program: {} instructions", open.len());
    }
}
