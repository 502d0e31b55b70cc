import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { registerDecision } from './decide.js';
import * as list from './list.js';
import * as restore from './restore.js';
import * as show from './show.js';

export function register(cmd: Command, ctx: Context): void {
  list.register(cmd, ctx);
  show.register(cmd, ctx);
  registerDecision(cmd, ctx, 'approve');
  registerDecision(cmd, ctx, 'reject');
  restore.register(cmd, ctx);
}
