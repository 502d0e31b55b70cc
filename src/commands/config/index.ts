import type { Command } from 'commander';
import type { Context } from '../../context.js';
import * as apply from './apply.js';
import * as exportVerb from './export.js';
import * as plan from './plan.js';

export function register(cmd: Command, ctx: Context): void {
  for (const verb of [exportVerb, plan, apply]) verb.register(cmd, ctx);
}
