// The controller's JSON API and its event stream (docs/console.md). Same origin only; the
// browser sends basic-auth credentials by itself once given.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  const response = await fetch(path, {headers: {Accept: 'application/json'}, cache: 'no-store'});
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error || message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return response.json();
}

export async function triggerReconcile(key, secret) {
  const response = await fetch(`/api/v1/deployments/${key}/reconcile`, {
    method: 'POST',
    headers: {'X-Spaceport-Trigger': secret},
  });
  let body = {};
  try {
    body = await response.json();
  } catch {
    // keep {}
  }
  if (!response.ok) throw new ApiError(response.status, body.error || `${response.status}`);
  return body;
}

// Server-sent events with reconnection. EventSource retries by itself after a dropped connection
// (the `retry:` the server sends); when it gives up (an answer that is not an event stream, such
// as a 503 while the controller restarts) a new one is made after `retryMs`. `onOpen(reconnected)`
// tells the page to reload what it shows, as events may have been missed meanwhile.
export function connectEvents({onOpen, onDown, onEvent, retryMs = 2000}) {
  let source = null;
  let opened = false;
  let closed = false;
  let timer = null;
  const open = () => {
    if (closed) return;
    source = new EventSource('/api/v1/events');
    source.addEventListener('open', () => {
      onOpen(opened);
      opened = true;
    });
    source.addEventListener('error', () => {
      onDown();
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        timer = setTimeout(open, retryMs);
      }
    });
    for (const name of ['hello', 'deployment', 'fleet']) {
      source.addEventListener(name, (event) => {
        let data = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        onEvent(name, data);
      });
    }
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (source) source.close();
    },
  };
}
