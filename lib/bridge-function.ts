/**
 * The defaults every bridge Lambda shares, set once: Node 22 on arm64, one esbuild bundle per
 * function with the AWS SDK inside it (what is deployed is what is tested), source map files beside
 * the bundles but not loaded at run time (`--enable-source-maps` doubled the bundles' import time;
 * README, Performance), a log group with retention, and an execution role of its own that may write
 * to that log group and nowhere else (instead of the AWSLambdaBasicExecutionRole managed policy, which allows creating
 * and writing any log group in the account).
 */
import * as path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const FUNCTIONS_DIR = path.join(__dirname, '..', 'functions');

export type BridgeFunctionProps = {
  /** File name under functions/, without extension, e.g. `sinqro-webhook`. */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  environment?: Record<string, string>;
  /** All the concurrency it may use, and what no other function may take (the ingress bulkheads). */
  reservedConcurrency?: number;
};

export class BridgeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.entry}: execution role (grants are added per resource, see lib/bind.ts)`,
    });
    super(scope, id, {
      entry: path.join(FUNCTIONS_DIR, `${props.entry}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup,
      role,
      environment: { ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        // ESM entry points of the SDK and ky tree-shake far better than their CommonJS builds.
        mainFields: ['module', 'main'],
        // A few bundled CommonJS dependencies still call require() for Node built-ins.
        banner:
          "import { createRequire as __bridgeCreateRequire } from 'node:module'; const require = __bridgeCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
      },
    });
    // logs:CreateLogStream + logs:PutLogEvents on this function's own log group (it exists, so no CreateLogGroup).
    logGroup.grants.write(role);
  }
}

export const INGRESS = { memorySize: 256, timeout: Duration.seconds(5) } as const;
export const WORKER = { memorySize: 512, timeout: Duration.seconds(30) } as const;
export const PUBLISHER = { memorySize: 256, timeout: Duration.seconds(30) } as const;
/** Lists links and enqueues; a minute covers thousands of restaurants. */
export const SCHEDULER = { memorySize: 256, timeout: Duration.seconds(60) } as const;
