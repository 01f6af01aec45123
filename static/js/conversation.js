// Keeps an open conversation up to date without reloading (the page works without it).
// Every 15 seconds while the tab is visible it asks whether anything changed since the stamp
// the list carries: 204 means nothing did; otherwise the answer is the new list, swapped in.
// It stops while the tab is hidden and asks at once when it is shown again.
(function () {
  "use strict";
  var timer = null;

  function list() {
    return document.getElementById("message-list");
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  // Tell screen reader users when a message from the other member arrived.
  function announce(before, fresh) {
    var status = document.getElementById("message-status");
    var last = fresh.lastElementChild;
    if (status && fresh.dataset.newest !== before && last && !last.classList.contains("message--mine")) {
      status.textContent = "New message";
    }
  }

  // Put a fresh list (from a check or from sending) in place of the old one.
  function replace(html) {
    var current = list();
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.getElementById("message-list");
    if (!current || !fresh) return false;
    var follow = nearBottom();
    var before = current.dataset.newest;
    current.replaceWith(fresh);
    announce(before, fresh);
    if (follow) fresh.lastElementChild && fresh.lastElementChild.scrollIntoView({ block: "end" });
    if (window.htmx) window.htmx.process(fresh);
    return true;
  }

  function schedule() {
    if (timer === null && !document.hidden && list() && list().dataset.changesUrl) {
      timer = window.setTimeout(check, parseInt(list().dataset.every, 10) || 15000);
    }
  }

  function check() {
    timer = null;
    var current = list();
    if (!current || !current.dataset.changesUrl || document.hidden) return;
    var url = current.dataset.changesUrl + "?since=" + encodeURIComponent(current.dataset.stamp || "");
    fetch(url, { credentials: "same-origin", redirect: "error" })
      .then(function (response) {
        if (response.status === 204) return true;
        if (!response.ok) return false;
        return response.text().then(replace);
      })
      .then(function (keepGoing) {
        if (keepGoing) schedule();
      })
      .catch(function () {
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      check();
    }
  });

  // After htmx sent a message and swapped the new list in, empty the box. A refusal comes back
  // as the form itself (retargeted), with the words kept.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    if (!detail.successful || !detail.elt || detail.elt.id !== "message-form") return;
    if (detail.xhr && detail.xhr.getResponseHeader("HX-Retarget")) return;
    detail.elt.reset();
    var fresh = list();
    if (fresh && fresh.lastElementChild) fresh.lastElementChild.scrollIntoView({ block: "end" });
  });

  schedule();
})();
