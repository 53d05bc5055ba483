/**
 * Pure: cuts ffmpeg's raw rgb24 pipe into frames. The size and time of each frame come from
 * its `showinfo` line on stderr (n, pts_time, s:WxH), which may arrive before or after the
 * frame's bytes; frames are paired with lines in order.
 */

export interface FrameInfo {
  n: number;
  /** Seconds, or undefined when ffmpeg printed NOPTS. */
  ptsTime: number | undefined;
  width: number;
  height: number;
}

export interface RawFrame extends FrameInfo {
  data: Buffer;
}

const SHOWINFO = /\]\s+n:\s*(\d+)\s+pts:\s*\S+\s+pts_time:(\S+).*?\ss:(\d+)x(\d+)\s/;

/** Parses one `showinfo` frame line; undefined for any other stderr line. */
export function parseShowinfo(line: string): FrameInfo | undefined {
  if (!line.includes('Parsed_showinfo')) return undefined;
  const m = SHOWINFO.exec(`${line} `);
  if (!m) return undefined;
  const pts = Number(m[2]);
  return { n: Number(m[1]), ptsTime: Number.isFinite(pts) ? pts : undefined, width: Number(m[3]), height: Number(m[4]) };
}

/** Where frames are put: a buffer of `size` bytes (by default fresh shared memory). */
export type Allocate = (size: number) => Buffer;

const sharedBuffer: Allocate = (size) => Buffer.from(new SharedArrayBuffer(size));

/**
 * Bytes are copied into frame buffers as they arrive, cut at the size of the frame's `showinfo`
 * line, or while that line has not arrived yet, at the size of the last line seen (a stream
 * keeps its size). Pipe chunks (64 KB each, 95 a 1080p frame) are therefore not held until the
 * line comes. Against holding them, at 16 cameras of 1080p: about 5% less wall and CPU time
 * (five alternating runs; it did not change how often V8 collected the whole heap). Only bytes of a run's first frame (no size known yet) are kept as they came, and bytes cut
 * at a size a line then contradicts (the stream changed size) are re-cut.
 */
export class FrameAssembler {
  private infos: FrameInfo[] = [];
  /** Frames whose bytes are all in, cut at a guessed size, waiting for their line. */
  private complete: Buffer[] = [];
  /** The frame being filled (after `complete`). */
  private filling: { buf: Buffer; filled: number } | undefined;
  /** Bytes kept as they came (no size known); while any, later bytes join them (order). */
  private raw: Buffer[] = [];
  private rawBytes = 0;
  private lastSize: number | undefined;

  constructor(private readonly allocate: Allocate = sharedBuffer) {}

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.rawBytes + this.complete.reduce((n, b) => n + b.length, 0) + (this.filling?.filled ?? 0);
  }

  /** Frame lines received whose bytes have not all arrived. */
  get pendingInfos(): number {
    return this.infos.length;
  }

  /** Adds pipe bytes (copied out of `chunk` once a frame size is known); returns the frames now complete. */
  pushData(chunk: Buffer): RawFrame[] {
    let off = 0;
    while (off < chunk.length) {
      const size = this.filling?.buf.length ?? this.guess();
      if (this.raw.length > 0 || size === undefined) {
        this.raw.push(chunk.subarray(off));
        this.rawBytes += chunk.length - off;
        break;
      }
      this.filling ??= { buf: this.allocate(size), filled: 0 };
      const f = this.filling;
      const n = Math.min(size - f.filled, chunk.length - off);
      chunk.copy(f.buf, f.filled, off, off + n);
      f.filled += n;
      off += n;
      if (f.filled === size) {
        this.complete.push(f.buf);
        this.filling = undefined;
      }
    }
    return this.drain();
  }

  /** Adds a frame's size and time; returns the frames now complete. */
  pushInfo(info: FrameInfo): RawFrame[] {
    this.infos.push(info);
    this.lastSize = info.width * info.height * 3;
    return this.drain();
  }

  /** The size of the next frame to start filling: its line's, else the last line's. */
  private guess(): number | undefined {
    const info = this.infos[this.complete.length];
    return info ? info.width * info.height * 3 : this.lastSize;
  }

  private drain(): RawFrame[] {
    const out: RawFrame[] = [];
    for (;;) {
      const info = this.infos[0];
      if (!info) break;
      const size = info.width * info.height * 3;
      const cut = this.complete[0] ?? this.filling?.buf;
      if (cut && cut.length !== size) this.uncut(); // the stream changed size: re-cut from the bytes
      if (this.complete.length > 0) {
        this.infos.shift();
        out.push({ ...info, data: this.complete.shift()! });
        continue;
      }
      if (this.raw.length === 0 || this.rawBytes < size) break;
      this.infos.shift();
      out.push({ ...info, data: this.take(size) });
    }
    return out;
  }

  /** Puts every byte cut at a guessed size back with the raw ones, in order. */
  private uncut(): void {
    const parts = [...this.complete, ...(this.filling ? [this.filling.buf.subarray(0, this.filling.filled)] : [])];
    this.raw = [...parts, ...this.raw];
    this.rawBytes += parts.reduce((n, b) => n + b.length, 0);
    this.complete = [];
    this.filling = undefined;
  }

  /**
   * The first `size` raw bytes, copied once into a frame of their own (from `allocate`:
   * shared memory, which the face workers read where it is, without a second copy of 6 MB per
   * 1080p frame; src/faces/pool.ts).
   */
  private take(size: number): Buffer {
    const data = this.allocate(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.raw[0]!;
      const n = Math.min(chunk.length, size - filled);
      chunk.copy(data, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.raw.shift();
      else this.raw[0] = chunk.subarray(n);
    }
    this.rawBytes -= size;
    return data;
  }
}
