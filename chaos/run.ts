/**
 * `npm run chaos [-- --orders 1000 --reservations 200 --restaurants 20 --square-restaurants 4
 * --lightspeed-k-restaurants 3 --concurrency 60 --fault-rate 0.05
 * --outage-seconds 12]`: plays orders and reservations through the local runtime under every fault class,
 * checks the invariants, redrives the DLQs with the CLI and checks again (chaos/play.ts says how). Prints
 * a table, writes chaos/results.json, exits 1 on any violation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CHAOS, formatTable, runChaos } from './play';

const arg = (name: string, fallback: number, integer = true) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)))
    throw new Error(`--${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}`);
  return value;
};
const out = (line = '') => process.stdout.write(`${line}\n`);

async function main() {
  const outageMs = arg('outage-seconds', DEFAULT_CHAOS.outages.forMs / 1000, false) * 1000;
  const result = await runChaos({
    orders: arg('orders', DEFAULT_CHAOS.orders),
    reservations: arg('reservations', DEFAULT_CHAOS.reservations),
    restaurants: Math.max(1, arg('restaurants', DEFAULT_CHAOS.restaurants)),
    squareRestaurants: arg('square-restaurants', DEFAULT_CHAOS.squareRestaurants),
    lightspeedKRestaurants: arg('lightspeed-k-restaurants', DEFAULT_CHAOS.lightspeedKRestaurants),
    concurrency: Math.max(1, arg('concurrency', DEFAULT_CHAOS.concurrency)),
    faultRate: arg('fault-rate', DEFAULT_CHAOS.faultRate, false),
    outages: { ...DEFAULT_CHAOS.outages, forMs: outageMs },
    progress: (line) => out(line),
  });
  const file = join(__dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  out();
  for (const line of formatTable(result)) out(line);
  const violations = [...result.checks.underFaults.violations, ...result.checks.afterRedrive.violations];
  const other = [...result.checks.underFaults.otherViolations, ...result.checks.afterRedrive.otherViolations];
  for (const v of violations.slice(0, 20)) out(`  violation: ${JSON.stringify(v)}`);
  if (violations.length > 20) out(`  … and ${violations.length - 20} more (chaos/results.json)`);
  for (const o of other) out(`  violation: ${o}`);
  out(`written: chaos/results.json`);
  process.exit(result.ok ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
