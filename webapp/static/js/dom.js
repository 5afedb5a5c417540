// Building the page: every piece of data becomes a text node (textContent), never markup.

/** h("p", {class: "x"}, "text", child): an element; strings are text, null is skipped. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let carryInput = false;

/** While a redraw nobody asked for runs, show() keeps what the forms hold (main.js). */
export function keepInputWhileDrawing(keep) {
  carryInput = keep;
}

/** Replace the main view's content. */
export function show(...children) {
  const main = document.getElementById("main");
  // Read and put back in the same task as the swap: nothing typed in between can be lost.
  const kept = carryInput ? formInput() : [];
  main.replaceChildren(...children.flat().filter(Boolean));
  restoreFormInput(kept);
}

/** What is typed or chosen in the main view's forms that have an id: [form id, name, value]. */
export function formInput() {
  return [...document.querySelectorAll("#main form[id] [name]")]
    .filter((control) => control.type !== "file" && control.type !== "password")
    .map((control) => [control.form.id, control.name, control.value]);
}

/** Put input taken by formInput() back into the redrawn forms of the same id. */
export function restoreFormInput(kept) {
  for (const [formId, name, value] of kept) {
    const control = document.getElementById(formId)?.elements.namedItem(name);
    if (control && "value" in control) control.value = value;
  }
}

let toastTimer;

/** A short message at the bottom of the screen (role=status, read by screen readers). */
export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 4000);
}
