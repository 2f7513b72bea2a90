// The C library a user program links against: include what the C file includes.
export * from "./unistd.js";
export * from "./stdio.js";
export * from "./stdlib.js";
export { syscall } from "./syscall.js";
export * from "../../include/uapi/unistd.js";
export { strerror } from "./strerror.js";
export { libc } from "./state.js";
export { program, type Main } from "./crt0.js";
export * from "../../include/uapi/fcntl.js";
export * from "../../include/uapi/signal.js";
