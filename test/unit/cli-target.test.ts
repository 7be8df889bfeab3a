/** The deployed target: the CLI finds a stage's table and queues in its stack outputs (bin/cli/target.ts). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { CliError } from '../../bin/cli/args';
import { resolveTarget } from '../../bin/cli/target';
import { OUTPUTS } from '../../lib/stack-outputs';

const cfn = mockClient(CloudFormationClient);
const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const OUTPUT_VALUES: Record<string, string> = {
  [OUTPUTS.tableName]: 'SinqroPosBridge-sandbox-Table-ABC',
  [OUTPUTS.toSinqroQueueUrl]: url('to-sinqro'),
  [OUTPUTS.toSinqroDlqUrl]: url('to-sinqro-dlq'),
  [OUTPUTS.eventBusDlqUrl]: url('events-dlq'),
  [OUTPUTS.workQueueUrl('reference')]: url('reference-work'),
  [OUTPUTS.workDlqUrl('reference')]: url('reference-dlq'),
  [OUTPUTS.workQueueUrl('square')]: url('square-work'),
  [OUTPUTS.workDlqUrl('square')]: url('square-dlq'),
  [OUTPUTS.workQueueUrl('lightspeedk')]: url('lightspeedk-work'),
  [OUTPUTS.workDlqUrl('lightspeedk')]: url('lightspeedk-dlq'),
};
const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'SinqroPosBridge-sandbox',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

afterEach(() => cfn.reset());

test("reads the stage's stack by its name", async () => {
  cfn.on(DescribeStacksCommand).resolves(stackWith(OUTPUT_VALUES));
  await resolveTarget({ kind: 'stage', name: 'sandbox' });
  expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: 'SinqroPosBridge-sandbox' });
});

test('gives the shared modules the table, the queues, the stage and its adapter settings', async () => {
  cfn.on(DescribeStacksCommand).resolves(stackWith(OUTPUT_VALUES));
  const target = await resolveTarget({ kind: 'stage', name: 'sandbox' });
  expect(target.env).toEqual({
    TABLE_NAME: 'SinqroPosBridge-sandbox-Table-ABC',
    TO_SINQRO_QUEUE_URL: url('to-sinqro'),
    WORK_QUEUE_URL_REFERENCE: url('reference-work'),
    POS_SETTINGS_REFERENCE: JSON.stringify({ statusWebhooks: true, availabilityWebhooks: true }),
    WORK_QUEUE_URL_SQUARE: url('square-work'),
    POS_SETTINGS_SQUARE: JSON.stringify({
      webhookNotificationUrl: 'https://pos-webhooks.sandbox.sinqro-bridge.example/square/webhooks/events',
    }),
    WORK_QUEUE_URL_LIGHTSPEEDK: url('lightspeedk-work'),
    POS_SETTINGS_LIGHTSPEEDK: JSON.stringify({ platformCode: 'SINQRO' }),
    STAGE_NAME: 'sandbox',
  });
  expect(target.stageName).toBe('sandbox');
});

test("lists every dead-letter queue, marking the event bus's as not redrivable", async () => {
  cfn.on(DescribeStacksCommand).resolves(stackWith(OUTPUT_VALUES));
  const target = await resolveTarget({ kind: 'stage', name: 'sandbox' });
  expect(target.queues.map((q) => [q.name, q.dlqUrl, q.redrivable])).toEqual([
    ['reference', url('reference-dlq'), true],
    ['square', url('square-dlq'), true],
    ['lightspeedk', url('lightspeedk-dlq'), true],
    ['to-sinqro', url('to-sinqro-dlq'), true],
    ['sinqro-events', url('events-dlq'), false],
  ]);
});

test('a stack that was never deployed is a clear error', async () => {
  cfn
    .on(DescribeStacksCommand)
    .rejects(
      Object.assign(new Error('Stack with id SinqroPosBridge-sandbox does not exist'), { name: 'ValidationError' }),
    );
  await expect(resolveTarget({ kind: 'stage', name: 'sandbox' })).rejects.toThrow(
    new CliError(
      'stack SinqroPosBridge-sandbox does not exist in this account and region: deploy it with npx cdk deploy',
    ),
  );
});

test('a stack deployed before the CLI outputs existed says to deploy this version', async () => {
  const { [OUTPUTS.workDlqUrl('reference')]: _gone, ...older } = OUTPUT_VALUES;
  cfn.on(DescribeStacksCommand).resolves(stackWith(older));
  await expect(resolveTarget({ kind: 'stage', name: 'sandbox' })).rejects.toThrow(
    'stack SinqroPosBridge-sandbox has no output WorkDlqUrlReference: deploy this version first',
  );
});

test('missing credentials are reported with the SDK error name, not a stack trace', async () => {
  cfn
    .on(DescribeStacksCommand)
    .rejects(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
    );
  await expect(resolveTarget({ kind: 'stage', name: 'sandbox' })).rejects.toThrow(
    'could not read stack SinqroPosBridge-sandbox: CredentialsProviderError: Could not load credentials from any providers',
  );
});

test('an unknown stage is refused before any AWS call', async () => {
  await expect(resolveTarget({ kind: 'stage', name: 'prod' })).rejects.toThrow(CliError);
  expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
});
