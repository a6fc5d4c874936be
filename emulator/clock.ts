/**
 * The emulator clock: real time plus an offset. It keeps running (tests rely
 * on the emulator and themselves seeing time pass together); tests move it with
 * `advanceSeconds` (adds to the offset) or `set` (may go back in time).
 */
export class EmulatorClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): Date {
    this.offsetMs += seconds * 1000;
    return this.now();
  }

  set(instant: Date): Date {
    this.offsetMs = instant.getTime() - Date.now();
    return this.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
