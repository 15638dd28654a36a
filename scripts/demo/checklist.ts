/** The demo's expectations: each step states what must be true; any miss makes the demo fail. */
export interface CheckResult {
  step: string;
  expectation: string;
  passed: boolean;
  detail?: string;
}

export class Checklist {
  readonly results: CheckResult[] = [];

  /** Records one expectation; `detail` explains a miss (what was seen instead). */
  check(step: string, expectation: string, passed: boolean, detail?: string): boolean {
    this.results.push({ step, expectation, passed, ...(passed || !detail ? {} : { detail }) });
    return passed;
  }

  get failures(): CheckResult[] {
    return this.results.filter((result) => !result.passed);
  }

  /** Lines for the report: one per expectation, misses with their detail. */
  lines(): string[] {
    return this.results.map(
      (result) =>
        `${result.passed ? 'ok  ' : 'FAIL'} [${result.step}] ${result.expectation}${result.detail ? ` — ${result.detail}` : ''}`,
    );
  }
}
