// Moving files between the host and a machine: `kplay cp`, and the host file behind
// `kplay tcpdump -w FILE` (tcpdump inside writes the capture to its standard output, `-w -`, and
// the client writes those bytes to FILE as they come).
import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import { strerror } from "../user/libc/strerror.js";
import { EIO } from "../include/uapi/errno.js";
import { constants } from "node:os";

/** tcpdump 4.99's options that take an argument (its getopt string). */
const TCPDUMP_ARG_OPTS = new Set("BcCEFGijmMQrsTVwWyzZ");

export interface Capture {
  argv: string[];
  /** Where standard output goes: the host file of -w, or null for the terminal. */
  write: ((b: Buffer) => void) | null;
  /** Close the file; a capture that failed before writing anything leaves none behind. */
  close(code: number): void;
}

/**
 * The tcpdump argument list with `-w FILE` (a host path) turned into `-w -`, and FILE opened for
 * writing; or tcpdump's own error line when FILE cannot be created.
 */
export function capture_file(args: string[]): Capture | string {
  const argv = [...args];
  let file: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    for (let j = 1; j < a.length; j++) {
      if (!TCPDUMP_ARG_OPTS.has(a[j])) continue;
      const inline = j + 1 < a.length;
      const value = inline ? a.slice(j + 1) : argv[i + 1];
      if (a[j] === "w" && value !== undefined && value !== "-") {
        file = value;
        if (inline) argv[i] = a.slice(0, j + 1) + "-";
        else argv[i + 1] = "-";
      }
      if (!inline) i++;
      break;
    }
  }
  if (file === null) return { argv, write: null, close: () => {} };
  let fd: number;
  try {
    fd = openSync(file, "w", 0o644);
  } catch (e) {
    return `tcpdump: ${file}: ${strerror(errno_of_host(e))}\n`;
  }
  let written = 0;
  return {
    argv,
    write: (b) => void (written += writeSync(fd, b)),
    close: (code) => {
      closeSync(fd);
      if (code !== 0 && written === 0) rmSync(file!, { force: true });
    },
  };
}

const MACHINE = "machine:";

export interface CopyPort {
  get(path: string): Promise<Buffer | string>;
  put(path: string, data: Buffer, mode: number): Promise<string | null>;
}

/**
 * `kplay cp SRC DST`, one side `machine:PATH` (absolute) and the other a host path; a destination
 * that is a directory gets the source's name, as cp(1) does. 0, or 1 after one error line.
 */
export async function kplay_cp(src: string, dst: string, port: CopyPort): Promise<number> {
  const fail = (msg: string): number => {
    process.stderr.write(`kplay: cp: ${msg}\n`);
    return 1;
  };
  const from_machine = src.startsWith(MACHINE);
  if (from_machine === dst.startsWith(MACHINE)) return fail("one of source and destination must be machine:PATH");
  const mpath = (from_machine ? src : dst).slice(MACHINE.length);
  if (!mpath.startsWith("/")) return fail(`${MACHINE}${mpath}: the machine's path must be absolute`);
  if (from_machine) {
    const data = await port.get(mpath);
    if (typeof data === "string") return fail(`${MACHINE}${data}`);
    const target = is_host_dir(dst) ? join(dst, basename(mpath)) : dst;
    try {
      writeFileSync(target, data);
    } catch (e) {
      return fail(`${target}: ${strerror(errno_of_host(e))}`);
    }
    return 0;
  }
  let data: Buffer;
  let mode: number;
  try {
    data = readFileSync(src);
    mode = statSync(src).mode & 0o777;
  } catch (e) {
    return fail(`${src}: ${strerror(errno_of_host(e))}`);
  }
  let err = await port.put(mpath, data, mode);
  if (err?.endsWith(": Is a directory")) err = await port.put(`${mpath.replace(/\/+$/, "")}/${basename(src)}`, data, mode);
  return err ? fail(`${MACHINE}${err}`) : 0;
}

function is_host_dir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** The errno of a host file-system error (Linux numbers, the same as the machine's); EIO if none. */
function errno_of_host(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && (constants.errno as Record<string, number>)[code]) || EIO;
}
