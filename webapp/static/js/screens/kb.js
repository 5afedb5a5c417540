// The knowledge base on the device: articles arrive through pull (`kb_article`) and are
// searched here offline. Chinese has no spaces between words, so terms match as substrings.

import { h, show } from "../dom.js";
import { language, t } from "../i18n.js";

function terms(query) {
  return query.toLowerCase().split(/[\s,，。;；]+/).filter(Boolean);
}

/** Articles matching every term, best first: title, then codes and tags, then body. */
export function search(articles, query) {
  const wanted = terms(query);
  const preferred = language().slice(0, 2);
  const scored = [];
  for (const article of articles) {
    const title = (article.title || "").toLowerCase();
    const labels = [...(article.tags || []), ...(article.fault_codes || []),
      ...(article.product_models || [])].join(" ").toLowerCase();
    const body = (article.body || "").toLowerCase();
    let score = 0;
    let all = true;
    for (const term of wanted) {
      const hit = (title.includes(term) ? 5 : 0) + (labels.includes(term) ? 3 : 0) +
        (body.includes(term) ? 1 : 0);
      if (!hit) all = false;
      score += hit;
    }
    if (!all) continue;
    if ((article.language || "").startsWith(preferred)) score += 0.5;
    scored.push({ article, score });
  }
  return scored.sort((a, b) => b.score - a.score || (a.article.title || "").localeCompare(b.article.title || ""))
    .map((item) => item.article);
}

function articleView(article) {
  const labels = (name, values) => (values?.length ? h("p", { class: "labels" },
    `${t(name)}: ${values.join(", ")}`) : null);
  return [h("a", { href: "#/kb", class: "back" }, `‹ ${t("knowledge")}`),
    h("article", { class: "card kb-article" },
      h("h1", {}, article.title),
      labels("models", article.product_models), labels("faultCodes", article.fault_codes),
      labels("tags", article.tags),
      // Markdown is shown as its plain text (pre-wrap): readable, and nothing in it can run.
      h("div", { class: "markdown" }, article.body || ""))];
}

export async function kbScreen(app, id) {
  const articles = await app.store.kbArticles();
  if (id) {
    const article = articles.find((a) => a.id === id);
    if (article) {
      show(articleView(article));
      return;
    }
  }
  const results = h("ul", { class: "kb-results" });
  const input = h("input", { type: "search", name: "q", placeholder: t("searchPlaceholder"),
    autocomplete: "off", oninput: () => render() });
  const render = () => {
    const found = input.value.trim() ? search(articles, input.value) : articles;
    results.replaceChildren(...found.slice(0, 100).map((article) => h("li", {},
      h("a", { href: `#/kb/${encodeURIComponent(article.id)}` }, article.title),
      h("small", {}, [article.language, ...(article.fault_codes || [])].join(" · ")))));
    if (!found.length) {
      results.replaceChildren(h("li", { class: "empty" },
        articles.length ? t("noResults") : t("noArticles")));
    }
  };
  show(h("h1", {}, t("knowledge")),
    h("form", { role: "search", onsubmit: (event) => event.preventDefault() },
      h("label", {}, t("search"), input)), results);
  render();
}
