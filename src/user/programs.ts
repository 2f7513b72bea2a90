// The programs of the initramfs that are not BusyBox applets: util-linux's dmesg, iproute2's genl,
// and the user programs of the tutorials (for gnl_foobar_xmpl: the raw-socket and libnl C clients
// and the three neli binaries of its Rust crate, renamed gnl_*).
import type { ProgramEntry } from "../fs/exec.js";
import { program } from "./libc/crt0.js";
import { dmesg_main } from "./util-linux/dmesg.js";
import { my_sock_main } from "./bin/my_sock.js";
import { socktest_main } from "./bin/socktest.js";
import { gnl_user_pure_main } from "./bin/gnl_user_pure.js";
import { gnl_user_libnl_main } from "./bin/gnl_user_libnl.js";
import { gnl_echo_main } from "./bin/gnl_echo.js";
import { gnl_echo_dump_main } from "./bin/gnl_echo_dump.js";
import { gnl_reply_with_error_main } from "./bin/gnl_reply_with_error.js";
import { genl_main } from "./iproute2/genl/genl.js";
import { sockopt_test_main } from "./bin/sockopt_test.js";
import { ftpd_main } from "./bin/ftpd.js";
import { kftp_get_main } from "./bin/kftp_get.js";
import { tcpdump_main } from "./tcpdump/tcpdump.js";

export interface Program {
  path: string;
  entry: ProgramEntry;
  /** File size ls shows. */
  size: number;
  /** For a tutorial's program: what it does, for the shell's `help` (a kplay extension). */
  tutorial?: string;
}

export const programs: Program[] = [
  { path: "/bin/dmesg", entry: program(dmesg_main), size: 67_852 },
  { path: "/my_sock", entry: program(my_sock_main), size: 8_668 },
  { path: "/bin/my_sock", entry: program(my_sock_main), size: 8_668, tutorial: "socket_demo's client: socket, bind, listen, write, read on family 45" },
  { path: "/bin/socktest", entry: program(socktest_main), size: 13_412, tutorial: "one socket, the calls you name: socktest FAMILY TYPE [PROTO] CALL..." },
  { path: "/sbin/genl", entry: program(genl_main), size: 71_196 },
  { path: "/bin/gnl_user_pure", entry: program(gnl_user_pure_main), size: 8_812, tutorial: "gnl_foobar_xmpl echo over raw netlink sockets (user-pure.c)" },
  { path: "/bin/gnl_user_libnl", entry: program(gnl_user_libnl_main), size: 9_076, tutorial: "gnl_foobar_xmpl echo with libnl (user-libnl.c)" },
  { path: "/bin/gnl_echo", entry: program(gnl_echo_main), size: 431_380, tutorial: "gnl_foobar_xmpl echo (echo.rs, neli)" },
  { path: "/bin/gnl_echo_dump", entry: program(gnl_echo_dump_main), size: 431_804, tutorial: "gnl_foobar_xmpl dump, twice (echo_with_dump_flag.rs)" },
  { path: "/bin/gnl_reply_with_error", entry: program(gnl_reply_with_error_main), size: 436_012, tutorial: "gnl_foobar_xmpl's failing command (reply_with_error.rs)" },
  { path: "/sockopt_test", entry: program(sockopt_test_main), size: 8_412 },
  { path: "/bin/sockopt_test", entry: program(sockopt_test_main), size: 8_412, tutorial: "my_sockopt's client: setsockopt/getsockopt 999.. on a raw socket" },
  { path: "/bin/kftp_get", entry: program(kftp_get_main), size: 8_236, tutorial: "ftp_client's caller: kftp_get SERVER_IP USER PASS REMOTE_FILE LOCAL_FILE [SRC_IP]" },
  { path: "/usr/sbin/tcpdump", entry: program(tcpdump_main), size: 1_245_296 },
  { path: "/usr/sbin/ftpd", entry: program(ftpd_main), size: 14_604, tutorial: "a small FTP server (active mode) for ftp_client: ftpd [-v] [-p PORT] [-a USER:PASS] [DIR]" },
];
