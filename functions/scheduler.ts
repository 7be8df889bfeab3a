/**
 * EventBridge schedule target: each rule passes `{"job": "poll" | "sweep" | "nightly"}` as its input
 * (an event with the job in `detail` works too). Lists the linked restaurants and enqueues the work
 * their POSes need (functions/worker/scheduled-jobs.ts); it never calls a POS or Sinqro.
 */
import { ValidationError } from './core/errors';
import { Logger } from './infra/logger';
import { isScheduleJob, type JobResult, runScheduledJob, SCHEDULE_JOBS } from './worker/scheduled-jobs';

const logger = new Logger('scheduler');

export async function handler(event: unknown): Promise<JobResult> {
  const input = event as { job?: unknown; detail?: { job?: unknown } } | null;
  const job = input?.job ?? input?.detail?.job;
  // A wrong input is a wrong rule in the stack: failing makes it visible (errors alarm), there is nothing to retry.
  if (!isScheduleJob(job))
    throw new ValidationError(`scheduler input names no job: expected job = ${SCHEDULE_JOBS.join(' | ')}`);
  return runScheduledJob(job, logger);
}
