/** The library's loadFlow: a flow file (YAML or JSON) or a recording, read as `trigger-flow --file` reads it. */
import { UsageError } from '../errors.js';
import { loadFlowFile } from '../flows/load.js';
import type { Flow } from '../flows/types.js';

export async function loadFlow(path: string): Promise<Flow> {
  const flows = await loadFlowFile(path, process.cwd());
  if (flows.length === 1) return flows[0]!;
  throw new UsageError(`${path} holds ${flows.length} flows (${flows.map((flow) => flow.name).join(', ')}); loadFlow takes a file of one`, {
    hint: 'give the flow by name instead (a flow of stripe-hooks.config.* in the cwd), or split the file',
  });
}
