/**
 * The receivers' own alarms, on the bridge's metrics (functions/infra/metrics.ts): events the
 * EventBridge receiver refused, which Sinqro believes delivered, and a webhook signing secret that is
 * malformed, which refuses every webhook it signs until an operator fixes it. Both fire at the first one.
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS } from '../functions/infra/metrics';
import { alarmAtFirst } from './metric-alarm';
import type { Stage } from './stage-config';

export class IngressAlarms extends Construct {
  readonly eventsRefused: Alarm;
  readonly secretMalformed: Alarm;

  constructor(scope: Construct, id: string, props: { stage: Stage }) {
    super(scope, id);
    const alarmOn = (alarmId: string, metricName: string, description: string) =>
      alarmAtFirst(this, alarmId, {
        metricName,
        dimensions: { [METRICS.stageDimension]: props.stage.name },
        description,
      });
    this.eventsRefused = alarmOn(
      'SinqroEventsRefused',
      METRICS.sinqroEventsRefused,
      'sinqro-events: events from the bus refused (invalid or for a restaurant not linked); Sinqro believes them delivered: read `event refused` in its logs',
    );
    this.secretMalformed = alarmOn(
      'SecretMalformed',
      METRICS.secretMalformed,
      'a webhook signing secret is malformed (empty or shorter than 32 bytes) or missing: every webhook it covers is refused with 500 until the secret is fixed',
    );
  }
}
