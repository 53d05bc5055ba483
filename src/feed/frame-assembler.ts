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

export class FrameAssembler {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private infos: FrameInfo[] = [];

  constructor(private readonly allocate: Allocate = sharedBuffer) {}

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Frame lines received whose bytes have not all arrived. */
  get pendingInfos(): number {
    return this.infos.length;
  }

  /** Adds pipe bytes; returns the frames now complete. */
  pushData(chunk: Buffer): RawFrame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    return this.drain();
  }

  /** Adds a frame's size and time; returns the frames now complete. */
  pushInfo(info: FrameInfo): RawFrame[] {
    this.infos.push(info);
    return this.drain();
  }

  private drain(): RawFrame[] {
    const out: RawFrame[] = [];
    for (;;) {
      const info = this.infos[0];
      if (!info) break;
      const size = info.width * info.height * 3;
      if (this.buffered < size) break;
      this.infos.shift();
      out.push({ ...info, data: this.take(size) });
    }
    return out;
  }

  /**
   * The first `size` buffered bytes, copied once into a frame of their own (from `allocate`:
   * shared memory, which the face workers read where it is, without a second copy of 6 MB per
   * 1080p frame; src/faces/pool.ts).
   */
  private take(size: number): Buffer {
    const data = this.allocate(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, size - filled);
      chunk.copy(data, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.buffered -= size;
    return data;
  }
}
