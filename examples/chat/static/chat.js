// The chat page: messages arrive over the realtime hub; the room's history comes from the
// database (rendered into the page, and fetched again after each (re)subscription to fill
// any gap); sending goes through POST so a message is stored before anyone sees it.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var room = root.dataset.room, me = root.dataset.name;
  var last = Number(root.dataset.last) || 0;
  var list = document.getElementById("messages");
  var presence = document.getElementById("presence");
  var status = document.getElementById("status");
  var typing = document.getElementById("typing");

  function show(m) {
    if (list.querySelector('[data-id="' + m.id + '"]')) return;
    var li = document.createElement("li");
    li.dataset.id = m.id;
    var b = document.createElement("b");
    b.textContent = m.author;
    var span = document.createElement("span");
    span.textContent = m.text;
    li.append(b, " ", span);
    list.append(li);
    last = Math.max(last, m.id);
    list.scrollTop = list.scrollHeight;
  }

  var rt = new SinewRealtime({ url: "/realtime" });
  var sub = rt.subscribe("chat." + room);
  rt.on("open", function () { status.textContent = "connected"; });
  rt.on("close", function () { status.textContent = "reconnecting…"; });
  sub.on("sinew:subscribed", function () {
    fetch("/rooms/" + room + "/messages?after=" + last)
      .then(function (r) { return r.json(); })
      .then(function (ms) { ms.forEach(show); });
  });
  sub.on("message", show);
  sub.onPresence(function (members) {
    presence.replaceChildren.apply(presence, members.map(function (m) {
      var li = document.createElement("li");
      li.textContent = m.name + (m.id === me ? " (you)" : "");
      return li;
    }));
  });
  var typingTimer;
  sub.on("typing", function (d) {
    if (d.name === me) return;
    typing.textContent = d.name + " is typing…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing.textContent = ""; }, 3000);
  });

  var input = document.getElementById("text");
  var lastTyping = 0;
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 1500 && sub.subscribed) {
      lastTyping = now;
      sub.publish("typing", {}).catch(function () {});
    }
  });
  document.getElementById("send").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    fetch("/rooms/" + room + "/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ text: text }),
    }).then(function (r) {
      if (r.ok) { input.value = ""; return r.json().then(show); }
    });
  });
})();
