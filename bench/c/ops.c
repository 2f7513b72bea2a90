/*
 * bench/c/ops.c: the host kernel's side of `npm run bench`. Each mode repeats one operation N
 * times and prints the elapsed nanoseconds, so run.ts can set the same operation inside kplay
 * beside it. Modes:
 *   socket   socket(AF_INET, SOCK_DGRAM, 0) + close()
 *   udp      send + recv of a 32-byte datagram between two connected loopback UDP sockets
 *   genl     CTRL_CMD_GETFAMILY "nlctrl" request + reply on a NETLINK_GENERIC socket
 *   tcpconn  connect + accept + close of a loopback TCP connection
 *   tcpbulk  N MiB written through a loopback TCP connection and read on the other end
 * Usage: ops MODE N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct sockaddr_in lo_addr(int port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static long long bench_socket(long n)
{
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket");
		close(fd);
	}
	return now_ns() - t0;
}

static long long bench_udp(long n)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = lo_addr(0);
	socklen_t len = sizeof(sa);
	char buf[64] = { 0 };
	if (bind(a, (struct sockaddr *)&sa, sizeof(sa)) < 0 || getsockname(a, (struct sockaddr *)&sa, &len) < 0)
		die("bind");
	if (connect(b, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (send(b, buf, 32, 0) != 32 || recv(a, buf, sizeof(buf), 0) != 32)
			die("send/recv");
	}
	return now_ns() - t0;
}

static long long bench_genl(long n)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	char req[64], buf[8192];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *na = (struct nlattr *)((char *)g + GENL_HDRLEN);
	if (fd < 0)
		die("socket");
	memset(req, 0, sizeof(req));
	na->nla_type = CTRL_ATTR_FAMILY_NAME;
	na->nla_len = NLA_HDRLEN + 7;
	memcpy((char *)na + NLA_HDRLEN, "nlctrl", 7);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(na->nla_len));
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (send(fd, req, nlh->nlmsg_len, 0) < 0 || recv(fd, buf, sizeof(buf), 0) < 20)
			die("genl");
	}
	return now_ns() - t0;
}

static int tcp_listener(struct sockaddr_in *sa)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*sa);
	*sa = lo_addr(0);
	if (bind(l, (struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(l, 128) < 0 || getsockname(l, (struct sockaddr *)sa, &len) < 0)
		die("listen");
	return l;
}

static long long bench_tcpconn(long n)
{
	struct sockaddr_in sa;
	int l = tcp_listener(&sa);
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die("connect");
		int s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		close(c);
		close(s);
	}
	return now_ns() - t0;
}

static long long bench_tcpbulk(long mib)
{
	struct sockaddr_in sa;
	int l = tcp_listener(&sa), c = socket(AF_INET, SOCK_STREAM, 0);
	static char buf[65536];
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	int s = accept(l, NULL, NULL);
	long long t0 = now_ns();
	if (fork() == 0) {
		for (long left = mib << 20; left > 0;) {
			ssize_t w = write(c, buf, left < (long)sizeof(buf) ? left : (long)sizeof(buf));
			if (w <= 0)
				die("write");
			left -= w;
		}
		_exit(0);
	}
	for (long left = mib << 20; left > 0;) {
		ssize_t r = read(s, buf, sizeof(buf));
		if (r <= 0)
			die("read");
		left -= r;
	}
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ops socket|udp|genl|tcpconn|tcpbulk N\n");
		return 2;
	}
	long n = atol(argv[2]);
	long long ns;
	if (!strcmp(argv[1], "socket"))
		ns = bench_socket(n);
	else if (!strcmp(argv[1], "udp"))
		ns = bench_udp(n);
	else if (!strcmp(argv[1], "genl"))
		ns = bench_genl(n);
	else if (!strcmp(argv[1], "tcpconn"))
		ns = bench_tcpconn(n);
	else if (!strcmp(argv[1], "tcpbulk"))
		ns = bench_tcpbulk(n);
	else
		return 2;
	printf("%lld\n", ns);
	return 0;
}
