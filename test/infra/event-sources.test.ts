import { ADAPTERS } from '../../adapters/registry';
import { SINQRO_MAX_CONCURRENCY } from '../../lib/bridge-stack';
import { type Built, buildStack, logicalId, queueId, resources } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

type Mapping = { FunctionName: { Ref: string }; EventSourceArn: { 'Fn::GetAtt': [string, string] } } & Record<
  string,
  unknown
>;
const mappings = () =>
  Object.values(resources(built, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties as Mapping);
const mappingOf = (functionId: string) => mappings().find((m) => m.FunctionName.Ref === functionId);

test('each adapter worker and the publisher consume exactly one queue, and nothing else consumes any', () => {
  const consumers = mappings().map((m) => m.FunctionName.Ref);
  const expected = [
    ...Object.values(built.stack.workers).map((w) => logicalId(built, w.fn)),
    logicalId(built, built.stack.functions.publisher),
  ];
  expect(consumers.sort()).toEqual(expected.sort());
});

test("each worker consumes its own adapter's work queue", () => {
  for (const worker of Object.values(built.stack.workers)) {
    expect(mappingOf(logicalId(built, worker.fn))?.EventSourceArn['Fn::GetAtt'][0]).toBe(
      queueId(built, worker.work.queue),
    );
  }
});

test('the publisher consumes the to-sinqro queue', () => {
  expect(mappingOf(logicalId(built, built.stack.functions.publisher))?.EventSourceArn['Fn::GetAtt'][0]).toBe(
    queueId(built, built.stack.toSinqro.queue),
  );
});

test('every consumer reports partial batch failures, so one bad message does not retry its whole batch', () => {
  for (const mapping of mappings()) expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
});

test('every consumer takes batches of 10', () => {
  for (const mapping of mappings()) expect(mapping.BatchSize).toBe(10);
});

test('no consumer waits for company: every mapping invokes as soon as a message arrives (no batching window)', () => {
  // A window is paid by every message on its own: a lone order waited it once per queue hop (issue 12).
  expect(mappings().length).toBeGreaterThan(0);
  for (const mapping of mappings()) expect(mapping.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
});

test("a worker's maximum concurrency is its adapter's declared limit (protects the POS API)", () => {
  for (const adapter of ADAPTERS) {
    const worker = built.stack.workers[adapter.code];
    if (!worker) throw new Error(`no worker for ${adapter.code}`);
    expect(mappingOf(logicalId(built, worker.fn))?.ScalingConfig).toEqual({
      MaximumConcurrency: Math.min(1000, Math.max(2, adapter.maxConcurrency)),
    });
  }
});

test("the publisher's maximum concurrency is bounded too (Sinqro's API is shared by every restaurant)", () => {
  expect(mappingOf(logicalId(built, built.stack.functions.publisher))?.ScalingConfig).toEqual({
    MaximumConcurrency: SINQRO_MAX_CONCURRENCY,
  });
});

test("every queue's visibility timeout is at least 6 times its consumer's timeout", () => {
  const functions = resources(built, 'AWS::Lambda::Function');
  const queues = resources(built, 'AWS::SQS::Queue');
  expect(mappings().length).toBeGreaterThan(0);
  for (const mapping of mappings()) {
    const timeout = functions[mapping.FunctionName.Ref]?.Properties.Timeout as number;
    const visibility = queues[mapping.EventSourceArn['Fn::GetAtt'][0]]?.Properties.VisibilityTimeout as number;
    expect(timeout).toBeGreaterThan(0);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  }
});

test('no queue consumer is throttled with reserved concurrency (the mapping would keep pulling messages it cannot deliver)', () => {
  // The ingress functions reserve theirs (bulkheads.test.ts); they consume no queue.
  const functions = resources(built, 'AWS::Lambda::Function');
  const consumers = mappings().map((m) => m.FunctionName.Ref);
  expect(consumers.length).toBeGreaterThan(0);
  for (const id of consumers) expect(functions[id]?.Properties.ReservedConcurrentExecutions).toBeUndefined();
});
