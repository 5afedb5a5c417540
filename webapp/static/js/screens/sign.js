// The customer signs on the device: the charge lines and the total are shown above the pad,
// and the signature is bound to the digest of exactly those lines (sync/digest.py's rule).

import SignaturePad from "../../vendor/signature_pad.min.js";
import { h, show, toast } from "../dom.js";
import { t } from "../i18n.js";
import { money } from "../money-format.js";
import { uuid } from "../store.js";
import { loadOrder, sha256Hex } from "./job.js";

function fitCanvas(canvas, pad) {
  // Draw in device pixels, so the line is sharp and the pad maps touches correctly.
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  const data = pad.toData();
  canvas.width = canvas.offsetWidth * ratio;
  canvas.height = canvas.offsetHeight * ratio;
  canvas.getContext("2d").scale(ratio, ratio);
  pad.clear(); // also paints the white background
  pad.fromData(data);
}

function pngBlob(canvas) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

export async function signScreen(app, id) {
  const order = await loadOrder(app, id);
  if (!order) {
    app.go("#/jobs");
    return;
  }
  const lines = h("table", { class: "charges" }, h("tbody", {}, order.charges.map((line) =>
    h("tr", {}, h("td", {}, `${line.description} · ${line.quantity} ${line.unit}`),
      h("td", { class: "num" }, money(line.amount, order.currency))))),
  h("tfoot", {}, h("tr", { class: "sum total" }, h("th", {}, t("total")),
    h("td", { class: "num", id: "sign-total" }, money(order.totals.total, order.currency)))));
  const canvas = h("canvas", { class: "pad", id: "signature-pad" });
  const name = h("input", { name: "signer_name", required: true, maxlength: 200,
    value: order.customer?.name || "", autocomplete: "off" });
  const form = h("form", { class: "card signature", onsubmit: async (event) => {
    event.preventDefault();
    if (pad.isEmpty()) {
      toast(t("signHere"));
      return;
    }
    const buffer = await (await pngBlob(canvas)).arrayBuffer();
    const sha256 = await sha256Hex(buffer);
    await app.queue(order.id, "signoff.capture", { signoff_id: uuid(),
      signer_name: name.value.trim(), signature_sha256: sha256,
      charges_digest: order.charges_digest, total: order.totals.total },
    [{ sha256, blob: new Blob([buffer], { type: "image/png" }), content_type: "image/png" }]);
    app.go(`#/job/${order.id}`);
  } },
  h("h1", {}, `${t("sign")} · ${order.number}`), lines,
  h("div", { class: "pad-frame" }, canvas), h("p", { class: "hint" }, t("signHere")),
  h("label", {}, t("signer"), name),
  h("div", { class: "actions" },
    h("button", { type: "button", class: "quiet", onclick: () => pad.clear() }, t("clear")),
    h("button", { type: "submit", id: "save-signature" }, t("saveSignature"))));
  show(h("a", { href: `#/job/${order.id}`, class: "back" }, `‹ ${order.number}`), form);
  const pad = new SignaturePad(canvas, { backgroundColor: "rgb(255,255,255)", penColor: "#111" });
  fitCanvas(canvas, pad);
  window.addEventListener("resize", () => canvas.isConnected && fitCanvas(canvas, pad));
}
