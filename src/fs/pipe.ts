// Mirrors fs/pipe.c: a 64 KiB pipe. Readers sleep while it is empty and writers while it is full;
// reading with no writers left gives end of file, writing with no readers left gives SIGPIPE and
// -EPIPE.
import { EAGAIN, EPIPE, ERESTARTSYS } from "../include/uapi/errno.js";
import { O_CLOEXEC, O_NONBLOCK, S_IFIFO } from "../include/uapi/fcntl.js";
import { SIGPIPE } from "../include/uapi/signal.js";
import { copy_from_user, copy_to_user, type UserPtr } from "../kernel/uaccess.js";
import { current } from "../kernel/sched/task.js";
import { send_sig } from "../kernel/signal.js";
import { WaitQueueHead, wait_event_interruptible } from "../kernel/sched/wait.js";
import { Inode } from "./inode.js";
import { File, FMODE_READ, FMODE_WRITE, fput, type FileOperations } from "./file.js";
import { poll_wait, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "./select.js";

export const PIPE_BUF_SIZE = 65536;

export class PipeInodeInfo {
  private chunks: Uint8Array[] = [];
  size = 0;
  readers = 0;
  writers = 0;
  readonly wait = new WaitQueueHead();

  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.size));
    let k = 0;
    while (k < out.length) {
      const c = this.chunks[0];
      const m = Math.min(c.length, out.length - k);
      out.set(c.subarray(0, m), k);
      k += m;
      if (m === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(m);
    }
    this.size -= out.length;
    return out;
  }
}

function pipe_of(file: File): PipeInodeInfo {
  return file.f_inode.i_private as PipeInodeInfo;
}

const pipefifo_fops: FileOperations = {
  async read(file, buf, count) {
    const pipe = pipe_of(file);
    if (count === 0) return 0;
    if (pipe.size === 0 && file.f_flags & O_NONBLOCK && pipe.writers > 0) return -EAGAIN;
    const r = await wait_event_interruptible(pipe.wait, () => pipe.size > 0 || pipe.writers === 0);
    if (r) return r;
    const data = pipe.take(count);
    copy_to_user(buf, data, data.length);
    pipe.wait.wake_up();
    return data.length;
  },
  write(file, buf, count) {
    const pipe = pipe_of(file);
    if (pipe.readers > 0 && PIPE_BUF_SIZE - pipe.size >= count) {
      const chunk = new Uint8Array(count);
      copy_from_user(chunk, buf, count);
      pipe.push(chunk);
      pipe.wait.wake_up();
      return count;
    }
    return pipe_write_slow(file, pipe, buf, count);
  },
  /**
   * pipe_poll(): the read end is readable with data queued and hung up (POLLHUP alone once it is
   * drained) when no writer is left; the write end is writable with room, in error with no reader.
   */
  poll(file, wait) {
    const pipe = pipe_of(file);
    poll_wait(file, pipe.wait, wait);
    let mask = 0;
    if (file.f_mode & FMODE_READ) {
      if (pipe.size > 0) mask |= POLLIN | POLLRDNORM;
      if (pipe.writers === 0) mask |= POLLHUP;
    }
    if (file.f_mode & FMODE_WRITE) {
      if (pipe.size < PIPE_BUF_SIZE) mask |= POLLOUT | POLLWRNORM;
      if (pipe.readers === 0) mask |= POLLERR;
    }
    return mask;
  },
  release(_inode, file) {
    const pipe = pipe_of(file);
    if (file.f_mode & FMODE_READ) pipe.readers--;
    if (file.f_mode & FMODE_WRITE) pipe.writers--;
    pipe.wait.wake_up();
  },
};

async function pipe_write_slow(file: File, pipe: PipeInodeInfo, buf: UserPtr, count: number): Promise<number> {
  let done = 0;
  while (done < count) {
    if (pipe.readers === 0) {
      send_sig(SIGPIPE, current());
      return done || -EPIPE;
    }
    const room = PIPE_BUF_SIZE - pipe.size;
    if (room === 0) {
      if (file.f_flags & O_NONBLOCK) return done || -EAGAIN;
      const r = await wait_event_interruptible(pipe.wait, () => pipe.size < PIPE_BUF_SIZE || pipe.readers === 0);
      if (r) return done || -ERESTARTSYS;
      continue;
    }
    const n = Math.min(room, count - done);
    const chunk = new Uint8Array(n);
    copy_from_user(chunk, buf.add(done), n);
    pipe.push(chunk);
    done += n;
    pipe.wait.wake_up();
  }
  return done;
}

/** create_pipe_files(): the read end and the write end of a new pipe. */
export function create_pipe_files(flags: number): [File, File] {
  const inode = new Inode(S_IFIFO | 0o600, pipefifo_fops);
  const pipe = new PipeInodeInfo();
  inode.i_private = pipe;
  pipe.readers = 1;
  pipe.writers = 1;
  return [new File(inode, pipefifo_fops, flags, FMODE_READ, "pipe:[" + inode.ino + "]"), new File(inode, pipefifo_fops, flags, FMODE_WRITE, "pipe:[" + inode.ino + "]")];
}

/** do_pipe2(flags): install both ends of a new pipe; [read fd, write fd] or -errno (EMFILE). */
export function do_pipe2(flags: number): [number, number] | number {
  const files = current().files!;
  const [r, w] = create_pipe_files(flags);
  const rfd = files.fd_install(r);
  if (rfd < 0) {
    fput(w);
    return rfd;
  }
  const wfd = files.fd_install(w);
  if (wfd < 0) {
    files.close_fd(rfd);
    return wfd;
  }
  if (flags & O_CLOEXEC) for (const fd of [rfd, wfd]) files.close_on_exec.add(fd);
  return [rfd, wfd];
}
