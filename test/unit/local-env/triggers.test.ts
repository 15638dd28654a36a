/**
 * The local environment wires each function to the trigger the deployed stack gives it: every
 * event source of the packaged template has its local trigger with the same settings, and every
 * local trigger stands for one of the template (or of the Service Catalog product template).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RECEIVE_COUNT } from '#dev/local-deployment/deployment.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '#dev/local-env/functions.ts';
import { LOCAL_TRIGGERS, type LocalTrigger } from '#dev/local-env/triggers.ts';
import { FUNCTION_NAMES } from '#functions/permissions.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from '../deploy/support/packaged-template.ts';
import { at, type CfnTemplate, loadYamlTemplate, resourcesOfType } from '../deploy/support/templates.ts';

let packaged: CfnTemplate;
beforeAll(async () => {
  packaged = await loadPackagedTemplate();
}, PACKAGING_TIMEOUT_MS);

/** `Fn::GetAtt [X, Arn]` of a Lambda function → its deployed name's last part (`reconciler`). */
function functionNameOf(reference: unknown): string {
  const logicalId = String((at(reference, 'Fn::GetAtt') as unknown[] | undefined)?.[0] ?? '');
  const name = String(at(packaged.Resources[logicalId]?.Properties, 'FunctionName') ?? '');
  return FUNCTION_NAMES.find((candidate) => name.endsWith(`-${candidate}`)) ?? `unknown ${logicalId}`;
}

function localOf<K extends LocalTrigger['kind']>(kind: K): Extract<LocalTrigger, { kind: K }>[] {
  return LOCAL_TRIGGERS.filter(
    (trigger): trigger is Extract<LocalTrigger, { kind: K }> => trigger.kind === kind,
  );
}

describe('local triggers against the packaged template', () => {
  it('Given each SQS event source mapping, then a local SQS trigger runs the same function on that queue with the same batch and failure reporting', () => {
    const mappings = resourcesOfType(packaged, 'AWS::Lambda::EventSourceMapping').map(([, resource]) => ({
      functionName: functionNameOf(at(resource.Properties, 'FunctionName')),
      templateQueue: String((at(resource.Properties, 'EventSourceArn', 'Fn::GetAtt') as unknown[])[0]),
      batchSize: at(resource.Properties, 'BatchSize'),
      reportBatchItemFailures: (
        (at(resource.Properties, 'FunctionResponseTypes') as unknown[] | undefined) ?? []
      ).includes('ReportBatchItemFailures'),
      maximumConcurrency: at(resource.Properties, 'ScalingConfig', 'MaximumConcurrency'),
    }));
    const local = localOf('sqs').map(
      ({ functionName, templateQueue, batchSize, reportBatchItemFailures, maximumConcurrency }) => ({
        functionName,
        templateQueue,
        batchSize,
        reportBatchItemFailures,
        maximumConcurrency,
      }),
    );
    expect(mappings.length).toBeGreaterThan(0);
    expect(local).toEqual(mappings);
  });

  it('Given the queues those mappings read, then the local queues move a message to the dead-letter queue after as many receives', () => {
    for (const trigger of localOf('sqs')) {
      const redrive = at(
        packaged.Resources[trigger.templateQueue]?.Properties,
        'RedrivePolicy',
        'maxReceiveCount',
      );
      expect(redrive).toBe(DEFAULT_MAX_RECEIVE_COUNT);
    }
  });

  it('Given each schedule rule targeting a function, then a local schedule runs that function', () => {
    const rules = resourcesOfType(packaged, 'AWS::Events::Rule')
      .filter(([, resource]) => at(resource.Properties, 'ScheduleExpression') !== undefined)
      .flatMap(([logicalId, resource]) =>
        ((at(resource.Properties, 'Targets') as unknown[]) ?? []).map((target) => ({
          functionName: functionNameOf(at(target, 'Arn')),
          templateRule: logicalId,
          scheduleExpression: at(resource.Properties, 'ScheduleExpression'),
        })),
      );
    const local = localOf('schedule').map(({ functionName, templateRule, scheduleExpression }) => ({
      functionName,
      templateRule,
      scheduleExpression,
    }));
    expect(local).toEqual(rules);
  });

  it('Given the bucket notifications that invoke a function, then a local S3 trigger runs that function', () => {
    const notified = resourcesOfType(packaged, 'AWS::S3::Bucket').flatMap(([logicalId, resource]) =>
      ((at(resource.Properties, 'NotificationConfiguration', 'LambdaConfigurations') as unknown[]) ?? []).map(
        (configuration) => ({
          functionName: functionNameOf(at(configuration, 'Function')),
          templateBucket: logicalId,
        }),
      ),
    );
    const distinct = [...new Map(notified.map((entry) => [JSON.stringify(entry), entry])).values()];
    const local = localOf('s3').map(({ functionName, templateBucket }) => ({ functionName, templateBucket }));
    expect(local).toEqual(distinct);
  });

  it('Given the Service Catalog product, then its custom resource type is the one the local launch sends to account-register', () => {
    const product = loadYamlTemplate('scp-account-register-product.yaml');
    const types = Object.values(product.Resources).map((resource) => resource.Type);
    for (const trigger of localOf('custom-resource')) expect(types).toContain(trigger.resourceType);
  });

  it('Given every function of the template, then it has a local trigger and the timeout it is deployed with', () => {
    const functions = resourcesOfType(packaged, 'AWS::Lambda::Function').map(([, resource]) => ({
      name: FUNCTION_NAMES.find((candidate) =>
        String(at(resource.Properties, 'FunctionName')).endsWith(`-${candidate}`),
      ),
      timeout: at(resource.Properties, 'Timeout'),
    }));
    for (const { name, timeout } of functions) {
      expect(name).toBeDefined();
      if (!name) continue;
      expect(LOCAL_TRIGGERS.some((trigger) => trigger.functionName === name)).toBe(true);
      expect(FUNCTION_TIMEOUT_SECONDS[name]).toBe(timeout);
    }
  });
});
