"use client";

import { api } from "~/trpc/react";

/** Shows whether the server and its database answer, and which mode it runs in. */
export function StatusBadge() {
  const health = api.health.get.useQuery(undefined, { refetchInterval: 30_000 });
  if (health.isPending) return <span className="badge">checking…</span>;
  if (health.isError) return <span className="badge badge-bad" role="status">offline: {health.error.message}</span>;
  const { db, queue, version } = health.data;
  return (
    <span className="badge badge-ok" role="status" data-testid="health">
      online · {db} · {queue} jobs · v{version}
    </span>
  );
}
