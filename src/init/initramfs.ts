// Mirrors init/initramfs.c: unpack the root filesystem the kernel boots with. kplay's initramfs is
// a BusyBox 1.35 system: /bin/busybox with its applet links, util-linux dmesg, the demo modules
// under /lib/modules/5.15.0/extra with modules.dep, device nodes, /etc/passwd and /etc/group, the
// writable directories (/tmp, /root, /home/user, /srv/ftp: an FTP server's default directory), and
// /proc mounted.
import type { Kernel } from "../kernel/kernel.js";
import type { Inode } from "../fs/inode.js";
import type { ExecImage, ProgramEntry } from "../fs/exec.js";
import { ramfs_link, ramfs_new_dir, ramfs_new_file, ramfs_new_symlink } from "../fs/ramfs.js";
import { proc_get_inode } from "../fs/proc/generic.js";
import { devkmsg_inode } from "../kernel/printk/devkmsg.js";
import { mem_devices } from "../drivers/char/mem.js";
import { build_ko } from "../kernel/module/ko.js";
import { applets, busybox_entry } from "../user/busybox/index.js";
import { programs } from "../user/programs.js";

const encoder = new TextEncoder();
const MODULE_DIR = "/lib/modules/5.15.0";

/** An executable: an ELF-looking image whose entry point is a kplay program. */
function exec_image(name: string, entry: ProgramEntry, size: number): Inode {
  const bytes = new Uint8Array(size);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  bytes.set(encoder.encode(name), 16);
  const inode = ramfs_new_file(bytes, 0o755);
  (inode.i_private as ExecImage).entry = entry;
  return inode;
}

/** mkdir -p inside the image; returns the directory inode. */
function mkdir_p(root: Inode, path: string, perm = 0o755): Inode {
  let dir = root;
  for (const name of path.split("/").filter(Boolean)) {
    const entries = dir.i_private as Map<string, Inode>;
    dir = entries.get(name) ?? ramfs_link(dir, name, ramfs_new_dir(perm));
  }
  return dir;
}

function add_file(root: Inode, path: string, inode: Inode, uid = 0): void {
  const cut = path.lastIndexOf("/");
  inode.uid = inode.gid = uid;
  ramfs_link(mkdir_p(root, path.slice(0, cut)), path.slice(cut + 1), inode);
}

/** Debian's /etc/hosts for a machine without a network (netcfg's loopback lines). */
const ETC_HOSTS = "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n";

/** The head of Debian netbase 6.4's /etc/services: the well-known ports below 81. */
const ETC_SERVICES = [
  "# Network services, Internet style",
  "",
  "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer",
  "echo\t\t7/tcp",
  "echo\t\t7/udp",
  "discard\t\t9/tcp\t\tsink null",
  "discard\t\t9/udp\t\tsink null",
  "systat\t\t11/tcp\t\tusers",
  "daytime\t\t13/tcp",
  "daytime\t\t13/udp",
  "netstat\t\t15/tcp",
  "qotd\t\t17/tcp\t\tquote",
  "chargen\t\t19/tcp\t\tttytst source",
  "chargen\t\t19/udp\t\tttytst source",
  "ftp-data\t20/tcp",
  "ftp\t\t21/tcp",
  "fsp\t\t21/udp\t\tfspd",
  "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol",
  "telnet\t\t23/tcp",
  "smtp\t\t25/tcp\t\tmail",
  "time\t\t37/tcp\t\ttimserver",
  "time\t\t37/udp\t\ttimserver",
  "whois\t\t43/tcp\t\tnicname",
  "tacacs\t\t49/tcp\t\t\t\t# Login Host Protocol (TACACS)",
  "tacacs\t\t49/udp",
  "domain\t\t53/tcp\t\t\t\t# Domain Name Server",
  "domain\t\t53/udp",
  "bootps\t\t67/udp",
  "bootpc\t\t68/udp",
  "tftp\t\t69/udp",
  "gopher\t\t70/tcp\t\t\t\t# Internet Gopher",
  "finger\t\t79/tcp",
  "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
  "",
].join("\n");

export function populate_rootfs(k: Kernel): void {
  const root = ramfs_new_dir(0o755);
  k.root = root;
  const mtime = Math.floor(k.clock.bootEpochMs / 1000);

  add_file(root, "/bin/busybox", exec_image("busybox", busybox_entry, 1_153_040));
  for (const [name, a] of Object.entries(applets)) {
    add_file(root, `${a.dir}/${name}`, ramfs_new_symlink(a.dir === "/bin" ? "busybox" : a.dir.startsWith("/usr/") ? "../../bin/busybox" : "../bin/busybox"));
  }
  for (const p of programs) add_file(root, p.path, exec_image(p.path.slice(p.path.lastIndexOf("/") + 1), p.entry, p.size));

  const dev = mkdir_p(root, "/dev");
  for (const [name, inode] of mem_devices()) ramfs_link(dev, name, inode);
  ramfs_link(dev, "kmsg", devkmsg_inode());

  add_file(root, "/etc/passwd", ramfs_new_file(encoder.encode("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:Linux User,,,:/home/user:/bin/sh\n")));
  add_file(root, "/etc/group", ramfs_new_file(encoder.encode("root:x:0:\nuser:x:1000:\n")));
  add_file(root, "/etc/hostname", ramfs_new_file(encoder.encode("(none)\n")));
  add_file(root, "/etc/hosts", ramfs_new_file(encoder.encode(ETC_HOSTS)));
  add_file(root, "/etc/services", ramfs_new_file(encoder.encode(ETC_SERVICES)));

  const dep: string[] = [];
  for (const [name, source] of k.modules.sources) {
    add_file(root, `${MODULE_DIR}/extra/${name}.ko`, ramfs_new_file(build_ko(name, source, k.vermagic)));
    dep.push(`extra/${name}.ko:\n`);
  }
  add_file(root, `${MODULE_DIR}/modules.dep`, ramfs_new_file(encoder.encode(dep.join(""))));

  mkdir_p(root, "/tmp", 0o1777);
  mkdir_p(root, "/root", 0o700);
  Object.assign(mkdir_p(root, "/home/user", 0o755), { uid: 1000, gid: 1000 });
  mkdir_p(root, "/var/log");
  mkdir_p(root, "/srv/ftp");
  mkdir_p(root, "/sys");
  ramfs_link(root, "proc", proc_get_inode(k.proc_root));

  const stamp = (inode: Inode): void => {
    inode.mtime = inode.atime = inode.ctime = mtime;
    if (inode.i_private instanceof Map) for (const c of inode.i_private.values()) stamp(c as Inode);
  };
  stamp(root);
}
