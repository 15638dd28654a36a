/**
 * CloudFormation's part of a deployment, done locally: turn a template value with intrinsic
 * functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If and conditions, AWS::NoValue, pseudo
 * parameters) into the string Lambda would see, for one target account and region. Physical ids
 * come from the resources' explicit names; a resource without one cannot be resolved, so an
 * environment variable pointing at it fails loudly instead of getting an invented name.
 */
import { LocalLambdaError } from './errors.ts';
import { type CfnResource, isRecord, type PackagedTemplate } from './template.ts';

export interface DeploymentTarget {
  accountId: string;
  region: string;
  partition: string;
  stackName: string;
  /** Stack parameter values; parameters not given take their Default. */
  parameters: Record<string, string>;
  /**
   * URLs of the template's queues by logical id, where they are not AWS's (a local stack's). A
   * queue not listed gets the URL AWS gives a queue of that name.
   */
  queueUrls?: Record<string, string>;
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Events::EventBus': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SQS::Queue': 'QueueName',
};

export class TemplateResolver {
  constructor(
    private readonly template: PackagedTemplate,
    private readonly target: DeploymentTarget,
  ) {}

  /** The value CloudFormation would produce; undefined for AWS::NoValue. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (!isRecord(value)) return value;
    const [intrinsic, argument] = Object.entries(value)[0] ?? [];
    switch (intrinsic) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument.map(String) : [];
        return this.getAtt(logicalId ?? '', attribute ?? '');
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::Join': {
        const [separator, items] = Array.isArray(argument) ? argument : [];
        return (this.resolve(items) as unknown[]).map(String).join(String(separator));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = Array.isArray(argument) ? argument : [];
        return this.resolve(this.condition(String(condition)) ? whenTrue : whenFalse);
      }
      default:
        throw unresolvable(`cannot evaluate ${JSON.stringify(value)}`);
    }
  }

  /** Variables as Lambda receives them: every value a string, AWS::NoValue ones left out. */
  resolveEnvironment(variables: Record<string, unknown>): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      const resolved = this.resolve(value);
      if (resolved !== undefined) environment[name] = String(resolved);
    }
    return environment;
  }

  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw unresolvable(`no condition ${name}`);
    return this.evaluate(definition);
  }

  /** Physical name of a resource that names itself (RoleName, TableName…). */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const name = property ? this.resolve(resource.Properties?.[property]) : undefined;
    if (typeof name !== 'string')
      throw unresolvable(`${logicalId} (${resource.Type}) has no explicit name to find it by`);
    return name;
  }

  private evaluate(expression: unknown): boolean {
    const [operator, operands] = isRecord(expression) ? (Object.entries(expression)[0] ?? []) : [];
    const args: unknown[] = Array.isArray(operands) ? operands : [operands];
    switch (operator) {
      case 'Fn::Equals':
        return this.resolve(args[0]) === this.resolve(args[1]);
      case 'Fn::Not':
        return !this.evaluate(args[0]);
      case 'Fn::And':
        return args.every((arg) => this.evaluate(arg));
      case 'Fn::Or':
        return args.some((arg) => this.evaluate(arg));
      case 'Condition':
        return this.condition(String(operands));
      default:
        throw unresolvable(`cannot evaluate condition ${JSON.stringify(expression)}`);
    }
  }

  private ref(name: string): unknown {
    const { accountId, region, partition, stackName } = this.target;
    const pseudo: Record<string, string | undefined> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::StackName': stackName,
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::NoValue': undefined,
    };
    if (name in pseudo) return pseudo[name];
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameterValue(name);
    const resource = this.resource(name);
    if (resource.Type === 'AWS::SNS::Topic') return this.arn('sns', this.physicalName(name));
    if (resource.Type === 'AWS::SQS::Queue') return this.queueUrl(name);
    return this.physicalName(name);
  }

  private queueUrl(logicalId: string): string {
    const local = this.target.queueUrls?.[logicalId];
    if (local) return local;
    const { region, accountId } = this.target;
    return `https://sqs.${region}.${this.ref('AWS::URLSuffix')}/${accountId}/${this.physicalName(logicalId)}`;
  }

  private parameterValue(name: string): string {
    const parameter = this.template.Parameters?.[name];
    const value = this.target.parameters[name] ?? parameter?.Default;
    if (value === undefined) throw unresolvable(`parameter ${name} has no default and no value was given`);
    // CloudFormation's parameter check: the whole value must match.
    if (parameter?.AllowedPattern && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value))
      throw unresolvable(`parameter ${name}=${value} does not match ${parameter.AllowedPattern}`);
    if (parameter?.AllowedValues && !parameter.AllowedValues.includes(value))
      throw unresolvable(`parameter ${name}=${value} is not one of ${parameter.AllowedValues.join(', ')}`);
    return value;
  }

  private getAtt(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    if (resource.Type === 'AWS::SNS::Topic' && attribute === 'TopicName') return name;
    if (attribute !== 'Arn') throw unresolvable(`Fn::GetAtt ${logicalId}.${attribute}`);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return this.arn('dynamodb', `table/${name}`);
      case 'AWS::Events::EventBus':
        return this.arn('events', `event-bus/${name}`);
      case 'AWS::IAM::Role':
        return `arn:${this.target.partition}:iam::${this.target.accountId}:role/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:${this.target.partition}:s3:::${name}`;
      case 'AWS::Lambda::Function':
        return this.arn('lambda', `function:${name}`);
      case 'AWS::SNS::Topic':
        return this.arn('sns', name);
      case 'AWS::SQS::Queue':
        return this.arn('sqs', name);
      default:
        throw unresolvable(`Fn::GetAtt ${logicalId}.Arn of a ${resource.Type}`);
    }
  }

  private resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw unresolvable(`no parameter or resource ${logicalId} in the template`);
    return resource;
  }

  private arn(service: string, resource: string): string {
    const { partition, region, accountId } = this.target;
    return `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
  }

  private sub(argument: unknown): string {
    const [text, locals] = Array.isArray(argument) ? argument : [argument, {}];
    const localValues = isRecord(locals) ? locals : {};
    return String(text).replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in localValues) return String(this.resolve(localValues[name]));
      const [logicalId, attribute] = name.split('.');
      return String(attribute ? this.getAtt(logicalId ?? '', attribute) : this.ref(logicalId ?? ''));
    });
  }
}

function unresolvable(message: string): LocalLambdaError {
  return new LocalLambdaError('local-lambda.unresolvable', message);
}
