import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as approvals from './approvals.js';
import * as exporter from './export.js';
import * as summary from './summary.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [exporter, approvals, summary]) verb.register(cmd, ctx);
}
