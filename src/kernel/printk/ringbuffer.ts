// Mirrors kernel/printk/printk_ringbuffer.c in what a reader can observe: records carry increasing
// sequence numbers, and once the text ring (1 << CONFIG_LOG_BUF_SHIFT bytes) or the descriptor ring
// is full the oldest records are dropped. A record occupies ALIGN(sizeof(id) + text_len) bytes of
// the text ring on this 32-bit machine.

export interface PrintkRecord {
  seq: number;
  /** Nanoseconds since boot. */
  ts_nsec: number;
  level: number;
  facility: number;
  /** LOG_CONT: the record was continued by KERN_CONT pieces. */
  cont: boolean;
  text: string;
  /** Bytes of the UTF-8 text. */
  text_len: number;
}

const ID_SIZE = 4;
const ALIGN = 4;
/** Average text size the descriptor count is derived from (PRB_AVGBITS = 5). */
const AVGBITS = 5;

export class PrintkRingbuffer {
  private readonly records: PrintkRecord[] = [];
  private head = 0;
  private used = 0;
  private next_seq = 0;
  readonly text_size: number;
  readonly desc_count: number;

  constructor(readonly log_buf_shift = 17) {
    this.text_size = 1 << log_buf_shift;
    this.desc_count = 1 << (log_buf_shift - AVGBITS);
  }

  static block_size(text_len: number): number {
    return (ID_SIZE + text_len + ALIGN - 1) & ~(ALIGN - 1);
  }

  /** Sequence number of the oldest record still held. */
  get first_seq(): number {
    return this.records.length > this.head ? this.records[this.head].seq : this.next_seq;
  }

  get last_seq(): number {
    return this.next_seq;
  }

  /** Bytes of the text ring in use. */
  get bytes_used(): number {
    return this.used;
  }

  push(rec: Omit<PrintkRecord, "seq">): PrintkRecord {
    const r: PrintkRecord = { ...rec, seq: this.next_seq++ };
    const size = PrintkRingbuffer.block_size(r.text_len);
    while (this.count > 0 && (this.used + size > this.text_size || this.count >= this.desc_count)) this.drop_oldest();
    this.records.push(r);
    this.used += size;
    return r;
  }

  /** Amend the newest record (LOG_CONT continuation). */
  amend_last(extra: string, extra_len: number): void {
    const r = this.records[this.records.length - 1];
    r.text += extra;
    r.text_len += extra_len;
    r.cont = true;
    this.used += PrintkRingbuffer.block_size(r.text_len) - PrintkRingbuffer.block_size(r.text_len - extra_len);
  }

  get count(): number {
    return this.records.length - this.head;
  }

  private drop_oldest(): void {
    const r = this.records[this.head++];
    this.used -= PrintkRingbuffer.block_size(r.text_len);
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The record with sequence `seq`, or the oldest after it if it was dropped; null past the end. */
  read(seq: number): PrintkRecord | null {
    if (seq >= this.next_seq || this.count === 0) return null;
    const first = this.first_seq;
    const idx = this.head + Math.max(0, seq - first);
    return this.records[idx] ?? null;
  }
}
