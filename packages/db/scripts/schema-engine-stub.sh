#!/bin/sh
# Stand-in for Prisma's native schema engine, which the CLI wants to download
# for every command. `prisma generate` never runs it for real work; it only
# needs a file it can point at. Any real request fails loudly.
case "$1" in
  --version|-V) echo "schema-engine-cli stub (mini-studio: offline, migrations run by packages/db)"; exit 0 ;;
esac
echo "schema-engine stub: the real Prisma schema engine is not available offline; use pnpm db:migrate / pnpm db:diff" >&2
exit 1
