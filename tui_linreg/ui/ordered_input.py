"""An Input whose editing keys keep their order with the characters typed around them.

Textual's Input inserts a printable character in its own key handler, but leaves its editing
keys (backspace, delete, the arrows, home, end…) to its bindings, which the App checks only
after the key has gone round: the Input does not handle it, the event bubbles up, and the App
then runs the binding's action on the focused Input. When a backspace and a character arrive
in one burst (a fast typist, a paste through a terminal, tmux's send-keys, a browser's
websocket), the character's event is handled while the backspace is still on its way round:
"0.03", backspace, 7 ends as "0.03" (7 inserted, then deleted), not "0.07". A bare Textual
Input does the same (Textual 8.2.8): worth reporting upstream.

Here the Input runs its own bindings' actions in its key handler, in the order the keys came.
The App's priority bindings (the training keys) are checked before a key reaches the Input,
so they still win.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def _own_keys() -> dict[str, str]:
    """Each of Input's editing keys, and its action."""
    keys: dict[str, str] = {}
    for binding in Input.BINDINGS:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


EDITING_KEYS = _own_keys()


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        action = EDITING_KEYS.get(event.key)
        if action is not None and not event.is_printable:
            event.stop()
            event.prevent_default()
            self._restart_blink()
            await self.run_action(action)
            return
        await super()._on_key(event)
