// Paths in the address bar without a page load: the hub answers every console path with
// the page, and links here only push a new history entry.
import { useEffect, useState } from 'preact/hooks';

const moved = new EventTarget();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  moved.dispatchEvent(new Event('move'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = (): void => setPath(location.pathname);
    addEventListener('popstate', update);
    moved.addEventListener('move', update);
    return () => {
      removeEventListener('popstate', update);
      moved.removeEventListener('move', update);
    };
  }, []);
  return path;
}

/** For an <a>: a plain click moves within the console, a modified one opens a tab as usual. */
export function follow(event: MouseEvent): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = event.currentTarget;
  if (!(target instanceof HTMLAnchorElement)) return;
  event.preventDefault();
  navigate(target.pathname + target.search);
}
