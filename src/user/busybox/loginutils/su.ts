// Mirrors BusyBox loginutils/su.c and libbb/run_shell.c: become another user and run a shell.
// Root needs no password. kplay has no /etc/shadow, so any other user's password check fails as a
// wrong password does. A process cannot replace its image (no execve of a continuation), so su
// runs the shell as its child and exits with the child's status.
import { getpwnam, initgroups } from "../../libc/pwd.js";
import { getuid, posix_spawn, setgid, setuid, waitpid, WEXITSTATUS, WIFSIGNALED, WTERMSIG } from "../../libc/unistd.js";
import { environ, getenv } from "../../libc/stdlib.js";
import { fputs, stderr, stdin } from "../../libc/stdio.js";
import { bb_error_msg_and_die, bb_perror_msg_and_die, bb_show_usage, getopt32 } from "../libbb.js";

const USAGE = ["[-lmp] [-s SH] [-] [USER [FILE ARGS | -c 'CMD' [ARG0 ARGS]]]", "Run shell under USER (by default, root)\n\n\t-,-l\tClear environment, go to home dir, run shell as login shell\n\t-p,-m\tDo not set new $HOME, $SHELL, $USER, $LOGNAME\n\t-c CMD\tCommand to pass to 'sh -c'\n\t-s SH\tShell to use instead of user's default"];

export async function su_main(_argc: number, argv: string[]): Promise<number> {
  const args = [...argv];
  let login = false;
  const dash = args.indexOf("-", 1);
  if (dash > 0) {
    login = true;
    args.splice(dash, 1);
  }
  const parsed = getopt32(args, "+lmps:c:");
  if (!parsed) return bb_show_usage(USAGE[0], USAGE[1]);
  const r = { opts: new Map(parsed.opts.map(([c, v]) => [c, v ?? ""])), args: parsed.args };
  if (r.opts.has("l")) login = true;
  const keep_env = r.opts.has("m") || r.opts.has("p");
  const name = r.args[0] ?? "root";
  const pw = await getpwnam(name);
  if (!pw) return bb_error_msg_and_die(`unknown user ${name}`);
  if (getuid() !== 0) {
    fputs("Password: ", stderr());
    await stdin().getline();
    fputs("\n", stderr());
    return bb_error_msg_and_die("incorrect password");
  }
  const shell = r.opts.get("s") ?? (pw.pw_shell || "/bin/sh");
  const env = new Map((login ? [`TERM=${getenv("TERM") ?? "linux"}`, "PATH=/sbin:/usr/sbin:/bin:/usr/bin"] : environ()).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  if (!keep_env || login) {
    env.set("HOME", pw.pw_dir);
    env.set("SHELL", shell);
    if (pw.pw_uid !== 0 || login) {
      env.set("USER", pw.pw_name);
      env.set("LOGNAME", pw.pw_name);
    }
  }
  /* change_identity() (libbb/change_identity.c) */
  if ((await initgroups(pw.pw_name, pw.pw_gid)) < 0) return bb_perror_msg_and_die("can't set groups");
  if (setgid(pw.pw_gid) < 0) return bb_perror_msg_and_die("setgid");
  if (setuid(pw.pw_uid) < 0) return bb_perror_msg_and_die("setuid");
  const base = shell.slice(shell.lastIndexOf("/") + 1);
  const sh_argv = [login ? `-${base}` : base];
  if (r.opts.has("c")) sh_argv.push("-c", r.opts.get("c")!);
  sh_argv.push(...r.args.slice(1));
  const child = posix_spawn(shell, sh_argv, [...env].map(([k, v]) => `${k}=${v}`));
  if (child.err) return bb_error_msg_and_die(`can't execute '${shell}'`);
  const w = await waitpid(child.pid);
  if (w === 0 || w === -1) return 1;
  return WIFSIGNALED(w[1]) ? 128 + WTERMSIG(w[1]) : WEXITSTATUS(w[1]);
}
