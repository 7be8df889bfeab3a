/** CDK app: one stack per stage. `npx cdk synth -c stage=sandbox` (cdk.json defaults to sandbox). */
import { App, Tags } from 'aws-cdk-lib';
import { ADAPTERS } from '../adapters/registry';
import { BridgeStack, stackName } from '../lib/bridge-stack';
import { applyNag } from '../lib/nag';
import { resolveStage } from '../lib/stage-config';

const app = new App();
const stage = resolveStage(app.node.tryGetContext('stage'));
const stack = new BridgeStack(app, stackName(stage.name), {
  stage,
  adapters: ADAPTERS,
  description: `Sinqro POS Bridge (${stage.name})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Tags.of(stack).add('project', 'sinqro-pos-bridge');
Tags.of(stack).add('stage', stage.name);
// cdk-nag AwsSolutions checks: an unsuppressed finding fails `cdk synth` (suppressions and reasons in lib/nag.ts).
applyNag(stack);
