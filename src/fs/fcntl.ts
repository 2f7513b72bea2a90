// Mirrors fs/fcntl.c and the dup calls of fs/file.c: descriptor duplication and the close-on-exec
// flag.
import { EBADF, EINVAL } from "../include/uapi/errno.js";
import { current } from "../kernel/sched/task.js";
import { get_file } from "./file.js";

export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;

/** fcntl(fd, cmd, arg) for the descriptor commands: F_DUPFD(_CLOEXEC), F_GETFD, F_SETFD; else -EINVAL. */
export function sys_fcntl(fd: number, cmd: number, arg: number): number {
  const files = current().files!;
  const f = files.fget(fd);
  if (!f) return -EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (arg < 0) return -EINVAL;
      const nfd = files.fd_install(get_file(f), arg);
      if (nfd >= 0 && cmd === F_DUPFD_CLOEXEC) files.close_on_exec.add(nfd);
      return nfd;
    }
    case F_GETFD:
      return files.close_on_exec.has(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
      if (arg & FD_CLOEXEC) files.close_on_exec.add(fd);
      else files.close_on_exec.delete(fd);
      return 0;
    default:
      return -EINVAL;
  }
}

/** dup(fd): the lowest free descriptor for the same open file. */
export function sys_dup(fd: number): number {
  return sys_fcntl(fd, F_DUPFD, 0);
}

/** dup2(oldfd, newfd) */
export function sys_dup2(oldfd: number, newfd: number): number {
  return current().files!.dup2(oldfd, newfd);
}
