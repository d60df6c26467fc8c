// The chat page's only script: served inline by our own server, no external requests.
(() => {
  document.documentElement.lang = "da";

  // A citation marker [n] opens the cited passage under its answer and moves focus to it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.cite");
    if (!link) return;
    const target = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!target) return;
    event.preventDefault();
    document.querySelectorAll("details.valgt").forEach((d) => d.classList.remove("valgt"));
    target.open = true;
    target.classList.add("valgt");
    const summary = target.querySelector("summary");
    if (summary) summary.focus();
    target.scrollIntoView({ block: "nearest" });
  });

  // Gradio's own buttons speak English; the page speaks Danish.
  const LABELS = {
    "Like": "Godt svar",
    "Dislike": "Dårligt svar",
    "Copy message": "Kopiér beskeden",
    "Copied message": "Beskeden er kopieret",
    "Clear": "Ryd samtalen",
    "Copy conversation": "Kopiér samtalen",
  };

  // Gradio labels each message with its HTML source; screen readers should read the text.
  // The conversation is announced as it grows.
  const tidy = () => {
    // Gradio's "queue is full" notice, in Danish.
    document.querySelectorAll("[class*='toast'] *").forEach((el) => {
      if (el.childElementCount === 0 && /^Queue is full/.test(el.textContent || "")) {
        el.textContent = "Der er travlt lige nu. Prøv igen om lidt.";
      }
    });
    document.querySelectorAll("button[aria-label], button[title]").forEach((button) => {
      for (const attribute of ["aria-label", "title"]) {
        const danish = LABELS[button.getAttribute(attribute)];
        if (danish) button.setAttribute(attribute, danish);
      }
    });
    document
      .querySelectorAll("#samtale [data-testid][aria-label]")
      .forEach((el) => el.removeAttribute("aria-label"));
    const log = document.querySelector("#samtale [role='log']") || document.querySelector("#samtale");
    if (log && log.getAttribute("aria-live") !== "polite") {
      log.setAttribute("aria-live", "polite");
      log.setAttribute("aria-relevant", "additions text");
    }
  };
  new MutationObserver(tidy).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-label", "title"],
  });
})();
