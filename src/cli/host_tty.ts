// The host side of a kplay terminal: the user's real terminal (or pipes) connected to a simulated
// Terminal. On a host terminal, input is edited with readline (history, line editing) and the
// simulated tty does not echo; the partial line the program has printed (the shell's prompt)
// becomes readline's prompt. Ctrl-C interrupts the foreground job; Ctrl-D is end of file.
import * as readline from "node:readline";
import { StringDecoder } from "node:string_decoder";
import chalk from "chalk";
import type { TtySink, TtyStream } from "../drivers/tty/tty.js";

/** The input side of a simulated terminal: a local Terminal, or one inside a machine. */
export interface TtyPort {
  push_input(s: string): void;
  push_eof(): void;
  interrupt(): void;
  echo: boolean;
  on_read_wait: (() => void) | null;
}

export interface HostTty {
  sink: TtySink;
  /** Connect stdin to the simulated terminal. */
  attach(tty: TtyPort): void;
  close(): void;
}

/** Writes program output to the host's stdout and stderr and console lines to stdout. */
export function host_tty(): HostTty {
  const interactive = process.stdin.isTTY === true;
  let held = "";
  let rl: readline.Interface | null = null;
  let prompting = false;
  let flush_timer: NodeJS.Timeout | null = null;
  const history: string[] = [];
  let on_sigint: (() => void) | null = null;

  const write_out = (stream: TtyStream, text: string): void => {
    const dest = stream === "stderr" ? process.stderr : process.stdout;
    if (stream === "console" && process.stdout.isTTY) text = text.replace(/[^\n]+/g, (l) => chalk.dim(l));
    if (prompting && rl) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
      dest.write(text);
      rl.prompt(true);
      return;
    }
    dest.write(text);
  };

  const sink: TtySink = {
    write(stream, text) {
      if (!interactive || stream !== "stdout") {
        if (held && stream !== "stdout") {
          write_out("stdout", held);
          held = "";
        }
        write_out(stream, text);
        return;
      }
      text = held + text;
      const nl = text.lastIndexOf("\n");
      held = text.slice(nl + 1);
      if (nl >= 0) write_out("stdout", text.slice(0, nl + 1));
      if (flush_timer) clearTimeout(flush_timer);
      flush_timer = held
        ? setTimeout(() => {
            if (!prompting && held) {
              write_out("stdout", held);
              held = "";
            }
          }, 30)
        : null;
    },
  };

  const open_rl = (tty: TtyPort): readline.Interface => {
    const r = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true, history, historySize: 500 });
    r.on("line", (line) => {
      prompting = false;
      tty.push_input(line + "\n");
    });
    r.on("SIGINT", () => {
      if (prompting) {
        process.stdout.write("^C");
        r.write(null, { ctrl: true, name: "u" });
      }
      prompting = false;
      tty.interrupt();
    });
    r.on("close", () => {
      rl = null;
      prompting = false;
      tty.push_eof();
    });
    return r;
  };

  return {
    sink,
    attach(tty) {
      on_sigint = () => tty.interrupt();
      process.on("SIGINT", on_sigint);
      if (!interactive) {
        tty.echo = false;
        const utf8 = new StringDecoder("utf8");
        process.stdin.on("data", (d: Buffer) => tty.push_input(utf8.write(d)));
        process.stdin.on("end", () => {
          const rest = utf8.end();
          if (rest) tty.push_input(rest);
          tty.push_eof();
        });
        return;
      }
      tty.echo = false;
      tty.on_read_wait = () => {
        rl ??= open_rl(tty);
        if (flush_timer) clearTimeout(flush_timer);
        rl.setPrompt(held);
        held = "";
        prompting = true;
        rl.prompt(true);
      };
    },
    close() {
      if (on_sigint) process.off("SIGINT", on_sigint);
      if (flush_timer) clearTimeout(flush_timer);
      if (held) process.stdout.write(held);
      rl?.close();
      process.stdin.pause();
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
    },
  };
}
