/**
 * `npm start`: the whole bridge on this machine, no AWS account needed. Prints what runs where, then
 * one readable line per step of each order. Ctrl-C stops it.
 */
import { startLocalRuntime } from '../local/runtime';

async function main() {
  const port = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
  const runtime = await startLocalRuntime({
    ports: { gateway: port('PORT'), referencePos: port('REFERENCE_POS_PORT'), sinqro: port('SINQRO_SIM_PORT') },
  });
  const { urls } = runtime;
  const lines = [
    'Sinqro POS Bridge — local runtime',
    `  bridge (API Gateway)   ${urls.gateway}   POST /sinqro/events, POST /{posCode}/webhooks/{any+}, POST /_local/eventbridge`,
    `  reference POS sim      ${urls.referencePos}   GET /_sim/orders, POST /_sim/orders/{id}/status, POST /_sim/faults`,
    `  Sinqro sim             ${urls.sinqro}   GET /_sim/calls, POST /_sim/events, POST /_sim/faults`,
    `  DynamoDB (dynalite)    ${urls.dynamodb}   table ${runtime.tableName}`,
    `  SQS (local)            ${urls.sqs}   ${runtime.queues.map((q) => q.name.replace(`${runtime.tableName}-`, '')).join(', ')} (+ DLQs)`,
    '  demo restaurant 5120 (Trattoria Demo) → reference POS location loc-trattoria; secrets in local/secrets.json',
    'Try:  npm run demo -- --attach   (plays an order against this runtime), or see README "Send an event by hand".',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async () => {
    process.stdout.write('stopping…\n');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`could not start the local runtime: ${(error as Error).message}\n`);
  process.exit(1);
});
