// stdlib.h: exit, getenv and friends.
import { ProcessExit, W_EXITCODE } from "../../kernel/exit.js";
import { libc } from "./state.js";

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;

/** exit(status): flush stdio and end the process. Never returns. */
export async function exit(status: number): Promise<never> {
  const l = libc();
  await l.stdout.drain();
  await l.stderr.drain();
  throw new ProcessExit(W_EXITCODE(status, 0));
}

/** _exit(status): end at once, without flushing. */
export function _exit(status: number): never {
  throw new ProcessExit(W_EXITCODE(status, 0));
}

export function getenv(name: string): string | undefined {
  return libc().environ.get(name);
}

export function setenv(name: string, value: string): void {
  libc().environ.set(name, value);
}

export function unsetenv(name: string): void {
  libc().environ.delete(name);
}

/** The environment as "NAME=value" strings. */
export function environ(): string[] {
  return [...libc().environ].map(([k, v]) => `${k}=${v}`);
}

/** atoi(s): leading whitespace, sign and digits; 0 when there are none. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1], 10) | 0 : 0;
}
