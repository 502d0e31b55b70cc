import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as list from './list.js';
import * as reset from './reset.js';
import * as set from './set.js';
import * as show from './show.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [list, show, set, reset]) verb.register(cmd, ctx);
}
