// Translation desk: small progressive enhancements. Every page works without them.
// Part of the project (MIT, see LICENSE.txt).
(function () {
  "use strict";
  var csrf = document.body.dataset.csrf || "";
  var activity = false; // typed since the leases were last renewed

  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      (Array.isArray(value) ? value : [value]).forEach(function (v) { body.append(key, v); });
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }

  function when(stamp) {
    return stamp ? stamp.slice(0, 10) + " " + stamp.slice(11, 16) + " UTC" : "";
  }

  function showFindings(list, findings) {
    list.replaceChildren();
    findings.forEach(function (finding) {
      var item = document.createElement("li");
      item.className = "qa-" + finding.severity;
      var severity = document.createElement("span");
      severity.className = "severity";
      severity.textContent = finding.severity;
      item.append(severity, " " + finding.message);
      list.append(item);
    });
  }

  // Each unit's editor: drafts saved as you type, QA findings following the text,
  // Ctrl+Enter (Cmd+Enter) submits and moves on to the next unit.
  function setUpEditor(form) {
    var unit = form.dataset.unit;
    var area = form.querySelector("textarea[name=text]");
    var saved = form.querySelector(".saved");
    var findings = form.querySelector("ul.qa");
    var lastSaved = area.value;
    var saveTimer = null;
    var qaTimer = null;
    var leaving = false;
    var lost = false; // the lease is gone: the text was kept once, for whoever holds the unit

    function saveDraft() {
      var text = area.value;
      if (leaving || lost || text === lastSaved || !text.trim()) { return; }
      saved.textContent = "saving…";
      post("/units/" + unit + "/draft", { text: text }).then(function (r) {
        if (r.ok) {
          lastSaved = text;
          saved.classList.remove("error");
          saved.textContent = "draft saved " + when(r.json && r.json.saved_at).slice(11, 16);
        } else {
          lost = Boolean(r.json && r.json.kept);
          saved.classList.add("error");
          saved.textContent = (r.json && r.json.error) || "not saved (" + r.status + ")";
        }
      }).catch(function () { saved.textContent = "not saved: the desk cannot be reached"; });
    }

    function checkText() {
      post("/units/" + unit + "/qa", { text: area.value }).then(function (r) {
        if (r.ok && Array.isArray(r.json)) { showFindings(findings, r.json); }
      }).catch(function () {});
    }

    area.addEventListener("input", function () {
      activity = true;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveDraft, 1500);
      clearTimeout(qaTimer);
      qaTimer = setTimeout(checkText, 400);
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit(form.querySelector("button.submit"));
      }
    });
    form.addEventListener("submit", function () {
      leaving = true;
      clearTimeout(saveTimer);
      clearTimeout(qaTimer);
    });
  }

  document.querySelectorAll("form.editor").forEach(setUpEditor);

  // Memory matches: "Insert" puts the match into the editor instead of saving it at once.
  document.querySelectorAll("button.insert").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var area = document.getElementById("t" + button.dataset.unit);
      if (!area) { return; }
      event.preventDefault();
      area.value = button.dataset.text;
      area.dispatchEvent(new Event("input", { bubbles: true }));
      area.focus();
    });
  });

  // The leases shown are renewed while you work (only after typing since the last renewal).
  var renewForm = document.getElementById("renew-form");
  if (renewForm) {
    var seconds = parseInt(renewForm.dataset.seconds, 10) || 300;
    setInterval(function () {
      if (!activity) { return; }
      activity = false;
      var units = Array.prototype.map.call(
        renewForm.querySelectorAll("input[name=unit]"), function (input) { return input.value; });
      var note = document.getElementById("lease-note");
      post("/leases/renew", { unit: units }).then(function (r) {
        if (r.ok) {
          document.getElementById("lease-until").textContent = when(r.json.until);
          note.textContent = "renewed";
        } else {
          note.textContent = (r.json && r.json.error) || "could not renew the leases";
        }
      }).catch(function () { note.textContent = "could not renew: the desk cannot be reached"; });
    }, seconds * 1000);
  }

  // After "submit and next" the page opens at the next unit: put the cursor in its editor
  // (once the browser has scrolled to the #u<unit> anchor, which takes the focus away).
  function focusEditor() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var area = (target && target.querySelector("textarea")) ||
      document.querySelector("form.editor textarea");
    if (area) {
      area.focus({ preventScroll: true });
      area.closest("li").scrollIntoView({ block: "center" });
    }
  }
  if (document.readyState === "complete") {
    setTimeout(focusEditor, 0);
  } else {
    window.addEventListener("load", function () { setTimeout(focusEditor, 0); });
  }
}());
