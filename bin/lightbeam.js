#!/usr/bin/env node
// The `lightbeam` command. The compiler is written in TypeScript and run through tsx,
// so the command works straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../compiler/cli.ts');
