// Building the page safely: elements are made with createElement and text is
// set with textContent, never parsed as HTML, so whatever a customer or an
// agent wrote shows as text (a "<script>" in a message is just characters).

// el('button', {class: 'primary', type: 'button', onclick: fn, 'aria-label': 'Send'}, 'Send')
// Children may be strings (as text), nodes, arrays of them, or null/false (skipped).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      node.className = value;
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
}

// Replaces the content of node with children.
export function mount(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// "5 min", "3 h", "2 d" since an RFC 3339 time (or until, for a future one).
export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const ms = Math.abs(now - Date.parse(iso));
  const min = Math.round(ms / 60000);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

// Byte offsets (the API's spans are UTF-8 bytes) to string indices.
export function byteToIndex(text, byteOffset) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byteOffset) return i;
    const code = text.codePointAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++; // a surrogate pair is one code point
  }
  return text.length;
}

// The longest start of text of at most maxBytes bytes of UTF-8, never cutting
// a character: the API's text limits are in bytes.
export function cutUtf8(text, maxBytes) {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // a continuation byte
  return new TextDecoder().decode(bytes.subarray(0, end));
}
