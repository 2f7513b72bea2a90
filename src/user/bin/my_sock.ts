// my_sock: the user program of seed 000's "My Socket Domain and Protocol". It walks socket, bind,
// listen, write, read and close on family 45, printing main()'s line numbers of the C original.
import { printf, perror } from "../libc/stdio.js";
import { exit, EXIT_FAILURE } from "../libc/stdlib.js";
import { close, read, write } from "../libc/unistd.js";
import { bind, listen, socket, SOCK_STREAM } from "../libc/socket.js";
import { cstr } from "../../lib/vsprintf.js";

const AF_MYPROTO = 45;

/** struct sockaddr_my { int channel; } */
function sockaddr_my(channel: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, channel, true);
  return b;
}

export async function my_sock_main(_argc: number, argv: string[]): Promise<number> {
  const buf = new Uint8Array(128);

  printf("%s(#%d): socket\n", "main", 23);
  const sfd = await socket(AF_MYPROTO, SOCK_STREAM, 0);
  if (sfd === -1) {
    perror("Socket creation failed");
    return exit(EXIT_FAILURE);
  }

  const saddr = sockaddr_my(123);
  printf("%s(#%d): bind\n", "main", 33);
  if ((await bind(sfd, saddr, saddr.length)) === -1) perror("Bind failed");

  printf("%s(#%d): listen\n", "main", 39);
  if ((await listen(sfd, 1)) === -1) perror("Listen failed");

  const arg = new TextEncoder().encode(argv[1] ?? "");
  let ret = await write(sfd, arg, arg.length);
  if (ret < 0) {
    perror("write");
    return exit(0);
  }
  printf("write: %d\n", ret);

  buf.fill(0);
  ret = await read(sfd, buf, buf.length);
  printf("read: %d/%s\n", ret, cstr(buf));

  close(sfd);
  return 0;
}
