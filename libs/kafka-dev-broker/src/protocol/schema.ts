import { type Reader, type Writer } from './wire';

/**
 * One wire type: how to read it and how to write it. Every request and response is declared
 * once as a schema, so its decoder and encoder cannot drift apart.
 */
export interface Codec<T> {
  read(reader: Reader): T;
  // Method syntax keeps `write` bivariant, so a Codec<number> is usable where a Codec<unknown> is expected.
  write(writer: Writer, value: T): void;
  /** Fewest bytes one value takes on the wire, used to reject impossible array lengths. */
  readonly minBytes: number;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

export const int8: Codec<number> = { read: (r) => r.int8(), write: (w, v) => w.int8(v), minBytes: 1 };
export const int16: Codec<number> = { read: (r) => r.int16(), write: (w, v) => w.int16(v), minBytes: 2 };
export const int32: Codec<number> = { read: (r) => r.int32(), write: (w, v) => w.int32(v), minBytes: 4 };
export const int64: Codec<number> = { read: (r) => r.int64(), write: (w, v) => w.int64(v), minBytes: 8 };
export const boolean: Codec<boolean> = { read: (r) => r.boolean(), write: (w, v) => w.boolean(v), minBytes: 1 };

export const nullableString: Codec<string | null> = {
  read: (r) => r.nullableString(),
  write: (w, v) => w.nullableString(v),
  minBytes: 2,
};

/** A non-nullable STRING; a null on the wire (which kafkajs sends for some unset fields) reads as ''. */
export const string: Codec<string> = {
  read: (r) => r.nullableString() ?? '',
  write: (w, v) => w.nullableString(v),
  minBytes: 2,
};

export const nullableBytes: Codec<Buffer | null> = {
  read: (r) => r.nullableBytes(),
  write: (w, v) => w.nullableBytes(v),
  minBytes: 4,
};

/** Non-nullable BYTES; a null on the wire reads as an empty buffer. */
export const bytes: Codec<Buffer> = {
  read: (r) => r.nullableBytes() ?? Buffer.alloc(0),
  write: (w, v) => w.nullableBytes(v),
  minBytes: 4,
};

/**
 * RECORDS: an int32 size followed by record batches. Kept as chunks so a fetch response can
 * send stored batches without concatenating them.
 */
export const records: Codec<Buffer[] | null> = {
  read: (r) => {
    const value = r.nullableBytes();
    return value === null ? null : [value];
  },
  write: (w, v) => {
    if (v === null) {
      w.int32(-1);
      return;
    }
    w.int32(v.reduce((total, chunk) => total + chunk.length, 0));
    for (const chunk of v) w.raw(chunk);
  },
  minBytes: 4,
};

/** ARRAY of T; a null array (length -1) reads as empty. */
export function array<T>(element: Codec<T>): Codec<T[]> {
  return {
    read: (r) => {
      const length = r.arrayLength(element.minBytes);
      const values: T[] = [];
      for (let i = 0; i < length; i++) values.push(element.read(r));
      return values;
    },
    write: (w, values) => {
      w.int32(values.length);
      for (const value of values) element.write(w, value);
    },
    minBytes: 4,
  };
}

/** Nullable ARRAY of T, where null carries meaning (for example "all topics"). */
export function nullableArray<T>(element: Codec<T>): Codec<T[] | null> {
  const inner = array(element);
  return {
    read: (r) => {
      const length = r.arrayLength(element.minBytes);
      if (length === -1) return null;
      const values: T[] = [];
      for (let i = 0; i < length; i++) values.push(element.read(r));
      return values;
    },
    write: (w, values) => {
      if (values === null) w.int32(-1);
      else inner.write(w, values);
    },
    minBytes: 4,
  };
}

type Fields = Record<string, Codec<unknown>>;
export type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** A sequence of named fields, read and written in declaration order. */
export function struct<F extends Fields>(fields: F): Codec<StructOf<F>> {
  const entries = Object.entries(fields);
  return {
    read: (r) => {
      const value: Record<string, unknown> = {};
      for (const [name, codec] of entries) value[name] = codec.read(r);
      return value as StructOf<F>;
    },
    write: (w, value) => {
      const fieldValues = value as Record<string, unknown>;
      for (const [name, codec] of entries) codec.write(w, fieldValues[name]);
    },
    minBytes: entries.reduce((total, [, codec]) => total + codec.minBytes, 0),
  };
}

/** Decodes a whole body and fails on trailing bytes. */
export function decode<T>(codec: Codec<T>, reader: Reader, what: string): T {
  const value = codec.read(reader);
  reader.expectEnd(what);
  return value;
}
