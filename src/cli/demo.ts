// What `kplay demo` types: the IDA tutorial of seed 000, then a look at the module and the log.
export const DEMO = [
  "uname -a",
  "insmod /lib/modules/5.15.0/extra/ida_demo.ko",
  "cat /proc/ida",
  "cat /proc/ida",
  "cat /proc/ida",
  "echo 1 > /proc/ida",
  "cat /proc/ida",
  "cat /proc/ida",
  "echo abc > /proc/ida",
  "lsmod",
  "dmesg -l err",
  "rmmod ida_demo",
  "cat /proc/sys/kernel/tainted",
]
  .map((c) => `/ # ${c}\n`)
  .join("");
