/**
 * Which operations each role session made, for as long as the stack runs (not cleared with the
 * call counters): lets a test hold what the functions actually call against the permissions they
 * are deployed with.
 */
import type { AuditedCall } from '../types.ts';
import type { Caller } from './identity.ts';

export class SessionAudit {
  private readonly seen = new Map<string, AuditedCall>();

  record(caller: Caller, service: string, operation: string): void {
    if (!caller.sessionName) return;
    const call = {
      sessionName: caller.sessionName,
      principalArn: caller.principalArn,
      operation: `${service}:${operation}`,
    };
    this.seen.set(`${call.sessionName}|${call.principalArn}|${call.operation}`, call);
  }

  list(): AuditedCall[] {
    return [...this.seen.values()];
  }

  clear(): void {
    this.seen.clear();
  }
}
