// The ash evaluator, run as `sh -c` on an in-process kernel. Expected texts follow BusyBox 1.35
// (../shared/reference/busybox-facts.md §6).
import { describe, expect, it } from "vitest";
import { boot, sh, USER } from "./helpers.js";
import { run_scenario } from "../src/machine/scenario.js";

describe("sh -c", () => {
  it("runs lists with ; && || and keeps $?", async () => {
    const r = await sh(boot(), "false || echo or; true && echo and; false; echo $?; true; echo $?");
    expect(r.output).toBe("or\nand\n1\n0\n");
  });

  it("removes quotes and expands parameters", async () => {
    const r = await sh(boot(), `x=hello; echo "a  b" 'c$x' \\$x "$x"world \${#x} \${y:-def} \${x%lo}`);
    expect(r.output).toBe("a  b c$x $x helloworld 5 def hel\n");
  });

  it("splits unquoted expansions on IFS and keeps quoted ones whole", async () => {
    const r = await sh(boot(), `v="1  2 3"; for w in $v; do echo "[$w]"; done; for w in "$v"; do echo "[$w]"; done`);
    expect(r.output).toBe("[1]\n[2]\n[3]\n[1  2 3]\n");
  });

  it("runs pipelines and command substitution", async () => {
    const r = await sh(boot(), `echo abc | cat | cat; echo "<$(echo a; echo b)>" $(echo x   y)`);
    expect(r.output).toBe("abc\n<a\nb> x y\n");
  });

  it("redirects with > >> < and 2>&1", async () => {
    const k = boot();
    const r = await sh(k, "echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f; cat /nosuch 2>&1 | cat > /tmp/g; cat /tmp/g");
    expect(r.output).toBe("one\ntwo\ncat: can't open '/nosuch': No such file or directory\n");
  });

  it("gives a pipeline the status of its last command, also when that one is missing", async () => {
    const r = await sh(boot(), "true | nosuch; echo $?; nosuch | true; echo $?; ls /proc | nosuch; echo $?");
    expect(r.stdout).toBe("127\n0\n127\n");
    expect(r.stderr).toBe("sh: nosuch: not found\nsh: nosuch: not found\nsh: nosuch: not found\n");
  });

  it("gives background jobs /dev/null as stdin and kills %N by pid without job control", async () => {
    const r = await sh(boot(), "cat & wait; echo waited; sleep 9 & kill %1; wait $!; echo $?", { input: "typed\n" });
    expect(r.stdout).toBe("waited\n143\n");
  });

  it("reports a missing command with status 127", async () => {
    const r = await sh(boot(), "nosuch; echo $?");
    expect(r.stderr).toBe("sh: nosuch: not found\n");
    expect(r.stdout).toBe("127\n");
  });

  it("gives ash's redirection errors (§6.3)", async () => {
    const r = await sh(boot(), "echo hi > /nonexist/x; echo $?; cat < /nonexist; echo $?");
    expect(r.stderr).toBe("sh: can't create /nonexist/x: nonexistent directory\nsh: can't open /nonexist: no such file\n");
    expect(r.stdout).toBe("1\n1\n");
  });

  it("denies a non-root redirection into a 0444 proc file", async () => {
    const r = await sh(boot(), "echo 1 > /proc/version", { cred: USER });
    expect(r.stderr).toBe("sh: can't create /proc/version: Permission denied\n");
    expect(r.code).toBe(1);
  });

  it("prints the echo write error of a file without a write handler (§6.4)", async () => {
    const r = await sh(boot(), "echo hi > /proc/version; echo $?");
    expect(r.output).toBe("sh: write error: Input/output error\n1\n");
  });

  it("runs if, while, case and functions", async () => {
    const r = await sh(boot(), `f() { echo "f:$1:$#"; return 3; }; f a b; echo $?; i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i; case abc in a*) echo glob;; *) echo no;; esac; if [ -d /proc ]; then echo dir; else echo nodir; fi`);
    expect(r.output).toBe("f:a:2\n3\n3\nglob\ndir\n");
  });

  it("breaks and continues loops, also nested", async () => {
    const r = await sh(boot(), "for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; for a in x y; do while true; do break 2; done; done; echo end $a");
    expect(r.output).toBe("1\n3\nend x\n");
  });

  it("exits with exit's status and reports cd errors with the builtin's name", async () => {
    expect((await sh(boot(), "exit 3")).code).toBe(3);
    const r = await sh(boot(), "cd /nonexist; echo not reached");
    expect(r.output).toBe("sh: cd: line 0: can't cd to /nonexist: No such file or directory\n");
    expect(r.code).toBe(2);
  });

  it("reports syntax errors", async () => {
    const r = await sh(boot(), "if then");
    expect(r.stderr).toBe('sh: syntax error: unexpected "then"\n');
    expect(r.code).toBe(2);
  });

  it("expands globs in a directory, sorted", async () => {
    const r = await sh(boot(), "cd /sbin; echo ins* ls*mod *probe; echo /etc/*");
    expect(r.output).toBe("insmod lsmod modprobe\n/etc/group /etc/hostname /etc/hosts /etc/passwd /etc/services\n");
  });
});

describe("interactive ash", () => {
  it("prints no line for `cmd &` and the Done line before a later prompt (1.35, §6.6)", async () => {
    const t = "/ # sleep 1 &\n/ # jobs\n[1]+  Running                    sleep 1\n/ # sleep 2\n[1]+  Done                       sleep 1\n/ # false &\n/ # sleep 1\n[1]+  Done(1)                    false\n/ # echo $?\n0\n";
    const r = await run_scenario(t);
    expect(r.problem).toBeNull();
    expect(r.actual).toBe(t);
  });

  it("keeps a background reader from taking the lines typed for the shell", async () => {
    const t = "/ # cat &\n/ # echo typed\ntyped\n/ # kill %1\n[1]+  Terminated                 cat\n/ # echo $?\n0\n";
    const r = await run_scenario(t);
    expect(r.problem).toBeNull();
    expect(r.actual).toBe(t);
  });

  it("reports a foreground job killed by a signal with strsignal (§6.5)", async () => {
    const t = "/ # sh -c 'kill -SEGV $$'\nSegmentation fault\n/ # echo $?\n139\n/ # sh -c 'kill -INT $$'\n\n/ # echo $?\n130\n";
    const r = await run_scenario(t);
    expect(r.problem).toBeNull();
    expect(r.actual).toBe(t);
  });
});

describe("help", () => {
  it("lists the builtins as BusyBox ash does, then the tutorials' programs (a kplay extension)", async () => {
    const k = boot();
    const out = (await sh(k, "help")).stdout;
    expect(out.startsWith("Built-in commands:\n------------------\n\t. : [ break cd")).toBe(true);
    expect(out).toContain("\n\nTutorial programs (kplay):\n--------------------------\n");
    for (const p of ["my_sock", "sockopt_test", "gnl_user_pure", "gnl_user_libnl", "gnl_echo", "gnl_echo_dump", "gnl_reply_with_error"]) {
      expect(out).toMatch(new RegExp(`^\\t${p} +\\S`, "m"));
      expect((await sh(k, `type ${p}`)).stdout).toBe(`${p} is /bin/${p}\n`);
    }
  });
});
