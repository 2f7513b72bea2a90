// Mirrors fs/proc/base.c and fs/proc/array.c: a directory per task (/proc/PID) with comm, cmdline,
// stat and status, and /proc/self.
import { S_IFDIR, S_IFLNK, S_IFREG } from "../../include/uapi/fcntl.js";
import { current, type Task } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { kernel_cap_t } from "../../kernel/capability.js";
import type { Inode } from "../inode.js";
import { ProcDirEntry, proc_get_inode, type DynamicDir } from "./generic.js";
import { seq_puts, single_proc_ops, type SeqFile } from "./seq_file.js";

const state_names: Record<string, string> = { R: "R (running)", S: "S (sleeping)", D: "D (disk sleep)", Z: "Z (zombie)", X: "X (dead)" };
const HZ = 100;

function ticks(ns: number): number {
  return Math.floor(ns / (1e9 / HZ));
}

/** render_cap_t() (fs/proc/array.c): the set as 16 hex digits, the high u32 word first. */
function render_cap(c: kernel_cap_t): string {
  return c.toString(16).padStart(16, "0");
}

function task_of(inode: Inode): Task {
  return (inode.i_private as ProcDirEntry).data as Task;
}

const files: [string, (m: SeqFile, t: Task) => void][] = [
  ["comm", (m, t) => seq_puts(m, t.comm + "\n")],
  ["cmdline", (m, t) => seq_puts(m, t.mm && t.state !== "Z" ? t.mm.argv.map((a) => a + "\0").join("") : "")],
  [
    "stat",
    (m, t) => {
      const ppid = t.parent?.pid ?? 0;
      const f = [t.pid, `(${t.comm})`, t.state, ppid, t.pgrp, t.session, 0, -1, t.flags, 0, 0, 0, 0, ticks(t.utime), ticks(t.stime), 0, 0, 20, 0, 1, 0, ticks(t.start_time), t.mm ? 1843200 : 0, t.mm ? 98 : 0];
      seq_puts(m, f.join(" ") + " 4294967295 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    },
  ],
  [
    "status",
    (m, t) => {
      const c = t.cred;
      seq_puts(
        m,
        `Name:\t${t.comm}\nUmask:\t0022\nState:\t${state_names[t.state]}\nTgid:\t${t.pid}\nNgid:\t0\nPid:\t${t.pid}\nPPid:\t${t.parent?.pid ?? 0}\nTracerPid:\t0\n` +
          `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}\nGid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}\nFDSize:\t${t.files ? 64 : 0}\nGroups:\t${c.groups.join(" ")} \n` +
          (t.mm ? "VmPeak:\t    1800 kB\nVmSize:\t    1800 kB\nVmRSS:\t     392 kB\n" : "") +
          `Threads:\t1\nSigPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n` +
          `CapInh:\t${render_cap(c.cap_inheritable)}\nCapPrm:\t${render_cap(c.cap_permitted)}\nCapEff:\t${render_cap(c.cap_effective)}\n` +
          `CapBnd:\t${render_cap(c.cap_bset)}\nCapAmb:\t${render_cap(c.cap_ambient)}\nNoNewPrivs:\t0\nSeccomp:\t0\n` +
          `voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t0\n`,
      );
    },
  ],
];

function pid_dir(task: Task): Inode {
  const dir = new ProcDirEntry(String(task.pid), S_IFDIR | 0o555, null, null, task);
  for (const [name, show] of files) {
    const e = new ProcDirEntry(name, S_IFREG | 0o444, dir, single_proc_ops((m, inode) => (show(m, task_of(inode)), 0)), task);
    e.uid = task.cred.euid;
    dir.subdir.set(name, e);
  }
  dir.uid = task.cred.euid;
  dir.gid = task.cred.egid;
  return proc_get_inode(dir);
}

/** The pid directories and "self" that /proc lists besides its registered entries. */
export function proc_pid_dirs(kernel: Kernel): DynamicDir {
  return {
    lookup(name) {
      if (name === "self") {
        const self = new ProcDirEntry("self", S_IFLNK | 0o777, null, null, null);
        self.link = String(current().pid);
        return proc_get_inode(self);
      }
      if (!/^[1-9][0-9]*$/.test(name)) return null;
      const t = kernel.tasks.get(Number(name));
      return t && t.state !== "X" ? pid_dir(t) : null;
    },
    names: () => ["self", ...[...kernel.tasks.keys()].filter((p) => p > 0).sort((a, b) => a - b).map(String)],
  };
}
