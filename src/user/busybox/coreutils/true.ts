// Mirrors BusyBox 1.35 coreutils/true.c and coreutils/false.c.
import type { Main } from "../../libc/crt0.js";

export const true_main: Main = () => 0;

export const false_main: Main = () => 1;
