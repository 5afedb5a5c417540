// The browser's charges digest against the vectors the Python rule generated
// (tests/vectors/charges_digest.json). Run: node --test webapp/tests/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { parse, plain } from "../static/js/decimal.js";
import { canonicalJson, chargesDigest, lineAmounts, totals } from "../static/js/digest.js";

const vectors = JSON.parse(readFileSync(
  new URL("../../tests/vectors/charges_digest.json", import.meta.url), "utf8"));

test("there are vectors to check", () => {
  assert.ok(vectors.cases.length >= 10);
});

for (const vector of vectors.cases) {
  test(`${vector.currency}: ${vector.name}`, async () => {
    const lines = vector.lines.map((line) => ({
      ...line, ...lineAmounts(line.quantity, line.unit_price, line.tax_rate, vector.currency),
    }));
    assert.deepEqual(lines.map(({ amount, tax }) => ({ amount, tax })), vector.expected.amounts);
    assert.deepEqual(totals(lines, vector.currency), vector.expected.totals);
    assert.equal(canonicalJson(vector.currency, lines), vector.expected.canonical);
    assert.equal(await chargesDigest(vector.currency, lines), vector.expected.digest);
  });
}

test("plain form drops trailing zeros like Python's normalize", () => {
  for (const [text, expected] of [["1.50", "1.5"], ["100", "100"], ["0.000", "0"],
    ["007.10", "7.1"], [".5", "0.5"]]) {
    assert.equal(plain(parse(text)), expected);
  }
});

test("floats and exponents are refused, never guessed", () => {
  for (const bad of ["1e3", "abc", "", "1.2.3", "NaN"]) {
    assert.throws(() => parse(bad), /not a decimal/);
  }
});
