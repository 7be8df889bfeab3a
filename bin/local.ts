/**
 * `npm start`: the whole bridge on this machine, no AWS account needed. Prints what runs where, then
 * one readable line per step of each order. Ctrl-C stops it.
 */
import { ADAPTERS } from '../adapters/registry';
import config from '../local/runtime/config.json';
import { startLocalRuntime } from '../local/runtime/runtime';
import { runtimeFilePath } from '../local/runtime/runtime-file';

async function main() {
  const port = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
  const runtimeFile = runtimeFilePath();
  const runtime = await startLocalRuntime({
    ports: {
      gateway: port('PORT'),
      referencePos: port('REFERENCE_POS_PORT'),
      squarePos: port('SQUARE_POS_PORT') ?? config.ports.squarePos,
      lightspeedKPos: port('LIGHTSPEED_K_POS_PORT') ?? config.ports.lightspeedKPos,
      sinqro: port('SINQRO_SIM_PORT'),
      // Fixed, so the operator CLI and the AWS CLI find them at known addresses.
      dynamodb: port('DYNAMODB_PORT') ?? config.ports.dynamodb,
      sqs: port('SQS_PORT') ?? config.ports.sqs,
    },
    runtimeFile,
  });
  const { urls, schedule } = runtime;
  const every = (job: keyof typeof schedule) => (schedule[job] > 0 ? `every ${schedule[job]} s` : 'off');
  const lines = [
    'Sinqro POS Bridge — local runtime',
    `  bridge (API Gateway)   ${urls.gateway}   POST /sinqro/events, POST /<code>/webhooks/{any+} (${ADAPTERS.map((a) => a.code).join(', ')}), POST /_local/eventbridge`,
    `  reference POS sim      ${urls.referencePos}   GET /_sim/orders, POST /_sim/orders/{id}/status, POST /_sim/faults`,
    `  Square sim             ${urls.squarePos}   GET /_sim/requests, POST /_sim/orders/{id}/fulfillment, PATCH /_sim/locations/{id}`,
    `  Lightspeed K-Series    ${urls.lightspeedKPos}   GET /_sim/invalid-requests, POST /_sim/orders/{ref}/status, POST /_sim/readiness`,
    `  Sinqro sim             ${urls.sinqro}   GET /_sim/calls, POST /_sim/events, POST /_sim/faults`,
    `  DynamoDB (dynalite)    ${urls.dynamodb}   table ${runtime.tableName}`,
    `  SQS (local)            ${urls.sqs}   ${runtime.queues.map((q) => q.name.replace(`${runtime.tableName}-`, '')).join(', ')} (+ DLQs)`,
    `  scheduler              poll ${every('poll')}, sweep ${every('sweep')}, nightly ${every('nightly')}; run one now: POST /_local/schedule/{poll|sweep|nightly}`,
    '  demo restaurant 5120 (Trattoria Demo) → reference POS location loc-trattoria; secrets in local/runtime/secrets.json',
    '  demo restaurant 5121 (Trattoria Square) → Square location LSIMTRATTORIA01 (merchant MLSIMSINQRO01)',
    '  demo restaurant 5122 (Trattoria Lightspeed) → K-Series (lightspeedk) business location 45454565682155 (business 454335871)',
    `Try:  npm run demo -- --attach   (plays an order against this runtime), or npx pos-bridge restaurants --local (${runtimeFile})`,
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
