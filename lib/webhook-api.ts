/**
 * The public HTTP API: one POST route per webhook sender (Sinqro, and each registered POS), each
 * straight to its ingress Lambda. Authenticity is checked in the handler on the raw body (HMAC), so
 * the routes carry no authorizer. A POS code without a route gets API Gateway's own 404: nothing runs.
 * Every route is throttled (the stage's limits, or tighter ones of its own), and with a custom domain
 * the senders' URLs outlive the API itself.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  type CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type HttpRouteSpec, routeKey } from '../functions/routes';
import {
  type CustomDomainConfig,
  certificateRegion,
  customDomainConfig,
  type IngressLimits,
  type Stage,
} from './stage-config';

/** Ids, route, status and timings: enough to trace a delivery, and no caller IP or body (personal data). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export type WebhookApiProps = {
  stage: Stage;
  /** The stage's checked limits (`ingressLimits`). */
  limits: Pick<Required<IngressLimits>, 'throttle' | 'routeThrottle'>;
  routes: readonly HttpRouteSpec[];
  /** The function behind each route's `functionName`. */
  functions: Record<HttpRouteSpec['functionName'], IFunction>;
};

export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Only with the stage's `customDomain`. */
  readonly domain?: DomainName;
  /** Every webhook route, each authenticated by its handler (HMAC on the raw body), none by API Gateway. */
  readonly routes: HttpRoute[] = [];
  /** What the senders are given, ending in `/`: the custom domain's, or else the API's generated URL. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    const { stage, limits } = props;
    const custom = customDomainConfig(stage);
    this.api = new HttpApi(this, 'Api', {
      description: `Sinqro POS Bridge webhooks (${stage.name})`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.domain = custom && this.customDomain(stage, custom);
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: limits.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
    });
    this.baseUrl = custom ? `https://${custom.domainName}/` : this.stage.url;

    // One integration per function; each route gets its own invoke permission, scoped to its path.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const spec of props.routes) {
      let integration = integrations.get(spec.functionName);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${spec.functionName}-integration`, props.functions[spec.functionName]);
        integrations.set(spec.functionName, integration);
      }
      const [route] = this.api.addRoutes({ path: spec.path, methods: [HttpMethod.POST], integration });
      this.routes.push(route as HttpRoute);
      const own = limits.routeThrottle[spec.name];
      if (!own) continue;
      routeSettings[routeKey(spec)] = { ThrottlingRateLimit: own.rateLimit, ThrottlingBurstLimit: own.burstLimit };
      // API Gateway refuses settings for a route it does not have yet.
      cfnStage.addResourceDependency((route as HttpRoute).node.defaultChild as CfnRoute);
    }
    if (Object.keys(routeSettings).length > 0) cfnStage.routeSettings = routeSettings;
  }

  private customDomain(stage: Stage, custom: CustomDomainConfig): DomainName {
    const region = Stack.of(this).region;
    const certificateIn = certificateRegion(custom.certificateArn);
    if (!Token.isUnresolved(region) && certificateIn !== region)
      throw new Error(
        `stage "${stage.name}": customDomain.certificateArn is in ${certificateIn}, the stack in ${region}: ` +
          'a regional API needs a certificate issued or imported in its own region',
      );
    return new DomainName(this, 'Domain', {
      domainName: custom.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
  }
}
