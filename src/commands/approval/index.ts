import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as explain from './explain.js';
import * as set from './set.js';
import * as show from './show.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [show, set, explain]) verb.register(cmd, ctx);
}
