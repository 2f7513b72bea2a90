// The parts of Rust's std (rustc 1.57) the Rust user programs use: the runtime around main (stdout
// is a LineWriter whether or not it is a terminal, stderr is unbuffered, returning from main exits
// 0, a panic prints its message and location to stderr and exits 101), println!/eprintln!,
// std::process::id() and std::io::Error for an errno.
import type { Main } from "../libc/crt0.js";
import { libc } from "../libc/state.js";
import { getpid } from "../libc/unistd.js";
import { strerror } from "../libc/strerror.js";
import * as E from "../../include/uapi/errno.js";
import { debug, dleaf, dstr, dstruct, type Debug } from "./fmt.js";

/** A panic unwinding to the runtime: its message and the `file:line:col` it names. */
export class RustPanic extends Error {
  constructor(
    readonly payload: string,
    readonly location: string,
  ) {
    super(payload);
  }
}

/** panic!(msg) at `location` ("src/bin/x.rs:L:C"). */
export function panic(msg: string, location: string): never {
  throw new RustPanic(msg, location);
}

/** Result<T, E> */
export type Result<T, E> = { ok: true; v: T } | { ok: false; e: E };
export const Ok = <T, E>(v: T): Result<T, E> => ({ ok: true, v });
export const Err = <T, E>(e: E): Result<T, E> => ({ ok: false, e });

/** result.unwrap() at `location` */
export function unwrap<T, E>(r: Result<T, E>, dbg: (e: E) => Debug, location: string): T {
  if (r.ok) return r.v;
  return panic(`called \`Result::unwrap()\` on an \`Err\` value: ${debug(dbg(r.e))}`, location);
}

/** result.expect(msg) at `location` */
export function expect<T, E>(r: Result<T, E>, msg: string, dbg: (e: E) => Debug, location: string): T {
  if (r.ok) return r.v;
  return panic(`${msg}: ${debug(dbg(r.e))}`, location);
}

/** option.unwrap() at `location` */
export function unwrap_option<T>(v: T | null, location: string): T {
  if (v !== null) return v;
  return panic("called `Option::unwrap()` on a `None` value", location);
}

/** lang_start: run a Rust main as a C program's main. */
export function rust_main(main: () => Promise<void>): Main {
  return async () => {
    libc().stdout.mode = "line";
    try {
      await main();
      return 0;
    } catch (e) {
      if (!(e instanceof RustPanic)) throw e;
      libc().stdout.flush();
      eprintln(`thread 'main' panicked at '${e.payload}', ${e.location}`);
      eprintln("note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace");
      return 101;
    }
  };
}

/** println!: one line to stdout. */
export function println(s: string): void {
  libc().stdout.put(s + "\n");
}

/** eprintln!: one line to stderr. */
export function eprintln(s: string): void {
  libc().stderr.put(s + "\n");
}

/** std::process::id() */
export const process_id = (): number => getpid();

const KINDS: Record<number, string> = {
  [E.ENOENT]: "NotFound",
  [E.EPERM]: "PermissionDenied",
  [E.EACCES]: "PermissionDenied",
  [E.ECONNREFUSED]: "ConnectionRefused",
  [E.EADDRINUSE]: "AddrInUse",
  [E.EADDRNOTAVAIL]: "AddrNotAvailable",
  [E.EAGAIN]: "WouldBlock",
  [E.EINVAL]: "InvalidInput",
  [E.EINTR]: "Interrupted",
  [E.ENOMEM]: "OutOfMemory",
};

/** std::io::Error::from_raw_os_error(code) */
export class IoError {
  constructor(readonly code: number) {}

  get kind(): string {
    return KINDS[this.code] ?? "Uncategorized";
  }

  /** Display: "No such file or directory (os error 2)" */
  toString(): string {
    return `${strerror(this.code)} (os error ${this.code})`;
  }

  debug(): Debug {
    return dstruct("Os", [
      ["code", dleaf(this.code)],
      ["kind", dleaf(this.kind)],
      ["message", dstr(strerror(this.code))],
    ]);
  }
}
