import type { SecretsKey } from '../engine/secrets.js';
import type { Store } from '../store/store.js';
import type { DeliverySetup } from './dispatcher.js';
import { idsOrNone } from '../engine/outbox.js';
import type { NotificationChannel } from '../core/schemas.js';

/** Where this process's channels come from: the SMTP server (environment or profile), the WhatsApp API, the key of secrets. */
export interface DeliveryConfig {
  env: NodeJS.ProcessEnv;
  /** DESKCTL_SMTP_URL or the profile's; null: this process sends no e-mail. */
  smtpUrl: string | null;
  secretsKey: () => SecretsKey | null;
}

/**
 * The dispatcher's channels (R33), renderer (R34) and reminders (R35), each module loaded here
 * only: a command that delivers nothing loads none of them.
 */
export async function openDelivery(store: Store, c: DeliveryConfig): Promise<DeliverySetup> {
  const [{ emailChannel }, { pushChannel, pushTargetOf }, { whatsappChannel, whatsappConnectionOf, whatsappApiUrl }, { renderNotifications }, { sendReminders }] = await Promise.all([
    import('./email.js'),
    import('./push.js'),
    import('./whatsapp.js'),
    import('../engine/templates.js'),
    import('../engine/reminders.js'),
  ]);
  // The key sealed secrets need: without it (or with another, or a malformed one) they wait, using no attempt.
  const keyId = () => {
    try {
      return c.secretsKey()?.id ?? null;
    } catch {
      return null;
    }
  };
  const channels: DeliverySetup['channels'] = {
    push: {
      channel: pushChannel({ targetOf: (tenantId) => pushTargetOf(store.db, tenantId, c.secretsKey) }),
      readyTenants: (among) => tenantsWith(store, among, 'push', keyId()),
      waitingReason:
        'the tenant has no push URL and secret (deskctl settings set notifications.pushUrl URL; deskctl notifications push-secret --stdin), or its secret is sealed with a key the dispatcher does not have (DESKCTL_SECRETS_KEY)',
    },
    whatsapp: {
      channel: whatsappChannel({ apiUrl: whatsappApiUrl(c.env), connectionOf: (tenantId) => whatsappConnectionOf(store.db, tenantId, c.secretsKey) }),
      readyTenants: (among) => tenantsWith(store, among, 'whatsapp', keyId()),
      waitingReason: 'the tenant has no WhatsApp connection (deskctl whatsapp connect), or its secrets are sealed with a key the dispatcher does not have (DESKCTL_SECRETS_KEY)',
    },
  };
  const missing: DeliverySetup['missing'] = {};
  if (c.smtpUrl) {
    channels.email = {
      channel: emailChannel({ url: c.smtpUrl }),
      readyTenants: (among) => tenantsWith(store, among, 'email', null),
      waitingReason: 'the tenant has no sender (deskctl settings set notifications.from "Help <help@example.com>")',
    };
  } else {
    missing.email = 'the dispatcher (this command, or the server it asks) has no SMTP server: set DESKCTL_SMTP_URL, or deskctl profile set-smtp NAME --url-stdin, where it runs';
  }
  return {
    channels,
    missing,
    render: (rows) => renderNotifications(store.db, rows),
    reminders: async (now, tenantIds) => (await sendReminders(store, now, tenantIds)).queued,
    async close() {
      await Promise.all(Object.values(channels).map((s) => s.channel.close()));
    },
  };
}

/**
 * The tenants (of `among`) that set a channel up: a sender for e-mail, a push URL and secret, a
 * WhatsApp connection; secrets sealed with another key than `keyId` (or with none given) do not count.
 */
async function tenantsWith(store: Store, among: number[] | null, channel: NotificationChannel, keyId: string | null): Promise<number[]> {
  const db = store.db;
  const ids = among && idsOrNone(among);
  const rows =
    channel === 'whatsapp'
      ? await db
          .selectFrom('whatsapp_connections')
          .select('tenant_id')
          .where((eb) => eb.or([eb('encrypted', '=', 0), eb('key_id', '=', keyId ?? '')]))
          .$if(ids !== null, (q) => q.where('tenant_id', 'in', ids!))
          .execute()
      : await db
          .selectFrom('settings as s')
          .select('s.tenant_id')
          .where('s.key', '=', channel === 'email' ? 'notifications.from' : 'notifications.pushUrl')
          .where('s.value', '<>', 'null')
          .$if(channel === 'push', (q) =>
            q.where((eb) =>
              eb.exists(
                eb
                  .selectFrom('tenant_secrets as k')
                  .select('k.name')
                  .whereRef('k.tenant_id', '=', 's.tenant_id')
                  .where('k.name', '=', 'push')
                  .where((e) => e.or([e('k.encrypted', '=', 0), e('k.key_id', '=', keyId ?? '')])),
              ),
            ),
          )
          .$if(ids !== null, (q) => q.where('s.tenant_id', 'in', ids!))
          .execute();
  return rows.map((r) => r.tenant_id);
}

/**
 * A delivery set-up opened on first use (a command that delivers nothing opens no SMTP pool), with
 * the configuration as it is then; closed with its owner.
 */
export function lazyDelivery(store: Store, config: () => DeliveryConfig): { get(): Promise<DeliverySetup>; close(): Promise<void> } {
  let opened: Promise<DeliverySetup> | undefined;
  return {
    get: () => (opened ??= openDelivery(store, config())),
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

/** The SMTP server of the environment (DESKCTL_SMTP_URL); null when unset. */
export const envSmtpUrl = (env: NodeJS.ProcessEnv): string | null => env.DESKCTL_SMTP_URL?.trim() || null;
