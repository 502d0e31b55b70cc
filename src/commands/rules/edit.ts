import type { Command } from 'commander';
import { DeskctlError } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';

/** R6: rules are never edited; this command exists to say how to change one. */
export function register(parent: Command, _ctx: Context): void {
  const cmd = parent
    .command('edit')
    .argument('[args...]')
    .allowUnknownOption()
    .description('Rules cannot be edited: remove the rule and add a new one (R6)')
    .action(() => {
      throw new DeskctlError(
        'invalid_input',
        'approval rules cannot be edited (R6); remove the rule and add the new one: ' +
          'deskctl rules remove <id> && deskctl rules add --department D (--category C | --no-category | --all-categories)',
      );
    });
  examples(cmd, ['deskctl rules remove 3 && deskctl rules add --department Suporte --category Acesso   # instead of editing rule 3']);
}
