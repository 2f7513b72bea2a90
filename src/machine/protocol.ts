// The control protocol between a kplay client and its machine: one JSON object per line over the
// machine's Unix socket. A request opens a session; the machine streams the session's terminal
// (stdout, stderr and kernel console, in the order they happened) and ends with its exit.
import { StringDecoder } from "node:string_decoder";

/** What the client's terminal is, so programs see what they would see on the host. */
export interface TermFacts {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  cols: number;
  rows: number;
  /** NO_COLOR / FORCE_COLOR as set on the host, passed into the program's environment. */
  env: Record<string, string>;
}

export type Request =
  | { op: "run"; argv: string[]; /** a name from the machine's /etc/passwd, or a uid */ user: string; term: TermFacts; quiet: boolean }
  /** `kplay cp machine:PATH HOST`: the file's bytes, read with the user's permissions. */
  | { op: "get"; path: string; user: string }
  /** `kplay cp HOST machine:PATH`: create or truncate PATH (mode for a new file) and write `data`. */
  | { op: "put"; path: string; user: string; data: string; mode: number }
  | { op: "status" }
  | { op: "poweroff" };

/** Messages from the client during a session. */
export type ClientMsg = { op: "stdin"; data: string } | { op: "eof" } | { op: "signal"; sig: "INT" } | { op: "winch"; cols: number; rows: number };

export type Reply =
  | { type: "out"; stream: "stdout" | "stderr" | "console"; data: string }
  /** Standard output when the client's is not a terminal: the program's bytes, base64. */
  | { type: "bytes"; data: string }
  /** A file `get` read (base64), or the end of a `put`. */
  | { type: "file"; data: string }
  | { type: "done" }
  /** The program waits for input with nothing queued: an interactive client shows its prompt. */
  | { type: "read_wait" }
  | { type: "exit"; code: number; signal: number }
  | { type: "status"; status: MachineStatus }
  | { type: "error"; message: string }
  | { type: "bye" };

export interface MachineStatus {
  name: string;
  pid: number;
  /** Seconds since boot. */
  uptime: number;
  modules: string[];
  tainted: string;
  sock: string;
}

/** The longest message: a `kplay cp` file of CP_MAX bytes in base64, with room to spare. */
const MAX_LINE = 96 << 20;

/**
 * Split a byte stream into JSON messages; malformed lines are reported, not thrown. A line's
 * pieces are kept until its newline arrives, so a long line (a copied file) costs linear time.
 */
export class LineDecoder {
  private pieces: string[] = [];
  private held = 0;
  private readonly utf8 = new StringDecoder("utf8");

  constructor(private readonly on_message: (msg: unknown) => void, private readonly on_error: (why: string) => void) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === "string" ? chunk : this.utf8.write(chunk);
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
      const line = this.pieces.join("") + text.slice(0, nl);
      this.pieces = [];
      this.held = 0;
      text = text.slice(nl + 1);
      if (line.trim() === "") continue;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        this.on_error("malformed request: not JSON");
        continue;
      }
      this.on_message(msg);
    }
    if (!text) return;
    this.pieces.push(text);
    this.held += text.length;
    if (this.held > MAX_LINE) {
      this.pieces = [];
      this.held = 0;
      this.on_error("malformed request: line too long");
    }
  }
}

export function encode(msg: Request | ClientMsg | Reply): string {
  return JSON.stringify(msg) + "\n";
}
