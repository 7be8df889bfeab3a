/** The stack outputs the operator CLI reads (lib/stack-outputs.ts): the table and every queue it inspects. */
import { stackName as stackNameFromStack } from '../../lib/bridge-stack';
import { OUTPUTS, stackName } from '../../lib/stack-outputs';
import { resolveStage } from '../../lib/stage-config';
import { type Built, buildStack, queueId } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

const outputs = (b: Built = built) =>
  b.template.findOutputs('*') as Record<string, { Value: { Ref?: string }; Description?: string }>;
const refOf = (key: string, b: Built = built) => outputs(b)[key]?.Value.Ref;

test('the CLI and the stack agree on the stack name', () => {
  expect(stackName('sandbox')).toBe(stackNameFromStack('sandbox'));
});

test('the table name is an output', () => {
  expect(refOf(OUTPUTS.tableName)).toBe(built.stack.getLogicalId(built.stack.table.node.defaultChild as never));
});

test('the to-sinqro queue and its DLQ are outputs', () => {
  expect(refOf(OUTPUTS.toSinqroQueueUrl)).toBe(queueId(built, built.stack.toSinqro.queue));
  expect(refOf(OUTPUTS.toSinqroDlqUrl)).toBe(queueId(built, built.stack.toSinqro.deadLetterQueue));
});

test("the event bus's DLQ is an output, so the CLI can show its depth", () => {
  expect(refOf(OUTPUTS.eventBusDlqUrl)).toBe(queueId(built, built.stack.events.deadLetterQueue));
});

test("every adapter's work queue and DLQ are outputs, under keys named after the adapter", () => {
  const sandbox = resolveStage('sandbox');
  const b = buildStack({
    stage: { ...sandbox, adapters: { ...sandbox.adapters, slowpos: { baseUrl: 'https://slow.example.com' } } },
    adapters: [
      { code: 'reference', maxConcurrency: 10 },
      { code: 'slowpos', maxConcurrency: 1 },
    ],
  });
  for (const [code, worker] of Object.entries(b.stack.workers)) {
    expect(refOf(OUTPUTS.workQueueUrl(code), b)).toBe(queueId(b, worker.work.queue));
    expect(refOf(OUTPUTS.workDlqUrl(code), b)).toBe(queueId(b, worker.work.deadLetterQueue));
  }
  expect(OUTPUTS.workQueueUrl('slowpos')).toBe('WorkQueueUrlSlowpos');
});

test('every output says what it is', () => {
  for (const output of Object.values(outputs())) expect(output.Description).toEqual(expect.any(String));
});
