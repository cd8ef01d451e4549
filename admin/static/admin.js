// Sinew admin: the little the pages need beyond HTML. Everything works without it.
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("[data-select-all]")) {
    const boxes = () => all.closest("form").querySelectorAll('input[name="ids"]');
    all.addEventListener("change", () => { for (const b of boxes()) b.checked = all.checked; });
  }
});
