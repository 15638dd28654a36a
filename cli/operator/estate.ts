/**
 * Collects the estate for `status --json` and `report`: the account records and the bucket's
 * policy files always; with `deep`, the organization tree (management role) and, per enrolled
 * account, the principals left without a boundary and why (organization access role in members).
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { clientConfigFor } from '#aws/client-config.ts';
import { isDerivedPolicyArn } from '#policy/derived-boundary.ts';
import { partitionInfo } from '#policy/partition.ts';
import { mapSettled } from '#runtime/concurrency.ts';
import { errorText } from '#shared/errors.ts';
import { boundaryParametersFor } from '#usecases/flow-context.ts';
import type { AccountRecord } from '#usecases/ports.ts';
import type { AccountEntry, AccountPrincipals, EstateCapture, UnboundedPrincipal } from './estate-types.ts';
import { exemptionLabels, exemptionReason } from './exemption-reasons.ts';
import { readOrganizationTree } from './organization-tree.ts';
import type { OperatorSession } from './session.ts';

/** One record as scripts see it: the record without its optimistic-lock counter and lease. */
export function statusEntry(record: AccountRecord): AccountEntry {
  return {
    accountId: record.accountId,
    status: record.status,
    ouId: record.ouId,
    ouPath: record.ouPath,
    policyFileKeys: record.policyFileKeys,
    compiledHash: record.compiledHash ?? null,
    boundaryVersionId: record.boundaryVersionId ?? null,
    additionalPolicies: record.additionalPolicies.map(({ name, versionId }) => ({ name, versionId })),
    updatedAt: record.updatedAt,
    lastError: record.lastError ?? null,
    customerBoundaryArns: record.customerBoundaryArns,
    createCloudTrail: record.createCloudTrail,
    enrolledBy: record.enrolledBy,
  };
}

async function organization(session: OperatorSession): Promise<EstateCapture['organization']> {
  const { config, wiring, clientConfig } = session;
  const client = new OrganizationsClient(
    clientConfigFor(
      partitionInfo(config.partition).organizationsRegion,
      clientConfig,
      wiring.chain.managementProvider,
    ),
  );
  try {
    return { roots: await readOrganizationTree(client), error: null };
  } catch (error) {
    // The report still shows the OU paths the records hold; it says why the names are missing.
    return { roots: [], error: errorText(error) };
  }
}

async function principalsOf(session: OperatorSession, accountId: string): Promise<AccountPrincipals> {
  const { ctx } = session;
  const { iam } = ctx.ports;
  const params = boundaryParametersFor(ctx.settings, accountId);
  const labels = exemptionLabels(ctx.settings, accountId);
  const ours = iam.policyArnFor(accountId);
  try {
    const principals = await iam.listPrincipals(accountId);
    const states = await mapSettled(principals, ctx.settings.fanoutConcurrency, (principal) =>
      iam.readPrincipal(accountId, principal),
    );
    const unbounded: UnboundedPrincipal[] = [];
    let bounded = 0;
    states.forEach((settled, index) => {
      const principal = principals[index];
      if (!principal) return;
      const state = settled.ok ? settled.value : undefined;
      const boundary = state?.boundaryArn;
      if (boundary === ours || isDerivedPolicyArn(ours, boundary)) {
        bounded++;
        return;
      }
      const exempt = exemptionReason(principal, params, labels);
      const reason = !settled.ok
        ? `could not be read: ${errorText(settled.error)}`
        : exempt
          ? `exempt: ${exempt}`
          : boundary
            ? `carries a boundary that is not ours (${boundary}): replay derives one`
            : 'missing: no boundary (drift); `scp-alt replay --account` or the next reconcile attaches it';
      unbounded.push({ arn: principal.arn, reason, exempt: exempt !== undefined });
    });
    return { accountId, bounded, unbounded, error: null };
  } catch (error) {
    return { accountId, bounded: 0, unbounded: [], error: errorText(error) };
  }
}

export async function collectEstate(
  session: OperatorSession,
  records: AccountRecord[],
  options: { deep: boolean; now: Date },
): Promise<EstateCapture> {
  const { config, ctx } = session;
  const policyFiles = (await ctx.ports.policyStore.listPolicyObjects()).map((object) => object.key).sort();
  const capture: EstateCapture = {
    generatedAt: options.now.toISOString(),
    deployment: {
      securityAccountId: config.securityAccountId,
      region: config.region,
      partition: config.partition,
      bucket: config.policyBucket,
      table: config.accountsTable,
    },
    accounts: records.map(statusEntry),
    policyFiles,
  };
  if (!options.deep) return capture;
  capture.organization = await organization(session);
  const enrolled = records.filter((record) => record.status !== 'DEREGISTERING');
  const settled = await mapSettled(enrolled, ctx.settings.fanoutConcurrency, (record) =>
    principalsOf(session, record.accountId),
  );
  capture.principals = settled.map((outcome, index) =>
    outcome.ok
      ? outcome.value
      : {
          accountId: enrolled[index]?.accountId ?? '',
          bounded: 0,
          unbounded: [],
          error: errorText(outcome.error),
        },
  );
  return capture;
}
