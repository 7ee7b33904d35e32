//! Which signals a process catches, as the kernel reports them.

/// The `SigCgt` mask in a process's `/proc/…/status`: bit `n - 1` is signal `n`.
pub fn caught_signals(status: &str) -> u64 {
    let status = std::fs::read_to_string(status).unwrap();
    let mask = status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .expect("SigCgt in the process's status");
    u64::from_str_radix(mask.trim(), 16).unwrap()
}

/// Whether `mask` (from `caught_signals`) has signal `number`.
pub fn catches(mask: u64, number: u32) -> bool {
    mask & (1 << (number - 1)) != 0
}
