// The demo modules kplay ships: each is installed as /lib/modules/5.15.0/extra/NAME.ko.
import type { ModuleSource } from "../include/linux/module.js";
import { ftp_client } from "./ftp_client.js";
import { gnl_foobar_xmpl } from "./gnl_foobar_xmpl.js";
import { hello } from "./hello.js";
import { ida_demo } from "./ida_demo.js";
import { ksocket } from "./ksocket.js";
import { my_sockopt } from "./my_sockopt.js";
import { my_sockopt2 } from "./my_sockopt2.js";
import { oops_demo } from "./oops_demo.js";
import { socket_demo } from "./socket_demo.js";
import { sockno_demo } from "./sockno_demo.js";

export const demo_modules: ReadonlyMap<string, ModuleSource> = new Map([
  ["ftp_client", ftp_client],
  ["gnl_foobar_xmpl", gnl_foobar_xmpl],
  ["hello", hello],
  ["ida_demo", ida_demo],
  ["ksocket", ksocket],
  ["my_sockopt", my_sockopt],
  ["my_sockopt2", my_sockopt2],
  ["oops_demo", oops_demo],
  ["socket_demo", socket_demo],
  ["sockno_demo", sockno_demo],
]);
