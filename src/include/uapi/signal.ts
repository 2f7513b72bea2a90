// Mirrors arch/arm/include/uapi/asm/signal.h: signal numbers.
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const _NSIG = 64;

/** strsignal(3) texts from glibc, as ash prints them for a killed job. */
export const signal_names: Record<number, string> = {
  [SIGHUP]: "Hangup",
  [SIGINT]: "Interrupt",
  [SIGQUIT]: "Quit",
  [SIGILL]: "Illegal instruction",
  [SIGTRAP]: "Trace/breakpoint trap",
  [SIGABRT]: "Aborted",
  [SIGBUS]: "Bus error",
  [SIGFPE]: "Floating point exception",
  [SIGKILL]: "Killed",
  [SIGUSR1]: "User defined signal 1",
  [SIGSEGV]: "Segmentation fault",
  [SIGUSR2]: "User defined signal 2",
  [SIGPIPE]: "Broken pipe",
  [SIGALRM]: "Alarm clock",
  [SIGTERM]: "Terminated",
  [SIGCHLD]: "Child exited",
  [SIGCONT]: "Continued",
  [SIGSTOP]: "Stopped (signal)",
  [SIGTSTP]: "Stopped",
};

/** Signals whose default action is to be ignored. */
export const sig_default_ignore = new Set([SIGCHLD, SIGCONT]);
