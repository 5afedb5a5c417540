// The app: opens the local store, draws the header, routes #/… to a screen, and syncs when
// asked, at start and whenever the browser comes back online.

import { Refused, Unreachable } from "./api.js";
import { h, show, toast } from "./dom.js";
import { language, switchLanguage, t } from "./i18n.js";
import { jobsScreen } from "./screens/jobs.js";
import { signInScreen } from "./screens/signin.js";
import { Store } from "./store.js";
import { sync } from "./sync.js";

const SCREENS = {
  jobs: () => jobsScreen,
  job: async () => (await import("./screens/job.js")).jobScreen,
  sign: async () => (await import("./screens/sign.js")).signScreen,
  kb: async () => (await import("./screens/kb.js")).kbScreen,
  outbox: async () => (await import("./screens/outbox.js")).outboxScreen,
};

class App {
  constructor(store) {
    this.store = store;
    this.syncing = false;
    this.problem = null; // why the last sync did not finish, for the status line
  }

  async credentials() {
    return this.store.credentials();
  }

  go(hash) {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  }

  async route() {
    const credentials = await this.credentials();
    this.drawHeader(credentials);
    if (!credentials) {
      signInScreen(this);
      return;
    }
    const [name, ...params] = (location.hash.replace(/^#\/?/, "") || "jobs").split("/");
    const load = SCREENS[name] || SCREENS.jobs;
    const screen = await load();
    await screen(this, ...params.map(decodeURIComponent));
    this.updateStatus();
  }

  /** Queue one mutation durably, say "saved", then try to send it. */
  async queue(orderId, name, args, files = []) {
    await this.store.enqueue(name, { work_order_id: orderId, ...args }, orderId, files);
    toast(t("saved"));
    this.updateStatus();
    this.sync({ quiet: true });
  }

  async sync({ quiet = false } = {}) {
    if (!(await this.credentials())) return;
    if (!navigator.onLine) {
      this.problem = t("offline");
      this.updateStatus();
      return;
    }
    this.syncing = true;
    this.updateStatus();
    try {
      const report = await sync(this.store);
      this.problem = null;
      if (!quiet && report.rejected.length) toast(t("refusedCount", { n: report.rejected.length }));
    } catch (error) {
      if (error instanceof Unreachable) this.problem = t("offline");
      else if (error instanceof Refused && error.status === 401) this.problem = t("notSignedIn");
      else if (error instanceof Refused) this.problem = `${error.code}: ${error.message}`;
      else throw error;
    } finally {
      this.syncing = false;
    }
    await this.rerender();
  }

  async rerender() {
    // Redraw the current screen with the new replica, unless the engineer is typing/drawing.
    const busy = document.activeElement?.closest?.("form, .signature");
    if (!busy) await this.route();
    else this.updateStatus();
  }

  async updateStatus() {
    const line = document.getElementById("sync-status");
    if (!line) return;
    const pending = await this.store.outbox({ state: "pending" });
    const refused = await this.store.outbox({ state: "rejected" });
    const parts = [];
    if (this.syncing) parts.push(t("syncing"));
    else if (this.problem) parts.push(this.problem);
    parts.push(pending.length ? t("waiting", { n: pending.length }) : t("synced"));
    if (refused.length) parts.push(t("refusedCount", { n: refused.length }));
    line.textContent = parts.join(" · ");
    line.dataset.pending = String(pending.length);
    line.dataset.refused = String(refused.length);
    line.dataset.syncing = String(this.syncing);
  }

  drawHeader(credentials) {
    document.documentElement.lang = language();
    const header = document.getElementById("header");
    const nav = credentials ? h("nav", {},
      h("a", { href: "#/jobs" }, t("jobs")),
      h("a", { href: "#/kb" }, t("knowledge")),
      h("a", { href: "#/outbox" }, t("outbox"))) : null;
    header.replaceChildren(
      h("div", { class: "bar" },
        h("strong", { class: "brand" }, t("app")),
        credentials ? h("button", { id: "sync", type: "button",
          onclick: () => this.sync() }, t("sync")) : null,
        h("button", { id: "language", type: "button", class: "quiet", onclick: () => {
          switchLanguage();
          this.route();
        } }, t("language"))),
      nav,
      credentials ? h("p", { id: "sync-status", role: "status" }) : null);
  }
}

async function main() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => {});
  }
  const app = new App(await Store.open());
  window.fieldsync = app; // for the bench and the browser tests
  window.addEventListener("hashchange", async () => {
    await app.route();
    window.scrollTo(0, 0);
  });
  window.addEventListener("online", () => app.sync({ quiet: true }));
  window.addEventListener("offline", () => app.updateStatus());
  await app.route();
  document.body.dataset.ready = "true";
  if (await app.credentials()) app.sync({ quiet: true });
}

main();
