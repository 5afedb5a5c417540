// One sync, as field_client/engine.py: upload pending files (HEAD, then PUT), push the outbox
// in seq order, pull until up to date. Safe to interrupt anywhere (a closed tab, a reload):
// uploads are content-addressed, a push is answered exactly once per seq (a resent seq answers
// `duplicate` with its first result), and each pulled page is stored with its cursor in one
// transaction. A Web Lock makes the tabs of one browser take turns, so no two send at once.

import { Api, Refused } from "./api.js";

const BATCH = 100;
const PAGE = 500;
const LOCK = "fieldsync-sync";

/** Sync under the browser-wide lock; the report, or Unreachable / Refused thrown. */
export async function sync(store) {
  if (!navigator.locks) return syncNow(store); // very old browsers: one tab at a time
  return navigator.locks.request(LOCK, () => syncNow(store));
}

async function syncNow(store) {
  const credentials = await store.credentials();
  if (!credentials) throw new Refused(401, { code: "missing_token", message: "sign in first" });
  const api = new Api(credentials.token);
  const report = { uploaded: 0, refusedUploads: [], applied: 0, rejected: [], waiting: [],
    pulled: 0, deleted: 0 };
  await uploadPending(store, api, report);
  await pushOutbox(store, api, report);
  await pullChanges(store, api, report);
  await store.put("last_sync", new Date().toISOString());
  return report;
}

async function uploadPending(store, api, report) {
  for (const item of await store.pendingUploads()) {
    if (!(await api.mediaExists(item.sha256))) {
      try {
        await api.upload(item.sha256, item.blob, item.content_type);
        report.uploaded += 1;
      } catch (error) {
        if (!(error instanceof Refused) || error.status === 401) throw error;
        // The server will never take this file; the rest of the work still goes.
        await store.markUpload(item.sha256, "refused", error.error.message || error.code);
        report.refusedUploads.push({ sha256: item.sha256, reason: error.error.message });
        continue;
      }
    }
    await store.markUpload(item.sha256, "uploaded");
  }
}

function envelope(entry) {
  return { seq: entry.seq, id: entry.id, name: entry.name, args: entry.args,
    client_time: entry.client_time };
}

async function pushOutbox(store, api, report) {
  const clientId = await store.clientId();
  for (;;) {
    const batch = await store.outbox({ state: "pending", limit: BATCH });
    if (!batch.length) return;
    const answer = await api.push(clientId, batch.map(envelope));
    const settled = [];
    let stop = false;
    for (const result of answer.results) {
      // A resent seq answers `duplicate` and carries what it had the first time.
      const state = result.original_status || result.status;
      if (state === "retry") {
        report.waiting.push(result);
        stop = true;
      } else if (state === "applied" || state === "rejected") {
        settled.push({ seq: result.seq, state, error: result.error, version: result.version });
        if (state === "rejected") report.rejected.push(result);
        else report.applied += 1;
      }
    }
    await store.settle(settled);
    if (stop || !settled.length) return; // waiting on the server, or no progress: never spin
  }
}

async function pullChanges(store, api, report) {
  let cursor = await store.get("cursor");
  for (;;) {
    const page = await api.pull(cursor, PAGE);
    await store.applyPage(page.changes, page.cursor);
    for (const change of page.changes) {
      if (change.op === "delete") report.deleted += 1;
      else report.pulled += 1;
    }
    cursor = page.cursor;
    if (!page.has_more) return;
  }
}
