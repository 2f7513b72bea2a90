// Scenarios: a transcript in the form of ../shared/transcripts (a command after its prompt, then
// what the console showed) replayed on a fresh in-process kernel on the virtual clock. Each typed
// line is fed when the shell waits for input and nothing else can run; when the foreground waits
// on time, the clock jumps to the next timer. What the terminal shows from the first prompt on,
// up to the prompt after the last command, must equal the transcript.
import { start_kernel } from "../init/main.js";
import { register_console, spawn_on_terminal } from "../init/console.js";
import { Terminal } from "../drivers/tty/tty.js";
import { VirtualClock } from "../kernel/time/clock.js";
import { run_until } from "../kernel/sched/idle.js";

/**
 * A prompt as ash draws "\w \$ ": a path or ~path, then # or $. It starts a line, or follows
 * output that did not end in a newline ("testing.../ # ") when nothing before it is a space.
 */
const PROMPT = /^(?:\S*?)((?:\/|~)[^\s#$]*) [#$] /;

/** The lines a user typed in a transcript: after each prompt, and "> " continuation lines. */
export function typed_lines(transcript: string): string[] {
  const typed: string[] = [];
  let continuing = false;
  for (const line of transcript.split("\n")) {
    const m = PROMPT.exec(line);
    if (m) {
      typed.push(line.slice(m[0].length));
      continuing = true;
    } else if (continuing && line.startsWith("> ")) typed.push(line.slice(2));
    else continuing = false;
  }
  return typed;
}

export interface ScenarioRun {
  /** What the terminal showed. */
  actual: string;
  /** Why the run stopped early (a hang, the shell exited), or null. */
  problem: string | null;
}

/** Replay `transcript`; the caller compares `actual` with it. */
export async function run_scenario(transcript: string): Promise<ScenarioRun> {
  const k = start_kernel({ clock: new VirtualClock() });
  let out = "";
  const tty = new Terminal(k, { write: (_stream, text) => void (out += text) });
  register_console(k, tty);
  const shell = spawn_on_terminal(k, tty, "/bin/sh", ["sh"]);
  if (typeof shell === "number") return { actual: "", problem: `cannot start /bin/sh: error ${-shell}` };
  let exited = false;
  void shell.exited.then(() => (exited = true));

  const typed = typed_lines(transcript);
  let next = 0;
  let start = -1;
  let finished = false;
  const on_idle = (): boolean => {
    if (!tty.read_wait.active || tty.has_line) return false;
    if (start < 0) start = out.lastIndexOf("\n") + 1;
    if (next < typed.length) {
      tty.push_input(typed[next++] + "\n");
      return true;
    }
    finished = true;
    return false;
  };
  const progressed = await run_until(k, () => finished || exited, on_idle);
  let actual = start < 0 ? "" : out.slice(start);
  let problem: string | null = null;
  if (finished) actual = actual.slice(0, actual.lastIndexOf("\n") + 1);
  else if (exited) problem = "the shell exited before the last command";
  else if (!progressed) problem = `hangs after typing ${JSON.stringify(typed[next - 1] ?? "")}: every task waits and no timer is pending`;
  tty.push_eof();
  return { actual, problem };
}
