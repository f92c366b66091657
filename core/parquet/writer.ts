import { ByteBuffer } from "./bytes";
import { encodeStruct, i32, i64, list, str, struct, type ThriftStruct } from "./thrift";

/**
 * A small Parquet writer for flat files of REQUIRED columns (a REQUIRED group may hold them),
 * written for the ingest path's throughput: one row group, one dictionary page and one data
 * page per column, no compression, no nulls and so no definition or repetition levels.
 * Strings take dictionary encoding (bit-packed indices) unless most values are distinct.
 * Format: https://github.com/apache/parquet-format (PageHeader, FileMetaData in thrift.ts).
 */
export const Type = { INT64: 2, FLOAT: 4, BYTE_ARRAY: 6 } as const;
export const ConvertedType = { UTF8: 0, JSON: 19 } as const;
const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const REQUIRED = 0;

export type ColumnData =
  | { path: string[]; type: "string"; values: readonly string[] }
  | { path: string[]; type: "int64"; values: readonly (number | bigint)[] }
  | { path: string[]; type: "float"; values: readonly number[] };

/** A schema node: a leaf column, or a REQUIRED group of leaves. */
export type SchemaNode =
  | { name: string; type: keyof typeof Type; convertedType?: keyof typeof ConvertedType }
  | { name: string; children: SchemaNode[] };

function schemaElements(root: SchemaNode[]): ThriftStruct[] {
  const out: ThriftStruct[] = [{ 4: str("schema"), 5: i32(root.length) }];
  const visit = (n: SchemaNode) => {
    if ("children" in n) {
      out.push({ 3: i32(REQUIRED), 4: str(n.name), 5: i32(n.children.length) });
      n.children.forEach(visit);
    } else {
      out.push({
        1: i32(Type[n.type]),
        3: i32(REQUIRED),
        4: str(n.name),
        6: n.convertedType === undefined ? undefined : i32(ConvertedType[n.convertedType]),
        // JSON also as a logical type, which readers that ignore converted types understand.
        10:
          n.convertedType === "JSON"
            ? struct({ 12: struct({}) })
            : n.convertedType === "UTF8"
              ? struct({ 1: struct({}) })
              : undefined,
      });
    }
  };
  root.forEach(visit);
  return out;
}

function pageHeader(type: number, size: number, numValues: number, encoding: number): Uint8Array {
  const header: ThriftStruct = { 1: i32(type), 2: i32(size), 3: i32(size) };
  if (type === PageType.DATA_PAGE) {
    header[5] = struct({ 1: i32(numValues), 2: i32(encoding), 3: i32(Encoding.RLE), 4: i32(Encoding.RLE) });
  } else {
    header[7] = struct({ 1: i32(numValues), 2: i32(Encoding.PLAIN) });
  }
  return encodeStruct(header);
}

/** Dictionary indices as one bit-packed run of the RLE/bit-packing hybrid, after a bit-width byte. */
function packIndices(out: ByteBuffer, indices: Int32Array, bitWidth: number): void {
  out.u8(bitWidth);
  const groups = Math.ceil(indices.length / 8);
  out.varint((groups << 1) | 1);
  const nbytes = groups * bitWidth;
  out.ensure(nbytes);
  const buf = out.buf;
  const start = out.offset;
  buf.fill(0, start, start + nbytes);
  let bit = 0;
  for (let i = 0; i < indices.length; i++) {
    let v = indices[i]!;
    let remaining = bitWidth;
    while (remaining > 0) {
      const byte = start + (bit >>> 3);
      const shift = bit & 7;
      const take = Math.min(8 - shift, remaining);
      buf[byte]! |= (v & ((1 << take) - 1)) << shift;
      v >>>= take;
      remaining -= take;
      bit += take;
    }
  }
  out.offset = start + nbytes;
}

type Chunk = { meta: ThriftStruct; bytes: number };

function writeColumn(out: ByteBuffer, col: ColumnData): Chunk {
  const n = col.values.length;
  const chunkStart = out.offset;
  let dictionaryOffset: number | undefined;
  const encodings = new Set<number>([Encoding.RLE]);
  // Sized from the first values so that the page buffer rarely has to grow (and copy).
  const probe = Math.min(n, 64);
  let perValue = col.type === "string" ? 4 : 8;
  if (col.type === "string") for (let i = 0; i < probe; i++) perValue += col.values[i]!.length / probe;
  const page = new ByteBuffer(Math.max(1024, Math.ceil(n * perValue * 1.1)));
  let encoding: number = Encoding.PLAIN;

  if (col.type === "string") {
    const dict = new Map<string, number>();
    const indices = new Int32Array(n);
    // Mostly distinct values (ids) are not worth a dictionary: decide on a sample, early.
    const sample = Math.min(n, 65_536);
    let useDictionary = true;
    for (let i = 0; i < n; i++) {
      const s = col.values[i]!;
      let k = dict.get(s);
      if (k === undefined) {
        k = dict.size;
        dict.set(s, k);
      }
      indices[i] = k;
      if (i === sample - 1 && n > sample && dict.size > sample / 2) {
        useDictionary = false;
        break;
      }
    }
    if (useDictionary && dict.size <= n / 2) {
      const dictPage = new ByteBuffer(1 << 12);
      for (const s of dict.keys()) dictPage.lengthPrefixedString(s);
      const body = dictPage.view_();
      dictionaryOffset = out.offset;
      out.bytes(pageHeader(PageType.DICTIONARY_PAGE, body.length, dict.size, Encoding.PLAIN));
      out.bytes(body);
      encodings.add(Encoding.PLAIN);
      encoding = Encoding.RLE_DICTIONARY;
      packIndices(page, indices, Math.max(1, Math.ceil(Math.log2(dict.size))));
    } else {
      for (const s of col.values) page.lengthPrefixedString(s);
    }
  } else if (col.type === "int64") {
    page.ensure(8 * n);
    for (const v of col.values) {
      if (typeof v === "bigint") page.i64(v);
      else page.i64FromNumber(v);
    }
  } else {
    for (const v of col.values) page.f32(v);
  }
  encodings.add(encoding);

  const body = page.view_();
  const dataOffset = out.offset;
  out.bytes(pageHeader(PageType.DATA_PAGE, body.length, n, encoding));
  out.bytes(body);
  const size = out.offset - chunkStart;
  const physical = col.type === "string" ? Type.BYTE_ARRAY : col.type === "int64" ? Type.INT64 : Type.FLOAT;
  return {
    bytes: size,
    meta: {
      2: i64(chunkStart),
      3: struct({
        1: i32(physical),
        2: list("i32", [...encodings]),
        3: list("binary", col.path),
        4: i32(0), // UNCOMPRESSED
        5: i64(n),
        6: i64(size),
        7: i64(size),
        9: i64(dataOffset),
        11: dictionaryOffset === undefined ? undefined : i64(dictionaryOffset),
      }),
    },
  };
}

export function writeParquet(options: {
  schema: SchemaNode[];
  columns: ColumnData[];
  keyValues?: Record<string, string>;
  createdBy?: string;
}): Uint8Array {
  const rows = options.columns[0]?.values.length ?? 0;
  if (options.columns.some((c) => c.values.length !== rows)) throw new Error("columns differ in length");
  const out = new ByteBuffer(Math.max(1 << 16, rows * 64));
  out.bytes(new TextEncoder().encode("PAR1"));
  const chunks = options.columns.map((c) => writeColumn(out, c));
  const footer = encodeStruct({
    1: i32(1),
    2: list("struct", schemaElements(options.schema)),
    3: i64(rows),
    4: list("struct", [
      {
        1: list(
          "struct",
          chunks.map((c) => c.meta),
        ),
        2: i64(chunks.reduce((s, c) => s + c.bytes, 0)),
        3: i64(rows),
      },
    ]),
    5: options.keyValues
      ? list(
          "struct",
          Object.entries(options.keyValues).map(([k, v]) => ({ 1: str(k), 2: str(v) })),
        )
      : undefined,
    6: options.createdBy ? str(options.createdBy) : undefined,
  });
  out.bytes(footer);
  out.i32(footer.length);
  out.bytes(new TextEncoder().encode("PAR1"));
  return out.view_();
}
