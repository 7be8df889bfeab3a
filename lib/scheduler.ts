/**
 * The scheduler: one function and three EventBridge schedules — the polling fallback,
 * the stuck-order sweep and the nightly catalog safety net — plus the alarms that say the schedule is
 * not doing its job: the scheduler failing, and orders the sweep found stuck.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AdapterSettings } from '../adapters/port';
import { envNames } from '../functions/infra/env';
import { METRICS } from '../functions/infra/metrics';
import { keys } from '../functions/store/table';
import type { ScheduleJob } from '../functions/worker/scheduled-jobs';
import { bindQueue, bindTablePartitions } from './bind';
import { BridgeFunction, SCHEDULER } from './bridge-function';
import type { Stage } from './stage-config';

export type BridgeSchedulerProps = {
  stage: Stage;
  table: ITable;
  /** Per adapter code: its work queue and this stage's settings for it. */
  adapters: Record<string, { workQueue: IQueue; settings: AdapterSettings }>;
};

export class BridgeScheduler extends Construct {
  readonly fn: BridgeFunction;
  readonly rules: Record<ScheduleJob, Rule>;
  readonly errorsAlarm: Alarm;
  readonly stuckOrdersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: BridgeSchedulerProps) {
    super(scope, id);
    const { stage } = props;
    this.fn = new BridgeFunction(this, 'Function', {
      entry: 'scheduler',
      description: 'Scheduled jobs: polling fallback, stuck-order sweep, nightly catalog sync (enqueues work only)',
      ...SCHEDULER,
      logRetention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
      environment: { [envNames.stage]: stage.name },
    });
    // It reads the restaurants list (store.listLinks) and nothing else of the table.
    bindTablePartitions(this.fn, props.table, [keys.restaurantsPK]);
    for (const [code, adapter] of Object.entries(props.adapters)) {
      bindQueue(this.fn, envNames.workQueue(code), adapter.workQueue);
      this.fn.addEnvironment(envNames.posSettings(code), JSON.stringify(adapter.settings));
    }

    const { pollEvery, sweepEvery, nightlyAt } = stage.schedule;
    const rule = (ruleId: string, job: ScheduleJob, schedule: Schedule, description: string) =>
      new Rule(this, ruleId, {
        schedule,
        description,
        targets: [new LambdaFunction(this.fn, { event: RuleTargetInput.fromObject({ job }) })],
      });
    this.rules = {
      poll: rule('Poll', 'poll', Schedule.rate(pollEvery), 'Polling fallback for POSes without webhooks'),
      sweep: rule('Sweep', 'sweep', Schedule.rate(sweepEvery), 'Stuck-order sweep'),
      nightly: rule(
        'Nightly',
        'nightly',
        Schedule.cron({ hour: String(nightlyAt.hour), minute: String(nightlyAt.minute) }),
        'Nightly full catalog sync and hours read (UTC)',
      ),
    };

    this.errorsAlarm = new Alarm(this, 'Errors', {
      alarmDescription:
        'scheduler: a scheduled job failed (polling, sweep or nightly sync did not enqueue its work; read its logs)',
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.stuckOrdersAlarm = new Alarm(this, 'StuckOrders', {
      alarmDescription:
        'orders still RECEIVED or INJECTED after the sweep limit: inspect each with `pos-bridge order <id>` (the sweep names them in its logs)',
      metric: new Metric({
        namespace: METRICS.namespace,
        metricName: METRICS.stuckOrders,
        dimensionsMap: { [METRICS.stageDimension]: stage.name },
        period: Duration.minutes(Math.max(1, Math.ceil(sweepEvery.toMinutes({ integral: false })))),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
