"""A small Parquet reader for exactly what edge-ml writes (core/parquet/writer.ts: flat REQUIRED
columns, PLAIN or RLE_DICTIONARY pages, UNCOMPRESSED), so the trainer needs nothing beyond
Debian's python3 and numpy (docs/decisions.md "The GPU trainer reads Parquet itself").
Anything else (a codec, data page v2, nested columns) fails with a sentence, never silently."""
import struct

import numpy as np

TYPE_INT32, TYPE_INT64, TYPE_FLOAT, TYPE_DOUBLE, TYPE_BYTE_ARRAY = 1, 2, 4, 5, 6
PLAIN, RLE, RLE_DICTIONARY, PLAIN_DICTIONARY = 0, 3, 8, 2
DATA_PAGE, DICTIONARY_PAGE = 0, 2
REQUIRED, OPTIONAL = 0, 1


class ParquetError(ValueError):
    pass


class _Thrift:
    """Thrift compact protocol, decoded generically into {field id: value}."""

    def __init__(self, buf: memoryview, pos: int = 0):
        self.buf, self.pos = buf, pos

    def byte(self) -> int:
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t: int):
        if t in (1, 2):
            return t == 1
        if t == 3:
            b = self.byte()
            return b - 256 if b > 127 else b
        if t in (4, 5, 6):
            return self.zigzag()
        if t == 7:
            v = struct.unpack_from("<d", self.buf, self.pos)[0]
            self.pos += 8
            return v
        if t == 8:
            n = self.varint()
            v = bytes(self.buf[self.pos : self.pos + n])
            self.pos += n
            return v
        if t in (9, 10):
            head = self.byte()
            size, et = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            if et in (1, 2):
                return [self.byte() == 1 for _ in range(size)]
            return [self.value(et) for _ in range(size)]
        if t == 11:
            size = self.varint()
            if size == 0:
                return {}
            kv = self.byte()
            return {self.value(kv >> 4): self.value(kv & 0x0F) for _ in range(size)}
        if t == 12:
            return self.struct()
        raise ParquetError(f"unknown thrift type {t}")

    def struct(self) -> dict:
        out, last = {}, 0
        while True:
            head = self.byte()
            if head == 0:
                return out
            delta, t = head >> 4, head & 0x0F
            fid = last + delta if delta else self.zigzag()
            out[fid] = self.value(t)
            last = fid


def _unpack_bits(data: memoryview, count: int, bit_width: int) -> np.ndarray:
    if bit_width == 0:
        return np.zeros(count, dtype=np.int64)
    nbytes = (count * bit_width + 7) // 8
    bits = np.unpackbits(np.frombuffer(data[:nbytes], dtype=np.uint8), bitorder="little")
    bits = bits[: count * bit_width].reshape(count, bit_width).astype(np.int64)
    return bits @ (1 << np.arange(bit_width, dtype=np.int64))


def _hybrid(data: memoryview, pos: int, end: int, bit_width: int, count: int) -> np.ndarray:
    """The RLE / bit-packing hybrid: `count` values from data[pos:end]."""
    out, have = [], 0
    r = _Thrift(data, pos)
    while have < count and r.pos < end:
        header = r.varint()
        if header & 1:
            n = (header >> 1) * 8
            nbytes = (header >> 1) * bit_width
            out.append(_unpack_bits(data[r.pos : r.pos + nbytes], n, bit_width))
            r.pos += nbytes
        else:
            n = header >> 1
            width = (bit_width + 7) // 8
            v = int.from_bytes(bytes(data[r.pos : r.pos + width]), "little")
            r.pos += width
            out.append(np.full(n, v, dtype=np.int64))
        have += n
    values = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    if len(values) < count:
        raise ParquetError("a page holds fewer values than its header says")
    return values[:count]


def _plain(data: memoryview, ptype: int, count: int):
    if ptype == TYPE_BYTE_ARRAY:
        out, pos = [], 0
        for _ in range(count):
            (n,) = struct.unpack_from("<I", data, pos)
            out.append(bytes(data[pos + 4 : pos + 4 + n]).decode("utf-8"))
            pos += 4 + n
        return out
    dtype = {TYPE_INT32: "<i4", TYPE_INT64: "<i8", TYPE_FLOAT: "<f4", TYPE_DOUBLE: "<f8"}.get(ptype)
    if dtype is None:
        raise ParquetError(f"physical type {ptype} is not read by this trainer")
    return np.frombuffer(data, dtype=dtype, count=count).copy()


def _read_chunk(buf: memoryview, meta: dict, repetition: int):
    codec, ptype, total = meta.get(4, 0), meta[1], meta[5]
    if codec != 0:
        raise ParquetError(
            f"column {'.'.join(p.decode() for p in meta[3])} is compressed (codec {codec}); "
            "this trainer reads edge-ml's uncompressed Parquet only"
        )
    pos = meta.get(11, meta[9])
    if 11 in meta and meta[9] < pos:
        pos = meta[9]
    dictionary, parts, have = None, [], 0
    while have < total:
        r = _Thrift(buf, pos)
        header = r.struct()
        body = buf[r.pos : r.pos + header[3]]
        pos = r.pos + header[3]
        if header[1] == DICTIONARY_PAGE:
            dictionary = _plain(body, ptype, header[7][1])
            continue
        if header[1] != DATA_PAGE:
            raise ParquetError(f"page type {header[1]} is not read by this trainer")
        dp = header[5]
        n, encoding, at = dp[1], dp[2], 0
        present = None
        if repetition == OPTIONAL:
            (length,) = struct.unpack_from("<I", body, 0)
            present = _hybrid(body, 4, 4 + length, 1, n) == 1
            at = 4 + length
        nvals = int(present.sum()) if present is not None else n
        if encoding == PLAIN:
            values = _plain(body[at:], ptype, nvals)
        elif encoding in (RLE_DICTIONARY, PLAIN_DICTIONARY):
            if dictionary is None:
                raise ParquetError("a dictionary-encoded page without a dictionary")
            idx = _hybrid(body, at + 1, len(body), body[at], nvals)
            values = [dictionary[i] for i in idx] if isinstance(dictionary, list) else dictionary[idx]
        else:
            raise ParquetError(f"encoding {encoding} is not read by this trainer")
        if present is not None and not present.all():
            raise ParquetError("a training column holds nulls")
        parts.append(values)
        have += n
    if parts and isinstance(parts[0], list):
        return [v for p in parts for v in p]
    return np.concatenate(parts) if parts else np.zeros(0)


def read_columns(data: bytes, names: list[str]) -> dict:
    """The named top-level or dotted (`features.item_features`) columns, over all row groups."""
    buf = memoryview(data)
    if bytes(buf[:4]) != b"PAR1" or bytes(buf[-4:]) != b"PAR1":
        raise ParquetError("not a Parquet file")
    (footer_len,) = struct.unpack_from("<I", buf, len(buf) - 8)
    meta = _Thrift(buf, len(buf) - 8 - footer_len).struct()
    schema, repetition = meta[2], {}

    def walk(i: int, prefix: list) -> int:
        el = schema[i]
        name = el[4].decode()
        if el.get(5):  # a group: its children follow it
            j = i + 1
            for _ in range(el[5]):
                j = walk(j, prefix + [name])
            return j
        repetition[".".join(prefix + [name])] = el.get(3, REQUIRED)
        return i + 1

    j = 1
    for _ in range(schema[0].get(5, 0)):
        j = walk(j, [])
    for n in names:
        if n not in repetition:
            raise ParquetError(f"the file has no column {n}")
        if repetition[n] not in (REQUIRED, OPTIONAL):
            raise ParquetError(f"column {n} is repeated")
    out = {n: [] for n in names}
    for rg in meta.get(4, []):
        for cc in rg[1]:
            cm = cc[3]
            key = ".".join(p.decode() for p in cm[3])
            if key in out:
                out[key].append(_read_chunk(buf, cm, repetition[key]))
    joined = {}
    for n, parts in out.items():
        if parts and isinstance(parts[0], list):
            joined[n] = [v for p in parts for v in p]
        else:
            joined[n] = np.concatenate(parts) if parts else np.zeros(0)
    return joined
