// Spawned by env-kill.js: writes KEY=whsec_reliability_<n> into a dotenv file through the real code
// (src/lib/env-file.ts, compiled to .bench/ by the run), n = 0, 1, 2, … until it is killed. Says "writing" once the first write is in.
import { writeEnvValue } from '../.bench/src/lib/env-file.js';

const [file, key] = process.argv.slice(2);
for (let n = 0; ; n++) {
  await writeEnvValue(file, key, `whsec_reliability_${n}`);
  if (n === 0) process.stdout.write('writing\n');
}
