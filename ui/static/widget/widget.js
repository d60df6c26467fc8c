/*
 * Embeddable chat widget. One line on any page:
 *   <script src="http://HOST:PORT/widget.js" data-title="Spørg artiklen" defer></script>
 * Options (data-*): title, greeting, color (#hex), position (bottom-right | bottom-left),
 * open ("true" opens the panel on load). Everything lives in a Shadow DOM and an iframe
 * served by the assistant, so the page's CSS cannot break the widget and the widget cannot
 * break the page. No request goes anywhere but the assistant's own server.
 */
(() => {
  const script = document.currentScript;
  if (!script || window.__assistantWidget) return;
  window.__assistantWidget = true;
  const base = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const title = data.title || "Spørg artiklen";
  const greeting = data.greeting || "";
  const color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#0b4f9c";
  const left = data.position === "bottom-left";

  const host = document.createElement("div");
  host.style.all = "initial";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher, .panel { position: fixed; ${left ? "left" : "right"}: 20px; z-index: 2147483000;
        font: 16px/1.4 system-ui, sans-serif; }
      .launcher { bottom: 20px; background: ${color}; color: #fff; border: 2px solid #fff;
        border-radius: 999px; padding: 12px 18px; cursor: pointer; box-shadow: 0 2px 10px #0005; }
      .launcher:focus-visible, .close:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
      .panel { bottom: 80px; width: min(400px, calc(100vw - 40px)); height: min(600px, calc(100vh - 110px));
        background: #fff; color: #1a1a1a; border: 1px solid #767676; border-radius: 12px;
        box-shadow: 0 4px 24px #0006; display: flex; flex-direction: column; overflow: hidden; }
      .panel[hidden] { display: none; }
      header { display: flex; align-items: center; justify-content: space-between;
        background: ${color}; color: #fff; padding: 8px 12px; }
      h2 { font-size: 16px; margin: 0; }
      .close { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 6px;
        padding: 4px 10px; cursor: pointer; font: inherit; }
      iframe { border: 0; flex: 1; width: 100%; }
      .refusal { padding: 16px; }
    </style>
    <button class="launcher" type="button" aria-expanded="false" aria-controls="panel"></button>
    <section class="panel" id="panel" role="dialog" aria-modal="false" hidden>
      <header><h2></h2><button class="close" type="button">Luk</button></header>
      <div class="body"></div>
    </section>`;
  const launcher = root.querySelector(".launcher");
  const panel = root.querySelector(".panel");
  const body = root.querySelector(".body");
  launcher.textContent = title;
  launcher.setAttribute("aria-label", `Åbn chat: ${title}`);
  panel.setAttribute("aria-label", title);
  root.querySelector("h2").textContent = title;
  let loaded = false;

  const refuse = (text) => {
    body.replaceChildren();
    const message = document.createElement("p");
    message.className = "refusal";
    message.setAttribute("role", "alert");
    message.textContent = text;
    body.append(message);
  };

  const load = async () => {
    loaded = true;
    try {
      const response = await fetch(`${base}/api/widget`, { credentials: "omit" });
      if (!response.ok) throw new Error(String(response.status));
    } catch {
      refuse("Assistenten må ikke bruges på denne side. Kontakt den, der driver intranettet.");
      return;
    }
    const frame = document.createElement("iframe");
    frame.title = title;
    const params = new URLSearchParams({ greeting, color });
    frame.src = `${base}/widget/frame?${params}`;
    body.style.cssText = "flex:1;display:flex";
    body.replaceChildren(frame);
    frame.addEventListener("load", () => frame.focus());
  };

  const open = () => {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (!loaded) load();
    else root.querySelector("iframe, .refusal")?.focus?.();
    root.querySelector(".close").focus();
  };
  const close = () => {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  };
  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  root.querySelector(".close").addEventListener("click", close);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) close();
  });
  window.addEventListener("message", (event) => {
    if (event.origin === base && event.data === "assistant-widget:close" && !panel.hidden) close();
  });

  document.body.append(host);
  if (data.open === "true") open();
})();
