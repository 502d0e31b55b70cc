import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as connect from './connect.js';
import * as disconnect from './disconnect.js';
import * as show from './show.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [connect, show, disconnect]) verb.register(cmd, ctx);
}
