/**
 * The stack's name and output keys, shared by the stack and the operator CLI (which reads the
 * outputs with DescribeStacks). No CDK imports here, so the CLI loads fast.
 */
export const stackName = (stage: string) => `SinqroPosBridge-${stage}`;

const pascal = (code: string) => code.charAt(0).toUpperCase() + code.slice(1);

export const OUTPUTS = {
  tableName: 'TableName',
  toSinqroQueueUrl: 'ToSinqroQueueUrl',
  toSinqroDlqUrl: 'ToSinqroDlqUrl',
  /** Sinqro's EventBridge deliveries that failed: listed by the CLI, replayed by hand (docs/operations.md). */
  eventBusDlqUrl: 'SinqroEventsDlqUrl',
  /** Where every alarm sends its ALARM and OK notifications (created, or the stage's existing topic). */
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  dashboardUrl: 'DashboardUrl',
  /** Where the senders post (`<base>sinqro/events`, `<base><code>/webhooks/…`): stable only with a custom domain. */
  webhookBaseUrl: 'WebhookBaseUrl',
  sinqroWebhookUrl: 'SinqroWebhookUrl',
  posWebhookUrl: (posCode: string) => `PosWebhookUrl${pascal(posCode)}`,
  /** With a custom domain: the name its DNS record points to, and that name's hosted zone (for an alias). */
  customDomainTarget: 'CustomDomainTarget',
  customDomainHostedZoneId: 'CustomDomainHostedZoneId',
  workQueueUrl: (posCode: string) => `WorkQueueUrl${pascal(posCode)}`,
  workDlqUrl: (posCode: string) => `WorkDlqUrl${pascal(posCode)}`,
} as const;
