/**
 * The operators' inbox: the failure topic's e-mail subscription stands as a queue in the local
 * deployment; this reads it continuously, so each notice is shown (and kept) as it is published.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { drainQueue, type ObservedQueue } from '../local-aws/observe.ts';

export class NoticeInbox {
  readonly received: string[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queue: ObservedQueue,
    private readonly onNotice?: (text: string) => void,
  ) {}

  start(): void {
    this.loop = this.read();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async read(): Promise<void> {
    while (!this.stopped) {
      try {
        const bodies = await drainQueue(this.sqs, this.queue.url, { waitMs: 0, timeoutMs: 0 });
        for (const body of bodies) {
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          this.received.push(text);
          this.onNotice?.(text);
        }
      } catch (error) {
        if (this.stopped) return;
        process.stderr.write(`local-env: failure inbox: ${String(error)}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
