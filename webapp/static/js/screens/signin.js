// Sign in: a token for this install (its client id is the device id). A different engineer on
// a device with unsent work is refused, as in the field client; otherwise a fresh replica.

import { Api, Refused, Unreachable } from "../api.js";
import { h, show } from "../dom.js";
import { t } from "../i18n.js";

async function signIn(app, username, password) {
  const store = app.store;
  const api = new Api();
  let answer = await api.login(username, password, await store.clientId());
  const previous = await store.credentials();
  const previousUser = previous?.user_id ?? (await store.get("user_id"));
  if (!previousUser) {
    await store.put("user_id", answer.user_id); // a new install: nothing to clear
  } else if (previousUser !== answer.user_id) {
    if (previousUser && (await store.outbox({ state: "pending" })).length) {
      throw new Error(t("unsentOther"));
    }
    await store.resetForUser(answer.user_id);
    // The token names the install it was issued to: ask again with the new id.
    answer = await api.login(username, password, await store.clientId());
  }
  api.token = answer.token;
  const me = await api.me();
  await store.saveCredentials({ token: answer.token, user_id: answer.user_id, username,
    name: me.name, role: answer.role, expires_at: answer.expires_at });
}

export function signInScreen(app) {
  const error = h("p", { class: "error", role: "alert", hidden: !app.problem },
    app.problem || "");
  const button = h("button", { type: "submit" }, t("signIn"));
  const form = h("form", { class: "card signin", onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    button.disabled = true;
    button.textContent = t("signingIn");
    error.hidden = true;
    try {
      await signIn(app, data.get("username").trim(), data.get("password"));
      form.reset();
      location.hash = "#/jobs";
      await app.route();
      await app.sync({ quiet: true });
    } catch (problem) {
      let message = problem.message;
      if (problem instanceof Refused) message = `${t("loginFailed")}: ${problem.message}`;
      if (problem instanceof Unreachable) message = t("offline");
      error.textContent = message;
      error.hidden = false;
      button.disabled = false;
      button.textContent = t("signIn");
    }
  } },
  h("h1", {}, t("signIn")),
  h("label", {}, t("username"),
    h("input", { name: "username", autocomplete: "username", required: true,
      autocapitalize: "none" })),
  h("label", {}, t("password"),
    h("input", { name: "password", type: "password", autocomplete: "current-password",
      required: true })),
  error, button);
  show(form);
}
