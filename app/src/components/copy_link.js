// Shows the copy buttons of CopyLink fields where the browser can copy (a secure
// page), and copies the field's address on a click; without it the field can still be
// selected by hand.
if (navigator.clipboard) {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.closest(".copy-link")?.querySelector("[data-copied]");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = status.dataset.copied;
      } catch {
        field.select();
      }
    });
  }
}
