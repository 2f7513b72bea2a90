// `kplay cp`, the machine's side: a short-lived task, logged in as the client's user, reads or
// writes one file through the VFS (filp_open, kernel_read, kernel_write), so permissions, /proc
// files and the ramfs behave as they do for a program in the machine. Errors are -errno.
import type { Kernel } from "../kernel/kernel.js";
import { run_as } from "../kernel/sched/task.js";
import { do_exit } from "../kernel/exit.js";
import { filp_close, filp_open } from "../fs/open.js";
import { kernel_read, kernel_write } from "../fs/read_write.js";
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from "../include/uapi/fcntl.js";
import { EFBIG, EIO } from "../include/uapi/errno.js";
import type { Cred } from "../kernel/cred.js";

/** The largest file `kplay cp` moves (the protocol carries it in one message). */
export const CP_MAX = 64 << 20;

async function as_user<T>(k: Kernel, cred: Cred, fn: () => Promise<T>): Promise<T> {
  const t = k.new_task("kplay-cp", k.tasks.get(1) ?? k.init_task, cred);
  try {
    return await run_as(t, fn);
  } finally {
    do_exit(t, 0);
  }
}

/** The whole of `path`, or -errno. */
export function machine_read_file(k: Kernel, cred: Cred, path: string): Promise<Uint8Array | number> {
  return as_user(k, cred, async () => {
    const f = await filp_open(path, O_RDONLY, 0);
    if (typeof f === "number") return f;
    try {
      const chunks: Uint8Array[] = [];
      let total = 0;
      const pos = { value: 0 };
      for (;;) {
        const buf = new Uint8Array(64 << 10);
        const n = await kernel_read(f, buf, buf.length, pos);
        if (n < 0) return n;
        if (n === 0) break;
        total += n;
        if (total > CP_MAX) return -EFBIG;
        chunks.push(buf.subarray(0, n));
      }
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    } finally {
      filp_close(f);
    }
  });
}

/** Create or truncate `path` (`mode` for a new file, less the umask) and write `data`: 0 or -errno. */
export function machine_write_file(k: Kernel, cred: Cred, path: string, data: Uint8Array, mode: number): Promise<number> {
  return as_user(k, cred, async () => {
    const f = await filp_open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (typeof f === "number") return f;
    try {
      const pos = { value: 0 };
      while (pos.value < data.length) {
        const n = await kernel_write(f, data.subarray(pos.value), data.length - pos.value, pos);
        if (n <= 0) return n < 0 ? n : -EIO;
      }
      return 0;
    } finally {
      filp_close(f);
    }
  });
}
