/** The follow-up questions diagnose.ts asks after a failure, with the operator's own credentials. */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfigFor } from '#aws/client-config.ts';
import type { FailureProbes } from './diagnose.ts';
import type { SessionFacts } from './session-facts.ts';

// Enough pages for any account that would hold an scp-alt table beside its others.
const MAX_TABLE_PAGES = 5;

export function awsFailureProbes(facts: SessionFacts): FailureProbes {
  const region = facts.region;
  // One attempt each: this runs after something already failed, and must not hide it by hanging.
  const config = region ? { ...clientConfigFor(region, facts.clientConfig), maxAttempts: 1 } : undefined;
  let caller: ReturnType<FailureProbes['caller']> | undefined;
  return {
    caller: () => {
      caller ??= config
        ? new STSClient(config)
            .send(new GetCallerIdentityCommand({}))
            .then((identity) =>
              identity.Account && identity.Arn ? { account: identity.Account, arn: identity.Arn } : undefined,
            )
            .catch(() => undefined)
        : Promise.resolve(undefined);
      return caller;
    },
    accountTables: async () => {
      if (!config) return undefined;
      const client = new DynamoDBClient(config);
      const names: string[] = [];
      try {
        let start: string | undefined;
        for (let page = 0; page < MAX_TABLE_PAGES; page++) {
          const output = await client.send(
            new ListTablesCommand(start ? { ExclusiveStartTableName: start } : {}),
          );
          names.push(...(output.TableNames ?? []));
          start = output.LastEvaluatedTableName;
          if (!start) break;
        }
      } catch {
        return undefined;
      }
      return names.filter((name) => /^scp-alt-.+-accounts$/.test(name));
    },
  };
}
