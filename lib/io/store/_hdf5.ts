/**
 * The h5wasm calls the store's writer and reader share (docs/campaign.md §7): opening a file after
 * checking its signature, int64 attributes, typed group and dataset look-ups, and creating an
 * appendable chunked dataset from a {@link DatasetSpec}. Internal to lib/io/store.
 * @module
 */
import h5wasm from "h5wasm/node";
import { FileFormatError } from "../../errors.ts";
import { type DatasetSpec, GZIP_LEVEL } from "./schema.ts";

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = ReturnType<H5File["create_group"]>;
export type H5Dataset = ReturnType<H5Group["create_dataset"]>;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Load the h5wasm module (idempotent; awaits the wasm instantiation). */
export async function h5Ready(): Promise<void> {
  await h5wasm.ready;
}

/**
 * Check the 8-byte HDF5 signature at offset 0.
 * @throws FileFormatError if missing or not HDF5
 */
export function assertHdf5Signature(path: string): void {
  let head: Uint8Array;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      head = new Uint8Array(8);
      const n = file.readSync(head) ?? 0;
      if (n < 8) throw new FileFormatError(path, "not an HDF5 file (shorter than 8 bytes)");
    } finally {
      file.close();
    }
  } catch (e) {
    if (e instanceof FileFormatError || e instanceof Deno.errors.NotCapable) throw e;
    throw new FileFormatError(path, `cannot read the file (${(e as Error).message})`, { cause: e });
  }
  if (!HDF5_SIGNATURE.every((b, i) => head[i] === b)) {
    throw new FileFormatError(path, "not an HDF5 file (bad signature)");
  }
}

/**
 * Open an existing HDF5 file read-only ("r") or for appending ("a"); h5wasm must be ready.
 * @throws FileFormatError if the file is not HDF5 or h5wasm cannot open it
 */
export function openH5(path: string, mode: "r" | "a"): H5File {
  assertHdf5Signature(path);
  try {
    return new h5wasm.File(path, mode);
  } catch (e) {
    throw new FileFormatError(path, `h5wasm cannot open it (${(e as Error).message})`, {
      cause: e,
    });
  }
}

/** Create a new HDF5 file, replacing any file at `path`; h5wasm must be ready. */
export function createH5(path: string): H5File {
  return new h5wasm.File(path, "w");
}

/** Set (or replace) an int64 scalar attribute. */
export function int64Attr(obj: H5Group, name: string, value: number): void {
  if (obj.attrs[name] !== undefined) obj.delete_attribute(name);
  obj.create_attribute(name, BigInt64Array.of(BigInt(value)), [], "<q");
}

/** A numeric attribute as a number (int64 included); NaN when absent or not numeric. */
export function readNumberAttr(obj: H5Group, name: string): number {
  const a = obj.attrs[name];
  if (a === undefined) return NaN;
  const v = a.value;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  if (ArrayBuffer.isView(v)) return Number((v as unknown as ArrayLike<number | bigint>)[0]);
  return NaN;
}

/** An attribute value as the store's readers see it: int64 as a number, anything else as text. */
export function attributeValue(v: unknown): string | number {
  return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : String(v);
}

/** Every root attribute of `f` as {@link attributeValue}s. */
export function rootAttributes(f: H5File): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, a] of Object.entries(f.attrs)) out[k] = attributeValue(a.value);
  return out;
}

/** A string-list attribute (`columns`) as strings; [] when absent. */
export function stringListAttr(obj: H5Group | H5Dataset, name: string): string[] {
  const v = obj.attrs[name]?.value;
  return Array.isArray(v) ? v.map(String) : [];
}

/**
 * The dataset `name` of `g`.
 * @throws FileFormatError if it is missing
 */
export function dataset(g: H5Group, name: string): H5Dataset {
  const d = g.get(name);
  if (d === null || !(d instanceof h5wasm.Dataset)) {
    throw new FileFormatError(`${g.path}/${name}`, "dataset missing");
  }
  return d;
}

/** The dataset `name` of `g`, or null when absent. */
export function optionalDataset(g: H5Group, name: string): H5Dataset | null {
  const d = g.get(name);
  return d === null || !(d instanceof h5wasm.Dataset) ? null : d;
}

/**
 * The group `name` at the root of `f`.
 * @throws FileFormatError if it is missing
 */
export function group(f: H5File, name: string): H5Group {
  const g = f.get(name);
  if (g === null || !(g instanceof h5wasm.Group)) {
    throw new FileFormatError(`/${name}`, "group missing");
  }
  return g;
}

/** Length of the first dimension of a dataset. */
export function firstDim(d: H5Dataset): number {
  return (d.shape ?? [0])[0];
}

/** Create an empty, unlimited, chunked dataset of `spec` in `g`, with its list attribute. */
export function createAppendable(g: H5Group, spec: DatasetSpec, chunkRows: number): H5Dataset {
  const shape = spec.width ? [0, spec.width] : [0];
  const ds = g.create_dataset({
    name: spec.name,
    // deno-lint-ignore no-explicit-any
    data: spec.empty() as any,
    shape,
    maxshape: spec.width ? [null, spec.width] : [null],
    chunks: spec.width ? [chunkRows, spec.width] : [chunkRows],
    dtype: spec.dtype,
    ...(spec.gzip ? { compression: "gzip" as const, compression_opts: GZIP_LEVEL } : {}),
  });
  if (spec.listAttribute) {
    ds.create_attribute(spec.listAttribute.name, [...spec.listAttribute.values]);
  }
  return ds;
}
