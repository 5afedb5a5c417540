// Money on screen: from its decimal string, exactly (Intl formats strings without a float),
// with the currency's minor digits as the server counts them. Kept apart from i18n.js so the
// job list, which shows no money, loads without the currency table.

import { minorDigits } from "./digest.js";
import { formatter } from "./i18n.js";

export function money(amount, currency) {
  return formatter(`money ${currency}`, (lang) => {
    const digits = minorDigits(currency);
    return new Intl.NumberFormat(lang, { style: "currency", currency,
      minimumFractionDigits: digits, maximumFractionDigits: digits });
  }).format(amount);
}
