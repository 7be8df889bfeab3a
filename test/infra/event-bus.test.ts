import { type Built, buildStack, logicalId, queueId, resources } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

/** The rules on Sinqro's bus (the scheduler's rules live on the default bus). */
const busRules = () => Object.values(resources(built, 'AWS::Events::Rule')).filter((r) => r.Properties.EventBusName);

test('there is one custom event bus for Sinqro (not the default bus)', () => {
  built.template.resourceCountIs('AWS::Events::EventBus', 1);
  const bus = Object.values(resources(built, 'AWS::Events::EventBus'))[0];
  expect(bus?.Properties.Name).not.toBe('default');
});

test("only Sinqro's account may put events on the bus, and only with Sinqro's source", () => {
  built.template.resourceCountIs('AWS::Events::EventBusPolicy', 1);
  built.template.hasResourceProperties('AWS::Events::EventBusPolicy', {
    Statement: {
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: {
        AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${built.stage.sinqroAccountId}:root`]] },
      },
      Condition: { 'ForAllValues:StringEquals': { 'events:source': [built.stage.sinqroEventSource] } },
    },
  });
});

test("the rule matches only events with Sinqro's source from Sinqro's account", () => {
  expect(busRules()).toHaveLength(1);
  built.template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { source: [built.stage.sinqroEventSource], account: [built.stage.sinqroAccountId] },
  });
});

test('the rule listens on the custom bus', () => {
  const rule = busRules()[0];
  expect(rule?.Properties.EventBusName).toEqual({
    Ref: built.stack.getLogicalId(built.stack.events.bus.node.defaultChild as never),
  });
});

test('the rule feeds the sinqro-events function and nothing else', () => {
  const rule = busRules()[0];
  const targets = rule?.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[];
  expect(targets.map((t) => t.Arn['Fn::GetAtt'][0])).toEqual([logicalId(built, built.stack.functions.sinqroEvents)]);
});

test('events EventBridge cannot deliver go to a dead-letter queue instead of being dropped', () => {
  built.template.hasResourceProperties('AWS::Events::Rule', {
    Targets: [
      { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(built, built.stack.events.deadLetterQueue), 'Arn'] } } },
    ],
  });
});

test('events sinqro-events fails to enqueue after its retries go to the same dead-letter queue', () => {
  built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalId(built, built.stack.functions.sinqroEvents) },
    MaximumRetryAttempts: 2,
    DestinationConfig: {
      OnFailure: { Destination: { 'Fn::GetAtt': [queueId(built, built.stack.events.deadLetterQueue), 'Arn'] } },
    },
  });
});

test('EventBridge may send to that dead-letter queue only for this rule', () => {
  const dlq = queueId(built, built.stack.events.deadLetterQueue);
  const policy = Object.values(resources(built, 'AWS::SQS::QueuePolicy')).find((p) =>
    JSON.stringify(p.Properties.Queues).includes(`"${dlq}"`),
  );
  expect(policy?.Properties.PolicyDocument).toMatchObject({
    Statement: expect.arrayContaining([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      }),
    ]),
  });
});
