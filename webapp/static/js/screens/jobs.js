// Today's jobs: due time, priority, address and a link to the phone's map app, from the local
// replica only (works offline); the engineer's unsent work is already shown in each status.

import { h, show } from "../dom.js";
import { dateTime, t } from "../i18n.js";
import { localStatus } from "../store.js";

const ACTIVE = ["assigned", "accepted", "in_progress", "visit_failed"];
const RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
// A list longer than this is drawn in steps: a phone draws 100 cards quickly, 2,000 slowly.
const STEP = 100;

/** A link that opens the phone's map app at the site (geo: on Android, maps elsewhere). */
export function mapLink(site) {
  const location = site?.location;
  if (!location) return null;
  const { lat, lon } = location;
  const label = encodeURIComponent(site.address || "");
  const android = /Android/i.test(navigator.userAgent);
  const href = android ? `geo:${lat},${lon}?q=${lat},${lon}(${label})`
    : `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
  return h("a", { class: "map", href, target: "_blank", rel: "noopener" }, t("openMap"));
}

function endOfToday() {
  const end = new Date();
  end.setHours(23, 59, 59, 999);
  return end;
}

function card(doc, status, pendingCount) {
  return h("li", { class: `job priority-${doc.priority}`, dataset: { id: doc.id } },
    h("a", { class: "open", href: `#/job/${doc.id}` },
      h("span", { class: "number" }, doc.number),
      h("span", { class: `badge status-${status}` }, t(`statuses.${status}`)),
      h("span", { class: `badge priority-${doc.priority}` }, t(`priorities.${doc.priority}`)),
      h("strong", { class: "title" }, doc.title),
      h("span", { class: "due" }, doc.due_at ? `${t("due")} ${dateTime(doc.due_at)}`
        : t("noDue")),
      h("span", { class: "address" }, doc.site?.address || ""),
      pendingCount ? h("span", { class: "pending" }, t("waiting", { n: pendingCount })) : null),
    mapLink(doc.site));
}

export async function jobsScreen(app) {
  performance.mark("jobs-start");
  const [docs, outbox] = await Promise.all([app.store.orders(), app.store.outbox()]);
  const byOrder = new Map();
  for (const entry of outbox) {
    if (!byOrder.has(entry.order_id)) byOrder.set(entry.order_id, []);
    byOrder.get(entry.order_id).push(entry);
  }
  const sections = { today: [], later: [], done: [] };
  const horizon = endOfToday();
  for (const doc of docs) {
    const entries = byOrder.get(doc.id) || [];
    const status = localStatus(doc, entries);
    const due = doc.due_at ? new Date(doc.due_at) : null;
    const section = !ACTIVE.includes(status) ? "done"
      : (!due || due <= horizon ? "today" : "later");
    sections[section].push({ doc, status,
      pending: entries.filter((e) => e.state === "pending").length });
  }
  const order = (a, b) => (a.doc.due_at || "9").localeCompare(b.doc.due_at || "9") ||
    RANK[a.doc.priority] - RANK[b.doc.priority] || a.doc.number.localeCompare(b.doc.number);
  const list = (items) => {
    items.sort(order);
    const ul = h("ul", { class: "jobs" });
    const more = h("button", { type: "button", class: "quiet more" });
    const draw = (shown) => {
      ul.append(...items.slice(ul.children.length, shown)
        .map((item) => card(item.doc, item.status, item.pending)));
      more.hidden = shown >= items.length;
      more.textContent = `${t("more")} (${items.length - Math.min(shown, items.length)})`;
      more.onclick = () => draw(shown + STEP * 5);
    };
    draw(STEP);
    return [ul, more];
  };
  show(
    h("h1", {}, t("today")),
    docs.length ? list(sections.today) : h("p", { class: "empty" }, t("noJobs")),
    sections.later.length ? [h("h2", {}, t("later")), list(sections.later)] : null,
    // Done orders stay reachable but folded: a long day's list should stay short.
    sections.done.length ? h("details", {}, h("summary", {}, `${t("done")} (${sections.done.length})`),
      list(sections.done)) : null);
  performance.measure("jobs-render", "jobs-start");
}
