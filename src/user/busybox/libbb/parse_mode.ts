// Mirrors BusyBox libbb/parse_mode.c: a mode as chmod and mkdir -m take it, octal ("755") or
// symbolic ("u+x,go-w", "a=r", "g=u"), applied to `current_mode`; -1 when it does not parse.
import { umask } from "../../libc/unistd.js";

const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
const S_IRWXU = 0o700, S_IRWXG = 0o070, S_IRWXO = 0o007;
const S_IXUGO = 0o111;
const S_IFDIR = 0o040000;
const FILEMODEBITS = S_ISUID | S_ISGID | S_ISVTX | S_IRWXU | S_IRWXG | S_IRWXO;

const who_chars = "augo";
const who_mask = [FILEMODEBITS, S_ISUID | S_IRWXU, S_ISGID | S_IRWXG, S_IRWXO];
const perm_chars = "rwxXst";
const perm_mask = [0o444, 0o222, 0o111, 0o111 /* X: see below */, S_ISUID | S_ISGID, S_ISVTX];

export function bb_parse_mode(s: string, current_mode: number): number {
  if (s[0] >= "0" && s[0] <= "7") {
    if (!/^[0-7]+$/.test(s)) return -1;
    const tmp = Number.parseInt(s, 8);
    return tmp > 0o7777 ? -1 : tmp;
  }
  let new_mode = current_mode;
  let i = 0;
  while (i < s.length) {
    if (s[i] === ",") {
      i++;
      continue;
    }
    let wholist = 0;
    for (let w; (w = who_chars.indexOf(s[i])) >= 0 && s[i] !== undefined; ) {
      wholist |= who_mask[w];
      if (++i >= s.length) return -1;
    }
    do {
      const op = s[i];
      if (op !== "+" && op !== "-") {
        if (op !== "=") return -1;
        new_mode &= wholist ? ~wholist : ~FILEMODEBITS;
      }
      i++;
      let permlist = 0;
      const copy = "ugo".indexOf(s[i] ?? "");
      if (copy >= 0 && s[i] !== undefined) {
        permlist = who_mask[copy + 1] & (S_IRWXU | S_IRWXG | S_IRWXO) & new_mode;
        for (let k = 0; k < 3; k++) if (permlist & perm_mask[k]) permlist |= perm_mask[k];
        i++;
      } else {
        for (let p; i < s.length && (p = perm_chars.indexOf(s[i])) >= 0; i++) {
          if (s[i] !== "X" || new_mode & (S_IFDIR | S_IXUGO)) permlist |= perm_mask[p];
        }
      }
      if (permlist) {
        let tmp = wholist;
        if (!wholist) {
          const u_mask = umask(0);
          umask(u_mask);
          tmp = ~u_mask;
        }
        permlist &= tmp;
        if (op === "-") new_mode &= ~permlist;
        else new_mode |= permlist;
      }
    } while (i < s.length && s[i] !== ",");
  }
  return new_mode;
}
