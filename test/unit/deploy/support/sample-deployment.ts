import { type CfnResource, type CfnTemplate, isIntrinsic, isRecord } from './templates.ts';

/**
 * A stand-in for CloudFormation evaluating intrinsic functions in one concrete deployment, enough to
 * turn a function's Environment into the strings Lambda would receive. Physical ids follow the
 * resource's explicit name when it has one and AWS's documented Ref/GetAtt shapes otherwise.
 */
export interface SampleDeployment {
  partition: string;
  region: string;
  accountId: string;
  stackName: string;
  parameters: Record<string, string>;
}

export class SampleResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly deployment: SampleDeployment,
  ) {}

  /** The value CloudFormation would produce; undefined for AWS::NoValue. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (!isRecord(value)) return value;
    if (typeof value.Ref === 'string') return this.ref(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [target, attribute] = value['Fn::GetAtt'].map(String);
      return this.getAtt(target!, attribute!);
    }
    if ('Fn::Sub' in value) return this.sub(value['Fn::Sub']);
    if (Array.isArray(value['Fn::Split'])) {
      const [separator, text] = value['Fn::Split'];
      return String(this.resolve(text)).split(String(separator));
    }
    if (Array.isArray(value['Fn::If'])) {
      const [condition, whenTrue, whenFalse] = value['Fn::If'];
      return this.resolve(this.condition(String(condition)) ? whenTrue : whenFalse);
    }
    if (isIntrinsic(value)) throw new Error(`SampleResolver cannot evaluate ${JSON.stringify(value)}`);
    // A literal object (a policy document, say): its values may hold intrinsics.
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, this.resolve(child)]));
  }

  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`no condition ${name}`);
    return this.evaluate(definition);
  }

  private evaluate(expression: unknown): boolean {
    if (!isRecord(expression)) throw new Error(`not a condition: ${JSON.stringify(expression)}`);
    const [operator, operands] = Object.entries(expression)[0] ?? [];
    const args = Array.isArray(operands) ? operands : [operands];
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
        throw new Error(`SampleResolver cannot evaluate condition ${operator}`);
    }
  }

  private ref(name: string): unknown {
    const { partition, region, accountId, stackName, parameters } = this.deployment;
    const pseudo: Record<string, unknown> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::StackName': stackName,
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::NoValue': undefined,
    };
    if (name in pseudo) return pseudo[name];
    if (name in parameters) return parameters[name];
    const parameter = this.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`Ref to undeclared ${name}`);
    return this.physicalRef(name, resource);
  }

  private physicalRef(logicalId: string, resource: CfnResource): string {
    const { region, accountId } = this.deployment;
    if (resource.Type === 'AWS::SNS::Topic')
      return this.arn('sns', `${this.physicalName(logicalId, resource)}`);
    if (resource.Type === 'AWS::SQS::Queue')
      return `https://sqs.${region}.amazonaws.com/${accountId}/${this.physicalName(logicalId, resource)}`;
    return this.physicalName(logicalId, resource);
  }

  private physicalName(logicalId: string, resource: CfnResource): string {
    const props = resource.Properties ?? {};
    const explicit = ['TableName', 'BucketName', 'TopicName', 'QueueName', 'Name', 'FunctionName', 'RoleName']
      .map((key) => props[key])
      .find((value) => value !== undefined);
    const resolved = explicit === undefined ? undefined : this.resolve(explicit);
    return typeof resolved === 'string' ? resolved : `${this.deployment.stackName}-${logicalId}-ABC123`;
  }

  private getAtt(target: string, attribute: string): string {
    const resource = this.template.Resources[target];
    if (!resource) throw new Error(`Fn::GetAtt of undeclared ${target}`);
    if (attribute !== 'Arn') return `${target}.${attribute}`;
    const service = resource.Type.split('::')[1]!.toLowerCase();
    const name = this.physicalName(target, resource);
    if (service === 'events' && resource.Type === 'AWS::Events::EventBus')
      return this.arn(service, `event-bus/${name}`);
    if (service === 'dynamodb') return this.arn(service, `table/${name}`);
    return this.arn(service, name);
  }

  private arn(service: string, resource: string): string {
    const { partition, region, accountId } = this.deployment;
    return `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
  }

  private sub(argument: unknown): string {
    const [text, locals] = Array.isArray(argument) ? argument : [argument, {}];
    const localValues = isRecord(locals) ? locals : {};
    return String(text).replace(/\$\{([^!}][^}]*)\}/g, (_match, name: string) => {
      if (name in localValues) return String(this.resolve(localValues[name]));
      const [target, attribute] = name.split('.');
      return String(attribute ? this.getAtt(target!, attribute) : this.ref(target!));
    });
  }
}
