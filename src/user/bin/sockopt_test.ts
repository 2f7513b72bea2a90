// sockopt_test: the user program of seed 002 ("nf_sockopt: A Mechanism for IPC between The Kernel
// And User Space"), line for line with its quirks: socket(AF_INET, SOCK_RAW, PF_INET) opens a raw
// socket of protocol 2 (IPPROTO_IGMP), which needs CAP_NET_RAW; sockfd stays -1 when that fails,
// so get_from_kernel tries again and perror prints twice; set_to_kernel's test is inverted (a
// successful setsockopt "fails"); get_from_kernel passes len = 0, which my_sockopt ignores.
import { printf, perror } from "../libc/stdio.js";
import { getsockopt, setsockopt, socket, AF_INET, PF_INET, SOCK_RAW } from "../libc/socket.js";
import { IPPROTO_IP } from "../libc/inet.js";
import { libc } from "../libc/state.js";
import { MY_SO_GET_CMD3, MY_SO_SET_CMD1 } from "../../modules/my_sockopt.h.js";

/** int sockfd = -1; a global of each process running the program. */
const globals = new WeakMap<object, { sockfd: number }>();

function g(): { sockfd: number } {
  let v = globals.get(libc());
  if (!v) globals.set(libc(), (v = { sockfd: -1 }));
  return v;
}

async function get_sockfd(): Promise<number> {
  let ret = 0;
  if (g().sockfd === -1) {
    g().sockfd = await socket(AF_INET, SOCK_RAW, PF_INET);
    if (g().sockfd < 0) {
      perror("get_sockfd");
      ret = -1;
    }
  }
  return ret;
}

async function set_to_kernel(): Promise<number> {
  const buf = new Uint8Array(64); /* char buf[64] = "Hello, sockopt!!!"; */
  buf.set(new TextEncoder().encode("Hello, sockopt!!!"));

  if (await get_sockfd()) return -1;

  if (!(await setsockopt(g().sockfd, IPPROTO_IP, MY_SO_SET_CMD1, buf, buf.length))) return -1;

  return 0;
}

async function get_from_kernel(): Promise<number> {
  const ret = new Uint8Array(4); /* int ret = -1; */
  new DataView(ret.buffer).setInt32(0, -1, true);
  const len = { value: 0 }; /* int len = 0; */

  if (await get_sockfd()) return -1;

  if (await getsockopt(g().sockfd, IPPROTO_IP, MY_SO_GET_CMD3, ret, len)) return -1;

  printf("Get from kernel [%d]\n", new DataView(ret.buffer).getInt32(0, true));

  return 0;
}

export async function sockopt_test_main(): Promise<number> {
  await set_to_kernel();
  await get_from_kernel();
  return 0;
}
