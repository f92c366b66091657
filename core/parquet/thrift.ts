/**
 * The slice of Thrift's compact protocol that a Parquet footer and page headers need:
 * structs of i32, i64, bool, binary and lists. Fields are written in increasing id order.
 */
const T_TRUE = 1;
const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

export type ThriftValue =
  | { t: "i32"; v: number }
  | { t: "i64"; v: number | bigint }
  | { t: "bool"; v: boolean }
  | { t: "binary"; v: string }
  | { t: "struct"; v: ThriftStruct }
  | { t: "list"; elem: "i32" | "binary" | "struct"; v: (number | string | ThriftStruct)[] };

/** Field id -> value; undefined fields are skipped (optional fields). */
export type ThriftStruct = Record<number, ThriftValue | undefined>;

export const i32 = (v: number): ThriftValue => ({ t: "i32", v });
export const i64 = (v: number | bigint): ThriftValue => ({ t: "i64", v });
export const bool = (v: boolean): ThriftValue => ({ t: "bool", v });
export const str = (v: string): ThriftValue => ({ t: "binary", v });
export const struct = (v: ThriftStruct): ThriftValue => ({ t: "struct", v });
export const list = (elem: "i32" | "binary" | "struct", v: (number | string | ThriftStruct)[]): ThriftValue => ({
  t: "list",
  elem,
  v,
});

const encoder = new TextEncoder();

export class ThriftWriter {
  private bytes: number[] = [];

  private varint(n: bigint): void {
    let x = n;
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  private zigzag(n: number | bigint): void {
    const b = BigInt(n);
    this.varint(b >= 0n ? b << 1n : (-b << 1n) - 1n);
  }

  private binary(s: string): void {
    const b = encoder.encode(s);
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
  }

  private typeOf(v: ThriftValue): number {
    if (v.t === "bool") return v.v ? T_TRUE : T_FALSE;
    return { i32: T_I32, i64: T_I64, binary: T_BINARY, struct: T_STRUCT, list: T_LIST }[v.t];
  }

  writeStruct(s: ThriftStruct): void {
    let last = 0;
    for (const id of Object.keys(s)
      .map(Number)
      .sort((a, b) => a - b)) {
      const v = s[id];
      if (v === undefined) continue;
      const delta = id - last;
      const type = this.typeOf(v);
      if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
      else {
        this.bytes.push(type);
        this.zigzag(id);
      }
      last = id;
      this.writeValue(v);
    }
    this.bytes.push(0);
  }

  private writeValue(v: ThriftValue): void {
    switch (v.t) {
      case "bool":
        return; // encoded in the field header
      case "i32":
      case "i64":
        return this.zigzag(v.v);
      case "binary":
        return this.binary(v.v);
      case "struct":
        return this.writeStruct(v.v);
      case "list": {
        const elemType = { i32: T_I32, binary: T_BINARY, struct: T_STRUCT }[v.elem];
        if (v.v.length < 15) this.bytes.push((v.v.length << 4) | elemType);
        else {
          this.bytes.push(0xf0 | elemType);
          this.varint(BigInt(v.v.length));
        }
        for (const e of v.v) {
          if (v.elem === "i32") this.zigzag(e as number);
          else if (v.elem === "binary") this.binary(e as string);
          else this.writeStruct(e as ThriftStruct);
        }
      }
    }
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function encodeStruct(s: ThriftStruct): Uint8Array {
  const w = new ThriftWriter();
  w.writeStruct(s);
  return w.toBytes();
}
