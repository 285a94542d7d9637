// Moves the keyboard focus to an element when it appears, e.g. the first field of a form the
// user just opened, or the button that confirms what they just asked for.

export function focusOnMount(node: HTMLElement): void {
  node.focus();
}
