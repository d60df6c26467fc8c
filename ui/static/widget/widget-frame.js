// The widget's chat: talks only to this server's /api/ask/stream. All text is set with
// textContent, never as HTML, so nothing from a question, answer or article can run.
(() => {
  const params = new URLSearchParams(location.search);
  const color = params.get("color") || "";
  if (/^#[0-9a-fA-F]{3,8}$/.test(color)) document.documentElement.style.setProperty("--primary", color);
  const log = document.getElementById("samtale");
  const form = document.getElementById("formular");
  const input = document.getElementById("spoergsmaal");
  const error = document.getElementById("fejl");
  let history = [];
  let turn = 0;

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const greet = () => {
    const greeting = params.get("greeting");
    if (greeting) log.append(el("div", "besked svar", greeting));
  };

  const withMarkers = (paragraph, text, turnId) => {
    // "… [1] …": each marker becomes a button that opens the cited passage.
    text.split(/(\[\d+\])/).forEach((part) => {
      const match = part.match(/^\[(\d+)\]$/);
      if (!match) return paragraph.append(document.createTextNode(part));
      const button = el("button", "cite", part);
      button.type = "button";
      button.setAttribute("aria-label", `Vis kilde ${match[1]}`);
      button.addEventListener("click", () => {
        const target = document.getElementById(`k-${turnId}-${match[1]}`);
        if (!target) return;
        log.querySelectorAll("details.valgt").forEach((d) => d.classList.remove("valgt"));
        target.open = true;
        target.classList.add("valgt");
        target.querySelector("summary").focus();
        target.scrollIntoView({ block: "nearest" });
      });
      paragraph.append(button);
    });
  };

  const highlighted = (text, sentences) => {
    const quote = el("blockquote");
    let rest = text;
    for (const sentence of sentences) {
      const at = rest.indexOf(sentence);
      if (at < 0) continue;
      quote.append(document.createTextNode(rest.slice(0, at)), el("mark", "", sentence));
      rest = rest.slice(at + sentence.length);
    }
    quote.append(document.createTextNode(rest));
    return quote;
  };

  const render = (box, answer) => {
    box.replaceChildren();
    const turnId = turn++;
    if (answer.abstained) {
      box.classList.add("afvist");
      box.append(el("p", "afvist-titel", "Ikke i artiklen"));
      box.append(el("p", "", answer.answer.split("\n")[0]));
      if (answer.suggestions.length) {
        box.append(el("p", "", "Prøv i stedet at spørge:"));
        const list = el("ul");
        answer.suggestions.forEach((s) => list.append(el("li", "", s)));
        box.append(list);
      }
      return;
    }
    if (answer.corrections && answer.corrections.length) {
      const pairs = answer.corrections.map((c) => `${c.from} → ${c.to}`).join(", ");
      box.append(el("p", "laest-som", `Læst som: ${pairs}`));
    }
    if (answer.confidence === "low") {
      box.classList.add("delvist");
      box.append(el("p", "delvist-titel", "Artiklen svarer kun delvist"));
    }
    if (answer.sentences) {
      // A generated answer: each sentence with its markers, unsupported ones flagged.
      const paragraph = el("p");
      answer.sentences.forEach((s) => {
        const markers = s.citations.map((n) => ` [${n}]`).join("");
        const span = el("span", s.supported ? "" : "uunderbygget");
        withMarkers(span, `${s.text}${markers} `, turnId);
        if (!s.supported) span.append(el("strong", "", "(ikke underbygget af artiklen) "));
        paragraph.append(span);
      });
      box.append(paragraph);
    } else {
      answer.answer.split("\n").forEach((line) => {
        const paragraph = el("p", line === answer.notice ? "notits" : "");
        withMarkers(paragraph, line, turnId);
        box.append(paragraph);
      });
    }
    const sources = el("div", "kilder");
    sources.append(el("p", "kilder-titel", "Kilder"));
    answer.citations.forEach((c) => {
      const details = el("details");
      details.id = `k-${turnId}-${c.n}`;
      details.append(el("summary", "", `[${c.n}] ${c.label}`));
      details.append(highlighted(c.text, c.sentences || [c.quote]));
      sources.append(details);
    });
    box.append(sources);
  };

  const ask = async (question) => {
    error.textContent = "";
    log.append(el("div", "besked spm", question));
    const box = el("div", "besked svar", "Finder svaret i artiklen …");
    log.append(box);
    box.scrollIntoView({ block: "end" });
    let response;
    try {
      response = await fetch("/api/ask/stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question, history }),
      });
    } catch {
      box.remove();
      error.textContent = "Assistenten kan ikke nås lige nu. Prøv igen om lidt.";
      return false;
    }
    if (!response.ok) {
      box.remove();
      const problem = await response.json().catch(() => ({}));
      error.textContent = problem.message || "Der skete en fejl. Prøv igen.";
      return false;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (event.type === "delta") box.textContent = `${event.text} …`;
        if (event.type === "answer") {
          render(box, event.answer);
          history = [...history, { role: "user", content: question },
            { role: "assistant", content: event.answer.answer }];
        }
        if (event.type === "error") error.textContent = event.message;
      }
    }
    box.scrollIntoView({ block: "end" });
    return true;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value;
    if (!question.trim()) {
      error.textContent = "Skriv et spørgsmål om artiklen.";
      return;
    }
    if (await ask(question)) input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.getElementById("ny-samtale").addEventListener("click", () => {
    history = [];
    log.replaceChildren();
    greet();
    input.focus();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") parent.postMessage("assistant-widget:close", "*");
  });
  greet();
  input.focus();
})();
