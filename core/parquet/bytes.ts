/** A growable little-endian byte buffer, the writer's one allocation per file. */
export class ByteBuffer {
  buf: Uint8Array;
  view: DataView;
  offset = 0;
  private static readonly encoder = new TextEncoder();

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(extra: number): void {
    if (this.offset + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.offset + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.offset));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
  }

  u8(n: number): void {
    this.ensure(1);
    this.buf[this.offset++] = n;
  }

  i32(n: number): void {
    this.ensure(4);
    this.view.setInt32(this.offset, n, true);
    this.offset += 4;
  }

  i64(n: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.offset, n, true);
    this.offset += 8;
  }

  /** An integer below 2^53 as int64, without allocating a BigInt. */
  i64FromNumber(n: number): void {
    this.ensure(8);
    const lo = n % 0x100000000;
    this.view.setUint32(this.offset, lo >= 0 ? lo : lo + 0x100000000, true);
    this.view.setInt32(this.offset + 4, Math.floor(n / 0x100000000), true);
    this.offset += 8;
  }

  f32(n: number): void {
    this.ensure(4);
    this.view.setFloat32(this.offset, n, true);
    this.offset += 4;
  }

  varint(n: number): void {
    this.ensure(5);
    while (n >= 0x80) {
      this.buf[this.offset++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.offset++] = n;
  }

  /** Parquet PLAIN BYTE_ARRAY: 4-byte length, then the UTF-8 bytes (encoded in place). */
  lengthPrefixedString(s: string): void {
    this.ensure(4 + s.length * 3);
    const { written } = ByteBuffer.encoder.encodeInto(s, this.buf.subarray(this.offset + 4));
    this.view.setInt32(this.offset, written, true);
    this.offset += 4 + written;
  }

  /** The bytes written so far, without copying (a view of the internal buffer). */
  view_(): Uint8Array {
    return this.buf.subarray(0, this.offset);
  }
}
