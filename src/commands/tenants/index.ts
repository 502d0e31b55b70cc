import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as create from './create.js';
import * as list from './list.js';
import * as remove from './remove.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [list, create, remove]) verb.register(cmd, ctx);
}
