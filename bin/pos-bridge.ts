/** `npx pos-bridge …` / `npm run pos-bridge -- …`: the operator CLI (bin/cli/main.ts). */
import { run } from './cli/main';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`pos-bridge: ${error.message}\n`);
    process.exitCode = 1;
  },
);
