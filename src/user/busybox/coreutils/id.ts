// Mirrors BusyBox 1.35 coreutils/id.c: "uid=0(root) gid=0(root) groups=0(root)", or with -u, -g,
// -G one of them, by number or (-n) by name, effective or (-r) real. For a USER operand the ids
// come from /etc/passwd and the groups from getgrouplist(). getopt32's complementary rules
// ("?1:u--g:g--u:G--u:u--G:g--G:G--g:r?ugG:n?ugG") send bad combinations to the usage.
import type { Main } from "../../libc/crt0.js";
import { getegid, geteuid, getgid, getgroups, getuid } from "../../libc/unistd.js";
import { getgrgid, getgrouplist, getpwnam, getpwuid } from "../../libc/pwd.js";
import { printf, putchar } from "../../libc/stdio.js";
import { bb_error_msg, bb_error_msg_and_die, bb_show_usage, getopt32 } from "../libbb.js";

const PRINT_REAL = 1;
const NAME_NOT_NUMBER = 2;
const JUST_USER = 4;
const JUST_GROUP = 8;
const JUST_ALL_GROUPS = 16;

const USAGE: [string, string] = [
  "[OPTIONS] [USER]",
  "Print information about USER or the current user\n\n\t-u\tUser ID\n\t-g\tGroup ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID",
];

export const id_main: Main = async (_argc, argv) => {
  const parsed = getopt32(argv, "rnugG");
  if (!parsed) return bb_show_usage(...USAGE);
  let opt = 0;
  for (const [c] of parsed.opts) opt |= { r: PRINT_REAL, n: NAME_NOT_NUMBER, u: JUST_USER, g: JUST_GROUP, G: JUST_ALL_GROUPS }[c]!;
  const just = opt & (JUST_USER | JUST_GROUP | JUST_ALL_GROUPS);
  if (parsed.args.length > 1 || (just & (just - 1)) !== 0 || (opt & (PRINT_REAL | NAME_NOT_NUMBER) && !just)) return bb_show_usage(...USAGE);

  let status = 0;
  const print_common = (id: number, name: string | null, prefix: string | null): void => {
    if (prefix !== null) printf("%s", prefix);
    if (!(opt & NAME_NOT_NUMBER) || name === null) printf("%u", id);
    if (opt === 0 || opt & NAME_NOT_NUMBER) {
      if (name !== null) printf(opt ? "%s" : "(%s)", name);
      else if (opt) {
        bb_error_msg(`unknown ID ${id}`);
        status = 1;
      }
    }
  };
  const print_user = async (id: number, prefix: string | null): Promise<void> => print_common(id, (await getpwuid(id))?.pw_name ?? null, prefix);
  const print_group = async (id: number, prefix: string | null): Promise<void> => print_common(id, (await getgrgid(id))?.gr_name ?? null, prefix);

  const username = parsed.args[0];
  let ruid: number, rgid: number, euid: number, egid: number;
  if (username !== undefined) {
    const pw = await getpwnam(username);
    if (!pw) return bb_error_msg_and_die(`unknown user ${username}`);
    ruid = euid = pw.pw_uid;
    rgid = egid = pw.pw_gid;
  } else {
    [egid, rgid, euid, ruid] = [getegid(), getgid(), geteuid(), getuid()];
  }

  if (opt === 0 || opt & JUST_ALL_GROUPS) {
    if (opt === 0) {
      await print_user(ruid, "uid=");
      await print_group(rgid, " gid=");
      if (euid !== ruid) await print_user(euid, " euid=");
      if (egid !== rgid) await print_group(egid, " egid=");
    } else {
      await print_group(rgid, null);
      if (egid !== rgid) await print_group(egid, " ");
    }
    let groups: number[] = [];
    if (username !== undefined) groups = await getgrouplist(username, rgid);
    else if (getgroups(65536, groups) < 0) return bb_error_msg_and_die("can't get groups");
    let prefix = " groups=";
    for (const g of groups) {
      if (opt && (g === rgid || g === egid)) continue;
      await print_group(g, opt ? " " : prefix);
      prefix = ",";
    }
  } else if (opt & PRINT_REAL) {
    euid = ruid;
    egid = rgid;
  }
  if (opt & JUST_USER) await print_user(euid, null);
  else if (opt & JUST_GROUP) await print_group(egid, null);
  putchar("\n");
  return status;
};
