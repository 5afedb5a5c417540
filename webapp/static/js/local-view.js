// What the engineer sees: each order as last pulled, with this device's unconfirmed work shown
// on top (marked `pending`). This is a display, not a second copy of the rules: the server
// decides, and its verdict (applied or refused) replaces this view after the next sync. Only
// the charge amounts are computed here, by the digest module the test vectors check (loaded
// when a job is opened). The job list needs only statuses: store.js has those.

import { statusAfter, unconfirmed } from "./store.js";

function showOne(view, entry, catalog, me, { lineAmounts }) {
  const args = entry.args;
  view.status = statusAfter(view.status, entry);
  switch (entry.name) {
    case "workorder.note":
      view.notes.push({ at: entry.client_time, author: me, text: args.text, pending: true });
      break;
    case "charge.add": {
      const item = catalog.get(args.catalog_code);
      if (!item || view.charges.some((line) => line.id === args.charge_id)) break;
      view.charges.push({ id: args.charge_id, kind: item.kind, catalog_code: item.code,
        description: item.description, quantity: args.quantity, unit: item.unit,
        unit_price: item.unit_price, tax_rate: item.tax_rate, pending: true,
        ...lineAmounts(args.quantity, item.unit_price, item.tax_rate, view.currency) });
      break;
    }
    case "charge.remove":
      view.charges = view.charges.filter((line) => line.id !== args.charge_id);
      break;
    case "photo.attach":
      if (!view.photos.some((photo) => photo.id === args.photo_id)) {
        view.photos.push({ id: args.photo_id, kind: args.kind, sha256: args.sha256,
          verification: null, pending: true });
      }
      break;
    case "signoff.capture":
      view.signoff = { id: args.signoff_id, signer_name: args.signer_name,
        signed_at: entry.client_time, charges_digest: args.charges_digest, total: args.total,
        signature_sha256: args.signature_sha256, pending: true };
      break;
    default:
      break;
  }
}

/** The order to show: pulled doc + unconfirmed entries, totals and digest recomputed. */
export async function localOrder(doc, entries, catalogItems, me) {
  const digest = await import("./digest.js");
  const view = structuredClone(doc);
  view.charges = view.charges || [];
  view.photos = view.photos || [];
  view.notes = view.notes || [];
  const catalog = new Map(catalogItems.map((item) => [item.code, item]));
  const waiting = unconfirmed(entries, doc.version);
  for (const entry of waiting) showOne(view, entry, catalog, me, digest);
  view.pending = waiting.filter((e) => e.state === "pending");
  view.refused = entries.filter((e) => e.state === "rejected");
  if (waiting.length) {
    view.totals = digest.totals(view.charges, view.currency);
    view.charges_digest = await digest.chargesDigest(view.currency, view.charges);
  }
  if (view.signoff) view.signoff.valid = view.signoff.charges_digest === view.charges_digest;
  return view;
}
