/* Visits recorded without signal (SPEC C3): the visit form is saved on the phone (IndexedDB) and sent to the
   API when the signal is back. Each visit carries the client_id made with its form, so a visit sent twice (the
   answer lost on the way back, two tabs syncing) is stored once. A service worker keeps the visit pages and
   their assets so they open without signal. Without JavaScript the form posts as usual. */
(function () {
  "use strict";
  var DB_NAME = "rongjia-visits", STORE = "queue";
  var API_NAMES = {person: "person_id", campaign: "campaign_id"};
  var NEED_FIELDS = ["need", "need_owner", "need_due_on"];

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "client_id"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }

  var queue = {
    put: function (entry) { return withStore("readwrite", function (s) { return s.put(entry); }); },
    all: function () { return withStore("readonly", function (s) { return s.getAll(); }); },
    remove: function (id) { return withStore("readwrite", function (s) { return s.delete(id); }); }
  };

  /* The signature pad: a white canvas the person signs on with a finger; data-signed once something is drawn. */

  function signaturePad(form) {
    var input = form.querySelector("[data-signature-input]");
    if (!input) return;
    var canvas = document.createElement("canvas"), clear = document.createElement("button");
    canvas.width = 600; canvas.height = 200;
    canvas.className = "form-control p-0 mt-2";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", input.dataset.padLabel || "signature pad");
    canvas.style.touchAction = "none";
    canvas.style.height = "120px";
    clear.type = "button"; clear.className = "btn btn-sm mt-1"; clear.textContent = input.dataset.clearLabel || "Clear";
    input.parentNode.insertBefore(clear, input.nextSibling);
    input.parentNode.insertBefore(canvas, clear);
    var pen = canvas.getContext("2d"), drawing = false;
    function blank() { pen.fillStyle = "#fff"; pen.fillRect(0, 0, canvas.width, canvas.height); delete canvas.dataset.signed; }
    function at(event) {
      var box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
    }
    blank();
    pen.lineWidth = 3; pen.lineCap = "round"; pen.strokeStyle = "#111";
    canvas.addEventListener("pointerdown", function (event) { drawing = true; pen.beginPath(); pen.moveTo.apply(pen, at(event)); });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      pen.lineTo.apply(pen, at(event)); pen.stroke(); canvas.dataset.signed = "yes";
    });
    ["pointerup", "pointerleave"].forEach(function (name) { canvas.addEventListener(name, function () { drawing = false; }); });
    clear.addEventListener("click", blank);
    form.signatureCanvas = canvas;
    form.addEventListener("reset", function () { setTimeout(blank, 0); });
  }

  function signatureBlob(form) {
    if (!form.signatureCanvas || !form.signatureCanvas.dataset.signed) return null;
    var data = atob(form.signatureCanvas.toDataURL("image/png").split(",")[1]), bytes = new Uint8Array(data.length);
    for (var i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i);
    return new Blob([bytes], {type: "image/png"});
  }

  function entryFrom(form) {
    var data = new FormData(form), fields = [], photos = [], need = {}, signature = signatureBlob(form);
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (name === "photos") { if (value && value.size) photos.push(value); return; }
      if (name === "signature") { if (!signature && value && value.size) signature = value; return; }
      if (NEED_FIELDS.indexOf(name) >= 0) { need[name] = value; return; }
      if (value !== "") fields.push([API_NAMES[name] || name, value]);
    });
    if (need.need) fields.push(["needs", JSON.stringify([{need: need.need, owner_id: need.need_owner, due_on: need.need_due_on}])]);
    return {client_id: data.get("client_id"), fields: fields, photos: photos, signature: signature,
            saved_at: new Date().toISOString()};
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    var cookie = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return input ? input.value : (cookie ? decodeURIComponent(cookie[1]) : "");
  }

  function apiUrl() {
    var holder = document.querySelector("[data-visit-api]");
    return holder ? holder.dataset.visitApi : "/api/v1/visits/";
  }

  /* Resolves {stored: visit} or {refused: message}; rejects when there is no signal (the entry stays queued). */
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    entry.photos.forEach(function (photo) { body.append("photos", photo, photo.name || "photo.jpg"); });
    if (entry.signature) body.append("signature", entry.signature, "signature.png");
    return fetch(apiUrl(), {method: "POST", body: body, credentials: "same-origin",
                            headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (response.ok) return {stored: json};
          if (response.status === 401 || response.status === 403) throw new Error("signed out");
          return {refused: messageOf(json)};
        });
      });
  }

  function messageOf(json) {
    var errors = json.errors || {}, parts = [];
    Object.keys(errors).forEach(function (key) { parts = parts.concat(errors[key]); });
    if (Array.isArray(json.detail)) json.detail.forEach(function (e) { parts.push((e.loc || []).slice(-1) + ": " + e.msg); });
    else if (!parts.length && json.detail) parts.push(json.detail);
    return parts.join(" ");
  }

  function show(selector, text) {
    var element = document.querySelector(selector);
    if (!element) return;
    if (text !== undefined) element.textContent = text;
    element.classList.remove("d-none");
  }

  function hide(selector) {
    var element = document.querySelector(selector);
    if (element) element.classList.add("d-none");
  }

  function showQueue() {
    return queue.all().then(function (entries) {
      var counter = document.querySelector("[data-visit-queue-count]");
      if (counter) counter.textContent = entries.length;
      if (entries.length) show("[data-visit-queue]"); else hide("[data-visit-queue]");
      return entries;
    });
  }

  var syncing = null;
  function sync() {
    if (syncing) return syncing;
    syncing = queue.all().then(function (entries) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (outcome) {
            if (outcome.refused) show("[data-visit-error]", outcome.refused);
            return queue.remove(entry.client_id);
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* no signal yet: try again when it is back */ })
      .then(function () { syncing = null; return showQueue(); });
    return syncing;
  }

  /* A version-4 UUID; crypto.randomUUID exists only on HTTPS pages, getRandomValues everywhere. */
  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches("[data-visit-form]") || !window.indexedDB) return;
    event.preventDefault();
    hide("[data-visit-error]");
    hide("[data-visit-saved-offline]");
    var entry = entryFrom(form);
    queue.put(entry).then(function () {
      return send(entry).then(function (outcome) {
        if (outcome.refused) {  // not kept: the form still holds it, to correct and send again
          show("[data-visit-error]", outcome.refused);
          return queue.remove(entry.client_id).then(showQueue);
        }
        return queue.remove(entry.client_id).then(function () {
          window.location.href = form.dataset.detail + outcome.stored.id + "/";
        });
      }, function () {  // no signal: it waits on the phone
        show("[data-visit-saved-offline]");
        form.reset();
        form.querySelector("input[name=client_id]").value = uuid4();
        return showQueue();
      });
    });
  }

  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", sync);
  document.addEventListener("DOMContentLoaded", function () {
    /* A fresh id for each opening of the form: a page kept by the service worker carries the id it was
       served with, and two visits recorded from it must not look like one visit sent twice. */
    var form = document.querySelector("[data-visit-form]");
    if (form && window.indexedDB) form.querySelector("input[name=client_id]").value = uuid4();
    if (form) signaturePad(form);
    var holder = document.querySelector("[data-visit-sw]");
    if (holder && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(holder.dataset.visitSw, {scope: holder.dataset.visitScope}).catch(function () {});
    }
    if (window.indexedDB) { if (navigator.onLine) sync(); else showQueue(); }
  });
})();
