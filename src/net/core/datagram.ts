// Mirrors net/core/datagram.c: taking datagrams off a socket's receive queue (skb_recv_datagram,
// waiting as __skb_wait_for_more_packets does) and datagram_poll; with sock_queue_rcv_skb from
// net/core/sock.c, which fills that queue within the socket's receive budget.
import { EAGAIN, ENOMEM } from "../../include/uapi/errno.js";
import { MSG_DONTWAIT, MSG_PEEK } from "../../include/uapi/socket.js";
import { wait_event_interruptible_timeout } from "../../kernel/sched/wait.js";
import { poll_wait, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, type PollTable } from "../../fs/select.js";
import type { File } from "../../fs/file.js";
import type { Socket } from "../socket.js";
import { MAX_SCHEDULE_TIMEOUT, sock_error, type Sock } from "./sock.js";
import type { SkBuff } from "./skbuff.js";

/** A sock with a receive queue (sk_receive_queue, sk_rmem_alloc, sk_drops of struct sock). */
export interface DatagramSock extends Sock {
  sk_receive_queue: SkBuff[];
  sk_rmem_alloc: number;
  sk_drops: number;
}

/** sk_shutdown bits (include/net/sock.h) */
const RCV_SHUTDOWN = 1;
const SHUTDOWN_MASK = 3;

/**
 * sock_queue_rcv_skb(sk, skb): charge the packet to the socket and queue it, waking readers;
 * -ENOMEM (counted in sk_drops) once sk_rmem_alloc has reached sk_rcvbuf.
 */
export function sock_queue_rcv_skb(sk: DatagramSock, skb: SkBuff): number {
  if (sk.sk_rmem_alloc >= sk.sk_rcvbuf) {
    sk.sk_drops++;
    return -ENOMEM;
  }
  skb.sk = sk;
  sk.sk_rmem_alloc += skb.truesize;
  sk.sk_receive_queue.push(skb);
  sk.sk_wq.wake_up();
  return 0;
}

/**
 * skb_recv_datagram(sk, flags, noblock): the next datagram (left queued with MSG_PEEK), or
 * -errno. A pending socket error comes first, even before queued data; a shut receive side gives
 * 0 (end of file); no data gives -EAGAIN without waiting (MSG_DONTWAIT, SO_RCVTIMEO 0) or after
 * SO_RCVTIMEO; a signal gives -ERESTARTSYS.
 */
export async function skb_recv_datagram(sk: DatagramSock, flags: number, noblock: boolean): Promise<SkBuff | number> {
  let timeo = noblock || flags & MSG_DONTWAIT ? 0 : sk.sk_rcvtimeo;
  for (;;) {
    const error = sock_error(sk);
    if (error) return error;
    const skb = sk.sk_receive_queue[0];
    if (skb) {
      if (!(flags & MSG_PEEK)) {
        sk.sk_receive_queue.shift();
        sk.sk_rmem_alloc -= skb.truesize;
      }
      return skb;
    }
    if (!timeo) return -EAGAIN;
    if (sk.sk_shutdown & RCV_SHUTDOWN) return 0;
    const wait = timeo === MAX_SCHEDULE_TIMEOUT ? Number.MAX_SAFE_INTEGER : timeo;
    const r = await wait_event_interruptible_timeout(sk.sk_wq, () => sk.sk_receive_queue.length > 0 || sk.sk_err !== 0 || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0, wait);
    if (r < 0) return r;
    if (timeo !== MAX_SCHEDULE_TIMEOUT) timeo = r;
  }
}

/**
 * datagram_poll(): an error is POLLERR, a shut receive side is readable (and POLLRDHUP), both
 * sides shut is POLLHUP, a queued datagram is readable. Always writable: kplay does not account
 * send-buffer memory (sock_writeable holds).
 */
export function datagram_poll(file: File, sock: Socket, wait: PollTable | null): number {
  const sk = sock.sk as DatagramSock;
  poll_wait(file, sk.sk_wq, wait);
  let mask = 0;
  if (sk.sk_err) mask |= POLLERR;
  if (sk.sk_shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (sk.sk_shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
  if (sk.sk_receive_queue.length) mask |= POLLIN | POLLRDNORM;
  mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  return mask;
}
