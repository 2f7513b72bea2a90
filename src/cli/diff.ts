// A unified diff of two texts by lines (longest common subsequence), as `diff -u` prints it.

/** `diff -u` output between `a` (expected) and `b` (actual), or "" when equal. */
export function unified_diff(a: string, b: string, aname: string, bname: string, context = 3): string {
  if (a === b) return "";
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { t: " " | "-" | "+"; s: string; i: number; j: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: " ", s: x[i], i: i++, j: j++ });
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ t: "-", s: x[i], i: i++, j });
    else ops.push({ t: "+", s: y[j], i, j: j++ });
  }
  const out = [`--- ${aname}`, `+++ ${bname}`];
  for (let k = 0; k < ops.length; ) {
    if (ops[k].t === " ") {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      let run = end;
      while (run < ops.length && ops[run].t === " ") run++;
      if (run === ops.length || run - end > 2 * context) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end = run + 1;
      while (end < ops.length && ops[end].t !== " ") end++;
    }
    const hunk = ops.slice(start, end);
    const acount = hunk.filter((o) => o.t !== "+").length;
    const bcount = hunk.filter((o) => o.t !== "-").length;
    out.push(`@@ -${hunk[0].i + 1},${acount} +${hunk[0].j + 1},${bcount} @@`);
    for (const o of hunk) out.push(o.t + o.s);
    k = end;
    start = end;
  }
  return out.join("\n") + "\n";
}
