// Mirrors BusyBox's appletlib.c: one binary, /bin/busybox, that runs the applet named by the
// basename of argv[0] (or by argv[1] when called as "busybox"), and the links the installer makes
// for every applet.
import type { ProgramEntry } from "../../fs/exec.js";
import { program, type Main } from "../libc/crt0.js";
import { fputs, printf, stderr } from "../libc/stdio.js";
import { BB_BANNER } from "./libbb.js";
import { ash_main } from "../sh/ash.js";
import { cat_main } from "./coreutils/cat.js";
import { echo_main } from "./coreutils/echo.js";
import { false_main, true_main } from "./coreutils/true.js";
import { ls_main } from "./coreutils/ls.js";
import { mkdir_main } from "./coreutils/mkdir.js";
import { rm_main } from "./coreutils/rm.js";
import { rmdir_main } from "./coreutils/rmdir.js";
import { touch_main } from "./coreutils/touch.js";
import { sleep_main } from "./coreutils/sleep.js";
import { uname_main } from "./coreutils/uname.js";
import { grep_main } from "./findutils/grep.js";
import { ps_main } from "./procps/ps.js";
import { kill_main } from "./procps/kill.js";
import { insmod_main } from "./modutils/insmod.js";
import { rmmod_main } from "./modutils/rmmod.js";
import { lsmod_main } from "./modutils/lsmod.js";
import { modinfo_main } from "./modutils/modinfo.js";
import { modprobe_main } from "./modutils/modprobe.js";
import { su_main } from "./loginutils/su.js";
import { id_main } from "./coreutils/id.js";
import { whoami_main } from "./coreutils/whoami.js";
import { nc_main } from "./networking/nc.js";
import { ip_main } from "./networking/ip.js";
import { ifconfig_main } from "./networking/ifconfig.js";

export interface Applet {
  main: Main;
  /** Where `make install` links it. */
  dir: "/bin" | "/sbin" | "/usr/bin";
}

export const applets: Record<string, Applet> = {
  ash: { main: ash_main, dir: "/bin" },
  cat: { main: cat_main, dir: "/bin" },
  echo: { main: echo_main, dir: "/bin" },
  false: { main: false_main, dir: "/bin" },
  grep: { main: grep_main, dir: "/bin" },
  kill: { main: kill_main, dir: "/bin" },
  ls: { main: ls_main, dir: "/bin" },
  mkdir: { main: mkdir_main, dir: "/bin" },
  nc: { main: nc_main, dir: "/bin" },
  ps: { main: ps_main, dir: "/bin" },
  rm: { main: rm_main, dir: "/bin" },
  rmdir: { main: rmdir_main, dir: "/bin" },
  sh: { main: ash_main, dir: "/bin" },
  sleep: { main: sleep_main, dir: "/bin" },
  su: { main: su_main, dir: "/bin" },
  touch: { main: touch_main, dir: "/bin" },
  true: { main: true_main, dir: "/bin" },
  uname: { main: uname_main, dir: "/bin" },
  ifconfig: { main: ifconfig_main, dir: "/sbin" },
  insmod: { main: insmod_main, dir: "/sbin" },
  ip: { main: ip_main, dir: "/sbin" },
  lsmod: { main: lsmod_main, dir: "/sbin" },
  modinfo: { main: modinfo_main, dir: "/sbin" },
  modprobe: { main: modprobe_main, dir: "/sbin" },
  rmmod: { main: rmmod_main, dir: "/sbin" },
  id: { main: id_main, dir: "/usr/bin" },
  whoami: { main: whoami_main, dir: "/usr/bin" },
};

/** busybox_main / run_applet_and_exit */
async function busybox_main(argc: number, argv: string[]): Promise<number> {
  let name = argv[0] ?? "busybox";
  name = name.slice(name.lastIndexOf("/") + 1).replace(/^-/, "");
  if (name === "busybox") {
    if (argc < 2) {
      printf("%s multi-call binary.\n\nUsage: busybox [function [arguments]...]\n\nCurrently defined functions:\n\t%s\n", BB_BANNER, Object.keys(applets).sort().join(", "));
      return 0;
    }
    return busybox_main(argc - 1, argv.slice(1));
  }
  const applet = applets[name];
  if (!applet) {
    fputs(`${name}: applet not found\n`, stderr());
    return 127;
  }
  return applet.main(argc, argv);
}

export const busybox_entry: ProgramEntry = program(busybox_main);
