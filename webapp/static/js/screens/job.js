// The job page: customer, site, charges with totals, photos with the server's verdicts, notes,
// what the server refused; and the engineer's actions, each queued durably before "saved".

import { Api } from "../api.js";
import { parse } from "../decimal.js";
import { h, show, toast } from "../dom.js";
import { dateTime, t } from "../i18n.js";
import { localOrder } from "../local-view.js";
import { money } from "../money-format.js";
import { uuid } from "../store.js";
import { mapLink } from "./jobs.js";

const REASONS = ["customer_absent", "no_access", "parts_missing", "customer_declined",
  "wrong_diagnosis", "other"];
const PHOTO_KINDS = ["after", "before", "serial", "other"];
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/heic"];
const EDITABLE = ["accepted", "in_progress"];

let objectUrls = [];

/** The order as this device shows it now; null when it is not on the device. */
export async function loadOrder(app, id) {
  const [doc, entries, catalog, credentials] = await Promise.all([
    app.store.order(id), app.store.forOrder(id), app.store.catalog(), app.credentials()]);
  if (!doc) return null;
  return localOrder(doc, entries, catalog, credentials.name);
}

export async function sha256Hex(buffer) {
  const hash = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Browsers leave File.type empty for some camera formats (HEIC): look at the bytes.
function sniff(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e) return "image/png";
  const brand = String.fromCharCode(...bytes.slice(4, 12));
  if (brand.startsWith("ftyphei") || brand.startsWith("ftypmif")) return "image/heic";
  return null;
}

function field(label, control) {
  return h("label", {}, label, control);
}

function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

function chargesTable(app, order, editable) {
  if (!order.charges.length) return h("p", { class: "empty" }, t("noCharges"));
  const remove = (line) => h("button", { type: "button", class: "quiet remove",
    "aria-label": `${t("remove")} ${line.description}`, onclick: async () => {
      await app.queue(order.id, "charge.remove", { charge_id: line.id });
      app.route();
    } }, "×");
  const rows = order.charges.map((line) => h("tr", { class: line.pending ? "pending" : null,
    dataset: { id: line.id } },
  h("td", {}, h("span", {}, line.description),
    h("small", {}, `${line.catalog_code || ""} · ${line.quantity} × ` +
      `${money(line.unit_price, order.currency)}`)),
  h("td", { class: "num" }, money(line.amount, order.currency),
    editable ? remove(line) : null)));
  const total = (key, label) => h("tr", { class: `sum ${key}` }, h("th", {}, label),
    h("td", { class: "num", id: `total-${key}` }, money(order.totals[key], order.currency)));
  return h("table", { class: "charges" }, h("tbody", {}, rows),
    h("tfoot", {}, total("subtotal", t("subtotal")), total("tax", t("tax")),
      total("total", t("total"))));
}

function chargeForm(app, order, catalog) {
  const items = catalog.filter((item) => item.active !== false && item.currency === order.currency)
    .sort((a, b) => a.code.localeCompare(b.code));
  const select = h("select", { name: "catalog_code", required: true },
    h("option", { value: "" }, t("chooseItem")),
    items.map((item) => h("option", { value: item.code },
      `${item.code} · ${item.description} · ${money(item.unit_price, item.currency)}/${item.unit}`)));
  const quantity = h("input", { name: "quantity", inputmode: "decimal", value: "1",
    required: true, pattern: "\\d+(\\.\\d+)?", size: 5 });
  return h("form", { class: "inline", id: "charge-form", onsubmit: async (event) => {
    event.preventDefault();
    try {
      parse(quantity.value);
    } catch {
      quantity.setCustomValidity(t("quantity"));
      quantity.reportValidity();
      return;
    }
    await app.queue(order.id, "charge.add", { charge_id: uuid(), quantity: quantity.value.trim(),
      catalog_code: select.value });
    app.route();
  } }, field(t("item"), select), field(t("quantity"), quantity),
  h("button", { type: "submit" }, t("addCharge")));
}

function verdictText(photo) {
  if (!photo.verification) return t("verdictPending");
  const { status, reasons } = photo.verification;
  const text = t(`verdicts.${status}`);
  return reasons?.length && status !== "verified" ? `${text}: ${reasons.join("; ")}` : text;
}

async function photoSource(app, photo, img) {
  const local = await app.store.blob(photo.sha256);
  let blob = local?.blob;
  if (!blob && navigator.onLine && !photo.pending) {
    try {
      blob = await new Api((await app.credentials()).token).thumbnail(photo.id);
    } catch {
      return; // no thumbnail now; the verdict is still shown
    }
  }
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  objectUrls.push(url);
  img.src = url;
}

function photoList(app, order) {
  if (!order.photos.length) return h("p", { class: "empty" }, t("noPhotos"));
  return h("ul", { class: "photos" }, order.photos.map((photo) => {
    const img = h("img", { alt: t(`photoKind.${photo.kind}`), width: 96, height: 96 });
    photoSource(app, photo, img);
    const status = photo.verification?.status || "pending";
    return h("li", { class: photo.pending ? "pending" : null, dataset: { id: photo.id } }, img,
      h("span", {}, t(`photoKind.${photo.kind}`)),
      h("span", { class: `verdict verdict-${status}` }, verdictText(photo)));
  }));
}

function photoForm(app, order) {
  const kind = h("select", { name: "kind" },
    PHOTO_KINDS.map((k) => h("option", { value: k }, t(`photoKind.${k}`))));
  // The original file's bytes are kept and uploaded as they are: EXIF (time, GPS) intact,
  // never redrawn on a canvas, so the server can check where and when it was taken.
  const input = h("input", { type: "file", name: "photo", accept: "image/*",
    capture: "environment", id: "photo-input", onchange: async () => {
      const file = input.files[0];
      if (!file) return;
      const buffer = await file.arrayBuffer();
      const bytes = new Uint8Array(buffer);
      const type = IMAGE_TYPES.includes(file.type) ? file.type : sniff(bytes);
      if (!type) {
        toast("JPEG, PNG or HEIC");
        return;
      }
      const sha256 = await sha256Hex(buffer);
      await app.queue(order.id, "photo.attach", { photo_id: uuid(), sha256, kind: kind.value },
        [{ sha256, blob: new Blob([buffer], { type }), content_type: type }]);
      app.route();
    } });
  return h("form", { class: "inline", onsubmit: (event) => event.preventDefault() },
    field(t("kind"), kind), h("label", { class: "button" }, t("takePhoto"), input));
}

function actions(app, order) {
  const buttons = [];
  const act = (name, label, args = () => ({})) => h("button", { type: "button",
    id: `action-${name.split(".")[1]}`, onclick: async (event) => {
      event.target.disabled = true;
      await app.queue(order.id, name, await args(event.target));
      app.route();
    } }, label);
  if (order.status === "assigned") buttons.push(act("workorder.accept", t("accept")));
  if (order.status === "accepted") {
    buttons.push(act("workorder.start", t("start"), (button) => {
      button.textContent = t("locating");
      return currentPosition();
    }));
  }
  if (order.status === "in_progress") {
    buttons.push(h("a", { class: "button", id: "action-sign", href: `#/sign/${order.id}` },
      t("sign")));
    buttons.push(act("workorder.complete", t("complete")));
  }
  return buttons.length ? h("div", { class: "actions" }, buttons) : null;
}

/** {location: {lat, lon, accuracy_m}} from the browser, or {} if it cannot say in time. */
function currentPosition() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve({});
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ location: { lat: position.coords.latitude,
        lon: position.coords.longitude,
        accuracy_m: Math.round(position.coords.accuracy * 10) / 10 } }),
      () => {
        toast(t("noLocation"));
        resolve({});
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
}

function failForm(app, order) {
  const reason = h("select", { name: "reason", required: true },
    REASONS.map((r) => h("option", { value: r }, t(`reasons.${r}`))));
  const note = h("textarea", { name: "note", rows: 2, maxlength: 2000 });
  return h("details", { class: "card fail" }, h("summary", {}, t("failVisit")),
    h("form", { id: "fail-form", onsubmit: async (event) => {
      event.preventDefault();
      const args = { reason: reason.value };
      if (note.value.trim()) args.note = note.value.trim();
      await app.queue(order.id, "workorder.fail_visit", args);
      app.route();
    } }, field(t("reason"), reason), field(t("note"), note),
    h("button", { type: "submit" }, t("failVisit"))));
}

function notes(app, order) {
  const text = h("textarea", { name: "text", rows: 2, maxlength: 4000, required: true,
    placeholder: t("notePlaceholder") });
  return section(t("notes"),
    h("ul", { class: "notes" }, order.notes.map((note) => h("li",
      { class: note.pending ? "pending" : null },
      h("small", {}, `${dateTime(note.at)} · ${note.author || ""}`), h("p", {}, note.text)))),
    h("form", { id: "note-form", onsubmit: async (event) => {
      event.preventDefault();
      await app.queue(order.id, "workorder.note", { text: text.value.trim() });
      app.route();
    } }, text, h("button", { type: "submit" }, t("addNote"))));
}

function refusalItem(name, error) {
  return h("li", {}, h("strong", {}, name),
    h("span", { class: "code" }, error?.code || ""), h("span", {}, error?.message || ""));
}

/** This device's refused work, and the server timeline's refusals from other devices. */
function refusals(order, timeline) {
  const mine = new Set(order.refused.map((entry) => entry.id));
  const items = order.refused.map((entry) => refusalItem(entry.name, entry.error));
  for (const event of timeline?.entries || []) {
    const mutation = event.details?.mutation;
    if (event.action === "rejected" && mutation && !mine.has(mutation.id)) {
      items.push(refusalItem(mutation.name, event.details.error));
    }
  }
  if (!items.length) return null;
  return h("section", { class: "card refusals", id: "refusals" },
    h("h2", {}, t("refusals")), h("ul", {}, items));
}

async function refreshTimeline(app, order) {
  if (!navigator.onLine) return;
  try {
    const document_ = await new Api((await app.credentials()).token).order(order.id);
    const rejected = (document_.timeline || []).filter((e) => e.action === "rejected");
    await app.store.saveTimeline(order.id, rejected);
    const fresh = refusals(order, { entries: rejected });
    const current = document.getElementById("refusals");
    if (current && fresh) current.replaceWith(fresh);
    else if (fresh) document.getElementById("refusals-slot")?.replaceChildren(fresh);
  } catch {
    // offline or refused: the cached timeline stays
  }
}

export async function jobScreen(app, id) {
  performance.mark("job-start");
  objectUrls.forEach((url) => URL.revokeObjectURL(url));
  objectUrls = [];
  const [order, catalog, timeline] = await Promise.all([loadOrder(app, id), app.store.catalog(),
    app.store.timeline(id)]);
  if (!order) {
    app.go("#/jobs");
    return;
  }
  const editable = EDITABLE.includes(order.status);
  const customer = order.customer || {};
  show(
    h("a", { href: "#/jobs", class: "back" }, `‹ ${t("jobs")}`),
    h("header", { class: "job-head" },
      h("span", { class: "number" }, order.number),
      h("span", { class: `badge status-${order.status}`, id: "job-status" },
        t(`statuses.${order.status}`)),
      h("span", { class: `badge priority-${order.priority}` }, t(`priorities.${order.priority}`)),
      h("h1", {}, order.title),
      order.due_at ? h("p", { class: "due" }, `${t("due")} ${dateTime(order.due_at)}`) : null),
    actions(app, order),
    h("div", { id: "refusals-slot" }, refusals(order, timeline)),
    order.pending.length ? h("p", { class: "pending-note" },
      `${t("pendingHere")}: ${order.pending.map((entry) => entry.name).join(", ")}`) : null,
    section(t("customer"),
      h("p", {}, h("strong", {}, customer.name || "")),
      customer.phone ? h("p", {}, h("a", { href: `tel:${customer.phone}` }, customer.phone)) : null,
      h("p", {}, order.site?.address || ""), mapLink(order.site),
      order.description ? h("p", { class: "description" }, order.description) : null),
    section(t("charges"), chargesTable(app, order, editable), editable ? chargeForm(app, order, catalog) : null),
    section(t("photos"), photoList(app, order), editable ? photoForm(app, order) : null),
    order.signoff ? h("section", { class: "card", id: "signoff" },
      h("p", {}, t("signedBy", { name: order.signoff.signer_name }), " · ",
        money(order.signoff.total, order.currency)),
      order.signoff.valid ? null : h("p", { class: "error" }, t("signoffInvalid"))) : null,
    notes(app, order),
    editable ? failForm(app, order) : null);
  performance.measure("job-open", "job-start");
  refreshTimeline(app, order);
}
