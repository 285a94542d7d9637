//! A process group's memory and CPU, read from /proc: what rlimit mode has instead of a cgroup's
//! accounting. Processes that left the group, and the CPU of those that have exited, are not
//! counted.

use std::fs;

use nix::unistd::{SysconfVar, sysconf};

/// The resident memory and CPU time of the processes whose process group is `group`.
pub fn usage(group: i32) -> Option<(u64, f64)> {
    let page_bytes = sysconf(SysconfVar::PAGE_SIZE).ok().flatten().and_then(|n| u64::try_from(n).ok())?;
    let ticks = sysconf(SysconfVar::CLK_TCK).ok().flatten().filter(|n| *n > 0)? as f64;
    let mut memory = 0;
    let mut cpu_ticks = 0;
    let mut found = false;
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|name| name.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else { continue };
        if let Some(process) = parse_stat(&stat).filter(|process| process.group == group) {
            found = true;
            memory += process.resident_pages * page_bytes;
            cpu_ticks += process.cpu_ticks;
        }
    }
    found.then(|| (memory, cpu_ticks as f64 / ticks))
}

#[derive(Debug, PartialEq, Eq)]
struct ProcessStat {
    group: i32,
    cpu_ticks: u64,
    resident_pages: u64,
}

/// Reads `/proc/PID/stat`: the fields after the command name (which may hold spaces and
/// parentheses, so the last `)` ends it) are the process group (5th), user and system time
/// (14th, 15th) and resident pages (24th).
fn parse_stat(stat: &str) -> Option<ProcessStat> {
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let field = |number: usize| fields.get(number - 3);
    Some(ProcessStat {
        group: field(5)?.parse().ok()?,
        cpu_ticks: field(14)?.parse::<u64>().ok()? + field(15)?.parse::<u64>().ok()?,
        resident_pages: field(24)?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_stat_line_whose_name_has_spaces_and_parentheses() {
        let stat = "4242 (python (x) y) S 1 4240 4240 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 1 0 55 30000000 2048 \
                    18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0";
        assert_eq!(parse_stat(stat), Some(ProcessStat { group: 4240, cpu_ticks: 175, resident_pages: 2048 }));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn counts_this_process_group() {
        let group = nix::unistd::getpgrp().as_raw();
        let (memory, _) = usage(group).expect("this test's own group is found");
        assert!(memory > 1 << 20, "at least a MiB resident: {memory}");
    }
}
