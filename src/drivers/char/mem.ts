// Mirrors drivers/char/mem.c: /dev/null and /dev/zero.
import { S_IFCHR } from "../../include/uapi/fcntl.js";
import { Inode } from "../../fs/inode.js";
import type { FileOperations } from "../../fs/file.js";
import { copy_to_user } from "../../kernel/uaccess.js";

const null_fops: FileOperations = {
  read: () => 0,
  write: (_f, _b, count) => count,
  llseek: () => 0,
};

const zero_fops: FileOperations = {
  read: (_f, buf, count) => count - copy_to_user(buf, new Uint8Array(count), count),
  write: (_f, _b, count) => count,
  llseek: () => 0,
};

export function mem_devices(): [string, Inode][] {
  const dev = (fops: FileOperations, minor: number): Inode => Object.assign(new Inode(S_IFCHR | 0o666, fops), { rdev: (1 << 8) | minor });
  return [
    ["null", dev(null_fops, 3)],
    ["zero", dev(zero_fops, 5)],
  ];
}
