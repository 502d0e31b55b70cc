import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as add from './add.js';
import * as edit from './edit.js';
import * as list from './list.js';
import * as remove from './remove.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [list, add, remove, edit]) verb.register(cmd, ctx);
}
