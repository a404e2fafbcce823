// Building the page safely: every value from the API becomes a text node or an attribute value,
// never markup. The console uses no HTML-parsing sink at all (no inner or outer HTML assignment,
// no insertAdjacentHTML, no document.write; a unit test checks the files); h() is the only way
// elements are made, and it refuses attributes that could run code.

const SVG_NS = 'http://www.w3.org/2000/svg';
const FORBIDDEN = /^(on|style$|srcdoc$|formaction$)/i;

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (FORBIDDEN.test(name)) throw new Error(`attribute ${name} is not allowed`);
    if (name === 'href') {
      el.setAttribute('href', safeHref(String(value)));
    } else if (name === 'dataset') {
      for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    } else if (name === 'onClick' || name === 'on') {
      throw new Error('use listen()');
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

// Only links within the console, or to http(s) pages (a Space, a build run); anything else
// (javascript:, data:) becomes an inert '#'.
export function safeHref(url) {
  if (url.startsWith('#') || url.startsWith('/')) return url.startsWith('//') ? '#' : url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// h('a', {href: '#/x', class: 'k'}, 'text', otherNode)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  return append(el, children);
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttributes(el, attrs);
  return append(el, children);
}

export function listen(el, event, handler) {
  el.addEventListener(event, handler);
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
