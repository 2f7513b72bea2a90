// Mirrors include/uapi/linux/if_ether.h and if_arp.h: the Ethernet header and the protocol and
// hardware type numbers the device layer and packet sockets use.

export const ETH_ALEN = 6;
/** Octets in an Ethernet header: two addresses and the type. */
export const ETH_HLEN = 14;
/** Every packet (packet sockets only). */
export const ETH_P_ALL = 0x0003;
export const ETH_P_IP = 0x0800;

/** ARP protocol hardware identifiers (if_arp.h). */
export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NETLINK = 824;
