// my_sockopt.h of seed 002: the {g,s}etsockopt numbers the my_sockopt module claims and the
// sockopt_test program uses. The C enums MY_SO_SET and MY_SO_GET count up from MY_BASE_CTL.

/* {g,s}etsockopt numbers */
export const MY_BASE_CTL = 999;

/* enum MY_SO_SET */
export const MY_SO_SET_CMD1 = MY_BASE_CTL;
export const MY_SO_SET_CMD2 = MY_BASE_CTL + 1;
export const MY_SO_SET_MAX = MY_BASE_CTL + 2;

/* enum MY_SO_GET */
export const MY_SO_GET_CMD1 = MY_BASE_CTL;
export const MY_SO_GET_CMD2 = MY_BASE_CTL + 1;
export const MY_SO_GET_CMD3 = MY_BASE_CTL + 2;
export const MY_SO_GET_MAX = MY_BASE_CTL + 3;
