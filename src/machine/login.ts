// The account a client runs as (`kplay --user NAME|UID`), looked up in the machine's own
// /etc/passwd and /etc/group as login(1) does before it starts a shell: uid and primary gid from
// passwd, supplementary groups from the member lists of /etc/group (initgroups), and HOME, USER
// and LOGNAME in the environment. Root runs as the console shell of the tutorials' machines does,
// with init's credentials and environment. A uid with no passwd entry runs with gid = uid, no
// groups and no USER.
import type { Kernel } from "../kernel/kernel.js";
import { init_cred, login_cred, prepare_creds, type Cred } from "../kernel/cred.js";
import { path_lookup } from "../fs/namei.js";
import type { RamfsData } from "../fs/ramfs.js";
import { INIT_ENV } from "../init/console.js";

export interface Login {
  cred: Cred;
  env: string[];
}

function read_db(k: Kernel, path: string): string[][] {
  const f = path_lookup({ root: k.root, cwd: "/", cred: k.init_task.cred }, path);
  if (typeof f === "number") return [];
  const data = f.inode.i_private as RamfsData;
  return new TextDecoder().decode(data.bytes.subarray(0, f.inode.size)).split("\n").map((l) => l.split(":"));
}

/** A login as `user` (a name, or a uid below 65536), or null if there is no such account. */
export function login_as(k: Kernel, user: string): Login | null {
  const numeric = /^\d+$/.test(user);
  const pw = read_db(k, "/etc/passwd").find((f) => f.length >= 7 && (numeric ? Number(f[2]) === Number(user) : f[0] === user));
  if (!pw) return numeric && Number(user) < 65536 ? { cred: login_cred(Number(user), Number(user)), env: INIT_ENV.filter((e) => !e.startsWith("USER=")) } : null;
  const [name, , uid, gid, , home] = pw;
  if (Number(uid) === 0) return { cred: prepare_creds(init_cred), env: INIT_ENV };
  const groups = read_db(k, "/etc/group")
    .filter((f) => f.length >= 4 && (f[2] === gid || f[3].split(",").includes(name)))
    .map((f) => Number(f[2]));
  const cred = login_cred(Number(uid), Number(gid), groups);
  const env = INIT_ENV.map((e) => (e.startsWith("HOME=") ? `HOME=${home}` : e.startsWith("USER=") ? `USER=${name}` : e)).concat(`LOGNAME=${name}`);
  return { cred, env };
}
