/**
 * Keel's core in the browser: `crates/web-core` compiled to Wasm, the functions the keeper and the
 * simulator call, so the page shows the Greeks they read and the band the pool checks. The page
 * writes the pool's views (`curve_state`, `market_status`'s `Ok` value, `config`), as SCALE bytes
 * exactly as the chain returns them, into the module's buffer; the module answers in the same
 * buffer: a SCALE value, or a refusal's name (a negative length).
 */

/** The LP position's Greeks (`keel_core::greeks::Greeks`), in token units of the whole pool. */
export interface Greeks {
  /** Base the pool holds at the oracle price. */
  delta: bigint;
  /** `delta` less the base target: base held beyond the LPs' claim (negative when short). */
  deltaVsTarget: bigint;
  /** Base the pool's holdings change by on a 1% rise (zero or negative) and fall (zero or positive). */
  gammaUp: bigint;
  gammaDown: bigint;
  /** Quote: what 10 points more volatility adds to the position after a 1% move; null past the bounds. */
  vega: bigint | null;
}

/** Where a rebalance is due and where it stops (1e18 fractions of the targets' value). */
export interface Band {
  trigger: bigint;
  target: bigint;
}

export type CoreAnswer<T> = { ok: T } | { refused: string };

/** Reads SCALE's fixed-width little-endian integers, in order. */
export class ScaleReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private int(width: number, signed: boolean): bigint {
    if (this.at + width > this.bytes.length) throw new Error("SCALE value ends early");
    let v = 0n;
    for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[this.at + i]);
    this.at += width;
    return signed ? BigInt.asIntN(width * 8, v) : v;
  }

  u128(): bigint {
    return this.int(16, false);
  }

  i128(): bigint {
    return this.int(16, true);
  }

  option<T>(read: () => T): T | null {
    const tag = this.int(1, false);
    if (tag === 0n) return null;
    if (tag === 1n) return read();
    throw new Error(`SCALE option tag ${tag}`);
  }

  /** Fails unless every byte was read. */
  end(): void {
    if (this.at !== this.bytes.length) throw new Error(`${this.bytes.length - this.at} SCALE bytes left over`);
  }
}

export function decodeGreeks(bytes: Uint8Array): Greeks {
  const r = new ScaleReader(bytes);
  const g = {
    delta: r.u128(),
    deltaVsTarget: r.i128(),
    gammaUp: r.i128(),
    gammaDown: r.i128(),
    vega: r.option(() => r.i128()),
  };
  r.end();
  return g;
}

export function decodeBand(bytes: Uint8Array): Band {
  const r = new ScaleReader(bytes);
  const b = { trigger: r.u128(), target: r.u128() };
  r.end();
  return b;
}

interface Exports {
  memory: WebAssembly.Memory;
  buffer(): number;
  buffer_len(): number;
  greeks(len: number): number;
  band(len: number): number;
}

export class Core {
  private constructor(private readonly exports: Exports) {}

  /** Instantiates the module from its bytes (`keel_web_core.wasm`). */
  static async load(wasm: BufferSource): Promise<Core> {
    const { instance } = await WebAssembly.instantiate(wasm, {});
    return new Core(instance.exports as unknown as Exports);
  }

  private call<T>(fn: (len: number) => number, views: Uint8Array, decode: (b: Uint8Array) => T): CoreAnswer<T> {
    const { memory, buffer, buffer_len } = this.exports;
    if (views.length > buffer_len()) return { refused: "InputTooLong" };
    const at = buffer();
    new Uint8Array(memory.buffer, at, views.length).set(views);
    const n = fn(views.length);
    // The memory may have grown during the call: view it afresh.
    const out = new Uint8Array(memory.buffer, at, Math.abs(n)).slice();
    return n >= 0 ? { ok: decode(out) } : { refused: new TextDecoder().decode(out) };
  }

  /** The LP position's Greeks from the views' bytes, or the core's refusal by name. */
  greeks(views: Uint8Array): CoreAnswer<Greeks> {
    return this.call((n) => this.exports.greeks(n), views, decodeGreeks);
  }

  /** The rebalancing band at the oracle's volatility, as the pool checks it. */
  band(views: Uint8Array): CoreAnswer<Band> {
    return this.call((n) => this.exports.band(n), views, decodeBand);
  }
}
