// A small latchkey client for a browser app on another origin: a JWT pair kept in memory only (never in
// localStorage, which every script on the page can read), the access token sent as Bearer, one refresh on a 401.
export class Latchkey {
  constructor(base) {
    this.base = base.replace(/\/$/, "");
    this.access = null;
    this.refresh = null;
    this.refreshes = 0;
  }

  async signIn(username, password) {
    const pair = await this.#post("/api/jwt", { username, password });
    this.#keep(pair);
  }

  /** GET an API path with the access token; on a 401, refresh the pair once and try again. */
  async get(path) {
    let response = await this.#get(path);
    if (response.status === 401 && this.refresh) {
      this.#keep(await this.#post("/api/jwt/refresh", { refresh: this.refresh }));
      this.refreshes++;
      response = await this.#get(path);
    }
    if (!response.ok) throw await problem(response);
    return response.json();
  }

  /** Revokes the family on the server: its refresh and access tokens stop working there at once. */
  async signOut() {
    if (this.refresh) await this.#post("/api/jwt/revoke", { refresh: this.refresh });
    this.access = this.refresh = null;
  }

  #keep(pair) {
    this.access = pair.access;
    this.refresh = pair.refresh;
  }

  #get(path) {
    return fetch(this.base + path, { headers: { Authorization: "Bearer " + this.access } });
  }

  async #post(path, body) {
    const response = await fetch(this.base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await problem(response);
    return response.json();
  }
}

async function problem(response) {
  const body = await response.json().catch(() => ({}));
  return new Error(body.detail || "HTTP " + response.status);
}
