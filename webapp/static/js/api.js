// HTTP to the FieldSync server (same origin). Two kinds of failure, as in field_client:
// Unreachable (no answer, or a 5xx: nothing is known to have changed) and Refused (a 4xx in
// the contract's error shape).

export class Unreachable extends Error {}

export class Refused extends Error {
  constructor(status, error) {
    super(error.message || error.code);
    this.status = status;
    this.error = error;
  }

  get code() {
    return this.error.code || "";
  }
}

const BASE = "/api/v1";

export class Api {
  constructor(token = null) {
    this.token = token;
  }

  async call(method, path, { json, body, headers = {} } = {}) {
    const request = { method, headers: { ...headers }, cache: "no-store" };
    if (this.token) request.headers.Authorization = `Bearer ${this.token}`;
    if (json !== undefined) {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(json);
    } else if (body !== undefined) {
      request.body = body;
    }
    let response;
    try {
      response = await fetch(BASE + path, request);
    } catch (error) {
      throw new Unreachable(`${error.name}: ${error.message}`);
    }
    if (response.status >= 500) throw new Unreachable(`the server answered ${response.status}`);
    if (response.status >= 400 && method !== "HEAD") {
      let error;
      try {
        error = (await response.json()).error;
      } catch {
        error = null;
      }
      throw new Refused(response.status, error || { code: "http_error",
        message: `HTTP ${response.status}` });
    }
    return response;
  }

  async login(username, password, deviceId) {
    const response = await this.call("POST", "/auth/token",
      { json: { username, password, device_id: deviceId } });
    return response.json();
  }

  async me() {
    return (await this.call("GET", "/me")).json();
  }

  /** true when the server already has these bytes (HEAD first: never upload twice). */
  async mediaExists(sha256) {
    const response = await this.call("HEAD", `/media/${sha256}`);
    if (response.status === 401) {
      throw new Refused(401, { code: "invalid_token", message: "sign in again" });
    }
    return response.status === 200;
  }

  async upload(sha256, blob, contentType) {
    await this.call("PUT", `/media/${sha256}`, { body: blob,
      headers: { "Content-Type": contentType } });
  }

  async push(clientId, mutations) {
    return (await this.call("POST", "/sync/push",
      { json: { client_id: clientId, mutations } })).json();
  }

  async pull(cursor, limit) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set("cursor", cursor);
    return (await this.call("GET", `/sync/pull?${query}`)).json();
  }

  async order(id) {
    return (await this.call("GET", `/workorders/${id}`)).json();
  }

  async thumbnail(photoId) {
    return (await this.call("GET", `/photos/${photoId}/thumbnail`)).blob();
  }
}
