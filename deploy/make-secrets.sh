#!/usr/bin/env sh
# Create deploy/secrets/ once (0600 files, never committed): the database password, the database URL the API
# workers read, and the HMAC keys of the audit chain and of webhook signatures (copilot.keys format).
set -eu
dir="$(dirname "$0")/secrets"
umask 077
mkdir -p "$dir"
[ -s "$dir/postgres_password" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$dir/postgres_password"
[ -s "$dir/copilot_db_url" ] || printf 'postgresql://copilot:%s@postgres:5432/copilot\n' "$(cat "$dir/postgres_password")" > "$dir/copilot_db_url"
[ -s "$dir/copilot_secrets.json" ] || python3 -c 'import json, secrets
print(json.dumps({"audit_chain": secrets.token_hex(32), "webhook_signing": secrets.token_hex(32)}, indent=2))' \
  > "$dir/copilot_secrets.json"
chown 10001 "$dir/copilot_db_url" "$dir/copilot_secrets.json" 2>/dev/null || true  # the image's user reads them
echo "secrets in $dir (back them up apart from the database: the audit chain cannot be verified without them)"
