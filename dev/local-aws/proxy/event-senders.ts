/**
 * moto delivers a rule's cross-account event-bus target by putting the event again on the target
 * bus, which stamps the envelope's `account` with the *target* account. AWS keeps the account the
 * event came from, and scp-alt relies on it (an IAM event whose `account` is not the account it is
 * about is refused as forged). So the proxy remembers which account each CloudTrail event it
 * emitted came from, and when a queue hands such an event out (SQS ReceiveMessage, JSON protocol)
 * it puts that account back, with the body's MD5 recomputed as SQS computes it. Events it did not
 * emit are left exactly as they are.
 */
import { createHash } from 'node:crypto';
import type { ProxyResponse } from './aws-errors.ts';
import type { AwsCall } from './fidelity.ts';

/** Enough for every event a test or a local session emits between resets. */
const REMEMBERED = 50_000;

interface ReceivedMessage {
  Body?: string;
  MD5OfBody?: string;
}

export class EventSenders {
  private readonly senderOf = new Map<string, string>();

  remember(eventId: string, account: string): void {
    if (this.senderOf.size >= REMEMBERED) {
      const oldest = this.senderOf.keys().next().value;
      if (oldest !== undefined) this.senderOf.delete(oldest);
    }
    this.senderOf.set(eventId, account);
  }

  clear(): void {
    this.senderOf.clear();
  }

  /** The answer with the sending account restored in every event this proxy emitted. */
  restore(call: AwsCall, answer: ProxyResponse): ProxyResponse {
    if (this.senderOf.size === 0 || call.info.service !== 'sqs' || call.info.operation !== 'ReceiveMessage')
      return answer;
    if (call.info.protocol !== 'json' || answer.status !== 200) return answer;
    const reply = JSON.parse(answer.body.toString('utf8')) as { Messages?: ReceivedMessage[] };
    let changed = false;
    for (const message of reply.Messages ?? []) {
      const restored = this.restoredBody(message.Body);
      if (restored === undefined) continue;
      message.Body = restored;
      message.MD5OfBody = createHash('md5').update(restored).digest('hex');
      changed = true;
    }
    return changed ? { ...answer, body: Buffer.from(JSON.stringify(reply)) } : answer;
  }

  private restoredBody(body: string | undefined): string | undefined {
    if (body === undefined || !body.includes('"eventID"')) return undefined;
    let event: { account?: unknown; detail?: { eventID?: unknown } };
    try {
      event = JSON.parse(body);
    } catch {
      return undefined;
    }
    const eventId = event.detail?.eventID;
    const sender = typeof eventId === 'string' ? this.senderOf.get(eventId) : undefined;
    if (sender === undefined || event.account === sender) return undefined;
    return JSON.stringify({ ...event, account: sender });
  }
}
