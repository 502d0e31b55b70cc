import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { examples } from '../shared.js';
import * as add from './add.js';
import * as setSmtp from './set-smtp.js';
import * as show from './show.js';
import * as use from './use.js';

export function register(cmd: Command, ctx: Context): void {
  add.register(cmd, ctx);
  show.registerList(cmd, ctx);
  show.register(cmd, ctx);
  use.register(cmd, ctx);
  use.registerRemove(cmd, ctx);
  setSmtp.register(cmd, ctx);
  cmd.addHelpText(
    'after',
    `
A profile is a saved target: a local database, or a helpdesk API URL and its token, plus a tenant,
and optionally the SMTP server e-mail goes through (profile set-smtp; DESKCTL_SMTP_URL wins).
Stored in $XDG_CONFIG_HOME/deskctl (default ~/.config/deskctl): config.json, and tokens and SMTP
URLs in plain text in credentials.json, mode 0600. Precedence: flags > environment > profile >
default (deskctl help environment).`,
  );
  examples(cmd, [
    'deskctl profile add local --db ~/helpdesk.db --tenant acme',
    'deskctl profile add staging --api https://staging.example.com --token-stdin < token.txt',
    'deskctl profile use staging',
    'deskctl profile set-smtp staging --url-stdin < smtp-url.txt',
    'deskctl --profile local drafts list',
  ]);
}
