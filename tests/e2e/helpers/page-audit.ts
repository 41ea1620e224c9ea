// What a person on a phone runs into, measured on the page as drawn (through
// every shadow root): controls too small for a finger, text too faint for its
// background, anything wider than the screen. Each returns one line per
// offender, so a test's failure names them.
import type { Page } from 'playwright-core';

/** A finger's target: 44 CSS px, Apple's and WCAG 2.5.5's figure. */
export const TAP_MIN = 44;

/**
 * Controls whose tap area is under TAP_MIN × TAP_MIN. The area is what a
 * finger hits: points TAP_MIN / 2 from the control's centre must land on it
 * (so a pseudo-element that enlarges the area counts, and a neighbour on top
 * does not). Links inside running text are left out (WCAG's inline exception),
 * and a checkbox or radio counts by its label.
 */
export async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const all: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const deepest = (x: number, y: number): Element | null => {
      let hit = document.elementFromPoint(x, y);
      while (hit?.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(x, y);
        if (!inner || inner === hit) break;
        hit = inner;
      }
      return hit;
    };
    const contains = (outer: Element, inner: Element | null): boolean => {
      for (let node: Node | null = inner; node; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) {
        if (node === outer) return true;
      }
      return false;
    };
    const inline = (el: Element) => {
      if (getComputedStyle(el).display !== 'inline') return false;
      const text = el.parentElement?.textContent?.trim() ?? '';
      return text.length > (el.textContent?.trim().length ?? 0);
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30)}" in ${(el.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? 'document'}`;
    const found: string[] = [];
    for (const control of all) {
      if (!control.matches('a[href],button,input:not([type=hidden]),select,textarea,summary,[role=button],[role=tab],[tabindex="0"]'))
        continue;
      const target = control.matches('input[type=checkbox],input[type=radio]')
        ? ((control as HTMLInputElement).labels?.[0] ?? control)
        : control;
      const style = getComputedStyle(target);
      if (style.visibility === 'hidden' || ((target as HTMLElement).offsetParent === null && style.position !== 'fixed')) continue;
      let box = target.getBoundingClientRect();
      // A visually hidden control (a file input behind its button) is not a target.
      if (box.width <= 1 || box.height <= 1 || inline(target)) continue;
      if (box.width >= min && box.height >= min) continue;
      target.scrollIntoView({ block: 'center', inline: 'center' });
      box = target.getBoundingClientRect();
      // Out of reach until focused (a skip link).
      if (box.bottom <= 0 || box.right <= 0) continue;
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      const reach = [
        [cx - min / 2 + 1, cy],
        [cx + min / 2 - 1, cy],
        [cx, cy - min / 2 + 1],
        [cx, cy + min / 2 - 1],
      ];
      if (reach.every(([x, y]) => contains(target, deepest(x!, y!)))) continue;
      found.push(`${name(control)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    window.scrollTo(0, 0);
    return found;
  }, TAP_MIN);
}

/**
 * Text whose colour against the background behind it is under WCAG AA (4.5:1,
 * or 3:1 for large text). The background is the element's and its ancestors'
 * colours laid over each other; text over an image or a gradient, and disabled
 * controls (exempt), are skipped.
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!probe) throw new Error('no 2d context');
    /** Any CSS colour as [r, g, b, a] (0–255, a 0–1), through a canvas so color-mix() and names resolve. */
    const rgba = (css: string): [number, number, number, number] => {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = '#000';
      probe.fillStyle = css;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const over = (top: [number, number, number, number], under: [number, number, number]): [number, number, number] => [
      top[0] * top[3] + under[0] * (1 - top[3]),
      top[1] * top[3] + under[1] * (1 - top[3]),
      top[2] * top[3] + under[2] * (1 - top[3]),
    ];
    const luminance = ([r, g, b]: [number, number, number]) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
    /** The colour behind an element, or null when an image or gradient is part of it. */
    const background = (el: Element): [number, number, number] | null => {
      const layers: Array<[number, number, number, number]> = [];
      for (let node: Element | null = el; node; node = parentOf(node)) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== 'none') return null;
        const colour = rgba(style.backgroundColor);
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] === 1) break;
      }
      return layers.reduceRight<[number, number, number]>((under, top) => over(top, under), [255, 255, 255]);
    };
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
        if (!text || el.closest(':disabled, [aria-hidden="true"]')) continue;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
        const behind = background(el);
        if (!behind) continue;
        const fg = over(rgba(style.color), behind);
        const [hi, lo] = [luminance(fg), luminance(behind)].sort((a, b) => b - a);
        const ratio = (hi! + 0.05) / (lo! + 0.05);
        const size = Number.parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio >= (large ? 3 : 4.5)) continue;
        const host = (el.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? 'document';
        found.push(
          `${el.tagName.toLowerCase()} "${el.textContent?.trim().replace(/\s+/g, ' ').slice(0, 30)}" in ${host}: ${ratio.toFixed(2)}`,
        );
      }
    };
    walk(document);
    return found;
  });
}

/**
 * Selects whose chosen option is wider than the box shows (cut off when
 * closed): the option's text measured in the select's font against its
 * content box less the arrow.
 */
export async function clippedSelects(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const ruler = document.createElement('canvas').getContext('2d');
    if (!ruler) throw new Error('no 2d context');
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (!(el instanceof HTMLSelectElement) || el.getBoundingClientRect().width === 0) continue;
        const text = el.selectedOptions[0]?.textContent?.trim() ?? '';
        const style = getComputedStyle(el);
        ruler.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = el.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight) - 20;
        const width = ruler.measureText(text).width;
        if (width > room)
          found.push(
            `select "${text}" in ${(el.getRootNode() as ShadowRoot).host?.tagName.toLowerCase()}: ${Math.round(width)} > ${Math.round(room)} px`,
          );
      }
    };
    walk(document);
    return found;
  });
}

/**
 * How far the page is wider than the screen (0 when nothing sticks out). Against
 * the screen, not innerWidth: a mobile browser widens its layout viewport to
 * take in what sticks out, and zooms out.
 */
export async function sidewaysScroll(page: Page): Promise<number> {
  const screen = page.viewportSize()?.width;
  if (screen === undefined) throw new Error('the page has no fixed viewport');
  return (await page.evaluate(() => document.documentElement.scrollWidth)) - screen;
}
