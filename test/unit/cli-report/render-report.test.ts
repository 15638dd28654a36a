/** The estate report's content, from a capture: what an operator must find on the page. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeReportCommand } from '#cli/commands/report.ts';
import { runCli } from '#cli/main.ts';
import { renderEstateReport } from '#cli/report/render-report.ts';
import { fakeIo } from '../cli/fake-io.ts';
import {
  ACTIVE_ACCOUNT,
  estateFixture,
  FAILED_ACCOUNT,
  SANDBOX,
  UNENROLLED_ACCOUNT,
} from './estate-fixture.ts';

const OUTPUT = join('.test-results', 'report');

describe('renderEstateReport', () => {
  const page = renderEstateReport(estateFixture(), new Date('2026-11-23T10:00:00.000Z'));

  it('Given a capture, then the page is self-contained: no script, no link, no external URL', () => {
    expect(page).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(page).toContain('<style>');
  });

  it('Given the organization tree, then OUs show with names and ids, accounts with status, levels with their files', () => {
    expect(page).toContain('OU Workloads (ou-ab12-11111111)');
    expect(page).toContain('OU Sandbox (ou-ab12-33333333)');
    expect(page).toContain(`app-prod ${UNENROLLED_ACCOUNT}`);
    expect(page).toMatch(new RegExp(`data-account="${FAILED_ACCOUNT}"><span class="badge">FAILED`));
    expect(page).toContain(`files: ${SANDBOX}.json`);
  });

  it('Given the accounts, then boundary version, age as of the capture and the files per level are shown', () => {
    expect(page).toContain('<td>v3</td>');
    expect(page).toContain('3 d 2 h'); // 2026-11-20T08:00 → 2026-11-23T10:00
    expect(page).toContain('<span class="level">Workloads (ou-ab12-11111111)</span>: ou-ab12-11111111.json');
    expect(page).toContain(
      `<span class="level">account-${ACTIVE_ACCOUNT}</span>: <span class="none">no file</span>`,
    );
  });

  it('Given an account with additional policies, then their versions follow the boundary version', () => {
    const capture = estateFixture();
    const [first] = capture.accounts;
    if (first) first.additionalPolicies = [{ name: 'scp-enforce-policy-2', versionId: 'v7' }];
    const withExtras = renderEstateReport(capture, new Date('2026-11-23T10:00:00.000Z'));
    expect(withExtras).toContain('<td>v3 + scp-enforce-policy-2 v7</td>');
  });

  it('Given principals without a boundary, then each is listed with the reason, missing ones apart from exempt ones', () => {
    expect(page).toContain(
      `<li class="missing"><code>arn:aws-cn:iam::${ACTIVE_ACCOUNT}:role/batch-runner</code>`,
    );
    expect(page).toContain('exempt: organization access role OrganizationAccountAccessRole');
    expect(page).toContain(`${FAILED_ACCOUNT}: principals could not be read: AccessDenied: not authorized`);
  });

  it('Given an error text with markup, then it is escaped, never rendered', () => {
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
  });

  it('Given a capture made without --estate, then the tree comes from the OU paths and the page says what is missing', () => {
    const { organization: _tree, principals: _principals, ...plain } = estateFixture();
    const without = renderEstateReport(plain, new Date('2026-11-23T10:00:00.000Z'));
    expect(without).toContain('made without --estate');
    expect(without).toContain('OU ou-ab12-33333333');
    expect(without).toContain('Not in this capture: run `scp-alt status --json --estate`');
  });

  it('Given a capture whose organization could not be read, then the page says why and still draws the OU paths', () => {
    const capture = {
      ...estateFixture(),
      organization: { roots: [], error: 'AccessDenied: not authorized to perform organizations:ListRoots' },
    };
    const denied = renderEstateReport(capture, new Date('2026-11-23T10:00:00.000Z'));
    expect(denied).toContain(
      'The organization could not be read (AccessDenied: not authorized to perform organizations:ListRoots)',
    );
    expect(denied).toContain(`data-account="${FAILED_ACCOUNT}"`);
    expect(denied).toContain('OU ou-ab12-33333333');
  });
});

describe('scp-alt report --from', () => {
  it('Given a status --json capture, when report runs offline, then the page is written and summarised (exit 0)', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const capture = join(OUTPUT, 'capture.json');
    const out = join(OUTPUT, 'from-capture.html');
    writeFileSync(capture, JSON.stringify(estateFixture()));
    const io = fakeIo();
    const code = await runCli(['report', '--from', capture, '--out', out], io, [
      makeReportCommand({ env: {}, stdoutIsTty: false }),
    ]);
    expect(code).toBe(0);
    expect(io.out()).toBe(`wrote ${out}: 2 account(s), 1 FAILED\n`);
    expect(readFileSync(out, 'utf8')).toContain('OU Workloads (ou-ab12-11111111)');
  });

  it('Given a file that is not a capture, when report runs, then the field in question is named (exit 2)', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const wrong = join(OUTPUT, 'not-a-capture.json');
    writeFileSync(wrong, JSON.stringify({ accounts: [{ accountId: 1 }] }));
    const io = fakeIo();
    const code = await runCli(['report', '--from', wrong], io, [
      makeReportCommand({ env: {}, stdoutIsTty: false }),
    ]);
    expect(code).toBe(2);
    expect(io.err()).toContain(`--from '${wrong}' is not a status --json capture: accounts.0.accountId:`);
  });
});
