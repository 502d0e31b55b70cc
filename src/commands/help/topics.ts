/** The text of `deskctl help <topic>`; loaded only when a topic is asked for. */
export const TOPICS: Record<'exit-codes' | 'environment', string> = {
  'exit-codes': `Exit codes

  0    ok
  1    the operation was refused or failed: not found, conflict, a rule said no
  2    usage error or invalid input; nothing was written
  3    a bulk operation partly failed (some ids succeeded, some did not)
  4    unauthenticated or forbidden (no or a bad API token; --as a manager outside their organizations)
  5    the backend could not be reached or stayed busy (the database cannot be opened or another
       writer held it past the 15 s wait; the API does not answer)
  130  interrupted (Ctrl-C): bulk work stops after the chunk in progress, which commits whole

An error is one line on stderr, "error: <message>"; with -o json it is followed by
{"error":{"code":"...","message":"..."}} on stderr. The codes and their exit codes:
  invalid_input 2, not_found 1, conflict 1, precondition_failed 1,
  forbidden 4, unauthenticated 4, unavailable 5, internal 1

Examples:
  $ deskctl drafts approve 17 18 || echo "exit $?"
  $ deskctl drafts approve --all --yes -o json > result.json; echo "exit $?"   # 3: only some were approved
`,
  environment: `Environment variables

Where deskctl points (flags beat environment variables, which beat the profile, which beats the default):
  DESKCTL_DB        a SQLite database file, or a PostgreSQL URL postgres://user@host:5432/db (like --db)
  PGPASSWORD        the PostgreSQL password when the URL has none (or ~/.pgpass)
  DESKCTL_API_URL   a helpdesk HTTP API, e.g. https://helpdesk.example.com (like --api)
  DESKCTL_TOKEN     the API token; a token is never taken as a command-line argument
  DESKCTL_PROFILE   a saved profile to use (like --profile); see: deskctl profile --help
  DESKCTL_TENANT    the tenant to act on (like --tenant); "default" unless set

  A profile named with --profile counts as a flag; one named by DESKCTL_PROFILE or chosen with
  "deskctl profile use" comes after the environment. A profile's tenant and token go with its
  target: when a flag or variable overrides the target, the profile is not used at all.
  "deskctl profile show" prints what a command would use and where each setting came from.

Output:
  NO_COLOR          any value but empty: no colour (as does --no-color)
  TERM=dumb         no colour and no spinners
  FORCE_COLOR       colour even when stdout is not a terminal (not with NO_COLOR)
  DESKCTL_PAGER, PAGER
                    a table taller than the terminal is shown through this pager (e.g. less);
                    never when stdout is piped; DESKCTL_PAGER=cat turns it off

Files:
  XDG_CONFIG_HOME   profiles live in $XDG_CONFIG_HOME/deskctl (default ~/.config/deskctl):
                    config.json, and credentials.json (tokens and SMTP URLs, plain text, mode 0600)
  XDG_DATA_HOME     the default database is $XDG_DATA_HOME/deskctl/helpdesk.db
                    (default ~/.local/share/deskctl/helpdesk.db)
  HOME              the base of both defaults

Secrets at rest (the WhatsApp connection's app secret, access token and verify token; the push
secret):
  DESKCTL_SECRETS_KEY       base64 of 32 random bytes (openssl rand -base64 32): the secrets are
                            sealed with AES-256-GCM under it; without a key they are stored in
                            plain text (and deskctl says so). Where the database is written: on
                            the server for --api
  DESKCTL_SECRETS_KEY_FILE  a file holding that key instead (not both)

E-mail notifications (notifications deliver, serve --deliver):
  DESKCTL_SMTP_URL  the SMTP server: smtp://host:587 (STARTTLS when offered; ?tls=required to
                    insist, ?tls=off never), smtps://user:password@host:465 (TLS from the start),
                    ?tls=insecure to accept a self-signed certificate; percent-encode @ : / ? # %
                    in the password. Beats the profile's (deskctl profile set-smtp NAME --url-stdin);
                    shown only as smtps://user:***@host:465

Delivery (R33):
  DESKCTL_WHATSAPP_API_URL  the WhatsApp Cloud API that messages are sent through (default
                            https://graph.facebook.com/v21.0): a proxy, or a test server

Diagnostics and reproducible runs:
  DESKCTL_DEBUG         print the stack trace of an internal error
  DESKCTL_NOW           pin the clock to an ISO-8601 instant
  DESKCTL_DECIDE_CHUNK  drafts per transaction (per API request) in bulk decisions (default 5000)

Examples:
  $ DESKCTL_DB=/srv/helpdesk.db deskctl drafts list
  $ DESKCTL_API_URL=https://helpdesk.example.com DESKCTL_TOKEN="$(cat ~/.helpdesk-token)" deskctl approval show
  $ DESKCTL_PROFILE=staging deskctl profile show
`,
};
