// Passkeys on latchkey's pages: "Sign in with a passkey" and conditional UI on /login, add / rename / remove on
// /account/passkeys. No framework; it only talks to this site's JSON API (/api/webauthn/...).
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return { type: d.type, id: toBuffer(d.id), transports: d.transports };
    });
  }

  // WebAuthn L3's parse...FromJSON where the browser has it; the same by hand where it does not.
  function creationOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJson(credential) {
    if (typeof credential.toJSON === "function") {
      try {
        return credential.toJSON();
      } catch (ignored) {
        // fall through to the hand-made form
      }
    }
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) {
        response.userHandle = toBase64url(r.userHandle);
      }
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response
    };
  }

  function call(method, path, body, csrf) {
    var headers = { "Content-Type": "application/json" };
    if (csrf) {
      headers["X-CSRF-Token"] = csrf;
    }
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) {
        throw new Error(method + " " + path + ": " + answer.status);
      }
      return answer.status === 204 ? null : answer.json();
    });
  }

  function show(id) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = false;
    }
  }

  // The sign-in page. `next` was made safe by the server (a path on this site); checked again all the same.
  function signInPage(button) {
    var next = button.getAttribute("data-next") || "/";
    if (next.charAt(0) !== "/" || next.charAt(1) === "/" || next.charAt(1) === "\\") {
      next = "/";
    }
    var pending = null;

    function signIn(mediation) {
      if (pending) {
        pending.abort();
      }
      var abort = new AbortController();
      pending = abort;
      return call("POST", "/api/webauthn/authenticate/options", {})
        .then(function (answer) {
          var request = { publicKey: requestOptions(answer.publicKey), signal: abort.signal };
          if (mediation) {
            request.mediation = mediation;
          }
          return navigator.credentials.get(request);
        })
        .then(function (credential) {
          return call("POST", "/api/webauthn/authenticate", {
            credential: credentialJson(credential),
            issue: "session"
          });
        })
        .then(function () {
          window.location.assign(next);
        })
        .catch(function (error) {
          if (!abort.signal.aborted) {
            show("passkey-error");
          }
          return error;
        });
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      signIn(null);
    });
    // Conditional UI: the username field offers the site's passkeys among its autofill suggestions.
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) {
          signIn("conditional");
        }
      });
    }
  }

  // The second step of a password sign-in: the user's own passkeys, proved to /api/mfa/verify with the mfa_token
  // of the page (its answer sets the session cookie, as the code form would).
  function secondStepPage(button) {
    var next = button.getAttribute("data-next") || "/";
    if (next.charAt(0) !== "/" || next.charAt(1) === "/" || next.charAt(1) === "\\") {
      next = "/";
    }
    var token = button.getAttribute("data-token");
    button.hidden = false;
    button.addEventListener("click", function () {
      call("POST", "/api/webauthn/authenticate/options", { mfa_token: token })
        .then(function (answer) {
          return navigator.credentials.get({ publicKey: requestOptions(answer.publicKey) });
        })
        .then(function (credential) {
          return call("POST", "/api/mfa/verify", {
            mfa_token: token,
            method: "webauthn",
            assertion: credentialJson(credential)
          });
        })
        .then(function () {
          window.location.assign(next);
        })
        .catch(function () {
          show("passkey-error");
        });
    });
  }

  // The account's passkeys: add, rename, remove, each then shown by reloading the page.
  function passkeysPage(list) {
    var csrf = list.getAttribute("data-csrf");
    var failed = function () {
      show("passkey-error");
    };
    document.getElementById("passkey-add-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var name = document.getElementById("passkey-name").value;
      call("POST", "/api/webauthn/register/options", {}, csrf)
        .then(function (answer) {
          return navigator.credentials.create({ publicKey: creationOptions(answer.publicKey) });
        })
        .then(function (credential) {
          return call("POST", "/api/webauthn/register", { credential: credentialJson(credential), name: name }, csrf);
        })
        .then(function () {
          window.location.reload();
        })
        .catch(failed);
    });
    list.addEventListener("submit", function (event) {
      var form = event.target.closest("form.passkey-rename");
      if (!form) {
        return;
      }
      event.preventDefault();
      var id = form.closest("li").getAttribute("data-id");
      call("PATCH", "/api/webauthn/credentials/" + encodeURIComponent(id), { name: form.elements.name.value }, csrf)
        .then(function () {
          window.location.reload();
        })
        .catch(failed);
    });
    list.addEventListener("click", function (event) {
      var id = event.target.getAttribute("data-remove");
      if (!id) {
        return;
      }
      call("DELETE", "/api/webauthn/credentials/" + encodeURIComponent(id), undefined, csrf)
        .then(function () {
          window.location.reload();
        })
        .catch(failed);
    });
  }

  if (!window.PublicKeyCredential) {
    show("passkey-unsupported");
    return;
  }
  var button = document.getElementById("passkey-sign-in");
  if (button) {
    signInPage(button);
  }
  var second = document.getElementById("passkey-second-step");
  if (second) {
    secondStepPage(second);
  }
  var list = document.getElementById("passkeys");
  if (list) {
    passkeysPage(list);
  }
})();
