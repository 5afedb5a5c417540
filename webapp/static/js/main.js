// The app: opens the local store, draws the header, routes #/… to a screen, and syncs when
// asked, at start and whenever the browser comes back online.

// Only what the job list needs is imported here: on a slow network every module on the first
// screen's path costs time. The rest loads on first use (and the service worker keeps it all).

import { h, keepInputWhileDrawing, toast } from "./dom.js";
import { language, switchLanguage, t } from "./i18n.js";
import { jobsScreen } from "./screens/jobs.js";
import { Store } from "./store.js";

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

  /**
   * Draw the screen the hash names. Drawings run one at a time and calls made while one waits
   * share it, so a slow redraw started before the hash changed cannot paint over the screen
   * the engineer has just opened. `keepInput` carries what was typed or chosen in the screen's
   * forms across a redraw the engineer did not ask for (a sync that finished).
   */
  route({ keepInput = false } = {}) {
    if (this.waitingRoute) {
      this.waitingKeepInput &&= keepInput;
      return this.waitingRoute;
    }
    this.waitingKeepInput = keepInput;
    const drawing = (this.drawing || Promise.resolve()).catch(() => {}).then(() => {
      this.waitingRoute = null;
      return this.draw({ keepInput: this.waitingKeepInput });
    });
    this.waitingRoute = drawing;
    this.drawing = drawing;
    return drawing;
  }

  async draw({ keepInput }) {
    const credentials = await this.credentials();
    this.drawHeader(credentials);
    if (!credentials) {
      (await import("./screens/signin.js")).signInScreen(this);
      return;
    }
    const [name, ...params] = (location.hash.replace(/^#\/?/, "") || "jobs").split("/");
    const load = SCREENS[name] || SCREENS.jobs;
    const screen = await load();
    keepInputWhileDrawing(keepInput);
    try {
      await screen(this, ...params.map(decodeURIComponent));
    } finally {
      keepInputWhileDrawing(false);
    }
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
    const [{ sync }, { Refused, Unreachable }] = await Promise.all([import("./sync.js"),
      import("./api.js")]);
    let changed = true;
    try {
      const report = await sync(this.store);
      this.problem = null;
      // Redraw only when something changed: a long job list costs time to draw.
      changed = report.pulled + report.deleted + report.applied + report.rejected.length +
        report.uploaded > 0;
      if (!quiet && report.rejected.length) toast(t("refusedCount", { n: report.rejected.length }));
    } catch (error) {
      if (error instanceof Unreachable) this.problem = t("offline");
      else if (error instanceof Refused && error.status === 401) await this.signedOut();
      else if (error instanceof Refused) this.problem = `${error.code}: ${error.message}`;
      else throw error;
    } finally {
      this.syncing = false;
    }
    if (changed) await this.rerender();
    else this.updateStatus();
  }

  /** The token expired or was revoked: sign in again; the replica and the outbox stay. */
  async signedOut() {
    const credentials = await this.credentials();
    if (credentials) await this.store.put("user_id", credentials.user_id);
    await this.store.put("credentials", null);
    this.problem = t("notSignedIn");
  }

  async rerender() {
    // Redraw the current screen with the new replica, unless the engineer is typing/drawing.
    const busy = document.activeElement?.closest?.("form, .signature");
    if (!busy) await this.route({ keepInput: true });
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
    // replaceChildren would write a null as the text "null": leave the missing parts out.
    header.replaceChildren(...[
      h("div", { class: "bar" },
        h("strong", { class: "brand" }, t("app")),
        credentials ? h("button", { id: "sync", type: "button",
          onclick: () => this.sync() }, t("sync")) : null,
        h("button", { id: "language", type: "button", class: "quiet", onclick: () => {
          switchLanguage();
          this.route();
        } }, t("language"))),
      nav,
      credentials ? h("p", { id: "sync-status", role: "status" }) : null].filter(Boolean));
  }
}

async function main() {
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
  if ("serviceWorker" in navigator) {
    // After the first screen: its precache of the shell must not slow that screen down.
    navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => {});
  }
  // Fetch the job page's code while the engineer reads the list: the first tap is instant.
  setTimeout(() => import("./screens/job.js").catch(() => {}), 0);
  if (await app.credentials()) app.sync({ quiet: true });
}

main();
