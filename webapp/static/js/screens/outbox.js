// The outbox: what waits to be sent (actions and files), and what the server refused and why.

import { h, show } from "../dom.js";
import { dateTime, t } from "../i18n.js";

function entry(item, numbers) {
  return h("li", { dataset: { seq: item.seq } },
    h("strong", {}, `#${item.seq} ${item.name}`),
    h("span", {}, numbers.get(item.order_id) || ""),
    h("small", {}, dateTime(item.created_at)),
    item.error ? h("span", { class: "code" }, item.error.code) : null,
    item.error ? h("span", {}, item.error.message) : null);
}

export async function outboxScreen(app) {
  const [pending, rejected, uploads, refusedUploads, orders, lastSync] = await Promise.all([
    app.store.outbox({ state: "pending" }), app.store.outbox({ state: "rejected" }),
    app.store.pendingUploads(), app.store.refusedUploads(), app.store.orders(),
    app.store.get("last_sync")]);
  const numbers = new Map(orders.map((doc) => [doc.id, doc.number]));
  const credentials = await app.credentials();
  show(h("h1", {}, t("outbox")),
    h("p", {}, t("lastSync", { time: lastSync ? dateTime(lastSync) : t("never") })),
    h("section", { class: "card" }, h("h2", {}, t("pendingHere")),
      pending.length ? h("ul", { class: "outbox", id: "pending" },
        pending.map((item) => entry(item, numbers))) : h("p", {}, t("nothingWaiting")),
      uploads.length ? h("p", {}, `${t("uploads")}: ${t("waitingFiles", { n: uploads.length })}`)
        : null),
    rejected.length ? h("section", { class: "card refusals" }, h("h2", {}, t("refusals")),
      h("ul", { class: "outbox", id: "rejected" },
        rejected.reverse().map((item) => entry(item, numbers)))) : null,
    refusedUploads.length ? h("section", { class: "card refusals" },
      h("h2", {}, t("refusedUploads")), h("ul", {}, refusedUploads.map((file) =>
        h("li", {}, h("code", {}, file.sha256.slice(0, 12)), h("span", {}, file.refused)))))
      : null,
    h("p", {}, `${credentials.name} (${credentials.username})`),
    h("button", { type: "button", class: "quiet", id: "sign-out", onclick: async () => {
      // The replica and unsent work stay: the next sign-in of the same engineer sends them.
      await app.signedOut();
      app.go("#/jobs");
    } }, t("signOut")));
}
