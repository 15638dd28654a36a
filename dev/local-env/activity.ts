/** Invocations the triggers have started and not finished: part of "has everything settled?". */
export class Activity {
  private running = 0;

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
    }
  }

  get inFlight(): number {
    return this.running;
  }
}
