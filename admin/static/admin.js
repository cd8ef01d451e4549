// Sinew admin: the little the pages need beyond HTML. Everything works without it.
document.addEventListener("DOMContentLoaded", () => {
  // Select all rows of a list page.
  for (const all of document.querySelectorAll("[data-select-all]")) {
    const boxes = () => all.closest("form").querySelectorAll('input[name="ids"]');
    all.addEventListener("change", () => { for (const b of boxes()) b.checked = all.checked; });
  }

  // Foreign keys to big tables: a search box that fills the key input from /lookup.
  const cfg = document.getElementById("admin-lookups");
  if (!cfg) return;
  for (const [id, url] of Object.entries(JSON.parse(cfg.textContent))) {
    const input = document.getElementById(id);
    if (!input) continue;
    const box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Search…";
    box.setAttribute("aria-label", "Search for " + (input.labels[0] ? input.labels[0].textContent : "an object"));
    box.setAttribute("aria-controls", id + "_results");
    const list = document.createElement("ul");
    list.id = id + "_results";
    list.className = "lookup";
    list.setAttribute("role", "listbox");
    input.after(box, list);
    let timer;
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const res = await fetch(url + "?q=" + encodeURIComponent(box.value), { headers: { Accept: "application/json" } });
        if (!res.ok) return;
        list.replaceChildren();
        for (const item of await res.json()) {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.tabIndex = 0;
          li.textContent = item.label + " (" + item.id + ")";
          const pick = () => { input.value = item.id; box.value = item.label; list.replaceChildren(); };
          li.addEventListener("click", pick);
          li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); pick(); } });
          list.append(li);
        }
      }, 200);
    });
  }
});
