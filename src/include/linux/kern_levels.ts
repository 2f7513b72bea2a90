// Mirrors include/linux/kern_levels.h: a printk format starts with KERN_SOH and a level character.
export const KERN_SOH = "\x01";
export const KERN_EMERG = KERN_SOH + "0";
export const KERN_ALERT = KERN_SOH + "1";
export const KERN_CRIT = KERN_SOH + "2";
export const KERN_ERR = KERN_SOH + "3";
export const KERN_WARNING = KERN_SOH + "4";
export const KERN_NOTICE = KERN_SOH + "5";
export const KERN_INFO = KERN_SOH + "6";
export const KERN_DEBUG = KERN_SOH + "7";
export const KERN_DEFAULT = "";
export const KERN_CONT = KERN_SOH + "c";

export const LOGLEVEL_DEFAULT = -1;
export const LOGLEVEL_EMERG = 0;
export const LOGLEVEL_ERR = 3;
export const LOGLEVEL_WARNING = 4;
export const LOGLEVEL_NOTICE = 5;
export const LOGLEVEL_INFO = 6;
export const LOGLEVEL_DEBUG = 7;
