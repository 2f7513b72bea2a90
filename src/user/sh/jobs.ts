// Mirrors the job-control part of shell/ash.c (makejob, dowait, waitforjob, showjob,
// sprint_status48): a job per pipeline, reaping with wait4, and BusyBox's job lines.
import { SIGINT, SIGPIPE, signal_names } from "../../include/uapi/signal.js";
import { EINTR } from "../../include/uapi/errno.js";
import { WEXITSTATUS, WIFSIGNALED, WNOHANG, WTERMSIG, tcsetpgrp, waitpid } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import type { FILE } from "../libc/stdio.js";
import type { Shell } from "./shell.js";

export interface Proc {
  pid: number;
  /** wait status, or -1 while running. */
  status: number;
  cmd: string;
}

export interface Job {
  procs: Proc[];
  pgrp: number;
  state: "running" | "done";
  /** Changed since last shown (showjobs SHOW_CHANGED). */
  changed: boolean;
  /** A foreground job: its end is reported by waitforjob, not by a Done line. */
  foreground: boolean;
}

export function jobno(sh: Shell, jp: Job): number {
  return sh.jobs.indexOf(jp) + 1;
}

/** makejob(): a job in the lowest free slot; background jobs become the current job. */
export function makejob(sh: Shell, procs: Proc[], pgrp: number, foreground: boolean): Job {
  const jp: Job = { procs, pgrp, state: procs.every((p) => p.status !== -1) ? "done" : "running", changed: false, foreground };
  const free = sh.jobs.indexOf(null);
  if (free >= 0) sh.jobs[free] = jp;
  else sh.jobs.push(jp);
  if (!foreground) set_curjob(sh, jp);
  return jp;
}

export function set_curjob(sh: Shell, jp: Job): void {
  if (sh.curjob === jp) return;
  sh.prevjob = sh.curjob;
  sh.curjob = jp;
}

export function freejob(sh: Shell, jp: Job): void {
  const i = sh.jobs.indexOf(jp);
  if (i >= 0) sh.jobs[i] = null;
  while (sh.jobs.length && sh.jobs[sh.jobs.length - 1] === null) sh.jobs.pop();
  if (sh.curjob === jp) {
    sh.curjob = sh.prevjob;
    sh.prevjob = null;
  } else if (sh.prevjob === jp) sh.prevjob = null;
  if (sh.curjob === null) {
    const live = sh.jobs.filter((j): j is Job => j !== null && !j.foreground);
    sh.curjob = live[live.length - 1] ?? null;
    sh.prevjob = live[live.length - 2] ?? null;
  }
}

/** Record a reaped child's status in its job. */
function record(sh: Shell, pid: number, status: number): void {
  for (const jp of sh.jobs) {
    const ps = jp?.procs.find((p) => p.pid === pid);
    if (!jp || !ps) continue;
    ps.status = status;
    if (jp.procs.every((p) => p.status !== -1)) {
      jp.state = "done";
      jp.changed = true;
    }
    return;
  }
}

/** dowait(): reap children; with `block` wait for one. False when there was nothing to wait for. */
export async function dowait(sh: Shell, block: boolean): Promise<boolean> {
  for (;;) {
    const r = await waitpid(-1, block ? 0 : WNOHANG);
    if (r === 0) return true;
    if (r === -1) {
      if (libc().errno === EINTR) {
        if (sh.pending_sigint) return true;
        continue;
      }
      return false;
    }
    record(sh, r[0], r[1]);
    return true;
  }
}

/** Collect every child that has ended, without waiting. */
export async function reap(sh: Shell): Promise<void> {
  for (;;) {
    const r = await waitpid(-1, WNOHANG);
    if (r === 0 || r === -1) return;
    record(sh, r[0], r[1]);
  }
}

/** The status $? reports for a job: its last process's exit code, or 128 + the signal. */
export function job_status(jp: Job): number {
  const st = jp.procs[jp.procs.length - 1].status;
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/**
 * waitforjob(): wait until a foreground job ends, take the terminal back, report a death by signal
 * (sprint_status48 with sigonly: nothing for SIGINT and SIGPIPE), and free the job.
 */
export async function waitforjob(sh: Shell, jp: Job, ttyfd: number): Promise<number> {
  while (jp.state === "running") {
    if (!(await dowait(sh, true))) break;
    if (sh.pending_sigint && !sh.mflag) break;
  }
  if (sh.mflag && ttyfd >= 0) await tcsetpgrp(ttyfd, sh.pgrp);
  const st = jp.procs[jp.procs.length - 1].status;
  if (WIFSIGNALED(st)) {
    const sig = WTERMSIG(st);
    if (sig === SIGINT) sh.fg_sigint = true;
    else if (sig !== SIGPIPE) sh.msg_raw((signal_names[sig] ?? `Unknown signal ${sig}`) + "\n");
  }
  const status = job_status(jp);
  freejob(sh, jp);
  return status;
}

/** sprint_status48(status, sigonly=0): "Done", "Done(N)", or the signal's text. */
function sprint_status(st: number): string {
  if (WIFSIGNALED(st)) return signal_names[WTERMSIG(st)] ?? `Signal ${WTERMSIG(st)}`;
  const code = WEXITSTATUS(st);
  return code ? `Done(${code})` : "Done";
}

/** showjob(): "[N]+  Status" padded to column 33, then the commands joined by "| ". */
export function showjob(sh: Shell, jp: Job, out: FILE): void {
  let s = `[${jobno(sh, jp)}]   `;
  const mark = jp === sh.curjob ? "+" : jp === sh.prevjob ? "-" : " ";
  s = s.slice(0, s.length - 3) + mark + s.slice(s.length - 2);
  s += jp.state === "running" ? "Running" : sprint_status(jp.procs[jp.procs.length - 1].status);
  let line = "";
  jp.procs.forEach((ps, i) => {
    const col = i === 0 ? s.length : 0;
    line += (i === 0 ? s : "") + " ".repeat(Math.max(33 - col, 1)) + (i === 0 ? "" : "| ") + ps.cmd;
  });
  out.put(line + "\n");
}

/** showjobs(SHOW_CHANGED): report and free the background jobs that ended. */
export function showjobs_changed(sh: Shell, out: FILE): void {
  for (const jp of [...sh.jobs]) {
    if (!jp || !jp.changed || jp.foreground) continue;
    jp.changed = false;
    if (sh.mflag) showjob(sh, jp, out);
    if (jp.state === "done") freejob(sh, jp);
  }
}
