// Exact decimal arithmetic on strings, for money: a value is {units: BigInt, scale: n}, meaning
// units / 10^scale. Floats never touch money (0.1 + 0.2 !== 0.3); this mirrors Python's Decimal
// for the few operations the charge rules need (multiply, add, round half-up, plain form).

const PATTERN = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/;

/** Parse "12.50", "-3", ".5" into a decimal; throws on anything else (no exponents, no floats). */
export function parse(text) {
  if (typeof text === "number") text = String(text);
  const match = PATTERN.exec(String(text).trim());
  if (!match) throw new Error(`not a decimal: ${text}`);
  const sign = match[1] || match[4];
  const whole = match[2] ?? "0";
  const fraction = match[3] ?? match[5] ?? "";
  const units = BigInt(whole + fraction);
  return { units: sign === "-" ? -units : units, scale: fraction.length };
}

function pow10(n) {
  return 10n ** BigInt(n);
}

function rescale(value, scale) {
  return { units: value.units * pow10(scale - value.scale), scale };
}

export function multiply(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function add(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

/** Round to `digits` decimal places, ties away from zero (Python's ROUND_HALF_UP). */
export function roundHalfUp(value, digits) {
  if (value.scale <= digits) return rescale(value, digits);
  const divisor = pow10(value.scale - digits);
  const magnitude = value.units < 0n ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return { units: value.units < 0n ? -quotient : quotient, scale: digits };
}

/** The value with exactly its scale's digits after the point: "50.00", "1200". */
export function fixed(value) {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString();
  if (value.scale > 0) {
    digits = digits.padStart(value.scale + 1, "0");
    digits = `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  }
  return (negative ? "-" : "") + digits;
}

/** The shortest plain decimal, as Python's format(d.normalize(), "f"): "1.50" -> "1.5". */
export function plain(value) {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  if (units === 0n) return "0";
  return fixed({ units, scale });
}
