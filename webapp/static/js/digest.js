// The charges digest, the same rule as sync/digest.py and sync/money.py: amounts rounded
// half-up per line to the currency's minor unit, tax per line on the rounded amount, totals as
// sums of rounded lines, then SHA-256 over canonical JSON. Checked against test vectors that
// the Python code generates (tests/vectors/charges_digest.json), so the two cannot drift.

import { CURRENCY_DIGITS } from "./currency-digits.js";
import { add, fixed, multiply, parse, plain, roundHalfUp } from "./decimal.js";

/** Minor-unit digits of an ISO 4217 currency, as Babel (the server) counts them. */
export function minorDigits(currency) {
  return CURRENCY_DIGITS[currency] ?? 2;
}

function money(value, currency) {
  return roundHalfUp(typeof value === "string" ? parse(value) : value, minorDigits(currency));
}

/** Amount and tax of one line, each rounded on its own, as strings: {amount, tax}. */
export function lineAmounts(quantity, unitPrice, taxRate, currency) {
  const amount = money(multiply(parse(quantity), parse(unitPrice)), currency);
  const tax = money(multiply(amount, parse(taxRate)), currency);
  return { amount: fixed(amount), tax: fixed(tax) };
}

/** Subtotal, tax and total of lines that carry rounded `amount` and `tax` strings. */
export function totals(lines, currency) {
  let subtotal = money("0", currency);
  let tax = money("0", currency);
  for (const line of lines) {
    subtotal = add(subtotal, money(line.amount, currency));
    tax = add(tax, money(line.tax, currency));
  }
  return { subtotal: fixed(subtotal), tax: fixed(tax), total: fixed(add(subtotal, tax)) };
}

// Code-point order, as Python sorts str (ids are UUIDs, but the rule should not depend on it).
function byId(a, b) {
  const x = [...a.id].map((c) => c.codePointAt(0));
  const y = [...b.id].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** The canonical charge list as a string: keys sorted, no white space, non-ASCII kept. */
export function canonicalJson(currency, lines) {
  const sums = totals(lines, currency);
  // Keys are written in sorted order by hand: JSON.stringify keeps insertion order.
  const canonical = {
    currency,
    lines: [...lines].sort(byId).map((line) => ({
      amount: fixed(money(line.amount, currency)),
      catalog_code: line.catalog_code ?? null,
      description: line.description,
      id: line.id,
      kind: line.kind,
      quantity: plain(parse(line.quantity)),
      tax: fixed(money(line.tax, currency)),
      tax_rate: plain(parse(line.tax_rate)),
      unit: line.unit,
      unit_price: plain(parse(line.unit_price)),
    })),
    subtotal: sums.subtotal,
    tax: sums.tax,
    total: sums.total,
  };
  return JSON.stringify(canonical);
}

/** SHA-256 hex of the canonical charge list (WebCrypto). */
export async function chargesDigest(currency, lines) {
  const bytes = new TextEncoder().encode(canonicalJson(currency, lines));
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
