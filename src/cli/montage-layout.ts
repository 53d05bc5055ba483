/** Pure: where each thumbnail goes in a montage grid. */
export interface MontageLayout {
  columns: number;
  rows: number;
  width: number;
  height: number;
  /** Top-left corner of each cell, in reading order. */
  cells: Array<{ left: number; top: number }>;
}

/**
 * A near-square grid for `count` tiles of `size` pixels with `gap` pixels between and around
 * them: columns = ceil(sqrt(count)), rows as needed.
 */
export function montageLayout(count: number, size: number, gap = 2): MontageLayout {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`montage needs at least one tile, got ${count}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`tile size must be a positive integer, got ${size}`);
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const cells = Array.from({ length: count }, (_, i) => ({
    left: gap + (i % columns) * (size + gap),
    top: gap + Math.floor(i / columns) * (size + gap),
  }));
  return { columns, rows, width: gap + columns * (size + gap), height: gap + rows * (size + gap), cells };
}
