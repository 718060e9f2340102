// Frame rate and bit rate over a sliding window, from frame arrival times. Pure.
const WINDOW_MS = 5000;

export class StreamHealth {
  private times: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  lastFrameAt: number | null = null;

  frame(now: number, bytes: number): void {
    this.times.push(now);
    this.sizes.push(bytes);
    this.lastFrameAt = now;
    this.trim(now);
  }

  private trim(now: number): void {
    while (this.head < this.times.length && now - this.times[this.head] > WINDOW_MS) this.head++;
    if (this.head > 512) {
      this.times = this.times.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  rates(now: number): { fps: number | null; bitrateKbps: number | null } {
    this.trim(now);
    const n = this.times.length - this.head;
    if (n < 2) return { fps: null, bitrateKbps: null };
    const span = Math.max(now - this.times[this.head], 1);
    let bytes = 0;
    for (let i = this.head; i < this.sizes.length; i++) bytes += this.sizes[i];
    return { fps: Math.round((n * 10000) / span) / 10, bitrateKbps: Math.round((bytes * 8) / span) };
  }

  reset(): void {
    this.times = [];
    this.sizes = [];
    this.head = 0;
  }
}
