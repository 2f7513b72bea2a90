// Mirrors BusyBox libbb/ask_confirmation.c: read a line from stdin; yes when its first non-blank
// character is 'y' or 'Y'.
import { stderr, stdin, stdout } from "../../libc/stdio.js";

export async function bb_ask_y_confirmation(): Promise<boolean> {
  stdout().flush();
  stderr().flush();
  const line = await stdin().getline();
  for (const c of line ?? []) {
    if (c === 0x0a) break;
    if (c !== 0x20 && c !== 0x09) return (c | 0x20) === 0x79;
  }
  return false;
}
