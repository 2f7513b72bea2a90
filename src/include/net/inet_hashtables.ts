// Mirrors include/net/inet_hashtables.h: struct inet_bind_bucket, the owners of one local port.

/** What a bind bucket needs of its owners, full sockets and TIME_WAIT mini-sockets alike (sock_common). */
export interface BindOwner {
  inet_rcv_saddr: number;
  sk_reuse: number;
  sk_state: number;
}

/**
 * struct inet_bind_bucket: the sockets bound to `port`. fastreuse is 1 while every owner may share
 * the port (SO_REUSEADDR, not listening), 0 otherwise, -1 for a bucket made by connect().
 */
export interface InetBindBucket {
  port: number;
  fastreuse: number;
  owners: BindOwner[];
}
