/**
 * A custom domain per stage (issue 12, point 6): the webhook URL a POS signs (Square) stays the same
 * across redeploys, even if the API is replaced. Optional: without it the generated API URL is used
 * (README, Deploy: the two-step first deploy).
 */
import { OUTPUTS } from '../../lib/stack-outputs';
import { resolveStage, type Stage } from '../../lib/stage-config';
import { type Built, buildStack, flatten, resources } from './fixture';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b6e2c1a-3f4d-4e5b-9a8c-7d6e5f4a3b2c';
const DOMAIN = 'hooks.bridge.example.com';
const sandbox = resolveStage('sandbox');
const withDomain = (customDomain: unknown, changes: Record<string, unknown> = {}) =>
  ({ ...sandbox, customDomain, ...changes }) as Stage;
/** Square's signed notification URL on the custom domain, as it must be once the stage has one. */
const squareOn = (url: string) => ({
  adapters: { ...sandbox.adapters, square: { ...sandbox.adapters.square, settings: { webhookNotificationUrl: url } } },
});

const only = (b: Built, type: string) => {
  const found = Object.entries(resources(b, type));
  expect(found).toHaveLength(1);
  return {
    id: (found[0] as [string, unknown])[0],
    ...(found[0] as [string, { Properties: Record<string, unknown> }])[1],
  };
};
const output = (b: Built, key: string) =>
  flatten((b.template.findOutputs('*') as Record<string, { Value: unknown }>)[key]?.Value);

describe('with a custom domain', () => {
  let built: Built;
  beforeAll(() => {
    built = buildStack({
      stage: withDomain(
        { domainName: DOMAIN, certificateArn: CERTIFICATE },
        squareOn(`https://${DOMAIN}/square/webhooks/events`),
      ),
    });
  });

  test('the domain name is created with the stage certificate, regional, TLS 1.2', () => {
    const domain = only(built, 'AWS::ApiGatewayV2::DomainName');
    expect(domain.Properties).toEqual({
      DomainName: DOMAIN,
      DomainNameConfigurations: [
        expect.objectContaining({ CertificateArn: CERTIFICATE, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }),
      ],
    });
  });

  test("the domain's root maps to the API's stage, once the stage exists", () => {
    const domain = only(built, 'AWS::ApiGatewayV2::DomainName');
    const api = only(built, 'AWS::ApiGatewayV2::Api');
    const stage = only(built, 'AWS::ApiGatewayV2::Stage');
    const mapping = only(built, 'AWS::ApiGatewayV2::ApiMapping') as ReturnType<typeof only> & { DependsOn?: string[] };
    expect(mapping.Properties).toEqual({ ApiId: { Ref: api.id }, DomainName: { Ref: domain.id }, Stage: '$default' });
    expect(mapping.DependsOn).toContain(stage.id);
  });

  test('the webhook URLs in the outputs are on the custom domain', () => {
    expect(output(built, OUTPUTS.webhookBaseUrl)).toBe(`https://${DOMAIN}/`);
    expect(output(built, OUTPUTS.sinqroWebhookUrl)).toBe(`https://${DOMAIN}/sinqro/events`);
    expect(output(built, OUTPUTS.posWebhookUrl('square'))).toBe(`https://${DOMAIN}/square/webhooks/`);
  });

  test('the target for the DNS record is an output', () => {
    const domain = only(built, 'AWS::ApiGatewayV2::DomainName');
    expect(output(built, OUTPUTS.customDomainTarget)).toBe(`\${${domain.id}.RegionalDomainName}`);
  });
});

describe('without a custom domain', () => {
  let built: Built;
  beforeAll(() => {
    built = buildStack({ stage: withDomain(undefined) });
  });

  test('no domain name and no mapping are created', () => {
    built.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    built.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    expect(Object.keys(built.template.findOutputs('*'))).not.toContain(OUTPUTS.customDomainTarget);
  });

  test("the webhook URLs in the outputs are the API's generated URL, which changes if the API is replaced", () => {
    const api = only(built, 'AWS::ApiGatewayV2::Api');
    const base = `https://\${${api.id}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/`;
    expect(output(built, OUTPUTS.webhookBaseUrl)).toBe(base);
    expect(output(built, OUTPUTS.sinqroWebhookUrl)).toBe(`${base}sinqro/events`);
    expect(output(built, OUTPUTS.posWebhookUrl('reference'))).toBe(`${base}reference/webhooks/`);
  });
});

describe('the option is checked at synth, with an error naming the stage', () => {
  const build =
    (customDomain: unknown, changes: Record<string, unknown> = {}) =>
    () =>
      buildStack({ stage: withDomain(customDomain, changes) });
  const square = squareOn(`https://${DOMAIN}/square/webhooks/events`);

  test.each([
    ['no certificate', { domainName: DOMAIN }, /customDomain\.certificateArn/],
    [
      'a certificate that is not an ACM ARN',
      { domainName: DOMAIN, certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' },
      /customDomain\.certificateArn/,
    ],
    [
      'a URL for a domain name',
      { domainName: `https://${DOMAIN}`, certificateArn: CERTIFICATE },
      /customDomain\.domainName/,
    ],
    ['a wildcard', { domainName: '*.bridge.example.com', certificateArn: CERTIFICATE }, /customDomain\.domainName/],
    ['a single label', { domainName: 'localhost', certificateArn: CERTIFICATE }, /customDomain\.domainName/],
  ])('%s is refused', (_what, customDomain, message) => {
    expect(build(customDomain, square)).toThrow(message);
    expect(build(customDomain, square)).toThrow(/stage "sandbox"/);
  });

  test("a POS notification URL that is not on the custom domain is refused: the POS would sign a URL the bridge doesn't serve", () => {
    const stale = squareOn('https://old-hooks.example.com/square/webhooks/events');
    expect(build({ domainName: DOMAIN, certificateArn: CERTIFICATE }, stale)).toThrow(
      /adapters\.square\.settings\.webhookNotificationUrl.*https:\/\/hooks\.bridge\.example\.com\/square\/webhooks\//,
    );
  });

  test('a certificate in another region than the stack is refused (a regional API needs a certificate in its region)', () => {
    expect(() =>
      buildStack({
        stage: withDomain({ domainName: DOMAIN, certificateArn: CERTIFICATE }, square),
        env: { account: '123456789012', region: 'us-east-1' },
      }),
    ).toThrow(/eu-west-1.*us-east-1/);
  });
});
