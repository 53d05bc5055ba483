/**
 * Recycled frame buffers in shared memory, one set per camera. A 1080p RGB frame is 6 MB: a
 * fresh SharedArrayBuffer for every frame costs the kernel's page faults over 6 MB and, now and
 * then, a garbage collection, several ms a frame on the thread that reads ffmpeg's pipe.
 *
 * Contract: `acquire(size)` gives a buffer of exactly `size` bytes (contents undefined) in shared
 * memory, so the face workers read it without a copy; `handBack(buf)` returns a function that
 * gives `buf` back at most once however often it is called. Call it only when nothing reads the
 * buffer any more (the frame is analysed and its thumbnails cut, or it was dropped). A buffer
 * never given back is collected as usual: forgetting costs speed, never correctness. At most
 * `keep` free buffers are held.
 */
export class FrameBuffers {
  private free: Buffer[] = [];

  constructor(private readonly keep = 3) {}

  acquire(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length === size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    return Buffer.from(new SharedArrayBuffer(size));
  }

  handBack(buf: Buffer): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.free.push(buf);
      if (this.free.length > this.keep) this.free.shift();
    };
  }
}
