// stdio.h as glibc behaves: stdout is line buffered on a terminal and fully buffered otherwise,
// stderr is unbuffered, and exit() flushes. A write that the kernel completes at once is done at
// once, so program output and kernel console lines interleave as on a serial console.
import { vsprintf, type FormatArg } from "../../lib/vsprintf.js";
import { strerror } from "./strerror.js";
import { libc } from "./state.js";
import { read, write } from "./unistd.js";

const BUFSIZ = 4096;
const encoder = new TextEncoder();

export type BufMode = "none" | "line" | "full";

export class FILE {
  private out: Uint8Array[] = [];
  private outlen = 0;
  /** Writes the kernel has not finished (a full pipe); later writes queue behind them. */
  private pending: Promise<void> | null = null;
  private inbuf: Uint8Array = new Uint8Array(0);
  eof = false;
  error = false;

  constructor(
    readonly fd: number,
    public mode: BufMode,
  ) {}

  put(s: string | Uint8Array): void {
    const b = typeof s === "string" ? encoder.encode(s) : s;
    this.out.push(b);
    this.outlen += b.length;
    if (this.mode === "none" || this.outlen >= BUFSIZ || (this.mode === "line" && b.includes(10))) this.flush();
  }

  /** fflush(): hand the buffer to the kernel; synchronous unless the kernel blocks. */
  flush(): void {
    if (this.outlen === 0) return;
    const data = new Uint8Array(this.outlen);
    let k = 0;
    for (const c of this.out) {
      data.set(c, k);
      k += c.length;
    }
    this.out = [];
    this.outlen = 0;
    const r = this.pending ? this.pending.then(() => this.write_all(data)) : this.write_all(data);
    if (!r) return;
    const p: Promise<void> = r.finally(() => {
      if (this.pending === p) this.pending = null;
    });
    this.pending = p;
  }

  private write_all(data: Uint8Array): Promise<void> | undefined {
    let off = 0;
    while (off < data.length) {
      const n = write(this.fd, data.subarray(off), data.length - off);
      if (typeof n !== "number") return n.then((m) => (m < 0 ? void (this.error = true) : this.write_all(data.subarray(off + m))));
      if (n < 0) {
        this.error = true;
        return undefined;
      }
      off += n;
    }
    return undefined;
  }

  /** Wait until everything written so far reached the kernel. */
  async drain(): Promise<void> {
    this.flush();
    while (this.pending) await this.pending;
  }

  /** Read up to `n` bytes (fread); an empty result at end of file or error. */
  async read(n: number): Promise<Uint8Array> {
    if (this.inbuf.length === 0) await this.fill();
    const r = this.inbuf.subarray(0, n);
    this.inbuf = this.inbuf.subarray(r.length);
    return r;
  }

  private async fill(): Promise<void> {
    if (this.eof) return;
    const buf = new Uint8Array(BUFSIZ);
    const n = await read(this.fd, buf, BUFSIZ);
    if (n <= 0) {
      this.eof = true;
      if (n < 0) this.error = true;
      return;
    }
    this.inbuf = buf.subarray(0, n);
  }

  /** getline(): the next line including its "\n", or null at end of file. */
  async getline(): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    for (;;) {
      if (this.inbuf.length === 0) {
        await this.fill();
        if (this.inbuf.length === 0) break;
      }
      const nl = this.inbuf.indexOf(10);
      const take = nl < 0 ? this.inbuf.length : nl + 1;
      parts.push(this.inbuf.subarray(0, take));
      this.inbuf = this.inbuf.subarray(take);
      if (nl >= 0) break;
    }
    if (parts.length === 0) return null;
    const total = parts.reduce((a, p) => a + p.length, 0);
    const line = new Uint8Array(total);
    let k = 0;
    for (const p of parts) {
      line.set(p, k);
      k += p.length;
    }
    return line;
  }
}

export const stdin = (): FILE => libc().stdin;
export const stdout = (): FILE => libc().stdout;
export const stderr = (): FILE => libc().stderr;

export function printf(fmt: string, ...args: FormatArg[]): number {
  const s = vsprintf(fmt, args);
  libc().stdout.put(s);
  return encoder.encode(s).length;
}

export function fprintf(f: FILE, fmt: string, ...args: FormatArg[]): number {
  const s = vsprintf(fmt, args);
  f.put(s);
  return s.length;
}

export function fputs(s: string, f: FILE): number {
  f.put(s);
  return 1;
}

export function puts(s: string): number {
  libc().stdout.put(s + "\n");
  return 1;
}

export function putchar(c: string): void {
  libc().stdout.put(c);
}

export function fwrite(b: Uint8Array, f: FILE): void {
  f.put(b);
}

export function fflush(f?: FILE): void {
  if (f) f.flush();
  else for (const s of [libc().stdout, libc().stderr]) s.flush();
}

/** perror(s): "s: strerror(errno)" on stderr. */
export function perror(s: string | null): void {
  const text = strerror(libc().errno);
  libc().stderr.put(s ? `${s}: ${text}\n` : `${text}\n`);
}
