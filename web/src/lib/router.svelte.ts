// Client-side routes: the service answers every page path with the page itself.

let current = $state(typeof location === 'undefined' ? '/' : location.pathname + location.search);

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = location.pathname + location.search;
  });
}

export const router = {
  get path(): string {
    return current.split('?')[0] ?? '/';
  },
  get query(): URLSearchParams {
    return new URLSearchParams(current.split('?')[1] ?? '');
  },
};

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState({}, '', to);
  else history.pushState({}, '', to);
  current = to;
  // Replacing changes the state of the page in view (e.g. its filters), so it keeps its place.
  if (!replace) window.scrollTo(0, 0);
}

/** Makes a link navigate inside the page (a plain left click), like a normal link otherwise. */
export function link(node: HTMLAnchorElement) {
  const onclick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(node.getAttribute('href') ?? '/');
  };
  node.addEventListener('click', onclick);
  return { destroy: () => node.removeEventListener('click', onclick) };
}
