/**
 * Records of a fixed number of int32 and float64 columns in two typed arrays, appended at the end and
 * dropped from the front, addressed by an absolute index that never changes while the record lives.
 * Space freed at the front is reused (the live part is copied down) before the arrays grow, and they
 * grow by half, so the storage stays within about 1.5-2x of what is live.
 */
export class ColumnStore {
  private ints: Int32Array;
  private floats: Float64Array;
  private capacity: number;
  /** Absolute index of physical record 0, of the first live record, and one past the last. */
  private base = 0;
  private head = 0;
  private end = 0;

  constructor(
    private readonly intCols: number,
    private readonly floatCols: number,
    initial = 64,
  ) {
    this.capacity = initial;
    this.ints = new Int32Array(initial * intCols);
    this.floats = new Float64Array(initial * floatCols);
  }

  /** Absolute index of the first live record. */
  get first(): number {
    return this.head;
  }
  /** One past the absolute index of the last record. */
  get next(): number {
    return this.end;
  }

  /** Appends a zeroed record and returns its absolute index. */
  append(): number {
    if (this.end - this.base === this.capacity) this.makeRoom();
    const p = this.end - this.base;
    this.ints.fill(0, p * this.intCols, (p + 1) * this.intCols);
    this.floats.fill(0, p * this.floatCols, (p + 1) * this.floatCols);
    return this.end++;
  }

  /** Drops every record before absolute index `abs`. */
  dropBefore(abs: number): void {
    this.head = Math.min(Math.max(this.head, abs), this.end);
  }

  int(abs: number, col: number): number {
    return this.ints[(abs - this.base) * this.intCols + col]!;
  }
  setInt(abs: number, col: number, value: number): void {
    this.ints[(abs - this.base) * this.intCols + col] = value;
  }
  float(abs: number, col: number): number {
    return this.floats[(abs - this.base) * this.floatCols + col]!;
  }
  setFloat(abs: number, col: number, value: number): void {
    this.floats[(abs - this.base) * this.floatCols + col] = value;
  }

  /** Bytes of the two arrays (capacity included). */
  bytes(): number {
    return this.ints.byteLength + this.floats.byteLength;
  }

  /** The live records' columns, flat, oldest first (for the state file). */
  export(): { ints: number[]; floats: number[] } {
    const from = this.head - this.base;
    const n = this.end - this.head;
    return {
      ints: Array.from(this.ints.subarray(from * this.intCols, (from + n) * this.intCols)),
      floats: Array.from(this.floats.subarray(from * this.floatCols, (from + n) * this.floatCols)),
    };
  }

  private makeRoom(): void {
    const live = this.end - this.head;
    const from = this.head - this.base;
    // Reuse the front when at least a quarter is free; otherwise grow by half.
    const next = live <= (this.capacity * 3) / 4 ? this.capacity : Math.ceil(this.capacity * 1.5);
    if (next === this.capacity) {
      this.ints.copyWithin(0, from * this.intCols, (from + live) * this.intCols);
      this.floats.copyWithin(0, from * this.floatCols, (from + live) * this.floatCols);
    } else {
      const ints = new Int32Array(next * this.intCols);
      const floats = new Float64Array(next * this.floatCols);
      ints.set(this.ints.subarray(from * this.intCols, (from + live) * this.intCols));
      floats.set(this.floats.subarray(from * this.floatCols, (from + live) * this.floatCols));
      this.ints = ints;
      this.floats = floats;
      this.capacity = next;
    }
    this.base = this.head;
  }
}
