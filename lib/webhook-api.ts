/**
 * The public HTTP API: one POST route per webhook sender, each straight to its ingress Lambda.
 * Authenticity is checked in the handler on the raw body (HMAC), so the routes carry no authorizer.
 */
import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpRoute, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Stage } from './stage-config';

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

export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Every webhook route, each authenticated by its handler (HMAC on the raw body), none by API Gateway. */
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: { stage: Stage }) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: `Sinqro POS Bridge webhooks (${props.stage.name})`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    new CfnOutput(this, 'Url', { description: 'Base URL of the webhook API', value: this.stage.url });
  }

  /** `POST <path>` → `fn`, with the payload format 2.0 event the handlers read. */
  addWebhook(id: string, path: string, fn: IFunction): void {
    this.routes.push(
      ...this.api.addRoutes({ path, methods: [HttpMethod.POST], integration: new HttpLambdaIntegration(id, fn) }),
    );
  }
}
