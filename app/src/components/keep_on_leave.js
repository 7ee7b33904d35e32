// Keeps a half-filled referral step when the person leaves the page without sending
// it: the browser's back or forward, the step's own "back" link, a closed tab. The
// form goes to the server as "keep", which holds it as the draft's unfinished step, so
// coming back shows what was typed (the browser itself does not restore fields such as
// the identity number, which it must not remember).
const form = document.getElementById("kept-form");
if (form && form.action) {
  let changed = false;
  let sending = false;
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  form.addEventListener("submit", () => { sending = true; });
  window.addEventListener("pagehide", () => {
    if (!changed || sending) return;
    const data = new URLSearchParams(new FormData(form));
    data.set("fields[_keep]", "yes");
    navigator.sendBeacon(form.action, data);
    changed = false;
  });
  // Shown again from the browser's cache: whatever changes now is new.
  window.addEventListener("pageshow", () => { sending = false; });
}
