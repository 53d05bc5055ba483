/**
 * Collects descriptor requests from concurrent callers into batches: a batch runs when it
 * reaches `batchSize` or when the oldest request has waited `batchWait` ms. One batch runs
 * at a time; requests arriving meanwhile form the next one.
 */
export type BatchRunner = (input: Float32Array, n: number) => Promise<Float32Array>;

interface Pending {
  chip: Float32Array;
  resolve: (d: Float32Array) => void;
  reject: (e: unknown) => void;
}

export class Batcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly runBatch: BatchRunner,
    private readonly itemSize: number,
    private readonly outSize: number,
    private readonly batchSize: number,
    private readonly batchWait: number,
  ) {}

  submit(chip: Float32Array): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ chip, resolve, reject });
      if (this.queue.length >= this.batchSize) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.batchWait);
    });
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.batchSize);
    this.running = true;
    void this.execute(batch).finally(() => {
      this.running = false;
      if (this.queue.length >= this.batchSize) this.kick();
      else if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => this.kick(), this.batchWait);
    });
  }

  private async execute(batch: Pending[]): Promise<void> {
    try {
      const input = new Float32Array(batch.length * this.itemSize);
      batch.forEach((p, i) => input.set(p.chip, i * this.itemSize));
      const out = await this.runBatch(input, batch.length);
      batch.forEach((p, i) => p.resolve(out.slice(i * this.outSize, (i + 1) * this.outSize)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** Rejects whatever still waits (engine shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const p of this.queue.splice(0)) p.reject(new Error('face engine closed'));
  }
}
