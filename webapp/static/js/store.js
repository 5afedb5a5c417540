// The device's IndexedDB: the replica as last pulled (orders, catalog, knowledge base), the
// outbox with its seq numbers, and the photo and signature files waiting to upload. Every
// queued action is written in one durable transaction before the screen says "saved"; seq
// numbers are taken inside that same transaction, so two tabs can never take the same one.

const NAME = "fieldsync";
const VERSION = 1;
const STRICT = { durability: "strict" }; // flushed to disk before `complete` fires

const TYPES = { workorder: "orders", catalog_item: "catalog", kb_article: "kb" };

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

function upgrade(db) {
  db.createObjectStore("meta");
  db.createObjectStore("orders", { keyPath: "id" }).createIndex("number", "number");
  db.createObjectStore("catalog", { keyPath: "id" }).createIndex("code", "code");
  db.createObjectStore("kb", { keyPath: "id" });
  const outbox = db.createObjectStore("outbox", { keyPath: "seq" });
  outbox.createIndex("state", "state");
  outbox.createIndex("order_id", "order_id");
  db.createObjectStore("blobs", { keyPath: "sha256" }).createIndex("state", "state");
  db.createObjectStore("timelines", { keyPath: "id" });
}

export function uuid() {
  return crypto.randomUUID();
}

/** Local time with its offset, as the contract's client_time wants it. */
export function clientTime(date = new Date()) {
  const pad = (n) => String(Math.abs(n)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${offset < 0 ? "-" : "+"}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

// How this device's unsent actions move a pulled order's status, for display only (the server
// decides): here beside the outbox, so the job list needs no other module to show it.
const STATUS_AFTER = {
  "workorder.accept": ["assigned", "accepted"],
  "workorder.start": ["accepted", "in_progress"],
  "workorder.complete": ["in_progress", "completed"],
};

/** The status the engineer sees: the pulled one moved on by unconfirmed actions. */
export function localStatus(doc, entries) {
  let status = doc.status;
  for (const entry of unconfirmed(entries, doc.version)) status = statusAfter(status, entry);
  return status;
}

export function statusAfter(status, entry) {
  const move = STATUS_AFTER[entry.name];
  if (move && status === move[0]) return move[1];
  if (entry.name === "workorder.fail_visit" && ["accepted", "in_progress"].includes(status)) {
    return "visit_failed";
  }
  return status;
}

/** The work the pulled document does not show yet: unsent, or applied after its version. */
export function unconfirmed(entries, version) {
  return entries.filter((e) => e.state === "pending" ||
    (e.state === "applied" && e.version > version));
}

export class Store {
  constructor(db) {
    this.db = db;
  }

  static async open() {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => upgrade(request.result);
    const db = await done(request);
    // Another tab upgrading the schema: let it, this tab reloads onto the new code.
    db.onversionchange = () => db.close();
    return new Store(db);
  }

  tx(stores, mode = "readonly") {
    return this.db.transaction(stores, mode, mode === "readwrite" ? STRICT : undefined);
  }

  async read(store, key) {
    return done(this.tx([store]).objectStore(store).get(key));
  }

  async all(store) {
    return done(this.tx([store]).objectStore(store).getAll());
  }

  // --- meta and credentials --------------------------------------------------------------
  async get(key) {
    return this.read("meta", key);
  }

  async put(key, value) {
    const tx = this.tx(["meta"], "readwrite");
    tx.objectStore("meta").put(value, key);
    return committed(tx);
  }

  credentials() {
    return this.get("credentials");
  }

  saveCredentials(credentials) {
    return this.put("credentials", credentials);
  }

  /** This install's id for the server's exactly-once bookkeeping, made once. */
  async clientId() {
    const tx = this.tx(["meta"], "readwrite");
    const meta = tx.objectStore("meta");
    let id = await done(meta.get("client_id"));
    if (!id) {
      id = uuid();
      meta.put(id, "client_id");
    }
    await committed(tx);
    return id;
  }

  /** A different engineer on this device: a fresh replica, outbox and client id. */
  async resetForUser(userId) {
    const names = ["meta", "orders", "catalog", "kb", "outbox", "blobs", "timelines"];
    const tx = this.tx(names, "readwrite");
    for (const name of names) tx.objectStore(name).clear();
    tx.objectStore("meta").put(userId, "user_id");
    tx.objectStore("meta").put(uuid(), "client_id");
    return committed(tx);
  }

  // --- the outbox ------------------------------------------------------------------------
  /** Queue a mutation and its files ({sha256, blob, content_type}) durably; {seq, id}. */
  async enqueue(name, args, orderId, files = []) {
    const tx = this.tx(["outbox", "blobs"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const blobs = tx.objectStore("blobs");
    const last = await done(outbox.openCursor(null, "prev"));
    const entry = {
      seq: last ? last.key + 1 : 1, id: uuid(), name, args, order_id: orderId,
      client_time: clientTime(), state: "pending", error: null, version: null,
      created_at: new Date().toISOString(), files: files.map((file) => file.sha256),
    };
    outbox.add(entry); // add, not put: a seq taken twice would abort, never overwrite
    for (const file of files) {
      if (!(await done(blobs.getKey(file.sha256)))) {
        blobs.put({ sha256: file.sha256, blob: file.blob, content_type: file.content_type,
          size: file.blob.size, state: "pending", refused: null });
      }
    }
    await committed(tx);
    return { seq: entry.seq, id: entry.id };
  }

  async outbox({ state, orderId, limit = Infinity } = {}) {
    const store = this.tx(["outbox"]).objectStore("outbox");
    let rows = state ? await done(store.index("state").getAll(state))
      : await done(store.getAll());
    if (orderId) rows = rows.filter((row) => row.order_id === orderId);
    rows.sort((a, b) => a.seq - b.seq);
    return rows.slice(0, limit);
  }

  async forOrder(orderId) {
    const rows = await done(this.tx(["outbox"]).objectStore("outbox").index("order_id")
      .getAll(orderId));
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /** Record the server's final answers: [{seq, state, error, version}]. */
  async settle(results) {
    const tx = this.tx(["outbox"], "readwrite");
    const outbox = tx.objectStore("outbox");
    for (const result of results) {
      const entry = await done(outbox.get(result.seq));
      if (entry && entry.state === "pending") {
        outbox.put({ ...entry, state: result.state, error: result.error ?? null,
          version: result.version ?? null, settled_at: new Date().toISOString() });
      }
    }
    return committed(tx);
  }

  // --- files -----------------------------------------------------------------------------
  async pendingUploads() {
    return done(this.tx(["blobs"]).objectStore("blobs").index("state").getAll("pending"));
  }

  async refusedUploads() {
    return done(this.tx(["blobs"]).objectStore("blobs").index("state").getAll("refused"));
  }

  async markUpload(sha256, state, refused = null) {
    const tx = this.tx(["blobs"], "readwrite");
    const blobs = tx.objectStore("blobs");
    const row = await done(blobs.get(sha256));
    if (row) blobs.put({ ...row, state, refused });
    return committed(tx);
  }

  blob(sha256) {
    return this.read("blobs", sha256);
  }

  // --- the replica -----------------------------------------------------------------------
  /** One pulled page and its cursor, in one transaction. */
  async applyPage(changes, cursor) {
    const tx = this.tx(["orders", "catalog", "kb", "meta"], "readwrite");
    for (const change of changes) {
      const name = TYPES[change.type];
      if (!name) continue; // a kind of record this version of the app does not know yet
      if (change.op === "delete") tx.objectStore(name).delete(change.id);
      else tx.objectStore(name).put(change.data);
    }
    tx.objectStore("meta").put(cursor, "cursor");
    return committed(tx);
  }

  orders() {
    return this.all("orders");
  }

  order(id) {
    return this.read("orders", id);
  }

  catalog() {
    return this.all("catalog");
  }

  kbArticles() {
    return this.all("kb");
  }

  kbArticle(id) {
    return this.read("kb", id);
  }

  timeline(orderId) {
    return this.read("timelines", orderId);
  }

  async saveTimeline(orderId, entries) {
    const tx = this.tx(["timelines"], "readwrite");
    tx.objectStore("timelines").put({ id: orderId, entries });
    return committed(tx);
  }
}
