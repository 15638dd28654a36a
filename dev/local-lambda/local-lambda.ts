/**
 * A small local Lambda runtime for the functions `make package` built: unzip each zip once per run
 * into a task root under `.scratch/`, then run every invocation in a fresh `node` process with the
 * environment, role session and timeout the packaged template gives the function, against a local
 * AWS endpoint.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PACKAGED_TEMPLATE, PROJECT_ROOT } from '../../scripts/package.ts';
import { makeScratchDir, removeScratchDir } from '../../scripts/scratch.ts';
import { lambdaEnvironment, type RoleSession } from './environment.ts';
import { LocalLambdaError } from './errors.ts';
import { type DeploymentTarget, TemplateResolver } from './intrinsics.ts';
import { BOOTSTRAP, type InvocationResult, invokeProcess } from './invoke.ts';
import {
  type PackagedFunction,
  type PackagedTemplate,
  packagedFunctions,
  readPackagedTemplate,
} from './template.ts';
import { extractZip } from './unzip.ts';

export const ASSETS_DIR = join(PROJECT_ROOT, 'assets');

export interface UnpackedFunction extends PackagedFunction {
  /** Lambda's /var/task: the zip's contents and nothing else. */
  taskRoot: string;
}

/** Plain data, so a test run can unpack once and hand it to every test file. */
export interface UnpackedArtifacts {
  runDir: string;
  /** The run's copy of the packaged template. */
  templateFile: string;
  /** Stands in for /tmp (and HOME) of every invocation. */
  scratchDir: string;
  functions: UnpackedFunction[];
}

/** Checks that `make package` left its zips and template, and unpacks every function once. */
export async function unpackArtifacts(assetsDir: string = ASSETS_DIR): Promise<UnpackedArtifacts> {
  const templateFile = join(assetsDir, PACKAGED_TEMPLATE);
  const template = existsSync(templateFile) ? await readPackagedTemplate(templateFile) : undefined;
  const functions = template ? packagedFunctions(template) : [];
  const missing = [
    ...(template ? [] : [templateFile]),
    ...functions.map((fn) => join(assetsDir, fn.zipName)).filter((zip) => !existsSync(zip)),
  ];
  if (missing.length > 0 || functions.length === 0)
    throw new LocalLambdaError(
      'local-lambda.artifacts-missing',
      `the packaged functions are missing (${missing.join(', ') || 'no function in the template'}): run \`make package\` first`,
    );
  const runDir = await makeScratchDir('local-lambda');
  try {
    const scratchDir = join(runDir, 'tmp');
    await mkdir(scratchDir);
    // The run keeps its own copy: a `make package` during the run must not change what it runs.
    const runTemplate = join(runDir, PACKAGED_TEMPLATE);
    await copyFile(templateFile, runTemplate);
    const unpacked: UnpackedFunction[] = [];
    for (const fn of functions) {
      const taskRoot = join(runDir, 'task', fn.functionName);
      await extractZip(join(assetsDir, fn.zipName), taskRoot);
      unpacked.push({ ...fn, taskRoot });
    }
    return { runDir, templateFile: runTemplate, scratchDir, functions: unpacked };
  } catch (error) {
    await removeScratchDir(runDir);
    throw error;
  }
}

export function removeArtifacts(artifacts: UnpackedArtifacts): Promise<void> {
  return removeScratchDir(artifacts.runDir);
}

/** Where the functions run: the deployment's account and region, and the local endpoint. */
export interface LocalTarget extends DeploymentTarget {
  /** Must name an IP address (see environment.ts, pathStyleEndpoint). */
  endpointUrl: string;
  /** What Lambda does for each container: a session of the function's execution role. */
  roleSession(roleArn: string, sessionName: string): Promise<RoleSession>;
  /** Node binary to run the functions with; SCP_ALT_LAMBDA_NODE, else the one running this process. */
  node?: string;
}

export class LocalLambda {
  private readonly resolver: TemplateResolver;

  private constructor(
    private readonly artifacts: UnpackedArtifacts,
    template: PackagedTemplate,
    private readonly target: LocalTarget,
  ) {
    this.resolver = new TemplateResolver(template, target);
  }

  static async connect(artifacts: UnpackedArtifacts, target: LocalTarget): Promise<LocalLambda> {
    return new LocalLambda(artifacts, await readPackagedTemplate(artifacts.templateFile), target);
  }

  get functions(): readonly UnpackedFunction[] {
    return this.artifacts.functions;
  }

  /** By deployed name (`scp-alt-prod-reconciler`) or its last part (`reconciler`). */
  functionNamed(name: string): UnpackedFunction {
    const found = this.artifacts.functions.find(
      (fn) => fn.functionName === name || fn.functionName.endsWith(`-${name}`),
    );
    if (!found) throw new LocalLambdaError('local-lambda.template', `no packaged function ${name}`);
    return found;
  }

  /** The function's template variables as Lambda would receive them in the target deployment. */
  variablesOf(name: string): Record<string, string> {
    return this.resolver.resolveEnvironment(this.functionNamed(name).environment);
  }

  roleArnOf(name: string): string {
    return String(this.resolver.resolve({ 'Fn::GetAtt': [this.functionNamed(name).roleLogicalId, 'Arn'] }));
  }

  /** Invokes the function once, in a new process: a cold start every time. */
  async invoke(name: string, event: unknown): Promise<InvocationResult> {
    const fn = this.functionNamed(name);
    const { accountId, region, partition } = this.target;
    const session = await this.target.roleSession(this.roleArnOf(name), fn.functionName);
    const environment = lambdaEnvironment({
      fn,
      variables: this.variablesOf(name),
      region,
      taskRoot: fn.taskRoot,
      runtimeDir: dirname(BOOTSTRAP),
      scratchDir: this.artifacts.scratchDir,
      session,
      endpointUrl: this.target.endpointUrl,
    });
    return invokeProcess({
      taskRoot: fn.taskRoot,
      environment,
      event,
      invokedFunctionArn: `arn:${partition}:lambda:${region}:${accountId}:function:${fn.functionName}`,
      timeoutMs: fn.timeoutSeconds * 1000,
      node: this.target.node ?? process.env.SCP_ALT_LAMBDA_NODE,
    });
  }
}
