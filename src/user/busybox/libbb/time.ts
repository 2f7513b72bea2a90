// Mirrors BusyBox libbb/time.c: parse_datestr and validate_tm_time, the date forms touch -d/-t and
// date accept, in UTC (the initramfs has no /etc/localtime). The "Mon dd HH:MM:SS YYYY" form of
// DESKTOP builds (strptime) is not supported.
import { bb_error_msg_and_die } from "../libbb.js";

/** struct tm, as far as parse_datestr fills it (tm_year from 1900, tm_mon from 0). */
export interface Tm {
  tm_year: number;
  tm_mon: number;
  tm_mday: number;
  tm_hour: number;
  tm_min: number;
  tm_sec: number;
}

const invalid = (date_str: string): Promise<never> => bb_error_msg_and_die(`invalid date '${date_str}'`);

/** sscanf(s, "%u<sep>%u...%c"): the numbers of a prefix matching `re`, and the character after it. */
function scan(s: string, re: RegExp): { n: number[]; end: string } | null {
  const m = re.exec(s);
  return m ? { n: m.slice(1).map(Number), end: s.charAt(m[0].length) } : null;
}

/** gmtime(t) */
export function gmtime(t: number): Tm {
  const d = new Date(t * 1000);
  return { tm_year: d.getUTCFullYear() - 1900, tm_mon: d.getUTCMonth(), tm_mday: d.getUTCDate(), tm_hour: d.getUTCHours(), tm_min: d.getUTCMinutes(), tm_sec: d.getUTCSeconds() };
}

/** parse_datestr(date_str, ptm): fill `ptm` from the string, or die with "invalid date". */
export async function parse_datestr(date_str: string, ptm: Tm): Promise<void> {
  let end = "";
  const last_colon = date_str.lastIndexOf(":");
  let r: { n: number[]; end: string } | null;
  if (last_colon >= 0) {
    if ((r = scan(date_str, /^\s*(\d+):\s*(\d+)/))) {
      [ptm.tm_hour, ptm.tm_min] = r.n;
    } else if ((r = scan(date_str, /^\s*(\d+)\.\s*(\d+)-\s*(\d+):\s*(\d+)/))) {
      [ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
      ptm.tm_mon -= 1;
    } else if ((r = scan(date_str, /^\s*(\d+)\.\s*(\d+)\.\s*(\d+)-\s*(\d+):\s*(\d+)/)) || (r = scan(date_str, /^\s*(\d+)-\s*(\d+)-\s*(\d+)\s+(\d+):\s*(\d+)/))) {
      [ptm.tm_year, ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
      ptm.tm_year -= 1900;
      ptm.tm_mon -= 1;
    } else {
      return invalid(date_str);
    }
    end = r.end;
    if (end === ":") {
      const s = scan(date_str.slice(last_colon + 1), /^\s*(\d+)/);
      if (s && s.end === "") {
        ptm.tm_sec = s.n[0];
        end = "";
      }
    }
  } else if (date_str.includes("-") && ((r = scan(date_str, /^\s*(\d+)-\s*(\d+)-\s*(\d+)\s+(\d+)/)) || (r = scan(date_str, /^\s*(\d+)-\s*(\d+)-\s*(\d+)/)))) {
    [ptm.tm_year, ptm.tm_mon, ptm.tm_mday] = r.n;
    if (r.n.length > 3) ptm.tm_hour = r.n[3];
    ptm.tm_year -= 1900;
    ptm.tm_mon -= 1;
    end = r.end;
  } else if (date_str[0] === "@") {
    if (/^[+-]?\d+$/.test(date_str.slice(1))) {
      Object.assign(ptm, gmtime(Number(date_str.slice(1))));
      return;
    }
    end = "1";
  } else {
    const cur_year = ptm.tm_year;
    const dot = date_str.indexOf(".");
    const len = dot < 0 ? date_str.length : dot;
    const digits = (k: number): RegExp => new RegExp(`^${"(\\d\\d)".repeat(k)}`);
    if (len === 2 && (r = scan(date_str, digits(1)))) {
      [ptm.tm_min] = r.n;
    } else if (len === 4 && (r = scan(date_str, digits(2)))) {
      [ptm.tm_hour, ptm.tm_min] = r.n;
    } else if (len === 6 && (r = scan(date_str, digits(3)))) {
      [ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
    } else if (len === 8 && (r = scan(date_str, digits(4)))) {
      [ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
      ptm.tm_mon -= 1;
    } else if (len === 10 && (r = scan(date_str, digits(5)))) {
      [ptm.tm_year, ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
      ptm.tm_mon -= 1;
      if (cur_year >= 50) {
        ptm.tm_year += Math.floor(cur_year / 100) * 100;
        if (ptm.tm_year < cur_year - 50) ptm.tm_year += 100;
        if (ptm.tm_year > cur_year + 50) ptm.tm_year -= 100;
      }
    } else if (len === 12 && (r = scan(date_str, /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)/))) {
      [ptm.tm_year, ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min] = r.n;
      ptm.tm_year -= 1900;
      ptm.tm_mon -= 1;
    } else {
      return invalid(date_str);
    }
    ptm.tm_sec = 0;
    end = r.end;
    if (end === ".") {
      const s = scan(date_str.slice(dot + 1), /^\s*(\d+)/);
      if (s && s.end === "") {
        ptm.tm_sec = s.n[0];
        end = "";
      }
    }
  }
  if (end !== "") return invalid(date_str);
}

/** validate_tm_time(date_str, ptm): mktime in UTC (out-of-range fields carry over), or "invalid date". */
export async function validate_tm_time(date_str: string, ptm: Tm): Promise<number> {
  const t = Date.UTC(ptm.tm_year + 1900, ptm.tm_mon, ptm.tm_mday, ptm.tm_hour, ptm.tm_min, ptm.tm_sec) / 1000;
  return Number.isFinite(t) ? t : invalid(date_str);
}
