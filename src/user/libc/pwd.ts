// pwd.h and grp.h: the user and group databases, read from /etc/passwd and /etc/group.
import { O_RDONLY } from "../../include/uapi/fcntl.js";
import { close, open, read, setgroups } from "./unistd.js";

export interface Passwd {
  pw_name: string;
  pw_passwd: string;
  pw_uid: number;
  pw_gid: number;
  pw_gecos: string;
  pw_dir: string;
  pw_shell: string;
}

async function slurp(path: string): Promise<string> {
  const fd = await open(path, O_RDONLY);
  if (fd < 0) return "";
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await read(fd, buf, buf.length);
    if (n <= 0) break;
    parts.push(buf.slice(0, n));
  }
  close(fd);
  return new TextDecoder().decode(Buffer.concat(parts));
}

async function passwd_entries(): Promise<Passwd[]> {
  return (await slurp("/etc/passwd"))
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 7)
    .map((f) => ({ pw_name: f[0], pw_passwd: f[1], pw_uid: Number(f[2]), pw_gid: Number(f[3]), pw_gecos: f[4], pw_dir: f[5], pw_shell: f[6] }));
}

export async function getpwnam(name: string): Promise<Passwd | null> {
  return (await passwd_entries()).find((p) => p.pw_name === name) ?? null;
}

export async function getpwuid(uid: number): Promise<Passwd | null> {
  return (await passwd_entries()).find((p) => p.pw_uid === uid) ?? null;
}

export interface Group {
  gr_name: string;
  gr_passwd: string;
  gr_gid: number;
  gr_mem: string[];
}

async function group_entries(): Promise<Group[]> {
  return (await slurp("/etc/group"))
    .split("\n")
    .map((l) => l.split(":"))
    .filter((f) => f.length >= 4)
    .map((f) => ({ gr_name: f[0], gr_passwd: f[1], gr_gid: Number(f[2]), gr_mem: f[3] ? f[3].split(",") : [] }));
}

export async function getgrnam(name: string): Promise<Group | null> {
  return (await group_entries()).find((g) => g.gr_name === name) ?? null;
}

export async function getgrgid(gid: number): Promise<Group | null> {
  return (await group_entries()).find((g) => g.gr_gid === gid) ?? null;
}

/** getgrouplist(user, group): `group` first, then every group that lists `user` as a member. */
export async function getgrouplist(user: string, group: number): Promise<number[]> {
  const list = [group];
  for (const g of await group_entries()) if (g.gr_mem.includes(user) && !list.includes(g.gr_gid)) list.push(g.gr_gid);
  return list;
}

/** initgroups(user, group): setgroups() to getgrouplist(user, group). */
export async function initgroups(user: string, group: number): Promise<number> {
  return setgroups(await getgrouplist(user, group));
}
