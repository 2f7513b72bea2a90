// The programs of the initramfs that are not BusyBox applets: util-linux's dmesg, and the user
// programs of the tutorials.
import type { ProgramEntry } from "../fs/exec.js";
import { program } from "./libc/crt0.js";
import { dmesg_main } from "./util-linux/dmesg.js";
import { my_sock_main } from "./bin/my_sock.js";
import { socktest_main } from "./bin/socktest.js";
import { sockopt_test_main } from "./bin/sockopt_test.js";

export interface Program {
  path: string;
  entry: ProgramEntry;
  /** File size ls shows. */
  size: number;
}

export const programs: Program[] = [
  { path: "/bin/dmesg", entry: program(dmesg_main), size: 67_852 },
  { path: "/my_sock", entry: program(my_sock_main), size: 8_668 },
  { path: "/bin/my_sock", entry: program(my_sock_main), size: 8_668 },
  { path: "/bin/socktest", entry: program(socktest_main), size: 13_412 },
  { path: "/sockopt_test", entry: program(sockopt_test_main), size: 8_412 },
  { path: "/bin/sockopt_test", entry: program(sockopt_test_main), size: 8_412 },
];
