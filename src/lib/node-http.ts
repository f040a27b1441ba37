/**
 * node:http without an ES import. On Node 22 and later, `import … from 'node:http'` builds the module's ES facade,
 * which reads every export, and http's lazy `WebSocket` getter then loads Node's own bundled undici: ~40 ms of CPU
 * on Node 24 (docs/benchmarks.md), which a live run would spend while `stripe listen` starts. process.getBuiltinModule
 * (Node >= 20.16) hands over the module as it is, getters untouched.
 */
export const nodeHttp = (): typeof import('node:http') => process.getBuiltinModule('node:http');
