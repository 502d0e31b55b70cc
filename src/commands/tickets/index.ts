import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as change from './change.js';
import * as create from './create.js';
import * as list from './list.js';
import * as participants from './participants.js';
import * as show from './show.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [create, list, show, change, participants]) verb.register(cmd, ctx);
}
