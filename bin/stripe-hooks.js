#!/usr/bin/env node
import module from 'node:module';

// Node ≥ 22.1 keeps V8's compiled code of what loads next on disk (NODE_COMPILE_CACHE, or a directory under the OS
// temp dir) and reuses it on the next run; absent on Node 20, and a cache it cannot write is skipped, not an error.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

main(process.argv);
