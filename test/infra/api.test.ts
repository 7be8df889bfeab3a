import { Match } from 'aws-cdk-lib/assertions';
import { type Built, buildStack, logicalId, resources } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

function integrationTarget(routeKey: string): string {
  const route = Object.values(resources(built, 'AWS::ApiGatewayV2::Route')).find(
    (r) => r.Properties.RouteKey === routeKey,
  );
  if (!route) throw new Error(`no route ${routeKey}`);
  const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"([^"]+)"/)?.[1] as string;
  const integration = resources(built, 'AWS::ApiGatewayV2::Integration')[integrationId];
  return JSON.stringify(integration?.Properties.IntegrationUri);
}

test('the API is an HTTP API (cheaper and faster than REST for plain webhook receivers)', () => {
  built.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  built.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  built.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
});

// The routes themselves (one per sender, no catch-all) and their throttles: bulkheads.test.ts.

test("Sinqro's webhook route invokes the sinqro-webhook function", () => {
  expect(integrationTarget('POST /sinqro/events')).toContain(logicalId(built, built.stack.functions.sinqroWebhook));
});

test('integrations use payload format 2.0, the event shape the handlers read', () => {
  for (const integration of Object.values(resources(built, 'AWS::ApiGatewayV2::Integration'))) {
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  }
});

test('the $default stage deploys automatically, so a route change is live after cdk deploy', () => {
  built.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
  built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
});

test('the stage writes access logs to a log group with retention', () => {
  built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    AccessLogSettings: {
      DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      Format: Match.stringLikeRegexp('requestId'),
    },
  });
});

test('access logs carry no caller IP or body (personal data stays out of logs)', () => {
  const [stage] = Object.values(resources(built, 'AWS::ApiGatewayV2::Stage'));
  const format = (stage?.Properties.AccessLogSettings as { Format: string } | undefined)?.Format;
  expect(format).toEqual(expect.any(String));
  expect(format).not.toMatch(/sourceIp|identity|requestBody|userAgent/i);
});
