import { Latchkey } from "./latchkey.js";

// Where latchkey is: ?latchkey=https://auth.example.com, or the origin this page names in its own config.
const base = new URLSearchParams(location.search).get("latchkey") || "https://127.0.0.1:8443";
const latchkey = new Latchkey(base);
window.latchkeyExample = latchkey; // for the example's browser test, which spoils the access token on purpose

const $ = (id) => document.getElementById(id);
const status = (text) => ($("status").textContent = text);

async function showMe() {
  const me = await latchkey.get("/api/me");
  $("me").textContent = me.username;
  $("groups").textContent = me.groups.join(", ") || "none";
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;
  status("signed in; refreshed " + latchkey.refreshes + " times");
}

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await latchkey.signIn($("username").value, $("password").value);
    await showMe();
  } catch (e) {
    status("refused: " + e.message);
  }
});
$("who").addEventListener("click", () => showMe().catch((e) => status("failed: " + e.message)));
$("sign-out").addEventListener("click", async () => {
  await latchkey.signOut();
  $("signed-in").hidden = true;
  $("sign-in").hidden = false;
  status("signed out");
});
