import { type Built, buildStack, deadLetterQueueIds, resources, sourceQueueIds } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

type Alarm = {
  MetricName: string;
  Namespace: string;
  Dimensions: { Name: string; Value: { 'Fn::GetAtt': [string, string] } }[];
} & Record<string, unknown>;
const alarms = () => Object.values(resources(built, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Alarm);
const alarmsOn = (queue: string, metric: string) =>
  alarms().filter(
    (a) =>
      a.Namespace === 'AWS/SQS' &&
      a.MetricName === metric &&
      a.Dimensions.some((d) => d.Name === 'QueueName' && d.Value['Fn::GetAtt'][0] === queue),
  );

test('every dead-letter queue alarms as soon as it holds one message', () => {
  const dlqs = [...deadLetterQueueIds(built)];
  expect(dlqs.length).toBeGreaterThan(0);
  for (const dlq of dlqs) {
    expect(alarmsOn(dlq, 'ApproximateNumberOfMessagesVisible')).toEqual([
      expect.objectContaining({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Maximum',
        EvaluationPeriods: 1,
      }),
    ]);
  }
});

test("every work queue alarms when its oldest message is older than the stage's threshold", () => {
  const queues = sourceQueueIds(built);
  expect(queues.length).toBeGreaterThan(0);
  for (const queue of queues) {
    expect(alarmsOn(queue, 'ApproximateAgeOfOldestMessage')).toEqual([
      expect.objectContaining({
        Threshold: built.stage.alarms.oldestMessageAge.toSeconds(),
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Maximum',
      }),
    ]);
  }
});

test('an idle queue does not alarm (missing data is not breaching)', () => {
  for (const alarm of alarms()) expect(alarm.TreatMissingData).toBe('notBreaching');
});

test('every alarm says what is wrong in its description', () => {
  for (const alarm of alarms()) expect(alarm.AlarmDescription).toEqual(expect.any(String));
});

const bridgeAlarm = (metric: string) =>
  alarms().filter((a) => a.Namespace === 'SinqroPosBridge' && a.MetricName === metric);

test('an event refused on the EventBridge path (invalid or unlinked) alarms at the first one', () => {
  expect(bridgeAlarm('SinqroEventsRefused')).toEqual([
    expect.objectContaining({
      Dimensions: [{ Name: 'Stage', Value: built.stage.name }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    }),
  ]);
});

test('a malformed webhook signing secret alarms at the first request that meets it', () => {
  expect(bridgeAlarm('SecretMalformed')).toEqual([
    expect.objectContaining({
      Dimensions: [{ Name: 'Stage', Value: built.stage.name }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    }),
  ]);
});

test('there are no alarms besides one per DLQ, one per work queue, the scheduler errors and stuck orders alarms, the ingress refusals and malformed secret alarms, and one refused-credential alarm per POS', () => {
  expect(alarms()).toHaveLength(
    deadLetterQueueIds(built).size + sourceQueueIds(built).length + 4 + Object.keys(built.stack.workers).length,
  );
});
