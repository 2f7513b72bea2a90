// Where a machine lives on the host: a per-user directory with mode 0700 holding one directory per
// machine name, with its control socket, pid file and logs. KPLAY_HOME overrides (tests), then
// $XDG_RUNTIME_DIR/kplay, then $XDG_STATE_HOME/kplay or ~/.local/state/kplay.
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface MachinePaths {
  name: string;
  dir: string;
  /** The control socket. */
  sock: string;
  /** The machine process's pid, written once it listens. */
  pid: string;
  /** Taken with O_EXCL by the one `kplay boot` that starts the machine. */
  lock: string;
  /** Every kernel log record, appended as it is written. */
  kernel_log: string;
  /** The previous boot's kernel.log, kept when a machine boots or is found crashed. */
  kernel_log_old: string;
  /** The machine process's own stdout and stderr (crash reports). */
  machine_log: string;
  /** Written by a clean poweroff, so a missing process without it is a crash. */
  halted: string;
}

export function kplay_home(): string {
  if (process.env.KPLAY_HOME) return process.env.KPLAY_HOME;
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, "kplay");
  return join(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "kplay");
}

/** A valid machine name: what a directory name can safely be. */
export function valid_machine_name(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

/** The paths of machine `name`, creating its directory (0700) if needed. */
export function machine_paths(name: string): MachinePaths {
  const home = kplay_home();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if ((statSync(home).mode & 0o077) !== 0) chmodSync(home, 0o700);
  const dir = join(home, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    name,
    dir,
    sock: join(dir, "sock"),
    pid: join(dir, "pid"),
    lock: join(dir, "boot.lock"),
    kernel_log: join(dir, "kernel.log"),
    kernel_log_old: join(dir, "kernel.log.old"),
    machine_log: join(dir, "machine.log"),
    halted: join(dir, "halted"),
  };
}
