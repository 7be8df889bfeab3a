/**
 * Which bridge the CLI talks to: the local runtime of `npm start` (read from .local/runtime.json) or a
 * deployed stage (its stack outputs, read with DescribeStacks). Either way the result is the
 * environment the shared modules read (table, queues, endpoints), so the commands run the same code
 * against both.
 */
import { ADAPTERS } from '../../adapters/registry';
import { AWS_CLIENT_CONFIG } from '../../functions/infra/aws-clients';
import { envNames } from '../../functions/infra/env';
import { OUTPUTS, stackName } from '../../lib/stack-outputs';
import { adapterConfig, resolveStage } from '../../lib/stage-config';
import { readRuntimeFile, runtimeFilePath } from '../../local/runtime/runtime-file';
import { CliError, type TargetSpec } from './args';

export type QueueInfo = {
  /** What the operator types: a POS code, `to-sinqro`, `sinqro-events`. */
  name: string;
  description: string;
  dlqUrl: string;
  /** Messages an SQS queue dead-lettered can be moved back; the event bus's DLQ cannot. */
  redrivable: boolean;
};

export type Target = {
  label: string;
  /** Names the secrets' prefix: `sinqro-pos-bridge/<stageName>/…`. */
  stageName: string;
  queues: QueueInfo[];
  env: Record<string, string>;
  /** Local only: the secrets file, to check a linked restaurant's secret names exist. */
  secretsFile?: string;
};

export const NOT_RUNNING = 'the local runtime is not running: start it with npm start';

export async function resolveTarget(spec: TargetSpec): Promise<Target> {
  return spec.kind === 'local' ? localTarget() : stageTarget(spec.name);
}

async function localTarget(): Promise<Target> {
  const file = runtimeFilePath();
  const runtime = readRuntimeFile(file);
  if (!runtime) throw new CliError(`${NOT_RUNNING} (no ${file})`);
  if (!(await reachable(runtime.urls.dynamodb)) || !(await reachable(runtime.urls.sqs)))
    throw new CliError(`${NOT_RUNNING} (${file} is left from a runtime that stopped)`);
  const env: Record<string, string> = {
    AWS_REGION: runtime.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: runtime.urls.dynamodb,
    AWS_ENDPOINT_URL_SQS: runtime.urls.sqs,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOCAL_SECRETS_FILE: runtime.secretsFile,
    [envNames.table]: runtime.tableName,
    [envNames.stage]: 'local',
  };
  const queues: QueueInfo[] = [];
  for (const q of runtime.queues) {
    if (q.posCode) {
      env[envNames.workQueue(q.posCode)] = q.url;
      env[envNames.posSettings(q.posCode)] = JSON.stringify(runtime.adapterSettings[q.posCode] ?? {});
      queues.push({ name: q.posCode, description: `${q.posCode} work queue`, dlqUrl: q.dlqUrl, redrivable: true });
    } else {
      env[envNames.toSinqroQueue] = q.url;
      queues.push({ name: 'to-sinqro', description: 'to-sinqro queue', dlqUrl: q.dlqUrl, redrivable: true });
    }
  }
  return {
    label: `local runtime (${runtime.urls.gateway})`,
    stageName: 'local',
    queues,
    env,
    secretsFile: runtime.secretsFile,
  };
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.arrayBuffer());
    return true;
  } catch {
    return false;
  }
}

async function stageTarget(name: string): Promise<Target> {
  let stage: ReturnType<typeof resolveStage>;
  try {
    stage = resolveStage(name);
  } catch (error) {
    throw new CliError((error as Error).message.replace('pass -c stage=<name>', 'pass --stage <name>'));
  }
  const outputs = await stackOutputs(stackName(stage.name));
  const output = (key: string) => {
    const value = outputs[key];
    if (!value) throw new CliError(`stack ${stackName(stage.name)} has no output ${key}: deploy this version first`);
    return value;
  };
  const env: Record<string, string> = {
    [envNames.table]: output(OUTPUTS.tableName),
    [envNames.toSinqroQueue]: output(OUTPUTS.toSinqroQueueUrl),
    [envNames.stage]: stage.name,
  };
  const queues: QueueInfo[] = [];
  for (const { code } of ADAPTERS) {
    env[envNames.workQueue(code)] = output(OUTPUTS.workQueueUrl(code));
    env[envNames.posSettings(code)] = JSON.stringify(adapterConfig(stage, code).settings);
    queues.push({
      name: code,
      description: `${code} work queue`,
      dlqUrl: output(OUTPUTS.workDlqUrl(code)),
      redrivable: true,
    });
  }
  queues.push(
    { name: 'to-sinqro', description: 'to-sinqro queue', dlqUrl: output(OUTPUTS.toSinqroDlqUrl), redrivable: true },
    {
      name: 'sinqro-events',
      description: "Sinqro's EventBridge deliveries",
      dlqUrl: output(OUTPUTS.eventBusDlqUrl),
      redrivable: false,
    },
  );
  return { label: `stage ${stage.name} (${stackName(stage.name)})`, stageName: stage.name, queues, env };
}

async function stackOutputs(name: string): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(AWS_CLIENT_CONFIG);
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new CliError(`stack ${name} was not found`);
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = error as Error;
    if (/does not exist/.test(e.message))
      throw new CliError(`stack ${name} does not exist in this account and region: deploy it with npx cdk deploy`);
    throw new CliError(`could not read stack ${name}: ${e.name}: ${e.message}`);
  } finally {
    client.destroy();
  }
}
