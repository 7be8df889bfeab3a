/** An alarm on one of the bridge's own metrics (functions/infra/metrics.ts) that fires at its first count. */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRICS } from '../functions/infra/metrics';

export function alarmAtFirst(
  scope: Construct,
  id: string,
  props: { metricName: string; dimensions: Record<string, string>; description: string },
): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: new Metric({
      namespace: METRICS.namespace,
      metricName: props.metricName,
      dimensionsMap: props.dimensions,
      period: Duration.minutes(5),
      statistic: 'Sum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
